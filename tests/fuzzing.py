"""Random hostile updates for the bot: a seeded generator, so every failure can be replayed.

Used by tests/test_fuzz.py (a few hundred updates) and bench/fuzz.py (thousands).
Each update is valid Bot API JSON, as Telegram would deliver it, carrying what
people and forgers can put in it: huge, empty and whitespace text, control,
RTL and zero-width characters, HTML and entity injection, forged and oversized
callback data, documents of every wrong kind, JSON nesting bombs.
"""

from __future__ import annotations

import json
import random
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fake_botapi import BOT_ID, BOT_USERNAME, FakeBotApi

NASTY = [
    "\u202e", "\u200b", "\u200d", "\ufeff", "\u2066", "\x00", "\x07", "\x1b[31m", "\r\n", "\t", "\u0301",
    "<b>", "</b>", "<a href='javascript:alert(1)'>x</a>", "&amp;", "&", "&#0;", "<", ">", '"', "<script>",
    "<tg-spoiler>", "]]>", "{{7*7}}", "%s%n", "'; drop table facts; --", "🇯🇵", "👨‍👩‍👧", "𝕏", "ｈｏｗ", "北朝鮮",
    "兵士", "何人", "soldiers", "how many", "?", "？", "@" + BOT_USERNAME, "@someone", "#12", "-1", "9" * 30,
    "1e309", "NaN", " | ", "|", "/", "\\", "\ud7ff", "\U0010ffff",
]
COMMANDS = ["/start", "/help", "/ask", "/add", "/edit", "/delete", "/restore", "/facts", "/fact", "/import",
            "/export", "/history", "/undo", "/cancel", "/skip", "/nonsense", "/start@" + BOT_USERNAME,
            "/ask@otherbot"]
PREFIXES = ["ask:", "wrong:", "del:yes:", "del:no:", "facts:", "add:save", "add:cancel", "addlang:ja", "addlang:en",
            "addlang:xx", "del:", "", "ask", "wrong:1:2", "facts:1:", "facts::1"]
NUMBERS = ["0", "1", "6", "-1", "007", "99999999999", "999999999999", "9999999999999999999999999", "1.5", "٣",
           "１２", "1e3", " 1", ""]


def nasty_text(rng: random.Random) -> str:
    """Up to a few thousand characters from the list above and random code points."""
    kind = rng.random()
    if kind < 0.05:
        return ""
    if kind < 0.1:
        return rng.choice([" ", "\n\n", "\u200b", "\ufeff \u202e"])
    if kind < 0.17:
        return rng.choice(NASTY) * rng.randint(100, 5000)
    parts = []
    for _ in range(rng.randint(1, 12)):
        if rng.random() < 0.6:
            parts.append(rng.choice(NASTY))
        else:
            parts.append("".join(chr(rng.choice([rng.randint(32, 0x2FF), rng.randint(0x3000, 0x9FFF),
                                                 rng.randint(0x1F300, 0x1FAFF)]))
                                 for _ in range(rng.randint(1, 30))))
    return rng.choice(["", " "]).join(parts)


def forged_callback_data(rng: random.Random) -> str:
    """Callback data as a forger writes it: known prefixes, bad numbers, and over 64 bytes."""
    kind = rng.random()
    if kind < 0.6:
        data = rng.choice(PREFIXES) + rng.choice(NUMBERS)
        if data.startswith("facts:") and rng.random() < 0.5:
            data += ":" + rng.choice(NUMBERS)
        return data
    if kind < 0.8:
        return nasty_text(rng)[:64]
    return rng.choice(PREFIXES) + "9" * rng.randint(60, 300)


def bad_document(rng: random.Random) -> tuple[bytes, str, str | None, int | None]:
    """(content, file name, mime type, declared size) of a file nobody should be able to break /import with."""
    depth = rng.choice([21, 1000, 100_000])
    contents = [
        b"[" * depth + b"]" * depth,
        b'{"facts": ' * depth + b"[]" + b"}" * depth,
        b"[" * depth,
        b"\xff\xfe\x00garbage",
        b"",
        b"[]",
        b"{}",
        b"null",
        b'[{"question": "q"}]',
        b'[{"question": "' + "<b>&".encode() * 200 + b'", "answer": "a", "source_url": "javascript:x",'
        b' "source_title": "t", "id": 99999999999999999999999}]',
        b"question,answer\n" + b"a," * 1000 + b"\n",
        b"question;answer;source_url;source_title\nq;a;https://e.org;t\n",
        b"question,answer,source_url,source_title\n\"unclosed,a,b,c\n",
        b"\x00" * 100,
        json.dumps([{"id": -1}] * 30).encode(),
        nasty_text(rng).encode("utf-8", "surrogatepass"),
    ]
    content = rng.choice(contents)
    name = rng.choice(["facts.json", "facts.csv", "facts.JSON", "x.png", "", "a" * 300 + ".json", "../../etc/passwd",
                       "facts.json.exe", nasty_text(rng)[:50] + ".csv"])
    mime = rng.choice([None, "application/json", "text/csv", "image/png", "application/octet-stream"])
    size = rng.choice([len(content), None, 10**12, 0, -1]) if rng.random() < 0.3 else len(content)
    return content, name, mime, size


class UpdateFactory:
    """Updates from random people (or one sender), in random chats, numbered like Telegram's."""

    def __init__(self, api: FakeBotApi, seed: int, user_ids: list[int]) -> None:
        self.api = api
        self.rng = random.Random(seed)
        self.user_ids = user_ids
        self._update_id = 0
        self._message_id = 0

    def __call__(self) -> dict[str, Any]:
        self._update_id += 1
        rng = self.rng
        kind = rng.random()
        if kind < 0.3:
            body: dict[str, Any] = {"callback_query": self._callback_query()}
        elif kind < 0.4:
            caption = rng.choice([None, None, "/import", "/import replace", "/import@" + BOT_USERNAME, nasty_text(rng)])
            extra = {"caption": caption} if caption else {}
            body = {"message": self._message(document=self._document(), **extra)}
        elif kind < 0.45:
            body = {"edited_message": self._message(text=nasty_text(rng) or "x")}
        elif kind < 0.5:
            body = {"message": self._message(sticker={"file_id": "s", "file_unique_id": "s", "type": "regular",
                                                       "width": 1, "height": 1, "is_animated": False,
                                                       "is_video": False})}
        elif kind < 0.53:
            body = {"channel_post": self._message(text=nasty_text(rng) or "x", sender=False, chat_type="channel")}
        else:
            body = {"message": self._message(**self._text())}
        return {"update_id": self._update_id, **body}

    # -- pieces -------------------------------------------------------------------------------

    def _user(self) -> dict[str, Any]:
        user_id = self.rng.choice(self.user_ids)
        user = {"id": user_id, "is_bot": False, "first_name": nasty_text(self.rng)[:64] or "x"}
        language = self.rng.choice([None, "en", "ja", "ar", "xx-YY", ""])
        if language is not None:
            user["language_code"] = language
        return user

    def _chat(self, user: dict[str, Any] | None, chat_type: str | None = None) -> dict[str, Any]:
        chat_type = chat_type or self.rng.choice(["private", "private", "private", "group", "supergroup"])
        if chat_type == "private" and user is not None:
            return {"id": user["id"], "type": "private"}
        return {"id": -1000 - self.rng.randint(0, 3), "type": chat_type, "title": nasty_text(self.rng)[:50] or "g"}

    def _message(self, sender: bool = True, chat_type: str | None = None, **content: Any) -> dict[str, Any]:
        self._message_id += 1
        user = self._user() if sender else None
        message = {"message_id": self._message_id, "date": int(time.time()), "chat": self._chat(user, chat_type),
                   **content}
        if user is not None:
            message["from"] = user
        if self.rng.random() < 0.1:
            message["reply_to_message"] = {"message_id": 1, "date": int(time.time()), "chat": message["chat"],
                                           "from": {"id": BOT_ID, "is_bot": True, "first_name": "factbot"},
                                           "text": nasty_text(self.rng) or "x"}
        return message

    def _text(self) -> dict[str, Any]:
        rng = self.rng
        if rng.random() < 0.45:
            command = rng.choice(COMMANDS)
            argument = rng.choice(["", " " + rng.choice(NUMBERS), " " + nasty_text(rng),
                                   " " + rng.choice(NUMBERS) + " " + rng.choice(["question", "answer", "figure",
                                                                                  "source_url", "aliases", "id",
                                                                                  "lang", "nonsense"])
                                   + " " + nasty_text(rng)])
            text = command + argument
            entities = [{"type": "bot_command", "offset": 0, "length": len(command)}]
            return {"text": text, "entities": entities}
        text = nasty_text(rng)
        if not text:
            text = " "
        content: dict[str, Any] = {"text": text}
        if rng.random() < 0.1:  # entities pointing anywhere, even past the end
            content["entities"] = [{"type": rng.choice(["bold", "mention", "bot_command", "url"]),
                                    "offset": rng.randint(0, 50), "length": rng.randint(0, 50)}]
        return content

    def _callback_query(self) -> dict[str, Any]:
        rng = self.rng
        user = self._user()
        query: dict[str, Any] = {"id": str(self._update_id), "from": user, "chat_instance": "1",
                                 "data": forged_callback_data(rng)}
        if rng.random() < 0.9:
            self._message_id += 1
            query["message"] = {"message_id": self._message_id, "date": int(time.time()),
                                "chat": self._chat(user), "text": nasty_text(rng) or "x",
                                "from": {"id": BOT_ID, "is_bot": True, "first_name": "factbot"}}
            if rng.random() < 0.5:
                query["message"]["reply_to_message"] = self._message(text=nasty_text(rng) or "x")
        return query

    def _document(self) -> dict[str, Any]:
        content, name, mime, size = bad_document(self.rng)
        file_id = self.api.add_file(content)
        document: dict[str, Any] = {"file_id": file_id, "file_unique_id": file_id}
        if name:
            document["file_name"] = name
        if mime:
            document["mime_type"] = mime
        if size is not None:
            document["file_size"] = size
        return document


# -- running them through the real application ------------------------------------------------------


@dataclass
class FuzzReport:
    """What a fuzz run found: each list should be empty."""

    updates: int
    seconds: float
    unhandled: list[str] = field(default_factory=list)
    """Exceptions that reached the error handler (each would have been an apology)."""
    refused_output: list[str] = field(default_factory=list)
    """Bot API calls Telegram would refuse because of what the bot sent."""
    changed_by_non_admins: list[str] = field(default_factory=list)
    """Facts or audit entries that changed while only non-admins were sending updates."""
    unanswered_presses: int = 0
    """Button presses that got no answerCallbackQuery."""


async def fuzz(db: Path, count: int, seed: int = 12) -> FuzzReport:
    """Send `count` random updates (three quarters from non-admins, then the rest from an admin)."""
    from bot.app import build_application, open_store
    from bot.config import Settings
    from bot.delivery import RetryingRateLimiter
    from tests.fake_botapi import OfflineRequest

    settings = Settings(_env_file=None, token="123456:FUZZ-token", db=db, admins=frozenset({ADMIN}))
    api = FakeBotApi()
    store = open_store(settings)
    # No pacing (nothing to pace against offline) and quick retries: the run stays a few seconds.
    limiter = RetryingRateLimiter(overall_max_rate=0, group_max_rate=0, first_backoff=0.01, transient_retries=1)
    app = build_application(settings, store=store, request=OfflineRequest(api), rate_limiter=limiter)
    unhandled: list[str] = []

    async def record(update: object, context: Any) -> None:
        where = traceback.extract_tb(context.error.__traceback__)[-1] if context.error.__traceback__ else None
        place = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
        unhandled.append(f"{type(context.error).__name__}: {context.error}"[:300] + place)

    app.add_error_handler(record)
    started = time.monotonic()
    report = FuzzReport(updates=count, seconds=0.0, unhandled=unhandled)
    non_admin = count * 3 // 4
    async with app:
        before = (store.all(), store.history(limit=10**9))
        await _send(app, UpdateFactory(api, seed, NON_ADMINS), non_admin, api, report)
        after = (store.all(), store.history(limit=10**9))
        if before != after:
            report.changed_by_non_admins.append(f"{len(before[1])} audit entries before, {len(after[1])} after")
        await _send(app, UpdateFactory(api, seed + 1, [ADMIN]), count - non_admin, api, report)
    store.close()
    report.seconds = time.monotonic() - started
    report.refused_output = [f"{call.method}: {problem}" for call, problem in api.refusals]
    return report


async def _send(app: Any, updates: UpdateFactory, count: int, api: FakeBotApi, report: FuzzReport) -> None:
    from telegram import Update

    for _ in range(count):
        payload = updates()
        answered = len(api.sent("answerCallbackQuery"))
        before = len(report.unhandled)
        await app.process_update(Update.de_json(payload, app.bot))
        if len(report.unhandled) > before:
            report.unhandled[-1] += f" after {json.dumps(payload, ensure_ascii=False)[:400]}"
        if "callback_query" in payload and len(api.sent("answerCallbackQuery")) == answered:
            report.unanswered_presses += 1


ADMIN = 1001
NON_ADMINS = [2002, 2003, 4242, 77, 10**12]
