"""Domain synonyms live in the fact table: admins manage them in chat, questions use them at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from facts.io import FactFileError, bundled_seed, bundled_seed_synonyms, read_fact_file, write_fact_file
from facts.matching.matcher import Matcher
from facts.model import Fact, FactData
from facts.store import FactStore, UndoConflict
from bot.services import open_store
from tests.conftest import ADMIN_ID, Chat, make_settings

METRO_URL = "https://example.org/pyongyang-metro"
METRO = f"/add How many stations does the Pyongyang metro have? | It has 16 stations. | {METRO_URL} | 16 stations"
SUBWAY_QUESTION = "how many subway stations are there in pyongyang?"
NO_FACT = "Sorry, I don't have a sourced fact for that yet."


def terms(store: FactStore) -> list[list[str]]:
    return [group.terms for group in store.synonym_groups()]


# -- in chat ------------------------------------------------------------------------------------------


async def test_a_synonym_is_used_by_the_very_next_question_and_undo_takes_it_back(admin: Chat, chat: Chat) -> None:
    await admin.say(METRO)
    [before] = await chat.say(SUBWAY_QUESTION)

    [added] = await admin.say("/synonym add metro = subway = 地下鉄")
    [answer] = await chat.say(SUBWAY_QUESTION)
    [undone] = await admin.say("/undo")
    [after_undo] = await chat.say(SUBWAY_QUESTION)

    assert before.text.startswith(NO_FACT)
    assert "Added synonym group #35: metro = subway = 地下鉄\nThe next question uses it; /undo takes it back." == added.text
    assert answer.text.startswith("<b>16 stations</b>\nIt has 16 stations.")
    assert f'<a href="{METRO_URL}">' in answer.text
    assert "Undone:" == undone.text.split("\n")[0]
    assert "tg:1001 · added synonym group #35 metro = subway = 地下鉄" in undone.text
    assert after_undo.text.startswith(NO_FACT)


async def test_a_term_already_in_a_group_adds_the_others_to_that_group(admin: Chat, chat: Chat, store: FactStore) -> None:
    count = len(store.synonym_groups())

    [merged] = await admin.say("/synonym add DPRK = 朝鮮民主主義人民共和国")
    [answer] = await chat.say("朝鮮民主主義人民共和国は何人の兵士を派遣した？")

    assert merged.text.startswith("Added '朝鮮民主主義人民共和国' to synonym group #")
    assert merged.text.split("\n")[0].endswith("= DPRK = NK = Pyongyang = 北朝鮮 = きたちょうせん = 北 = 朝鮮民主主義人民共和国")
    assert count == len(store.synonym_groups())
    assert "1万1千" in answer.text or "11,000" in answer.text


async def test_a_term_joining_two_groups_merges_them(admin: Chat, store: FactStore) -> None:
    await admin.say("/synonym add metro = subway")
    await admin.say("/synonym add station = stop")

    [merged] = await admin.say("/synonym add Subway = stop")

    assert "Added 'station', 'stop' to synonym group #35: metro = subway = station = stop" in merged.text
    assert "Groups #36 shared a term with it and were merged into it." in merged.text
    assert ["metro", "subway", "station", "stop"] == terms(store)[-1]


async def test_adding_terms_a_group_already_has_changes_nothing(admin: Chat, store: FactStore) -> None:
    history = store.history(limit=100)

    [reply] = await admin.say("/synonym add Kursk = ＣＬＩＰ".replace("ＣＬＩＰ", "クルスク"))

    assert reply.text.startswith("Synonym group #18 already has these terms; nothing changed")
    assert history == store.history(limit=100)


async def test_delete_takes_a_term_out_or_a_whole_group(admin: Chat, chat: Chat, store: FactStore) -> None:
    await admin.say(METRO)
    await admin.say("/synonym add metro = subway = underground")

    [took_out] = await admin.say("/synonym delete Subway")
    [no_longer] = await chat.say(SUBWAY_QUESTION)
    [deleted] = await admin.say("/synonym delete #35")
    [gone] = await admin.say("/synonym delete #35")
    [unknown] = await admin.say("/synonym delete tube")

    assert "Took 'Subway' out of synonym group #35: metro = underground\n/undo puts it back." == took_out.text
    assert no_longer.text.startswith(NO_FACT)
    assert "Deleted synonym group #35: metro = underground\n/undo brings it back." == deleted.text
    assert "There is no synonym group #35. /synonyms lists them." == gone.text
    assert "No synonym group has the term 'tube'. /synonyms lists them." == unknown.text
    assert 34 == len(store.synonym_groups())


async def test_synonyms_lists_and_filters_the_groups_escaped(admin: Chat) -> None:
    await admin.say("/synonym add R&D = <research>")

    [everything] = await admin.say("/synonyms")
    [kursk] = await admin.say("/synonyms クルスク")
    [nothing] = await admin.say("/synonyms zeppelin")

    lines = everything.text.split("\n")
    assert "Synonym groups (35):" == lines[0]
    assert "#1 North Korea = North Korean" in lines[1]
    assert "#35 R&amp;D = &lt;research&gt;" == lines[35]
    assert "HTML" == everything.parse_mode
    assert ["Synonym groups with 'クルスク' (1):", "#18 Kursk = クルスク = くるすく"] == kursk.text.split("\n")
    assert "No synonym group has a term containing 'zeppelin'." == nothing.text


@pytest.mark.parametrize(
    "command, reply",
    [
        ("/synonym", "Synonyms are groups of terms"),
        ("/synonym add metro", "Synonyms are groups of terms"),
        ("/synonym rename a = b", "Synonyms are groups of terms"),
        ("/synonym add metro = METRO", "Not saved: a group needs at least two different terms, separated by '='"),
        ("/synonym add a|b = c", "Not saved: a term may not contain '|' or '=': 'a|b'"),
        ("/synonym add x = " + "y" * 101, "Not saved: a term may be at most 100 characters long"),
    ],
)
async def test_bad_synonym_commands_get_the_usage_and_change_nothing(
    admin: Chat, store: FactStore, command: str, reply: str
) -> None:
    before, history = terms(store), store.history(limit=100)

    [answer] = await admin.say(command)

    assert answer.text.startswith(reply)
    assert before == terms(store) and history == store.history(limit=100)


async def test_synonym_usage_lists_every_form(admin: Chat) -> None:
    [usage] = await admin.say("/synonym")

    for form in ("/synonyms [text]", "/synonym add TERM = OTHER [= …]", "/synonym delete TERM", "/synonym delete #ID"):
        assert form in usage.text


async def test_non_admins_cannot_see_or_change_synonyms(chat: Chat, store: FactStore) -> None:
    before = terms(store)

    [refused_add] = await chat.say("/synonym add metro = subway")
    [refused_list] = await chat.say("/synonyms")

    assert "Sorry, only admins can do that." == refused_add.text == refused_list.text
    assert before == terms(store)


async def test_a_japanese_admin_is_answered_in_japanese(chat: Chat) -> None:
    admin = chat.as_user(ADMIN_ID, language="ja")

    [added] = await admin.say("/synonym add メトロ＝地下鉄")  # a full-width = as a Japanese keyboard types it
    [listed] = await admin.say("/synonyms メトロ")
    [usage] = await admin.say("/synonym")

    assert added.text.startswith("同義語グループ #35 を追加しました: メトロ = 地下鉄")
    assert listed.text.startswith("「メトロ」を含む同義語グループ（1件）:")
    assert usage.text.startswith("同義語は、")


async def test_history_shows_synonym_changes_but_a_facts_history_does_not(admin: Chat, store: FactStore) -> None:
    await admin.say("/synonym add metro = subway")
    await admin.say("/synonym add underground = subway")
    await admin.say("/synonym delete metro")

    [history] = await admin.say("/history")
    [of_fact_6] = await admin.say("/history 6")

    lines = history.text.split("\n")
    assert "UTC · tg:1001 · edited synonym group #35 subway = underground" in lines[1]
    assert "    <b>terms</b>: metro = subway = underground → subway = underground" == lines[2]
    assert "UTC · tg:1001 · edited synonym group #35 metro = subway = underground" in lines[3]
    assert "UTC · tg:1001 · added synonym group #35 metro = subway" in lines[5]
    assert "synonym" not in of_fact_6.text


async def test_undo_refuses_to_overwrite_a_later_synonym_change(admin: Chat, store: FactStore) -> None:
    await admin.say("/synonym add metro = subway")
    store.add_synonyms(["subway", "tube"], actor="tg:2")

    [refused] = await admin.say("/undo")

    assert refused.text.startswith("Can't undo: synonym group #35 was changed again since")
    assert ["metro", "subway", "tube"] == terms(store)[-1]


async def test_json_export_then_replace_import_of_an_edited_file(admin: Chat, chat: Chat, store: FactStore) -> None:
    await admin.say(METRO)
    await admin.say("/export")
    [document] = admin.api.sent("sendDocument")
    name, content = document.files["document"]
    data = json.loads(content)
    data["synonyms"].append(["metro", "subway"])

    [confirm] = await admin.send_document(json.dumps(data).encode(), name, caption="/import replace")
    assert confirm.text.endswith("Synonym groups: 35 in the file (34 stored now).")
    [done] = await admin.press(confirm, "Replace")
    [answer] = await chat.say(SUBWAY_QUESTION)

    assert done.text.endswith("Synonym groups: 1 added, 0 merged, 34 unchanged, 0 removed.")
    assert "<b>16 stations</b>" in answer.text


# -- guided /add: the question in the other language --------------------------------------------------


async def test_a_fact_added_in_japanese_with_an_english_phrasing_is_found_in_english(admin: Chat, chat: Chat) -> None:
    await admin.say("/add")
    for step in ["平壌の地下鉄の駅はいくつ？", "16駅です。", "16駅", METRO_URL, "地下鉄ガイド", "/skip", "/skip"]:
        [reply] = await admin.say(step)
    assert "英語" not in reply.text and "The question in English too" in reply.text

    [lang_prompt] = await admin.say("How many stations does the Pyongyang metro have?")
    _, preview = await admin.press(lang_prompt, "Japanese")
    await admin.press(preview, "Save")
    [answer] = await chat.say("how many stations does the pyongyang metro have?")

    fact = chat.app.bot_data["store"].all()[-1]
    assert ["How many stations does the Pyongyang metro have?"] == fact.aliases and "ja" == fact.lang
    assert "<b>16駅</b>" in answer.text


# -- what a group's terms say beyond spellings ---------------------------------------------------------

NAVY_URL = "https://example.org/navy"


def navy_fact(fact_id: int, question: str, figure: str, answer: str) -> Fact:
    return Fact(**FactData(question=question, answer=answer, figure=figure, source_url=NAVY_URL, source_title="Navy list").model_dump(), id=fact_id)


NAVY = [
    navy_fact(1, "How many sailors does the navy have?", "3,000", "Denmark's navy has about 3,000 sailors."),
    navy_fact(2, "How many ships does the navy have?", "40", "It has about 40 ships."),
    navy_fact(3, "When did Sweden join NATO?", "2024", "Sweden joined NATO in March 2024."),
    navy_fact(4, "How many casualties did the storm cause?", "12", "The storm caused 12 casualties."),
]


@pytest.mark.parametrize(("sweden", "answered"), [(["sweden", "swedish"], 1), (["Sweden", "Swedish"], None)])
def test_a_group_headed_by_a_name_is_who_a_question_is_about(sweden: list[str], answered: int | None) -> None:
    matcher = Matcher(NAVY, synonyms=[sweden, ["sailor", "seaman", "seamen"]])

    best = matcher.match("how many sailors does the swedish navy have?").best
    seamen = matcher.match("how many seamen does the navy have?").best

    assert answered == (best.fact.id if best else None)
    assert seamen is not None and 1 == seamen.fact.id


@pytest.mark.parametrize(("dead", "answered"), [(["dead", "died", "killed"], None), (["dead", "died", "killed", "~casualty"], 4)])
def test_a_related_mark_gives_a_close_group_partial_credit(dead: list[str], answered: int | None) -> None:
    matcher = Matcher(NAVY, synonyms=[dead, ["casualty", "casualties"]])

    best = matcher.match("how many were killed by the storm").best

    assert answered == (best.fact.id if best else None)


def test_a_related_mark_may_be_in_several_groups(fresh_db: FactStore) -> None:
    groups = [["dead", "killed", "~casualty"], ["wounded", "injured", "~casualty"], ["casualty", "casualties"]]
    for group in groups:
        fresh_db.add_synonyms(group, actor="admin")

    assert groups == read_fact_file(json.dumps({"synonyms": groups}).encode(), "json").synonyms
    assert groups == terms(fresh_db)


# -- the store, the seed and the files -----------------------------------------------------------------


def test_a_new_database_has_the_seed_synonyms_once(tmp_path: Path) -> None:
    store = FactStore(tmp_path / "facts.db")
    store.seed(bundled_seed(), bundled_seed_synonyms())
    store.delete_synonym(1, actor="admin")
    store.seed(bundled_seed(), bundled_seed_synonyms())

    assert bundled_seed_synonyms()[1:] == terms(store)
    assert ["North Korea", "DPRK", "北朝鮮", "北"] <= bundled_seed_synonyms()[0]
    assert "seed" == store.history(limit=1000)[-1].actor


def test_a_database_from_before_synonyms_gets_the_seed_synonyms(tmp_path: Path) -> None:
    store = FactStore(tmp_path / "facts.db")
    store.seed(bundled_seed())
    assert [] == terms(store)

    store.seed(bundled_seed(), bundled_seed_synonyms())

    assert bundled_seed_synonyms() == terms(store)
    assert len(bundled_seed()) == store.count()


OLDER_SEED_SYNONYMS = [
    ["north korea", "north korean", "north koreans", "n korea", "n. korea", "dprk", "nk", "pyongyang", "北朝鮮", "きたちょうせん", "北"],
    ["russia", "russian", "russians", "moscow", "kremlin", "ロシア", "露"],
    ["ukraine", "ukrainian", "ukrainians", "kyiv", "kiev", "ウクライナ", "宇"],
    ["soldier", "soldiers", "troop", "troops", "army", "armies", "forces", "military personnel", "servicemen",
     "兵士", "兵隊", "へいし", "軍人", "部隊", "兵", "へい"],
    ["kursk", "クルスク", "くるすく"],
]
"""What factbot seeded before the seed article's words left the lexicon for its table."""


def test_a_database_seeded_by_an_older_version_gets_the_seed_words_once(tmp_path: Path) -> None:
    store = FactStore(tmp_path / "facts.db")
    store.seed(bundled_seed(), OLDER_SEED_SYNONYMS)
    store.add_synonyms(["drone", "quadcopter"], actor="admin")
    store.add_synonyms(["Kursk", "Kursk oblast"], actor="admin")

    store.seed(bundled_seed(), bundled_seed_synonyms())
    store.seed(bundled_seed(), bundled_seed_synonyms())
    answer = Matcher.over(store).match("how many soldiers did north korea send?").best

    kept = [group for group in bundled_seed_synonyms() if not {"drone", "Kursk"} & set(group)]
    assert sorted(kept + [["drone", "quadcopter"], ["kursk", "クルスク", "くるすく", "Kursk oblast"]]) == sorted(terms(store))
    assert answer is not None and "troops-sent-bbc" == answer.fact.key
    assert {"seed"} == {entry.actor for entry in store.history(limit=1000) if entry.kind == "synonyms" and entry.actor != "admin"}


def test_the_seed_words_stay_out_of_an_admins_own_table(tmp_path: Path) -> None:
    store = FactStore(tmp_path / "facts.db")
    parcel = FactData(question="When was the parcel sent?", answer="On Monday.", source_url=METRO_URL, source_title="Post")
    store.import_facts([Fact(**parcel.model_dump())], actor="admin")

    store.seed(bundled_seed(), bundled_seed_synonyms())
    answer = Matcher.over(store).match("when did they send my parcel?").best

    assert [] == terms(store)
    assert answer is not None and "When was the parcel sent?" == answer.fact.question


def test_listeners_hear_synonym_changes_but_not_changes_that_change_nothing(fresh_db: FactStore) -> None:
    heard: list[list[list[str]]] = []
    fresh_db.subscribe_synonyms(lambda groups: heard.append([group.terms for group in groups]))

    fresh_db.add_synonyms(["metro", "subway"], actor="a")
    fresh_db.add_synonyms(["METRO", "subway"], actor="a")
    fresh_db.undo_last("a")

    assert [[["metro", "subway"]], []] == heard
    assert ["undo", "add"] == [entry.action for entry in fresh_db.history()]


def test_an_import_with_synonyms_is_all_or_nothing_and_undone_as_one_change(fresh_db: FactStore) -> None:
    fresh_db.add_synonyms(["metro", "subway"], actor="a")
    fact = Fact(**FactData(question="Q?", answer="A.", source_url=METRO_URL, source_title="T").model_dump())

    report = fresh_db.import_facts([fact], actor="b", replace=True, synonyms=[["kursk", "クルスク"]])
    assert (1, 1, 1) == (report.added, report.synonyms_added, report.synonyms_removed)
    assert [["kursk", "クルスク"]] == terms(fresh_db)

    fresh_db.undo_last("b")
    assert [["metro", "subway"]] == terms(fresh_db) and [] == fresh_db.all()


def test_undo_that_would_put_one_term_in_two_groups_is_refused(fresh_db: FactStore) -> None:
    fresh_db.add_synonyms(["metro", "subway"], actor="a")
    fresh_db.delete_synonym(1, actor="a")
    fresh_db.add_synonyms(["subway", "tube"], actor="b")

    with pytest.raises(UndoConflict):
        fresh_db.undo_last("a")
    assert [["subway", "tube"]] == terms(fresh_db)


def test_json_file_with_synonyms_round_trips_exactly(seeded_store: FactStore, fresh_db: FactStore) -> None:
    seeded_store.add_synonyms(["Metro", "subway", "地下鉄"], actor="a")
    exported = write_fact_file(seeded_store.all(), terms(seeded_store), "json")

    file = read_fact_file(exported.encode(), "json")
    fresh_db.import_facts(file.facts, actor="b", replace=True, synonyms=file.synonyms)

    assert exported == write_fact_file(fresh_db.all(), terms(fresh_db), "json")


def test_an_older_file_without_synonyms_leaves_them_alone_even_with_replace(seeded_store: FactStore) -> None:
    before = terms(seeded_store)
    file = read_fact_file(json.dumps([fact.model_dump(mode="json") for fact in seeded_store.all()]).encode(), "json")

    seeded_store.import_facts(file.facts, actor="b", replace=True, synonyms=file.synonyms)

    assert file.synonyms is None and before == terms(seeded_store)


@pytest.mark.parametrize(
    "synonyms, problem",
    [
        ([["metro"]], "synonym group 1: a group needs at least two different terms"),
        ([["metro", "subway"], ["Subway", "tube"]], "synonym group 2: 'Subway' is also in synonym group 1"),
        (["metro = subway"], "synonym group 1: not a list of terms"),
    ],
)
def test_a_bad_synonym_group_rejects_the_whole_file(synonyms: list, problem: str) -> None:
    content = json.dumps({"facts": [], "synonyms": synonyms}).encode()

    with pytest.raises(FactFileError) as error:
        read_fact_file(content, "json")

    assert [problem] == error.value.problems


def test_cli_csv_export_writes_the_synonyms_beside_it_and_import_takes_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    main(["--db", first, "export", str(tmp_path / "out.csv")])
    sidecar = tmp_path / "out.synonyms.csv"
    sidecar.write_text(sidecar.read_text(encoding="utf-8") + "metro | subway\n", encoding="utf-8")

    code = main(["--db", second, "import", "--replace", str(tmp_path / "out.csv")])
    main(["--db", second, "ask", SUBWAY_QUESTION.replace("subway", "metro")])

    out = capsys.readouterr().out
    assert 0 == code
    assert "exported 34 facts to " in out and "and 34 synonym groups to " in out
    assert "synonym groups: 1 added, 0 merged, 34 unchanged, 0 removed" in out
    assert ["metro", "subway"] == terms(FactStore(second))[-1]


def test_two_matchers_with_different_synonyms_do_not_mix(seeded_store: FactStore) -> None:
    metro = seeded_store.add(
        FactData(question="How many stations does the metro have?", answer="16.", source_url=METRO_URL, source_title="T"),
        actor="a",
    )
    plain = Matcher(seeded_store.all())
    with_synonyms = Matcher(seeded_store.all(), synonyms=[["metro", "subway"]])

    for _ in range(2):
        assert plain.match("how many stations does the subway have?").best is None
        assert metro.id == with_synonyms.match("how many stations does the subway have?").best.fact.id

    plain.set_synonyms([["subway", "metro"]])
    assert metro.id == plain.match("how many stations does the subway have?").best.fact.id


def test_a_database_from_before_synonyms_opens_with_its_history_intact(tmp_path: Path) -> None:
    store = FactStore(tmp_path / "facts.db")
    fact = store.add(FactData(question="Q?", answer="A.", source_url=METRO_URL, source_title="T"), actor="a")
    store.db.execute("alter table audit drop column kind")  # the audit table as it was before synonyms
    store.db.execute("drop table synonyms")
    store.close()

    reopened = FactStore(tmp_path / "facts.db")
    reopened.add_synonyms(["metro", "subway"], actor="a")

    assert [("synonyms", "add"), ("fact", "add")] == [(e.kind, e.action) for e in reopened.history()]
    assert [fact.id] == [entry.fact_id for entry in reopened.history(fact.id)]
    reopened.undo_last("a")
    assert [] == terms(reopened)


async def test_replacing_from_a_synonyms_file_leaves_the_facts_alone(admin: Chat, store: FactStore) -> None:
    facts = store.all()
    sidecar = "terms\nmetro | subway\n".encode()

    [confirm] = await admin.send_document(sidecar, "facts.synonyms.csv", caption="/import replace")
    assert (
        "Replace the synonym groups with the 1 in facts.synonyms.csv? There are 34 now (/undo brings them back)."
        == confirm.text
    )
    [done] = await admin.press(confirm, "Replace")

    assert "Imported facts.synonyms.csv.\nSynonym groups: 1 added, 0 merged, 0 unchanged, 34 removed." == done.text
    assert [["metro", "subway"]] == terms(store)
    assert facts == store.all()


def test_a_json_file_of_synonyms_only_leaves_the_facts_alone(seeded_store: FactStore) -> None:
    facts = seeded_store.all()
    file = read_fact_file(b'{"synonyms": [["metro", "subway"]]}', "json")

    report = seeded_store.import_facts(file.facts, actor="b", replace=True, synonyms=file.synonyms)

    assert file.facts is None and not report.facts
    assert facts == seeded_store.all() and [["metro", "subway"]] == terms(seeded_store)


def test_the_bot_started_on_a_database_of_an_older_version_gets_the_seed_words(tmp_path: Path) -> None:
    older = FactStore(tmp_path / "facts.db")
    older.seed(bundled_seed(), OLDER_SEED_SYNONYMS)
    older.close()

    store = open_store(make_settings(tmp_path / "facts.db"))
    changes = len(store.history(limit=1000))
    store.close()
    again = open_store(make_settings(tmp_path / "facts.db"))

    assert sorted(bundled_seed_synonyms()) == sorted(terms(again))
    assert changes == len(again.history(limit=1000))  # offered once: the next start changes nothing


def test_a_fact_naming_the_same_owner_twice_is_indexed(fresh_db: FactStore) -> None:
    fresh_db.add_synonyms(["Kremlin", "Moscow"], actor="admin")
    fresh_db.add_synonyms(["troops", "soldiers"], actor="admin")
    twice = Fact(
        question="Are Kremlin troops near Kremlin troops?", answer="Yes.", source_url=METRO_URL, source_title="Post",
    )
    fresh_db.import_facts([twice], actor="admin")

    answer = Matcher.over(fresh_db).match("are moscow soldiers near moscow soldiers?").best
    assert answer is not None and answer.fact.answer == "Yes."


def test_replacing_the_bundled_facts_takes_their_words_with_them_and_undo_brings_them_back(tmp_path: Path) -> None:
    store = FactStore(tmp_path / "facts.db")
    store.seed(bundled_seed(), bundled_seed_synonyms())
    store.add_synonyms(["drone", "quadcopter"], actor="admin")  # merged into a seed group: the admin's now
    parcel = Fact(question="When was the parcel sent?", answer="On Monday.", source_url=METRO_URL, source_title="Post")

    report = store.import_facts([parcel], actor="admin", replace=True)
    answer = Matcher.over(store).match("when did they deploy my parcel?").best

    assert report.synonyms_removed == len(bundled_seed_synonyms()) - 1
    assert [group for group in terms(store) if "quadcopter" in group]  # the admin's group stays
    assert len(terms(store)) == 1
    assert answer is None  # "deploy" is no longer the seed's word for "send"
    store.undo_last("admin")
    assert sorted(map(sorted, terms(store))) == sorted(
        sorted(group + ["quadcopter"] if "drone" in group else group) for group in bundled_seed_synonyms()
    )
