"""Admins hear about problems in one note an hour at most, and can switch it off with /notify off."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from telegram.ext import Application

from facts.store import FactStore
from tests.conftest import ADMIN_ID, Chat
from tests.fake_botapi import FakeBotApi




async def run_digest(app: Application, api: FakeBotApi) -> list[str]:
    """Run the digest job once, as the JobQueue would; returns what the admin was sent."""
    before = len(api.calls)
    [job] = app.job_queue.get_jobs_by_name("digest")
    await job.run(app)
    return [call.params["text"] for call in api.calls[before:]
            if call.method == "sendMessage" and call.params["chat_id"] == ADMIN_ID]


def an_hour_passes(store: FactStore) -> None:
    prefs = store.admin_prefs(ADMIN_ID)
    store.save_admin_prefs(replace(prefs, last_sent_at=prefs.last_sent_at - timedelta(minutes=61)))


async def test_not_what_i_asked_reaches_the_admins_in_one_note(chat: Chat, api: FakeBotApi) -> None:
    [answer] = await chat.say("how many soldiers did north korea send?")
    shown = answer.buttons[0][1].split(":")[1]
    await chat.press(answer, "Not what I asked")
    [other] = await chat.say("why does north korea support russia?")
    await chat.press(other, "Not what I asked")

    [note] = await run_digest(chat.app, api)

    assert note.startswith("📬 Since my last note:")
    assert "“Not what I asked” pressed 2×:" in note
    assert f"• “how many soldiers did north korea send?” — shown #{shown}" in note
    assert note.endswith("/unanswered to fix them · /notify off to stop these notes")


async def test_an_unanswered_question_is_reported_when_asked_the_third_time(chat: Chat, api: FakeBotApi) -> None:
    await chat.say("who won the world cup?")
    await chat.say("Who won the world cup")
    assert [] == await run_digest(chat.app, api)

    await chat.as_user(4242).say("who won the world cup??")
    [note] = await run_digest(chat.app, api)

    assert "Asked 3+ times and still unanswered (1):" in note
    assert "• “who won the world cup??” — 3×" in note


async def test_at_most_one_note_an_hour_and_nothing_is_told_twice(chat: Chat, api: FakeBotApi, store: FactStore) -> None:
    [answer] = await chat.say("how many soldiers did north korea send?")
    await chat.press(answer, "Not what I asked")
    [first] = await run_digest(chat.app, api)
    [again] = await chat.say("why does north korea support russia?")
    await chat.press(again, "Not what I asked")

    within_the_hour = await run_digest(chat.app, api)
    an_hour_passes(store)
    [second] = await run_digest(chat.app, api)
    an_hour_passes(store)
    nothing_new = await run_digest(chat.app, api)

    assert "how many soldiers" in first
    assert [] == within_the_hour
    assert "why does north korea support russia?" in second and "how many soldiers" not in second
    assert [] == nothing_new


async def test_notify_off_stops_the_notes_and_on_brings_them_back(admin: Chat, chat: Chat, api: FakeBotApi) -> None:
    [off] = await admin.say("/notify off")
    [answer] = await chat.say("how many soldiers did north korea send?")
    await chat.press(answer, "Not what I asked")
    silent = await run_digest(chat.app, api)
    [status] = await admin.say("/notify")
    [on] = await admin.say("/notify on")
    [note] = await run_digest(chat.app, api)
    [usage] = await admin.say("/notify maybe")

    assert "Notifications are off. /notify on turns them back on." == off.text == status.text
    assert [] == silent
    assert on.text.startswith("Notifications are on")
    assert "how many soldiers" in note  # nothing is lost while off: it comes when turned on
    assert "Usage: /notify on or /notify off" == usage.text


async def test_the_note_is_in_the_admins_language(chat: Chat, api: FakeBotApi) -> None:
    await chat.as_user(ADMIN_ID, language="ja").say("/notify")
    [answer] = await chat.say("how many soldiers did north korea send?")
    await chat.press(answer, "Not what I asked")

    [note] = await run_digest(chat.app, api)

    assert note.startswith("📬 前回のお知らせ以降:")
    assert "「質問と違う」が1件:" in note


async def test_non_admins_cannot_change_notifications(chat: Chat, store: FactStore) -> None:
    [refusal] = await chat.say("/notify off")

    assert "Sorry, only admins can do that." == refusal.text
    assert store.admin_prefs(ADMIN_ID).notify is True


async def test_an_admin_who_blocked_the_bot_gets_the_note_later(chat: Chat, api: FakeBotApi, store: FactStore) -> None:
    from tests.fake_botapi import ApiRefusal

    [answer] = await chat.say("how many soldiers did north korea send?")
    await chat.press(answer, "Not what I asked")
    handle = api.handle

    def refuse_admin(method, params, files=None):
        if method == "sendMessage" and params.get("chat_id") == ADMIN_ID:
            raise ApiRefusal("Forbidden: bot was blocked by the user")
        return handle(method, params, files)

    api.handle = refuse_admin
    await run_digest(chat.app, api)
    api.handle = handle
    [note] = await run_digest(chat.app, api)

    assert "how many soldiers" in note
    assert store.admin_prefs(ADMIN_ID).last_sent_at is not None


async def test_the_hourly_job_prunes_questions_past_their_time(chat: Chat, store: FactStore) -> None:
    from datetime import UTC, datetime

    from facts.store import LoggedQuestion

    old = datetime.now(UTC) - timedelta(days=91)
    store.log_question(LoggedQuestion(old, "an old question", None, None, "en", "private", "u1"))
    await chat.say("who won the world cup?")

    [job] = chat.app.job_queue.get_jobs_by_name("prune")
    await job.run(chat.app)

    assert ["who won the world cup?"] == [row["question"] for row in store.db.query("select * from questions")]
