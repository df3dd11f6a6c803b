"""What a new user and a new admin meet first: plain questions, buttons, and admin flows that say what they do."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from facts.store import FactStore
from tests.conftest import ADMIN_ID, Chat
from tests.test_cli import run as run_cli

METRO_URL = "https://example.org/pyongyang-metro"
TROOPS_URL = "https://www.bbc.com/japanese/articles/cvgpjeekzywo"
REUTERS_URL = "https://jp.reuters.com/world/ukraine/MR3R6J53GJMWBHWDGHF76PWQ6A-2024-10-15/"


def answered_callbacks(chat: Chat) -> list[dict]:
    return [call.params for call in chat.api.sent("answerCallbackQuery")]


# -- asking ---------------------------------------------------------------------------------------


async def test_pressing_a_suggestion_answers_exactly_as_typing_it(chat: Chat) -> None:
    [unknown] = await chat.say("what's the weather in Tokyo?")
    [pressed] = await chat.press(unknown, "How many soldiers did North Korea send?")
    [typed] = await chat.say("How many soldiers did North Korea send?")

    assert typed.text == pressed.text
    assert "<b>about 11,000</b>" in pressed.text
    assert "Also reported:" in pressed.text and REUTERS_URL in pressed.text
    assert typed.buttons == pressed.buttons


async def test_japanese_start_shows_topics_in_japanese(chat: Chat) -> None:
    [start] = await chat.as_user(4242, language="ja").say("/start")

    topics = next(line for line in start.text.split("\n") if line.startswith("トピック"))
    assert "外交" in topics and "派兵" in topics
    assert not any(tag in topics for tag in ("diplomacy", "military", "troops", "casualties"))


async def test_english_start_shows_topics_as_words(chat: Chat) -> None:
    [start] = await chat.say("/start")

    assert "military aid" in start.text and "military-aid" not in start.text


# -- editing and undoing ------------------------------------------------------------------------------


async def test_an_edit_that_changes_nothing_is_not_recorded_and_undo_reverts_the_real_one(
    admin: Chat, store: FactStore
) -> None:
    original = store.get(2).figure

    [changed] = await admin.say("/edit 2 figure Anti-American diplomacy")
    [same] = await admin.say("/edit 2 figure Anti-American diplomacy")
    [undone] = await admin.say("/undo")
    [history] = await admin.say("/history 2")

    assert changed.text.startswith("Fact #2 changed:")
    assert "Fact #2 already has that value; nothing changed." == same.text
    assert undone.text.startswith("Undone:")
    assert original == store.get(2).figure
    assert 1 == history.text.count("edited #2")


async def test_history_of_a_fact_that_never_existed_says_so(admin: Chat) -> None:
    [reply] = await admin.say("/history 9999")

    assert "There is no fact #9999." == reply.text


async def test_edit_with_a_bad_id_shows_the_whole_form(admin: Chat, store: FactStore) -> None:
    before = store.all()

    [reply] = await admin.say("/edit abc figure 1")

    assert reply.text.startswith("Usage: /edit ID field value\nFields: ")
    assert "figure" in reply.text
    assert before == store.all()


# -- the admin's language ---------------------------------------------------------------------------


async def test_an_english_admin_adding_a_japanese_fact_is_answered_in_english(admin: Chat, store: FactStore) -> None:
    [saved] = await admin.say(f"/add 平壌の地下鉄の駅はいくつ？ | 16駅です。 | {METRO_URL}")
    fact_id = store.all()[-1].id
    [listed] = await admin.say("/facts 地下鉄")
    [shown] = await admin.say(f"/fact {fact_id}")
    [edited] = await admin.say(f"/edit {fact_id} figure 16駅")

    assert saved.text.startswith(f"Saved as fact #{fact_id}.")
    assert "16駅です。" in saved.text and "出典" in saved.text  # the fact itself is shown as written
    assert listed.text.startswith("Facts matching '地下鉄'")
    assert "事実" not in shown.text.split("\n")[0]
    assert edited.text.startswith(f"Fact #{fact_id} changed:")


async def test_a_japanese_admin_adding_an_english_fact_is_answered_in_japanese(chat: Chat, store: FactStore) -> None:
    admin = chat.as_user(ADMIN_ID, language="ja")

    [saved] = await admin.say(f"/add How many metro stations? | 16 stations. | {METRO_URL}")
    fact_id = store.all()[-1].id
    [edited] = await admin.say(f"/edit {fact_id} figure 16")

    assert saved.text.startswith(f"事実 #{fact_id} として保存しました。")
    assert "16 stations." in saved.text and "Source" in saved.text
    assert edited.text.startswith(f"事実 #{fact_id} を変更しました:")


# -- importing ------------------------------------------------------------------------------------------

METRO_ROWS = [
    {"question": "How many stations does the Pyongyang metro have?", "answer": "16.", "figure": "16",
     "source_url": METRO_URL, "source_title": "Metro Guide"},
    {"question": "平壌の地下鉄の長さは？", "answer": "22kmです。", "source_url": METRO_URL, "source_title": "ガイド"},
]


async def test_import_replace_asks_first_with_the_counts(admin: Chat, chat: Chat, store: FactStore) -> None:
    before = store.all()
    await admin.say("/import replace")

    [confirm] = await admin.send_document(json.dumps(METRO_ROWS).encode(), "metro.json")

    seed_groups = len(store.synonym_groups())
    assert confirm.text.splitlines() == [
        f"Replace the whole fact table with metro.json? 2 added, 0 updated, 0 unchanged, {len(before)} deleted"
        " (/undo brings deleted facts back).",
        f"The bundled article's {seed_groups} synonym groups go with its facts (/undo brings them back).",
    ]
    assert ["Replace", "Cancel"] == [label for label, _ in confirm.buttons]
    assert before == store.all()

    [done] = await admin.press(confirm, "Replace")

    assert done.text.splitlines() == [
        f"Imported metro.json: 2 added, 0 updated, 0 unchanged, {len(before)} removed.",
        f"Synonym groups: 0 added, 0 merged, 0 unchanged, {seed_groups} removed.",
    ]
    assert [] == store.synonym_groups()
    assert 2 == store.count()
    [answer] = await chat.say("how many stations does the pyongyang metro have?")
    assert "<b>16</b>" in answer.text


async def test_import_replace_can_be_called_off(admin: Chat, store: FactStore) -> None:
    before = store.all()
    [confirm] = await admin.send_document(json.dumps(METRO_ROWS).encode(), "metro.json", caption="/import replace")

    [cancelled] = await admin.press(confirm, "Cancel")
    again = await admin.press(confirm, "Replace")  # the same old button, pressed later

    assert "Cancelled; nothing changed." == cancelled.text
    assert [] == again  # no new message, but the press is answered
    assert "This import has expired; please send the file again." == answered_callbacks(admin)[-1]["text"]
    assert before == store.all()


async def test_a_fact_file_sent_without_import_is_offered_for_import(admin: Chat, store: FactStore) -> None:
    count = store.count()

    [offer] = await admin.send_document(json.dumps(METRO_ROWS).encode(), "metro.json")

    assert "metro.json is a fact file. Importing it would add 2, update 0 and leave 0 unchanged. Import it?" == offer.text
    assert count == store.count()
    [done] = await admin.press(offer, "Import")
    assert "Imported metro.json: 2 added, 0 updated, 0 unchanged, 0 removed." == done.text
    assert count + 2 == store.count()


async def test_a_bad_fact_file_sent_without_import_gets_the_same_checks(admin: Chat, store: FactStore) -> None:
    before = store.all()
    rows = [*METRO_ROWS, {"question": "Bad?", "answer": "x", "source_url": "not-a-link", "source_title": "t"}]

    [failed] = await admin.send_document(json.dumps(rows).encode(), "metro.json")

    assert failed.text.startswith("Nothing was imported. Fix these rows and send the file again:\n")
    assert "row 3: source_url" in failed.text
    assert [] == failed.buttons
    assert before == store.all()


async def test_a_user_who_sends_a_file_is_asked_for_text(chat: Chat, store: FactStore) -> None:
    before = store.all()

    [reply] = await chat.send_document(json.dumps(METRO_ROWS).encode(), "metro.json")

    assert "Please send your question as text." == reply.text
    assert before == store.all()


async def test_duplicate_rows_in_one_import_are_reported_not_added_twice(admin: Chat, store: FactStore) -> None:
    before = store.all()
    rows = [METRO_ROWS[0], METRO_ROWS[1], {**METRO_ROWS[0], "answer": "Sixteen."}]

    [failed] = await admin.send_document(json.dumps(rows).encode(), "metro.json", caption="/import")

    assert "row 3: the same question as row 1 (en)" in failed.text
    assert before == store.all()


# -- the terminal ---------------------------------------------------------------------------------------


def test_asking_nothing_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "--db", str(tmp_path / "f.db"), "ask", "")

    assert 2 == code
    assert "" == out
    assert 1 == len(err.splitlines()) and "the question is empty" in err


def test_ask_json_says_why_there_is_no_match(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    questions = ["how many soldiers?", "what's the weather in Tokyo?", "hello", "x" * 600]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(questions) + "\n"))

    code, out, _ = run_cli(capsys, "--db", str(tmp_path / "f.db"), "ask", "--json")

    lines = [json.loads(line) for line in out.splitlines()]
    assert 0 == code
    assert [None, "no_match", "small_talk", "too_long"] == [line["reason"] for line in lines]
    assert lines[0]["match"] is not None and all(line["match"] is None for line in lines[1:])


def test_export_refuses_a_name_that_is_not_json_or_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "--db", str(tmp_path / "f.db"), "export", str(tmp_path / "out.txt"))

    assert 2 == code
    assert "end it in .json or .csv" in err and 1 == len(err.splitlines())
    assert not (tmp_path / "out.txt").exists()


def test_export_does_not_overwrite_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "facts.json"
    target.write_text("my notes", encoding="utf-8")

    code, _, err = run_cli(capsys, "--db", str(tmp_path / "f.db"), "export", str(target))

    assert 2 == code
    assert "already exists; add --force to overwrite it" in err
    assert "my notes" == target.read_text(encoding="utf-8")

    code, out, _ = run_cli(capsys, "--db", str(tmp_path / "f.db"), "export", str(target), "--force")

    assert 0 == code and "exported" in out
    assert json.loads(target.read_text(encoding="utf-8"))["facts"][0]["source_url"].startswith("https://")


# -- buttons --------------------------------------------------------------------------------------------


async def _walk_add_to_the_language_step(admin: Chat) -> Chat:
    for text in ["/add", "How long is the Pyongyang metro?", "About 22 km.", "/skip", METRO_URL, "Metro Guide",
                 "/skip", "/skip", "/skip"]:  # no date, no other phrasings, none in the other language
        replies = await admin.say(text)
    return replies[-1]


async def test_save_pressed_again_on_a_saved_preview_is_answered(admin: Chat, store: FactStore) -> None:
    await _walk_add_to_the_language_step(admin)
    intro, preview = await admin.say("/skip")
    await admin.press(preview, "Save")
    count = store.count()

    again = await admin.press(preview, "Save")

    assert [] == again
    assert "This preview has expired; send /add to start again." == answered_callbacks(admin)[-1]["text"]
    assert count == store.count()


async def test_skipping_the_language_takes_its_buttons_away_and_a_late_press_is_answered(
    admin: Chat, store: FactStore
) -> None:
    asked = await _walk_add_to_the_language_step(admin)
    assert [("Japanese", "addlang:ja"), ("English", "addlang:en")] == asked.buttons

    await admin.say("/skip")
    late = await admin.press(asked, "Japanese")

    [cleared] = [call for call in admin.api.sent("editMessageReplyMarkup")][:1]
    assert cleared.params.get("reply_markup") in (None, {}, "")
    assert [] == late
    assert "This preview has expired; send /add to start again." == answered_callbacks(admin)[-1]["text"]


# -- the headline question, typed the way people type ----------------------------------------------

TROOPS_KEYS = {"troops-sent-bbc", "troops-sent-reuters"}


@pytest.mark.parametrize(
    "question",
    [
        "how mnay soldiers did north korea send?",
        "how many soliders did north korea sned?",
        "北朝鮮兵の数は？",
        "North Korea soldiers number",
    ],
)
async def test_the_troops_question_with_typos_or_few_words_gets_the_troops_fact_or_none(
    chat: Chat, store: FactStore, question: str
) -> None:
    keys = {fact.id: fact.key for fact in store.all()}

    [reply] = await chat.say(question)

    shown = {keys[int(data.split(":")[1])] for _, data in reply.buttons if data.startswith("wrong:")}
    if shown:
        assert shown <= TROOPS_KEYS, f"{question!r} was answered with {shown}"
        assert "11,000" in reply.text or "1万1千" in reply.text or "10,000" in reply.text or "1万" in reply.text
    else:
        assert "don't have a sourced fact" in reply.text or "出典付きの情報はまだありません" in reply.text


def test_a_mistyped_question_word_is_read_as_the_word_but_a_real_word_is_not_respelled(seeded_store: FactStore) -> None:
    from bot.app import build_matcher

    matcher = build_matcher(seeded_store)

    assert "troops-sent-bbc" == matcher.match("how mnay soldiers did north korea send?").best.fact.key
    assert matcher.match("how many tanks has russia lost").best is None  # "tanks" is not "talks"
