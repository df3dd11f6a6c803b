"""The bot remembers what people asked, privately: hashed askers, limited time, or no text at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import build_application
from facts.questions_log import QuestionsLog
from facts.store import FactStore
from tests.conftest import USER_ID, Chat, make_settings
from tests.fake_botapi import FakeBotApi, OfflineRequest


def logged(store: FactStore) -> list[dict]:
    return list(store.db.query("select * from questions order by id"))


async def test_each_question_is_logged_with_its_fact_score_language_and_chat(chat: Chat) -> None:
    store = chat.app.bot_data["store"]

    [answer] = await chat.say("how many soldiers did north korea send?")
    await chat.say("what's the weather in Tokyo?")
    await chat.in_group().say("/ask 北朝鮮は何人派遣した？")

    answered, unknown, in_group = logged(store)
    fact_id = int(answer.buttons[0][1].split(":")[1])
    assert ("how many soldiers did north korea send?", fact_id, "en", "private") == (
        answered["question"], answered["fact_id"], answered["lang"], answered["chat_type"]
    )
    assert answered["score"] > 0
    assert ("what's the weather in Tokyo?", None, None) == (unknown["question"], unknown["fact_id"], unknown["score"])
    assert ("北朝鮮は何人派遣した？", "ja", "group") == (in_group["question"], in_group["lang"], in_group["chat_type"])


async def test_the_asker_is_kept_only_as_a_salted_hash(chat: Chat) -> None:
    store = chat.app.bot_data["store"]
    other = chat.as_user(4242)

    await chat.say("how many soldiers?")
    await chat.say("why does north korea support russia?")
    await other.say("how many soldiers?")
    [answer] = await chat.say("how many soldiers?")
    await chat.press(answer, "Not what I asked")

    first, second, by_other, _ = logged(store)
    [report] = store.feedback()
    assert first["user_hash"] == second["user_hash"] == report["user"]
    assert first["user_hash"] != by_other["user_hash"]
    dump = "\n".join(store.db.conn.iterdump())
    assert str(USER_ID) not in first["user_hash"] and f"'{USER_ID}'" not in dump and "4242" not in dump


async def test_greetings_and_thanks_are_not_logged_as_questions(chat: Chat) -> None:
    await chat.say("hello!")
    await chat.say("thanks")

    assert [] == logged(chat.app.bot_data["store"])


async def test_with_keep_days_0_no_question_text_is_stored_anywhere(tmp_path: Path, seeded_store: FactStore) -> None:
    api = FakeBotApi()
    settings = make_settings(tmp_path / "facts.db", keep_questions_days=0)
    app = build_application(settings, store=seeded_store, request=OfflineRequest(api))
    secret_question = "how many soldiers did north korea send to russia?"
    async with app:
        chat = Chat(app, api)
        [answer] = await chat.say(secret_question)
        await chat.press(answer, "Not what I asked")
        await chat.say("what is the weather in tokyo zzqx?")

    dump = "\n".join(seeded_store.db.conn.iterdump())
    assert secret_question not in dump and "tokyo zzqx" not in dump
    rows = logged(seeded_store)
    assert 2 == len(rows) and all(row["question"] is None for row in rows)
    assert [None] == [report["question"] for report in seeded_store.feedback()]


def test_turning_text_off_forgets_texts_kept_before(fresh_db: FactStore) -> None:
    log = QuestionsLog(fresh_db, keep_days=90)
    fresh_db.record_feedback(log.user_hash(1) or "", "an old question", None)

    QuestionsLog(fresh_db, keep_days=0)

    assert "an old question" not in "\n".join(fresh_db.db.conn.iterdump())


def test_old_questions_are_pruned_when_the_log_opens(fresh_db: FactStore) -> None:
    from facts.answers import Answer

    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    then = QuestionsLog(fresh_db, keep_days=90, clock=lambda: now - timedelta(days=91))
    then.record(Answer("an old question", "en", "unknown"), 1, "private")
    recent = QuestionsLog(fresh_db, keep_days=90, clock=lambda: now - timedelta(days=89))
    recent.record(Answer("a recent question", "en", "unknown"), 1, "private")

    QuestionsLog(fresh_db, keep_days=90, clock=lambda: now)

    assert ["a recent question"] == [row["question"] for row in logged(fresh_db)]


def test_the_salt_is_made_once_so_hashes_stay_the_same(tmp_path: Path) -> None:
    path = tmp_path / "facts.db"
    store = FactStore(path)
    first = QuestionsLog(store).user_hash(USER_ID)
    store.close()
    store = FactStore(path)
    again = QuestionsLog(store).user_hash(USER_ID)
    other_db = QuestionsLog(FactStore(tmp_path / "other.db")).user_hash(USER_ID)
    store.close()

    assert first == again
    assert first != other_db


def test_raw_user_ids_kept_by_older_versions_are_replaced_by_hashes(fresh_db: FactStore) -> None:
    fresh_db.record_feedback(str(USER_ID), "how many soldiers?", 6)  # as the bot stored it before the log

    log = QuestionsLog(fresh_db)

    [report] = fresh_db.feedback()
    assert log.user_hash(USER_ID) == report["user"]
    assert "how many soldiers?" == report["question"]


async def test_a_report_on_an_ask_command_keeps_the_question_without_the_command(chat: Chat) -> None:
    group = chat.in_group()
    [answer] = await group.say("/ask how many soldiers did north korea send?")

    await group.press(answer, "Not what I asked")

    [report] = chat.app.bot_data["store"].feedback()
    assert "how many soldiers did north korea send?" == report["question"]
