"""Telegram's limits and failures delay an answer; they never lose it or turn it into an apology."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import Application

from bot.app import build_application, open_store
from bot.delivery import RetryingRateLimiter
from facts.store import FactStore
from tests.conftest import ADMIN_ID, Chat, make_settings
from tests.fake_botapi import FakeBotApi, OfflineRequest

QUESTION = "how many soldiers did north korea send?"
APOLOGY = "Sorry, something went wrong"


def fast_retries(**overrides: float) -> RetryingRateLimiter:
    """Telegram's pacing rules, with backoff in hundredths of a second so the tests stay fast."""
    values = {"first_backoff": 0.02, "max_backoff": 0.2, "transient_retries": 8, **overrides}
    return RetryingRateLimiter(**values)  # type: ignore[arg-type]


@pytest.fixture
async def quick_app(tmp_path: Path, api: FakeBotApi) -> AsyncIterator[Application]:
    store = open_store(make_settings(tmp_path / "facts.db"))
    application = build_application(
        make_settings(tmp_path / "facts.db"), store=store, request=OfflineRequest(api), rate_limiter=fast_retries()
    )
    async with application:
        yield application
    store.close()


@pytest.fixture
def user(quick_app: Application, api: FakeBotApi) -> Chat:
    return Chat(quick_app, api)


@pytest.mark.parametrize(
    "status", [500, 502, 503, 504, None], ids=["500", "502", "503", "504", "dropped connection"]
)
async def test_a_failed_reply_is_sent_again_and_the_answer_arrives(user: Chat, api: FakeBotApi, status) -> None:
    api.fail("sendMessage", status=status)

    [answer] = await user.say(QUESTION)

    assert "about 11,000" in answer.text
    assert 1 == api.injected
    assert [] == [call for call in api.sent() if APOLOGY in call.params["text"]]


async def test_a_429_waits_the_retry_after_telegram_asks_for(user: Chat, api: FakeBotApi) -> None:
    api.fail("sendMessage", status=429, retry_after=1)

    started = time.monotonic()
    [answer] = await user.say(QUESTION)

    assert "about 11,000" in answer.text
    assert time.monotonic() - started >= 1.0, "sent again only after retry_after"


async def test_an_outage_of_a_few_seconds_delays_the_answer_but_does_not_lose_it(user: Chat, api: FakeBotApi) -> None:
    api.outage(0.8)

    [answer] = await user.say(QUESTION)

    assert "about 11,000" in answer.text
    assert api.injected >= 3, "it kept trying through the outage"


async def test_a_bad_request_is_not_sent_again(user: Chat, api: FakeBotApi) -> None:
    api.fail("sendMessage", status=400)

    await user.say(QUESTION)

    assert 1 == api.injected and [] == api.faults


async def test_retries_are_bounded_when_telegram_stays_down(tmp_path: Path, api: FakeBotApi, caplog) -> None:
    store = open_store(make_settings(tmp_path / "facts.db"))
    limiter = fast_retries(transient_retries=3)
    app = build_application(make_settings(tmp_path / "facts.db"), store=store, request=OfflineRequest(api),
                            rate_limiter=limiter)
    async with app:
        api.outage(3600)
        await Chat(app, api).say(QUESTION)
    store.close()

    assert 4 == api.injected, "1 try + 3 retries, and no apology that would fail the same way"
    assert "sendMessage failed 4 times, giving up" in caplog.text


# -- one chat waits for its own updates only -----------------------------------------------------


def concurrently(app: Application, chat: Chat, texts: list[str]) -> list[asyncio.Task]:
    """Deliver messages the way polling does: through the update processor, all at once."""
    tasks = []
    for text in texts:
        content: dict[str, object] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        payload = {"update_id": next(chat._ids), "message": chat._message(**content)}
        update = Update.de_json(payload, app.bot)
        tasks.append(asyncio.create_task(app.update_processor.process_update(update, app.process_update(update))))
    return tasks


async def test_replies_in_one_chat_come_in_the_order_of_the_questions(
    quick_app: Application, user: Chat, api: FakeBotApi
) -> None:
    api.fail("sendMessage", status=500)  # the first reply is held up by a retry

    await asyncio.gather(*concurrently(quick_app, user, [QUESTION, "hello", "thanks"]))

    texts = [call.params["text"] for call in api.sent()]
    assert 3 == len(texts)
    assert "about 11,000" in texts[0] and texts[1].startswith("Hi!") and texts[2].startswith("You're welcome")


# -- a busy fact table ---------------------------------------------------------------------------------


@pytest.fixture
async def busy_app(tmp_path: Path, api: FakeBotApi) -> AsyncIterator[tuple[Application, FactStore, sqlite3.Connection]]:
    """The bot on a store that waits only 0.3 s for the write lock, and another writer (the CLI) holding it."""
    path = tmp_path / "facts.db"
    open_store(make_settings(path)).close()
    store = FactStore(path, busy_timeout=0.3)
    app = build_application(make_settings(path), store=store, request=OfflineRequest(api), rate_limiter=fast_retries())
    cli = sqlite3.connect(path, isolation_level=None)
    async with app:
        yield app, store, cli
    cli.close()
    store.close()


async def test_a_write_while_the_cli_holds_the_lock_is_refused_politely_and_questions_still_get_answers(
    busy_app, api: FakeBotApi
) -> None:
    app, store, cli = busy_app
    admin, user = Chat(app, api, ADMIN_ID), Chat(app, api)
    count = store.count()
    cli.execute("BEGIN IMMEDIATE")  # a 50,000-fact import in progress
    cli.execute("insert into feedback (at, user, question) values ('now', 'cli', 'holding the lock')")

    # The admin's write waits for the lock (0.3 s) while the user's question comes in.
    writing = concurrently(app, admin, ["/add What is the capital? | Pyongyang. | https://example.org/capital"])
    await asyncio.sleep(0.05)
    await asyncio.gather(*concurrently(app, user, [QUESTION]))
    answered_first = len(api.sent()) == 1
    await asyncio.gather(*writing)
    answer, busy = api.sent()

    assert answered_first, "the question did not wait for the admin's write"
    assert "about 11,000" in answer.params["text"] and user.user["id"] == answer.params["chat_id"]
    assert busy.params["text"].startswith("The fact table is busy") and "Nothing was changed" in busy.params["text"]
    assert ADMIN_ID == busy.params["chat_id"]
    cli.execute("ROLLBACK")
    assert count == store.count()
    [saved] = await admin.say("/add What is the capital? | Pyongyang. | https://example.org/capital")
    assert saved.text.startswith("Saved as fact #")


async def test_save_while_the_table_is_busy_keeps_the_draft_so_save_works_again(busy_app, api: FakeBotApi) -> None:
    app, store, cli = busy_app
    admin = Chat(app, api, ADMIN_ID)
    await admin.say("/add")
    for step in ["What is the capital?", "Pyongyang.", "/skip", "https://example.org/capital", "Atlas", "/skip", "/skip",
                 "/skip"]:  # no figure, date, other phrasings or other-language question
        await admin.say(step)
    _, preview = await admin.say("/skip")
    cli.execute("BEGIN IMMEDIATE")

    [busy] = await admin.press(preview, "Save")
    cli.execute("ROLLBACK")
    [saved] = await admin.press(preview, "Save")

    assert busy.text.startswith("The fact table is busy")
    assert saved.text.startswith("Saved as fact #")
    assert "Pyongyang." == store.get(int(saved.text.removeprefix("Saved as fact #").rstrip("."))).answer


async def test_the_update_processor_forgets_a_chat_once_its_updates_are_done(
    quick_app: Application, user: Chat
) -> None:
    await asyncio.gather(*concurrently(quick_app, user, ["hello", "thanks"]))
    await asyncio.gather(*concurrently(quick_app, user.as_user(4242), ["hello"]))

    assert {} == quick_app.update_processor._chats


async def test_a_chat_keeps_its_order_even_with_more_updates_waiting_than_slots(
    tmp_path: Path, api: FakeBotApi
) -> None:
    from bot.ordering import PerChatUpdateProcessor

    processor = PerChatUpdateProcessor(max_concurrent_updates=2)
    order: list[tuple[int, int]] = []

    async def handle(chat: int, number: int) -> None:
        await asyncio.sleep(0.001 * ((number * 7) % 5))  # uneven work
        order.append((chat, number))

    def update(chat: int, number: int) -> Update:
        return Update.de_json({"update_id": chat * 100 + number, "message": {
            "message_id": number, "date": 0, "chat": {"id": chat, "type": "private"}, "text": "x"}}, None)

    await asyncio.gather(*[
        processor.process_update(update(chat, number), handle(chat, number))
        for number in range(20) for chat in (1, 2, 3)
    ])

    for chat in (1, 2, 3):
        assert list(range(20)) == [number for c, number in order if c == chat]
    assert {} == processor._chats


async def test_an_import_whose_download_fails_once_is_still_imported(user: Chat, api: FakeBotApi) -> None:
    admin = user.as_user(ADMIN_ID)
    row = {"question": "How long is the metro?", "answer": "22 km.", "source_url": "https://example.org/m",
           "source_title": "Guide"}
    api.fail("download", status=502)

    [done] = await admin.send_document(json.dumps([row]).encode(), "metro.json", caption="/import")

    assert done.text.startswith("Imported metro.json: 1 added")
    assert 1 == api.injected
