"""A restart loses nothing an admin was in the middle of: /add drafts, /import waits, /facts pages."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

from telegram.ext import Application

from bot.app import build_application, open_store
from bot.persistence import decode, encode
from tests.conftest import ADMIN_ID, Chat, make_settings
from tests.fake_botapi import FakeBotApi, OfflineRequest

METRO = "https://example.org/metro"


@asynccontextmanager
async def running(db: Path, api: FakeBotApi) -> AsyncIterator[Application]:
    """One run of the bot on `db`: started, then shut down as on SIGTERM."""
    store = open_store(make_settings(db))
    app = build_application(make_settings(db), store=store, request=OfflineRequest(api))
    try:
        async with app:
            yield app
    finally:
        store.close()


def admin_in(app: Application, api: FakeBotApi) -> Chat:
    return Chat(app, api, ADMIN_ID)


async def test_a_restart_in_the_middle_of_add_keeps_the_draft_and_save_works(tmp_path: Path, api: FakeBotApi) -> None:
    db = tmp_path / "facts.db"
    async with running(db, api) as app:
        admin = admin_in(app, api)
        await admin.say("/add")
        await admin.say("How many stations does the metro have?")
        await admin.say("It has 16 stations.")
        [asked] = await admin.say("16")

    async with running(db, api) as app:
        admin = admin_in(app, api)
        [asked_again] = await admin.say(METRO)
        for step in ["Metro Guide", "2024-11-30", "/skip", "/skip"]:  # no other phrasings, none in Japanese
            await admin.say(step)
        _, preview = await admin.say("/skip")

    async with running(db, api) as app:  # and once more, at the preview
        admin = admin_in(app, api)
        [saved] = await admin.press(preview, "Save")
        fact = app.bot_data["store"].get(int(saved.text.removeprefix("Saved as fact #").rstrip(".")))

    assert "link to the source" in asked.text and "source's name" in asked_again.text
    assert "<b>16</b>\nIt has 16 stations." in preview.text
    assert ("How many stations does the metro have?", "It has 16 stations.", "16") == (
        fact.question, fact.answer, fact.figure)
    assert (METRO, "Metro Guide", date(2024, 11, 30)) == (fact.source_url, fact.source_title, fact.published)


async def test_a_restart_while_import_waits_for_the_file_still_imports_it(tmp_path: Path, api: FakeBotApi) -> None:
    db = tmp_path / "facts.db"
    row = {"question": "How long is the metro?", "answer": "22 km.", "source_url": METRO, "source_title": "Guide"}
    async with running(db, api) as app:
        await admin_in(app, api).say("/import replace")

    async with running(db, api) as app:
        admin = admin_in(app, api)
        [confirm] = await admin.send_document(json.dumps([row]).encode(), "metro.json")
        [done] = await admin.press(confirm, "Replace")
        count = app.bot_data["store"].count()

    assert done.text.startswith("Imported metro.json: 1 added")
    assert 1 == count, "/import replace was remembered too"


async def test_facts_pages_from_before_a_restart_still_turn(tmp_path: Path, api: FakeBotApi) -> None:
    db = tmp_path / "facts.db"
    async with running(db, api) as app:
        [first] = await admin_in(app, api).say("/facts")

    async with running(db, api) as app:
        [second] = await admin_in(app, api).press(first, "Next ▶")

    assert "(page 2/" in second.text


async def test_what_is_not_kept_is_still_answered_after_a_restart(tmp_path: Path, api: FakeBotApi) -> None:
    db = tmp_path / "facts.db"
    async with running(db, api) as app:
        admin = admin_in(app, api)
        await admin.say("/add")
        await admin.say("/cancel")

    async with running(db, api) as app:
        admin = admin_in(app, api)
        assert [] == await admin.press_data("add:save")
        [answer] = await admin.say("how many soldiers did north korea send?")

    assert ["This preview has expired; send /add to start again."] == admin.alerts()
    assert "about 11,000" in answer.text, "no conversation is left hanging"


def test_user_data_round_trips_through_json_with_dates_and_number_keys() -> None:
    data = {"add": {"step": 3, "draft": {"published": date(2024, 11, 30), "aliases": ["a", "b"], "figure": None},
                    "lang": "ja"},
            "searches": {1: "", 2: "metro"}}

    assert data == decode(encode(data))


async def test_people_who_only_ask_questions_leave_nothing_in_the_bot_state(tmp_path: Path, api: FakeBotApi) -> None:
    db = tmp_path / "facts.db"
    async with running(db, api) as app:
        user = Chat(app, api)
        await user.say("how many soldiers did north korea send?")
        await user.say("/help")

    reopened = open_store(make_settings(db))
    assert {} == reopened.load_state("user_data")
    reopened.close()
