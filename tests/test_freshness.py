"""A change made by any process is answered by the very next question in every other process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


from facts.model import FactData
from facts.store import FactStore
from tests.conftest import Chat

METRO = {
    "question": "How many stations does the Pyongyang metro have?",
    "answer": "The Pyongyang metro has 16 stations.",
    "figure": "16 stations",
    "source_url": "https://example.org/pyongyang-metro",
    "source_title": "Metro Guide",
}


def run_python(code: str) -> None:
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


async def test_a_cli_import_is_answered_by_the_running_bot(chat: Chat, store: FactStore, tmp_path: Path) -> None:
    [before] = await chat.say("how many stations does the pyongyang metro have?")
    file = tmp_path / "metro.json"
    file.write_text(json.dumps([METRO]), encoding="utf-8")

    subprocess.run(
        [sys.executable, "-m", "bot", "--db", store.path, "import", str(file)], check=True, capture_output=True,
        timeout=60,
    )
    [after] = await chat.say("how many stations does the pyongyang metro have?")

    assert "16 stations" not in before.text
    assert "<b>16 stations</b>" in after.text and "https://example.org/pyongyang-metro" in after.text


async def test_another_process_edit_and_delete_are_seen_at_once(chat: Chat, store: FactStore) -> None:
    bbc = [fact for fact in store.all() if fact.key == "troops-sent-bbc"]
    english = next(fact for fact in bbc if fact.lang == "en")

    run_python(
        "from facts.store import FactStore\n"
        f"FactStore({store.path!r}).update({english.id}, {{'figure': 'about 12,345'}}, 'other-bot')\n"
    )
    [edited] = await chat.say("How many soldiers did North Korea send?")
    run_python(
        "from facts.store import FactStore\n"
        f"store = FactStore({store.path!r})\n"
        + "".join(f"store.delete({fact.id}, 'other-bot')\n" for fact in bbc)
    )
    [deleted] = await chat.say("How many soldiers did North Korea send?")

    assert "<b>about 12,345</b>" in edited.text
    assert "12,345" not in deleted.text and "11,000" not in deleted.text and "1万1千" not in deleted.text


def test_a_running_cli_ask_sees_a_fact_the_bot_just_added(seeded_store: FactStore) -> None:
    asker = subprocess.Popen(
        [sys.executable, "-m", "bot", "--db", seeded_store.path, "ask", "--json"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
    )
    try:
        asker.stdin.write(METRO["question"] + "\n")
        asker.stdin.flush()
        first = json.loads(asker.stdout.readline())

        seeded_store.add(FactData.model_validate(METRO), actor="tg:1001")
        asker.stdin.write(METRO["question"] + "\n")
        asker.stdin.flush()
        second = json.loads(asker.stdout.readline())
    finally:
        asker.stdin.close()
        asker.wait(timeout=60)
        asker.stdout.close()

    assert first["match"] is None
    assert "16 stations" == second["match"]["fact"]["figure"]


def test_sync_reports_each_changed_fact_once_and_nothing_when_quiet(tmp_path: Path) -> None:
    here, there = FactStore(tmp_path / "f.db"), FactStore(tmp_path / "f.db")
    heard: list[tuple[object, object]] = []
    here.subscribe(lambda before, after: heard.append((before, after)))
    fact = there.add(FactData.model_validate(METRO), actor="cli")
    before, after = there.update(fact.id, {"figure": "16"}, actor="cli")

    assert 1 == here.sync()
    assert [(before, after)] == heard
    assert 0 == here.sync()
    here.update(fact.id, {"figure": "sixteen"}, actor="bot")  # its own change: heard as it happens, not again
    assert 0 == here.sync()
    assert 2 == len(heard)


async def test_a_synonym_added_by_another_process_is_used_at_once(chat: Chat, store: FactStore) -> None:
    store.add(FactData.model_validate(METRO), actor="tg:1001")
    [before] = await chat.say("How many stations does the Pyongyang subway have?")

    run_python(f"from facts.store import FactStore\nFactStore({store.path!r}).add_synonyms(['metro', 'subway'], 'cli')\n")
    [after] = await chat.say("How many stations does the Pyongyang subway have?")

    assert "16 stations" not in before.text
    assert "<b>16 stations</b>" in after.text


def test_a_big_batch_of_changes_rebuilds_the_index_to_what_adding_each_fact_gives(seeded_store: FactStore) -> None:
    import sys as _sys

    _sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from synthetic import synthetic_facts

    from facts.matching.matcher import Matcher

    seed = seeded_store.all()
    imported = [fact.model_copy(update={"id": fact.id + 1000}) for fact in synthetic_facts(2100)]
    batched, one_by_one = Matcher(seed), Matcher(seed)

    batched.apply_all([(None, fact) for fact in imported] + [(seed[0], None)])
    for fact in imported:
        one_by_one.apply(None, fact)
    one_by_one.apply(seed[0], None)

    assert batched.facts() == one_by_one.facts()
    for question in ["how many soldiers did north korea send?", imported[7].question, imported[8].question]:
        expected, got = one_by_one.match(question), batched.match(question)
        assert [(m.fact.id, round(m.score, 6)) for m in expected.ranked] == [(m.fact.id, round(m.score, 6)) for m in got.ranked]
