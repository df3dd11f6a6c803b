"""Fixtures: a fresh store, and a chat with the real application over the fake Bot API."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.app import build_application, open_store
from bot.config import Settings
from facts.store import FactStore
from tests.fake_botapi import BOT_ID, Call, FakeBotApi, OfflineRequest

TOKEN = "123456:TEST-token-not-real"
ADMIN_ID = 1001
USER_ID = 2002
GROUP_ID = -3003


def make_settings(db: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"token": TOKEN, "db": db, "admins": frozenset({ADMIN_ID}), **overrides}
    return Settings(_env_file=None, **values)


@pytest.fixture
def fresh_db(tmp_path: Path) -> FactStore:
    """An empty store in a temporary file."""
    store = FactStore(tmp_path / "facts.db")
    yield store
    store.close()


@pytest.fixture
def seeded_store(tmp_path: Path) -> FactStore:
    """A store holding the bundled seed facts, as on a first run."""
    store = open_store(make_settings(tmp_path / "facts.db"))
    yield store
    store.close()


@dataclass
class Reply:
    """What the user sees of one bot message."""

    call: Call

    @property
    def text(self) -> str:
        return self.call.params.get("text", "")

    @property
    def parse_mode(self) -> str | None:
        return self.call.params.get("parse_mode")

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of every inline button, row by row."""
        markup = self.call.params.get("reply_markup") or {}
        if not isinstance(markup, dict):
            markup = markup.to_dict()
        return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]

    @property
    def markup(self) -> dict[str, Any]:
        """The reply markup exactly as sent (empty when there is none)."""
        markup = self.call.params.get("reply_markup") or {}
        return markup if isinstance(markup, dict) else markup.to_dict()

    @property
    def share_queries(self) -> list[str]:
        """What each Share button (switch_inline_query) would type after the bot's name."""
        rows = self.markup.get("inline_keyboard", [])
        return [b["switch_inline_query"] for row in rows for b in row if "switch_inline_query" in b]


class Chat:
    """A conversation with the bot: say something as a user, read the bot's replies."""

    def __init__(self, app: Application, api: FakeBotApi, user_id: int = USER_ID, language: str = "en") -> None:
        self.app = app
        self.api = api
        self.user = {"id": user_id, "is_bot": False, "first_name": f"user{user_id}", "language_code": language}
        self.chat = {"id": user_id, "type": "private"}
        self._ids = itertools.count(1)
        self.last_message: dict[str, Any] | None = None

    def as_user(self, user_id: int, language: str = "en") -> Chat:
        """Another person in the same kind of chat with the same bot."""
        return Chat(self.app, self.api, user_id, language)

    def in_group(self) -> Chat:
        chat = Chat(self.app, self.api, self.user["id"], self.user["language_code"])
        chat.chat = {"id": GROUP_ID, "type": "group", "title": "test group"}
        return chat

    async def _process(self, payload: dict[str, Any]) -> list[Reply]:
        before = len(self.api.calls)
        payload = {"update_id": next(self._ids), **payload}
        await self.app.process_update(Update.de_json(payload, self.app.bot))
        workers = self.app.bot_data.get("workers")
        if workers is not None:  # what the update queued for the store (the questions log) is written too
            await workers.store(lambda: None)
        return [Reply(call) for call in self.api.calls[before:] if call.method in ("sendMessage", "editMessageText")]

    def _message(self, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._ids) + 100,
            "date": int(time.time()),
            "chat": self.chat,
            "from": self.user,
            **content,
        }
        self.last_message = message
        return message

    async def say(self, text: str, **extra: Any) -> list[Reply]:
        """Send a text message; commands get their bot_command entity like in Telegram."""
        content: dict[str, Any] = {"text": text, **extra}
        if text.startswith("/"):
            length = len(text.split()[0])
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return await self._process({"message": self._message(**content)})

    async def send(self, **content: Any) -> list[Reply]:
        """Send any other kind of message (sticker, photo, document…)."""
        return await self._process({"message": self._message(**content)})

    async def send_document(
        self, content: bytes, file_name: str, caption: str | None = None, **document: Any
    ) -> list[Reply]:
        """Send a file as a document (the fake Bot API serves its bytes to getFile)."""
        file_id = self.api.add_file(content)
        content_: dict[str, Any] = {
            "document": {"file_id": file_id, "file_unique_id": file_id, "file_name": file_name,
                         "file_size": len(content), **document},
        }
        if caption is not None:
            content_["caption"] = caption
        return await self._process({"message": self._message(**content_)})

    async def inline(self, query: str) -> Call:
        """Type `@bot query` in some chat; returns the bot's answerInlineQuery call."""
        before = len(self.api.calls)
        await self._process({"inline_query": {"id": str(next(self._ids)), "from": self.user, "query": query,
                                              "offset": "", "chat_type": "supergroup"}})
        [answer] = [call for call in self.api.calls[before:] if call.method == "answerInlineQuery"]
        return answer

    async def press(self, reply: Reply, label: str) -> list[Reply]:
        """Press the inline button labelled `label` under `reply`."""
        return await self.press_data(dict(reply.buttons)[label], reply.text)

    async def press_data(self, data: str, text: str = "an old message") -> list[Reply]:
        """Press a button carrying `data` (stale, or forged: clients can send any data)."""
        bot_message = {
            "message_id": 5000,
            "date": int(time.time()),
            "chat": self.chat,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "factbot"},
            "text": text,
            "reply_to_message": self.last_message,
        }
        query = {"id": str(next(self._ids)), "from": self.user, "chat_instance": "1", "data": data,
                 "message": bot_message}
        return await self._process({"callback_query": query})

    def alerts(self) -> list[str]:
        """The texts of the bot's answers to button presses so far (empty: answered silently)."""
        return [call.params.get("text", "") for call in self.api.sent("answerCallbackQuery")]


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
async def app(seeded_store: FactStore, api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Application]:
    """The real application, seeded, talking to the fake Bot API."""
    application = build_application(make_settings(tmp_path / "facts.db"), store=seeded_store, request=OfflineRequest(api))
    async with application:
        yield application


@pytest.fixture
def chat(app: Application, api: FakeBotApi) -> Chat:
    """A private chat with an English-speaking user."""
    return Chat(app, api)


@pytest.fixture
def admin(chat: Chat) -> Chat:
    """A private chat with the admin (English Telegram client), beside the user's `chat`."""
    return chat.as_user(ADMIN_ID)


@pytest.fixture
def store(chat: Chat) -> FactStore:
    """The store the chat's bot answers from."""
    return chat.app.bot_data["store"]
