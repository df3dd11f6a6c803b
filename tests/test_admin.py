"""Admins curate the facts from their chat with the bot; everyone else is refused."""

from __future__ import annotations

import asyncio
import json
import logging


from facts.io import write_fact_file, write_facts
from facts.store import FactStore
from tests.conftest import ADMIN_ID, USER_ID, Chat
from tests.fake_botapi import FakeBotApi

METRO_URL = "https://example.org/pyongyang-metro"


def texts(replies) -> list[str]:
    return [reply.text for reply in replies]


# -- /add, step by step ---------------------------------------------------------------------------


async def test_admin_adds_a_fact_step_by_step_and_a_user_then_gets_it(admin: Chat, chat: Chat) -> None:
    [asked] = await admin.say("/add")
    assert "What is the question" in asked.text

    [reply] = await admin.say("How many stations does the Pyongyang metro have?")
    assert "answer sentence" in reply.text
    [reply] = await admin.say("The Pyongyang metro has 16 stations on two lines.")
    assert "figure" in reply.text
    [reply] = await admin.say("16 stations")
    assert "link to the source" in reply.text

    [reply] = await admin.say("example.org/metro")
    assert "That doesn't work: source_url: must be an http:// or https:// link" in reply.text
    assert "Please send it again." in reply.text

    [reply] = await admin.say(METRO_URL)
    assert "source's name" in reply.text
    [reply] = await admin.say("Metro <Guide> & Co")
    assert "YYYY-MM-DD" in reply.text
    [reply] = await admin.say("2024-13-01")
    assert "published: must be a date written YYYY-MM-DD" in reply.text
    [reply] = await admin.say("2024-11-30")
    assert "Other ways to ask it" in reply.text
    [reply] = await admin.say("Pyongyang subway stations | 平壌の地下鉄の駅の数")
    assert "The question in Japanese too, so people asking in Japanese find it? /skip if not." == reply.text
    [reply] = await admin.say("/skip")
    assert "language" in reply.text and "'English'" in reply.text
    assert [("Japanese", "addlang:ja"), ("English", "addlang:en")] == reply.buttons

    intro, preview = await admin.say("/skip")
    assert "This is how users will see it" in intro.text
    assert [
        "<b>16 stations</b>",
        "The Pyongyang metro has 16 stations on two lines.",
        f'Source: <a href="{METRO_URL}">Metro &lt;Guide&gt; &amp; Co</a> (2024-11-30)',
    ] == preview.text.split("\n")
    assert "HTML" == preview.parse_mode
    assert ["Save", "Cancel"] == [label for label, _ in preview.buttons]

    [saved] = await admin.press(preview, "Save")
    fact_id = int(saved.text.removeprefix("Saved as fact #").rstrip("."))

    [answer] = await chat.say("how many stations does the pyongyang metro have?")
    assert answer.text == preview.text
    assert ["Pyongyang subway stations", "平壌の地下鉄の駅の数"] == chat.app.bot_data["store"].get(fact_id).aliases


async def test_required_steps_cannot_be_skipped_and_cancel_saves_nothing(admin: Chat, store: FactStore) -> None:
    count = store.count()
    await admin.say("/add")

    [refusal, again] = await admin.say("/skip")
    await admin.say("A question nobody will save?")
    [cancelled] = await admin.say("/cancel")

    assert "can't be skipped" in refusal.text and "question" in again.text
    assert "Cancelled; nothing changed." == cancelled.text
    assert count == store.count()
    [answer] = await admin.say("how many soldiers did north korea send?")
    assert "11,000" in answer.text  # back to asking questions


async def test_cancel_button_at_the_preview_saves_nothing(admin: Chat, store: FactStore) -> None:
    count = store.count()
    await admin.say("/add")
    for answer in ["北朝鮮の首都は？", "平壌です。", "/skip", "https://example.org/capital", "百科事典", "/skip", "/skip"]:
        await admin.say(answer)
    [lang_prompt] = await admin.say("/skip")
    assert "'Japanese' (from the question)" in lang_prompt.text

    _, preview = await admin.press(lang_prompt, "Japanese")
    assert preview.text.startswith("平壌です。\n出典: ")
    [cancelled] = await admin.press(preview, "Cancel")

    assert "Cancelled; nothing changed." == cancelled.text
    assert count == store.count()


# -- /add in one line -------------------------------------------------------------------------------


async def test_one_line_add_saves_and_shows_the_fact_with_its_id(admin: Chat, chat: Chat, store: FactStore) -> None:
    [reply] = await admin.say(
        f"/add How long is the Pyongyang metro? | It is 22 km long. | {METRO_URL} | 22 km | Metro Guide | 2024-11-30"
    )

    fact = store.all()[-1]
    assert reply.text.startswith(f"Saved as fact #{fact.id}.\n\n<b>22 km</b>\nIt is 22 km long.\n")
    assert f'<a href="{METRO_URL}">Metro Guide</a> (2024-11-30)' in reply.text
    [answer] = await chat.say("how long is the pyongyang metro?")
    assert "<b>22 km</b>" in answer.text


async def test_one_line_add_names_the_source_after_the_link_host_by_default(admin: Chat, store: FactStore) -> None:
    await admin.say("/add 平壌の地下鉄の長さは？ | 22kmです。 | https://www.example.org/metro")

    fact = store.all()[-1]
    assert ("example.org", "ja", None) == (fact.source_title, fact.lang, fact.figure)


async def test_one_line_add_with_bad_input_says_why_and_saves_nothing(admin: Chat, store: FactStore) -> None:
    count = store.count()

    [problem, usage] = await admin.say("/add Q? | A. | ftp://example.org/x | | | 19-12-2024")
    [too_short] = await admin.say("/add only a question | and an answer")

    assert "source_url: must be an http:// or https:// link" in problem.text
    assert "published: must be a date written YYYY-MM-DD" in problem.text
    assert "One-line form" in usage.text and "One-line form" in too_short.text
    assert count == store.count()


async def test_japanese_admin_is_answered_in_japanese(chat: Chat) -> None:
    admin = chat.as_user(ADMIN_ID, language="ja")

    [asked] = await admin.say("/add")
    await admin.say("平壌の地下鉄の駅はいくつ？")
    await admin.say("16駅あります。")
    await admin.say("16駅")
    [problem] = await admin.say("not a link")

    assert "質問を送ってください" in asked.text
    assert "受け付けられません: source_url: http:// か https:// で始まるリンクにしてください" in problem.text


# -- who may curate -------------------------------------------------------------------------------------


async def test_non_admin_is_refused_and_nothing_changes(chat: Chat, store: FactStore, caplog) -> None:
    before = store.all()
    fact_id = before[0].id

    with caplog.at_level(logging.WARNING, logger="handlers.admin"):
        [add] = await chat.say("/add Secret question? | secret answer | https://example.org/secret")
        [guided] = await chat.say("/add")
        [delete] = await chat.say(f"/delete {fact_id}")
        [followup] = await chat.say("Who is the secret?")  # no /add conversation was started

    assert "Sorry, only admins can do that." == add.text == guided.text == delete.text
    assert "Secret" not in followup.text
    assert before == store.all()
    assert f"refused admin /add from user {USER_ID}" in caplog.text
    assert f"refused admin /delete from user {USER_ID}" in caplog.text
    assert "secret" not in caplog.text.lower()


async def test_non_admin_cannot_press_an_admin_button(admin: Chat, chat: Chat, store: FactStore) -> None:
    fact_id = store.all()[0].id
    [confirm] = await admin.say(f"/delete {fact_id}")

    assert [] == await chat.press(confirm, "Delete")

    [alert] = chat.api.sent("answerCallbackQuery")[-1:]
    assert "only admins" in alert.params["text"]
    assert store.get(fact_id)


async def test_admin_commands_are_refused_in_groups(admin: Chat) -> None:
    [reply] = await admin.in_group().say("/facts")

    assert "private chat" in reply.text


async def test_admin_menu_is_set_only_for_admin_chats(app, api: FakeBotApi) -> None:
    await app.post_init(app)  # what run_polling does at startup

    menus = api.sent("setMyCommands")

    default = [call for call in menus if call.params["scope"]["type"] == "default"]
    for_admin = [call for call in menus if call.params["scope"] == {"type": "chat", "chat_id": ADMIN_ID}]
    assert {None, "ja"} == {call.params.get("language_code") for call in default}
    assert {None, "ja"} == {call.params.get("language_code") for call in for_admin}
    assert "add" not in {command["command"] for call in default for command in call.params["commands"]}
    admin_commands = {command["command"] for command in for_admin[0].params["commands"]}
    assert {"start", "help", "ask", "add", "edit", "delete", "facts", "fact", "import", "export", "history",
            "undo", "restore", "cancel", "synonyms", "synonym", "unanswered", "stats", "notify"} == admin_commands


async def test_the_bot_warms_its_matcher_as_it_starts(app, monkeypatch: pytest.MonkeyPatch) -> None:
    warmed: list[bool] = []
    monkeypatch.setattr(app.bot_data["matcher"], "warm_up", lambda: warmed.append(True))

    await app.post_init(app)  # what run_polling does at startup
    await app.bot_data["warm_up"]

    assert [True] == warmed


async def test_an_admin_who_never_opened_the_chat_does_not_stop_the_bot(app, api: FakeBotApi, caplog) -> None:
    api.unknown_chats.add(ADMIN_ID)

    with caplog.at_level(logging.WARNING, logger="bot.app"):
        await app.post_init(app)

    assert {None, "ja"} == {call.params.get("language_code") for call in api.sent("setMyCommands")
                            if call.params["scope"]["type"] == "default"}
    assert f"could not set the admin command menu for {ADMIN_ID}: Chat not found" in caplog.text


# -- /edit, /delete, /undo, /restore ------------------------------------------------------------------------


async def test_edit_answers_with_before_and_after(admin: Chat, chat: Chat, store: FactStore) -> None:
    fact = next(fact for fact in store.all() if fact.figure == "about 11,000")

    [figure] = await admin.say(f"/edit {fact.id} figure about 12,000")
    [aliases] = await admin.say(f"/edit {fact.id} aliases NK troop count | How many DPRK soldiers?")
    [bad] = await admin.say(f"/edit {fact.id} published yesterday")
    [unknown] = await admin.say(f"/edit {fact.id} colour blue")
    [missing] = await admin.say("/edit 99999 figure 1")

    assert f"Fact #{fact.id} changed:\n<b>figure</b>: about 11,000 → about 12,000" == figure.text
    assert "<b>aliases</b>: " in aliases.text and "→ NK troop count | How many DPRK soldiers?" in aliases.text
    assert "published: must be a date" in bad.text
    assert "There is no field 'colour'" in unknown.text and "source_title" in unknown.text
    assert "There is no fact #99999" in missing.text
    [answer] = await chat.say("how many soldiers did north korea send?")
    assert "<b>about 12,000</b>" in answer.text


async def test_edit_with_dash_clears_an_optional_field(admin: Chat, store: FactStore) -> None:
    fact = next(fact for fact in store.all() if fact.figure)

    [reply] = await admin.say(f"/edit {fact.id} figure -")

    assert f"<b>figure</b>: {fact.figure} → —" in reply.text
    assert store.get(fact.id).figure is None


async def test_delete_asks_first_then_undo_brings_the_fact_back(admin: Chat, chat: Chat, store: FactStore) -> None:
    fact = next(fact for fact in store.all() if fact.figure == "about 11,000")

    [confirm] = await admin.say(f"/delete {fact.id}")
    assert f"Delete fact #{fact.id}?" in confirm.text and "<b>about 11,000</b>" in confirm.text
    assert ["Delete", "Keep"] == [label for label, _ in confirm.buttons]
    assert store.get(fact.id)  # nothing happens before the button

    [deleted] = await admin.press(confirm, "Delete")
    assert f"Deleted fact #{fact.id}. /undo or /restore {fact.id} brings it back." == deleted.text
    [answer] = await chat.say("how many soldiers did north korea send?")
    assert "about 11,000" not in answer.text.split("\n")[0]

    [undone] = await admin.say("/undo")
    assert undone.text.startswith("Undone:\n") and f"deleted #{fact.id}" in undone.text
    assert fact.data() == store.get(fact.id).data()
    [answer] = await chat.say("how many soldiers did north korea send?")
    assert answer.text.startswith("<b>about 11,000</b>")


async def test_keep_button_deletes_nothing(admin: Chat, store: FactStore) -> None:
    fact = store.all()[0]
    [confirm] = await admin.say(f"/delete {fact.id}")

    [kept] = await admin.press(confirm, "Keep")

    assert f"Fact #{fact.id} is kept; nothing changed." == kept.text
    assert fact == store.get(fact.id)


async def test_restore_brings_back_a_deleted_fact(admin: Chat, store: FactStore) -> None:
    fact = store.all()[0]
    store.delete(fact.id, actor="tg:someone-else")

    [restored] = await admin.say(f"/restore {fact.id}")
    [again] = await admin.say(f"/restore {fact.id}")
    [bad] = await admin.say("/restore twelve")

    assert restored.text.startswith(f"Restored fact #{fact.id}.")
    assert f"Fact #{fact.id} is not deleted." == again.text
    assert "Usage: /restore ID" in bad.text
    assert fact.data() == store.get(fact.id).data()


async def test_undo_reverts_only_the_callers_own_last_change(admin: Chat, chat: Chat, store: FactStore) -> None:
    other_admin = chat.as_user(ADMIN_ID + 1)
    other_admin.app.bot_data["admins"] = frozenset({ADMIN_ID, ADMIN_ID + 1})
    first, second = store.all()[:2]
    await admin.say(f"/edit {first.id} figure mine")
    await other_admin.say(f"/edit {second.id} figure theirs")

    [undone] = await admin.say("/undo")
    [nothing] = await admin.say("/undo")

    assert "<b>figure</b>: " + first.figure + " → mine" in undone.text
    assert first.figure == store.get(first.id).figure
    assert "theirs" == store.get(second.id).figure
    assert "You have no change to undo." == nothing.text


async def test_undo_refuses_to_overwrite_a_later_change(admin: Chat, store: FactStore) -> None:
    fact = store.all()[0]
    await admin.say(f"/edit {fact.id} figure mine")
    store.update(fact.id, {"figure": "later"}, actor="tg:other")

    [refused] = await admin.say("/undo")

    assert f"Can't undo: fact #{fact.id} was changed again since." in refused.text
    assert "later" == store.get(fact.id).figure


async def test_two_admins_editing_one_fact_at_once_both_keep_their_edit(admin: Chat, chat: Chat, store: FactStore) -> None:
    other_admin = chat.as_user(ADMIN_ID + 1)
    chat.app.bot_data["admins"] = frozenset({ADMIN_ID, ADMIN_ID + 1})
    fact = store.all()[0]

    await asyncio.gather(
        admin.say(f"/edit {fact.id} figure about 12,000"),
        other_admin.say(f"/edit {fact.id} source_title Renamed Source"),
    )

    after = store.get(fact.id)
    assert ("about 12,000", "Renamed Source") == (after.figure, after.source_title)
    assert {"tg:1001", "tg:1002"} == {entry.actor for entry in store.history(fact.id, limit=2)}


# -- /facts, /fact, /history ---------------------------------------------------------------------------------


async def test_facts_lists_ten_a_page_with_prev_and_next(admin: Chat, store: FactStore) -> None:
    for number in range(15):
        await admin.say(f"/add Test question {number}? | Answer {number}. | https://example.org/{number}")
    total = store.count()
    pages = -(-total // 10)

    [first] = await admin.say("/facts")
    assert first.text.startswith(f"Facts 1–10 of {total} (page 1/{pages})\n")
    assert 11 == len(first.text.split("\n"))
    assert ["Next ▶"] == [label for label, _ in first.buttons]

    [second] = await admin.press(first, "Next ▶")
    assert second.call.method == "editMessageText"
    assert second.text.startswith(f"Facts 11–20 of {total} (page 2/{pages})\n")
    assert "◀ Prev" in [label for label, _ in second.buttons]

    [back] = await admin.press(second, "◀ Prev")
    assert back.text == first.text


async def test_facts_searches_question_source_and_figure(admin: Chat, store: FactStore) -> None:
    [found] = await admin.say("/facts reuters")
    [none] = await admin.say("/facts weather in tokyo")

    reuters = [fact for fact in store.all() if "reuters" in (fact.source_title + fact.source_url).lower()]
    assert found.text.startswith(f"Facts matching 'reuters': 1–10 of {len(reuters)} (page 1/2)\n")
    assert all(f"#{fact.id} " in found.text for fact in reuters[:10])
    assert ["Next ▶"] == [label for label, _ in found.buttons]
    assert "No facts match 'weather in tokyo'." == none.text


async def test_fact_shows_every_field_and_its_history(admin: Chat, store: FactStore) -> None:
    fact = store.all()[0]
    await admin.say(f"/edit {fact.id} figure <new> & improved")

    [shown] = await admin.say(f"/fact {fact.id}")

    for field in ("id", "question", "aliases", "answer", "figure", "source_url", "source_title", "published",
                  "lang", "tags", "key", "created_at", "updated_at", "created_by"):
        assert f"<b>{field}</b>: " in shown.text
    assert "<b>figure</b>: &lt;new&gt; &amp; improved" in shown.text
    history = shown.text.split("History, newest first:\n")[1].split("\n")
    assert f"tg:1001 · edited #{fact.id}" in history[0]
    assert f"<b>figure</b>: {fact.figure or '—'} → &lt;new&gt; &amp; improved" in history[1]
    assert f"seed · imported #{fact.id}" in history[2]


async def test_history_lists_changes_newest_first_with_old_and_new_values(admin: Chat, store: FactStore) -> None:
    first, second = store.all()[:2]
    await admin.say(f"/edit {first.id} figure one")
    await admin.say(f"/edit {second.id} source_title Two")

    [history] = await admin.say("/history")
    [of_first] = await admin.say(f"/history {first.id}")

    lines = history.text.split("\n")
    assert "History, newest first:" == lines[0]
    assert f"UTC · tg:1001 · edited #{second.id} " in lines[1]
    assert f"    <b>source_title</b>: {second.source_title} → Two" == lines[2]
    assert f"UTC · tg:1001 · edited #{first.id} " in lines[3]
    assert f"#{second.id}" not in of_first.text.split("\n")[1]
    assert len(history.text) < 4096


async def test_long_lists_are_cut_to_fit_one_message(admin: Chat, store: FactStore) -> None:
    fact = store.all()[0]
    for number in range(30):
        store.update(fact.id, {"answer": f"answer {number} " + "x" * 250}, actor="tg:1001")

    [history] = await admin.say("/history")
    [shown] = await admin.say(f"/fact {fact.id}")

    assert len(history.text) < 4096 and len(shown.text) < 4096
    assert "… and " in history.text and history.text.endswith("more")


# -- /import and /export -----------------------------------------------------------------------------------------


GOOD_ROWS = [
    {"question": "How many stations does the Pyongyang metro have?", "answer": "16.", "figure": "16",
     "source_url": METRO_URL, "source_title": "Metro Guide"},
    {"question": "平壌の地下鉄の長さは？", "answer": "22kmです。", "source_url": METRO_URL, "source_title": "ガイド"},
]


async def test_import_of_a_good_file_adds_every_row(admin: Chat, chat: Chat, store: FactStore) -> None:
    count = store.count()

    [ask] = await admin.say("/import")
    [done] = await admin.send_document(json.dumps(GOOD_ROWS).encode(), "metro.json", mime_type="application/json")

    assert "Send me the JSON or CSV file" in ask.text
    assert "Imported metro.json: 2 added, 0 updated, 0 unchanged, 0 removed." == done.text
    assert count + 2 == store.count()
    [answer] = await chat.say("how many stations does the pyongyang metro have?")
    assert "<b>16</b>" in answer.text


async def test_import_with_one_bad_row_imports_nothing_and_names_the_row(admin: Chat, store: FactStore) -> None:
    before = store.all()
    rows = [*GOOD_ROWS, {"question": "Bad row?", "answer": "x", "source_url": "not-a-link", "source_title": "t"}]

    [failed] = await admin.send_document(json.dumps(rows).encode(), "facts.json", caption="/import")

    assert failed.text.startswith("Nothing was imported. Fix these rows and send the file again:\n")
    assert "row 3: source_url: must be an http:// or https:// link" in failed.text
    assert before == store.all()


async def test_import_of_a_file_that_is_not_a_fact_file_says_so(admin: Chat, store: FactStore) -> None:
    before = store.all()
    await admin.say("/import")

    [refused] = await admin.send_document(b"\x89PNG\r\n\x1a\n", "photo.png", mime_type="image/png")
    [broken] = await admin.send_document(b"[{ not json", "facts.json", caption="/import")

    assert "I can import .json or .csv fact files" in refused.text and "'photo.png'" in refused.text
    assert "not valid JSON (line 1, column 4" in broken.text
    assert before == store.all()


async def test_import_of_a_file_over_1_mb_is_refused_before_downloading(admin: Chat, store: FactStore) -> None:
    before = store.all()
    big = b"[" + b" " * (1024 * 1024) + b"]"

    [refused] = await admin.send_document(big, "big.json", caption="/import")

    assert "That file is too big (1.0 MB; the limit is 1 MB)" in refused.text
    assert [] == admin.api.sent("getFile")
    assert before == store.all()


async def test_import_waits_for_a_document_and_can_be_cancelled(admin: Chat, store: FactStore) -> None:
    count = store.count()
    await admin.say("/import")

    [hint] = await admin.say("here is my file")
    [cancelled] = await admin.say("/cancel")
    [offered] = await admin.send_document(json.dumps(GOOD_ROWS).encode(), "metro.json")

    assert "Please send the file as a document" in hint.text
    assert "Cancelled; nothing changed." == cancelled.text
    assert "metro.json is a fact file" in offered.text  # not imported until Import is pressed
    assert count == store.count()


async def test_json_export_then_import_round_trips_facts_and_synonyms(admin: Chat, store: FactStore) -> None:
    before, synonyms_before = store.all(), store.synonym_groups()

    await admin.say("/export")
    [document] = admin.api.sent("sendDocument")
    name, content = document.files["document"]
    [done] = await admin.send_document(content, name, caption="/import")

    assert name.startswith("facts-") and name.endswith(".json")
    assert (
        f"{len(before)} facts and {len(synonyms_before)} synonym groups. /import accepts this file unchanged."
        == document.params["caption"]
    )
    assert write_fact_file(before, [group.terms for group in synonyms_before], "json").encode() == content
    assert (
        f"Imported {name}: 0 added, 0 updated, {len(before)} unchanged, 0 removed.\n"
        f"Synonym groups: 0 added, 0 merged, {len(synonyms_before)} unchanged, 0 removed."
    ) == done.text
    assert before == store.all() and synonyms_before == store.synonym_groups()


async def test_csv_export_sends_facts_and_synonyms_as_two_files_that_import_back(admin: Chat, store: FactStore) -> None:
    before, synonyms_before = store.all(), store.synonym_groups()

    await admin.say("/export csv")
    facts_document, synonyms_document = admin.api.sent("sendDocument")
    facts_name, facts_csv = facts_document.files["document"]
    synonyms_name, synonyms_csv = synonyms_document.files["document"]
    [facts_done] = await admin.send_document(facts_csv, facts_name, caption="/import")
    [synonyms_done] = await admin.send_document(synonyms_csv, synonyms_name, caption="/import")

    assert facts_name.endswith(".csv") and synonyms_name == facts_name.removesuffix(".csv") + ".synonyms.csv"
    assert f"{len(before)} facts. /import accepts this file unchanged." == facts_document.params["caption"]
    assert write_facts(before, "csv").encode() == facts_csv
    assert synonyms_csv.decode().startswith("terms\nammunition | ammo | shells | munitions | 弾薬 | 砲弾\n")
    assert f"Imported {facts_name}: 0 added, 0 updated, {len(before)} unchanged, 0 removed." == facts_done.text
    assert synonyms_done.text.endswith(f"Synonym groups: 0 added, 0 merged, {len(synonyms_before)} unchanged, 0 removed.")
    assert before == store.all() and synonyms_before == store.synonym_groups()


async def test_import_can_be_undone_as_one_change(admin: Chat, store: FactStore) -> None:
    before = store.all()
    await admin.send_document(json.dumps(GOOD_ROWS).encode(), "metro.json", caption="/import")

    [undone] = await admin.say("/undo")

    assert 2 == undone.text.count("imported #")
    assert before == store.all()


def test_every_admin_command_is_in_the_menu_and_the_readme() -> None:
    from pathlib import Path

    from bot.app import admin_menu

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Admin commands")[1].split("\n## ")[0]
    table = readme.split("## Commands")[1].split("\n## ")[0]
    for name in admin_menu():
        assert f"| `/{name}" in table, name
        assert f"/{name}" in section, name


async def test_import_of_a_json_nesting_bomb_says_why_and_imports_nothing(admin: Chat, store: FactStore) -> None:
    before = store.all()

    [refused] = await admin.send_document(b"[" * 300_000 + b"]" * 300_000, "bomb.json", caption="/import")

    assert refused.text.startswith("Nothing was imported.")
    assert "JSON nested too deeply (more than 20 levels)" in refused.text
    assert before == store.all()
