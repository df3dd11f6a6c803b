"""Admins see what the bot could not answer and fix it with one tap."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from facts.store import Asked, FactStore
from facts.unanswered import Action, group_reports, parse_action
from tests.conftest import ADMIN_ID, Chat, Reply
from tests.fake_botapi import Call

UNKNOWN = "how big is the DPRK expeditionary force?"




def add_buttons(reply: Reply) -> dict[int, str]:
    """fact id → label of every 'Add to #ID' button."""
    return {int(data.rsplit(":", 1)[1]): label for label, data in reply.buttons if data.startswith("un:a:")}


async def test_an_unanswered_question_becomes_an_alias_with_one_tap_and_is_answered_next_time(
    admin: Chat, chat: Chat, store: FactStore
) -> None:
    [before] = await chat.say(UNKNOWN)
    assert before.text.startswith("Sorry, I don't have a sourced fact")
    await chat.say("How big is the DPRK expeditionary force")
    await chat.as_user(4242).say("how big is the dprk expeditionary force??")

    [entry] = await admin.say("/unanswered")

    assert entry.text.startswith("Unanswered question 1 of 1 (most asked first)")
    assert "Asked 3× by 2 people" in entry.text
    assert "Closest facts:" in entry.text
    troops = next(fact for fact in store.all() if fact.figure == "about 11,000")
    assert f"Add to #{troops.id}" == add_buttons(entry)[troops.id]
    assert 3 == len(add_buttons(entry))
    assert ["New fact", "Dismiss"] == [label for label, data in entry.buttons if data.startswith(("un:n:", "un:d:"))]
    assert all(len(data.encode()) <= 64 for _, data in entry.buttons)

    [done] = await admin.press(entry, f"Add to #{troops.id}")
    [answered] = await chat.say(UNKNOWN)

    assert f"is now another way to ask fact #{troops.id}. /undo takes it back." in done.text
    assert "There are no unanswered questions right now." in done.text
    assert answered.text.startswith("<b>about 11,000</b>")
    assert "how big is the dprk expeditionary force??" == store.get(troops.id).aliases[-1]  # the newest spelling
    [press] = admin.api.sent("answerCallbackQuery")[-1:]
    assert "another way to ask" in press.params["text"]

    [undone] = await admin.say("/undo")
    [again] = await chat.say(UNKNOWN)
    assert "Undone:" in undone.text
    assert again.text.startswith("Sorry, I don't have a sourced fact")


async def test_not_what_i_asked_is_listed_without_offering_the_fact_that_was_wrong(
    admin: Chat, chat: Chat, store: FactStore
) -> None:
    [answer] = await chat.say("how many soldiers did north korea send?")
    shown = int(answer.buttons[0][1].split(":")[1])
    await chat.press(answer, "Not what I asked")

    [entry] = await admin.say("/unanswered")

    assert "<b>how many soldiers did north korea send?</b>" in entry.text
    assert f"1 of them pressed “Not what I asked” (shown: #{shown})" in entry.text
    assert shown not in add_buttons(entry)


async def test_dismiss_hides_the_entry_and_pages_turn(admin: Chat, chat: Chat) -> None:
    await chat.say("what's the weather in Tokyo?")
    await chat.say("what's the weather in Tokyo?")
    await chat.say("who won the world cup?")

    [first] = await admin.say("/unanswered")
    [second] = await admin.press(first, "Next ▶")
    [dismissed] = await admin.press(second, "Dismiss")
    [listed] = await admin.say("/unanswered")

    assert "<b>what's the weather in Tokyo?</b>" in first.text
    assert "Unanswered question 2 of 2" in second.text and "who won the world cup?" in second.text
    assert ("◀ Prev", "un:p:1") in second.buttons
    assert "Dismissed “who won the world cup?”." in dismissed.text
    assert "Unanswered question 1 of 1" in listed.text and "world cup" not in listed.text


async def test_new_fact_starts_the_guided_add_at_the_answer(admin: Chat, chat: Chat, store: FactStore) -> None:
    await chat.say("how many stations does the pyongyang metro have?")
    [listing] = await admin.say("/unanswered")

    intro, prompt = await admin.press(listing, "New fact")
    assert "Adding a new fact for the question “how many stations does the pyongyang metro have?”" in intro.text
    assert "The answer sentence?" == prompt.text
    steps = ["It has 16 stations.", "16 stations", "https://example.org/metro", "Metro Guide"]
    for text in [*steps, "/skip", "/skip", "/skip"]:  # no date, no other phrasings, no translation
        await admin.say(text)
    _, preview = await admin.say("/skip")
    [saved] = await admin.press(preview, "Save")
    [answer] = await chat.say("how many stations does the pyongyang metro have?")
    [after] = await admin.say("/unanswered")

    assert saved.text.startswith("Saved as fact #")
    assert answer.text.startswith("<b>16 stations</b>\nIt has 16 stations.")
    assert "There are no unanswered questions right now." == after.text


async def test_a_button_for_an_entry_already_handled_is_still_answered(admin: Chat, chat: Chat) -> None:
    await chat.say("who won the world cup?")
    [entry] = await admin.say("/unanswered")
    await admin.press(entry, "Dismiss")

    [refreshed] = await admin.press(entry, "Dismiss")
    alert = admin.api.sent("answerCallbackQuery")[-1]

    assert "already handled" in alert.params["text"] and alert.params["show_alert"] is True
    assert "There are no unanswered questions right now." == refreshed.text


async def test_a_malformed_button_is_answered_and_changes_nothing(admin: Chat, chat: Chat, store: FactStore) -> None:
    await chat.say("who won the world cup?")
    [entry] = await admin.say("/unanswered")
    markup = {"inline_keyboard": [[{"text": "Add", "callback_data": "un:a:q1:9999999999999"}]]}  # id too long
    forged = Reply(Call("sendMessage", {**entry.call.params, "reply_markup": markup}))

    await admin.press(forged, "Add")

    assert "already handled" in admin.api.sent("answerCallbackQuery")[-1].params["text"]
    assert 1 == len(store.open_reports())


async def test_non_admins_cannot_list_or_press(admin: Chat, chat: Chat, store: FactStore) -> None:
    await chat.say("who won the world cup?")
    [entry] = await admin.say("/unanswered")

    [refusal] = await chat.say("/unanswered")
    await chat.press(entry, "Dismiss")

    assert "Sorry, only admins can do that." == refusal.text
    assert "only admins" in chat.api.sent("answerCallbackQuery")[-1].params["text"]
    assert 1 == len(store.open_reports())


async def test_the_japanese_admin_gets_japanese_buttons(chat: Chat) -> None:
    await chat.say("東京の天気は？")
    japanese_admin = chat.as_user(ADMIN_ID, language="ja")

    [entry] = await japanese_admin.say("/unanswered")

    assert entry.text.startswith("未回答の質問 1件中 1件目")
    assert {"新しい事実", "非表示"} <= {label for label, _ in entry.buttons}


def asked(ref: str, question: str, minutes: int, user: str = "u1") -> Asked:
    return Asked(ref, datetime(2026, 11, 25, tzinfo=UTC) + timedelta(minutes=minutes), question, None, user)


def test_near_identical_questions_form_one_entry_most_asked_first() -> None:
    entries = group_reports(
        [
            asked("q1", "Who won the world cup?", 1),
            asked("q2", "how many soldiers?", 2),
            asked("q3", "How many soldiers", 3, "u2"),
            asked("q4", "how many soliders??", 4, "u3"),
            asked("q5", "ＨＯＷ　ＭＡＮＹ　ＳＯＬＤＩＥＲＳ？", 5),
            asked("q6", "how many tanks?", 6),
        ]
    )

    assert [4, 1, 1] == [entry.count for entry in entries]
    soldiers, newest, oldest = entries
    assert ("q2", "q3", "q4", "q5") == soldiers.refs and 3 == soldiers.people
    assert ["how many tanks?", "Who won the world cup?"] == [newest.question, oldest.question]


def test_button_data_is_parsed_strictly() -> None:
    assert Action("add", "q12", 6) == parse_action("un:a:q12:6")
    assert Action("page", page=3) == parse_action(Action("page", page=3).data())
    for bad in ["un:a:q12:", "un:a:x12:6", "un:d:q0", "un:p:0", "un:a:q12:6:7", "un:d:q1234567890123", "un:n:f1 "]:
        assert parse_action(bad) is None, bad


def test_cli_lists_unanswered_questions_as_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.app import open_store
    from facts.answers import Answer
    from facts.questions_log import QuestionsLog
    from tests.conftest import make_settings

    db = tmp_path / "f.db"
    store = open_store(make_settings(db))
    log = QuestionsLog(store)
    for user in (1, 2):
        log.record(Answer(UNKNOWN, "en", "unknown"), user, "private")
    store.close()

    assert 0 == main(["--db", str(db), "unanswered"])
    text = capsys.readouterr().out
    assert 0 == main(["--db", str(db), "unanswered", "--json"])
    [entry] = json.loads(capsys.readouterr().out)

    assert text.startswith("2× (2 people)") and UNKNOWN in text
    assert UNKNOWN == entry["question"] and 2 == entry["count"] and 2 == entry["people"]
    assert 3 == len(entry["closest"]) and {"id", "question"} == set(entry["closest"][0])


async def test_a_bad_page_number_gets_the_usage(admin: Chat, chat: Chat) -> None:
    await chat.say("who won the world cup?")

    [usage] = await admin.say("/unanswered two")
    [second] = await admin.say("/unanswered 2")

    assert usage.text.startswith("Usage: /unanswered")
    assert "Unanswered question 1 of 1" in second.text  # past the end: the last entry
