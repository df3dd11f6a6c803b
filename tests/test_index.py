"""The matching index lives in the database: made once, kept in step by every write, read lazily."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import facts.index_tables
from facts.matching import entries as index_entries
from facts.matching.gid_arrays import distinct_sorted
from facts.matching.matcher import Matcher
from facts.model import Fact, FactData
from facts.store import FactStore
from tests.clirun import outputs_under_hash_seeds
from tests.conftest import make_settings

METRO = FactData(
    question="How many stations does the Pyongyang metro have?",
    answer="The Pyongyang metro has 16 stations.",
    figure="16 stations",
    source_url="https://example.org/pyongyang-metro",
    source_title="Metro Guide",
    lang="en",
)


def _answer(store: FactStore, question: str) -> str | None:
    """The figure an English reader is shown."""
    matcher = Matcher.over(store)
    best = matcher.match(question).best
    return matcher.in_language(best.fact, "en").figure if best else None


def test_opening_a_store_again_tokenises_nothing(seeded_store: FactStore, monkeypatch: pytest.MonkeyPatch) -> None:
    path = seeded_store.path
    seeded_store.close()

    def no_tokenising(pending: object) -> object:
        raise AssertionError("the index was made again at start")

    monkeypatch.setattr(facts.index_tables, "entries", no_tokenising)
    reopened = FactStore(path)

    assert _answer(reopened, "how many soldiers did north korea send?") == "about 11,000"


def test_a_new_tokeniser_version_rebuilds_the_index_once(seeded_store: FactStore, monkeypatch: pytest.MonkeyPatch) -> None:
    path = seeded_store.path
    seeded_store.close()
    monkeypatch.setattr(index_entries, "TOKENISER_VERSION", "a-newer-tokeniser")
    monkeypatch.setattr(facts.index_tables, "TOKENISER_VERSION", "a-newer-tokeniser")
    rebuilt = FactStore(path)
    assert facts.index_tables.stored_version(rebuilt.db.conn).startswith("a-newer-tokeniser:")
    rebuilt.close()

    monkeypatch.setattr(facts.index_tables, "entries", lambda pending: pytest.fail("rebuilt a second time"))
    assert _answer(FactStore(path), "how many soldiers did north korea send?") == "about 11,000"


def test_every_write_keeps_the_index_in_step(seeded_store: FactStore) -> None:
    matcher = Matcher.over(seeded_store)
    assert matcher.match("how many stations does the pyongyang metro have").best is None

    metro = seeded_store.add(METRO, actor="admin")
    assert matcher.match("how many stations does the pyongyang metro have").best.fact.id == metro.id

    seeded_store.update(metro.id, {"figure": "17 stations"}, actor="admin")
    assert matcher.match("pyongyang metro stations").best.fact.figure == "17 stations"

    seeded_store.update(metro.id, {"question": "How long is the Pyongyang metro?", "aliases": []}, actor="admin")
    assert matcher.match("how long is the pyongyang metro").best.fact.id == metro.id

    seeded_store.delete(metro.id, actor="admin")
    assert matcher.match("how long is the pyongyang metro").best is None

    seeded_store.restore(metro.id, actor="admin")
    assert matcher.match("how long is the pyongyang metro").best.fact.id == metro.id

    seeded_store.undo_last("admin")  # the restore
    assert matcher.match("how long is the pyongyang metro").best is None


def test_a_failed_import_leaves_the_index_as_it_was(seeded_store: FactStore, monkeypatch: pytest.MonkeyPatch) -> None:
    rows_before = _index_rows(seeded_store)

    def broken_update(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(facts.index_tables, "update", broken_update)
    with pytest.raises(RuntimeError):
        seeded_store.import_facts([Fact(**METRO.model_dump())], actor="admin")

    assert _index_rows(seeded_store) == rows_before
    assert all(fact.question != METRO.question for fact in seeded_store.all())


def test_a_synonym_change_reindexes_and_the_next_question_uses_it(seeded_store: FactStore) -> None:
    seeded_store.add(METRO, actor="admin")
    matcher = Matcher.over(seeded_store)
    assert matcher.match("how many stations does the pyongyang subway have").best is None

    seeded_store.add_synonyms(["metro", "subway"], actor="admin")

    assert matcher.match("how many stations does the pyongyang subway have").best.fact.figure == "16 stations"


def test_another_process_import_is_seen_without_any_sync(seeded_store: FactStore, tmp_path: Path) -> None:
    matcher = Matcher.over(seeded_store)
    assert matcher.match("how many stations does the pyongyang metro have").best is None
    file = tmp_path / "metro.json"
    file.write_text(json.dumps([METRO.model_dump(mode="json")]), encoding="utf-8")

    subprocess.run(
        [sys.executable, "-m", "bot", "--db", seeded_store.path, "import", str(file)], check=True, capture_output=True,
        timeout=60,
    )

    assert matcher.match("how many stations does the pyongyang metro have").best.fact.figure == "16 stations"


@pytest.mark.parametrize("question", ["how many soldiers did north korea send?", "北朝鮮兵の数は？", "kursk"])
def test_the_same_question_gets_the_same_answer_whatever_the_hash_seed(seeded_store: FactStore, question: str) -> None:
    code = (
        "import json, sys\n"
        "from facts.matching.matcher import Matcher\n"
        "from facts.store import FactStore\n"
        f"result = Matcher.over(FactStore({seeded_store.path!r})).match({question!r}, limit=5)\n"
        "print(json.dumps([[m.fact.id, m.score] for m in result.ranked]))\n"
    )
    answers = outputs_under_hash_seeds(code)
    assert len(answers) == 1 and json.loads(answers.pop())


def test_factbot_ask_reads_an_indexed_database(seeded_store: FactStore, tmp_path: Path) -> None:
    settings = make_settings(Path(seeded_store.path))
    run = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(settings.db), "ask", "how many soldiers did north korea send?"],
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0 and "about 11,000" in run.stdout


def _index_rows(store: FactStore) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    groups = store.db.execute("select gid, name, fact_ids, data from match_groups order by gid").fetchall()
    postings = store.db.execute("select token, df, gids from match_postings order by token").fetchall()
    return groups, postings


def test_only_changes_to_facts_make_the_matcher_read_again(seeded_store: FactStore) -> None:
    matcher = Matcher.over(seeded_store)
    matcher.match("how many soldiers did north korea send?")
    seen = matcher.version

    seeded_store.save_state("draft", "1", "{}")  # the bot's own state, like the questions log: not facts
    matcher.match("how many soldiers did north korea send?")
    assert matcher.version == seen

    seeded_store.add(METRO, actor="admin")
    matcher.match("how many soldiers did north korea send?")
    assert matcher.version != seen


@given(st.lists(st.lists(st.integers(min_value=0, max_value=2_000), max_size=60), max_size=6))
def test_merging_postings_gives_each_group_once_in_order(runs: list[list[int]]) -> None:
    arrays = [np.asarray(sorted(run), dtype="<i4") for run in runs]
    merged = distinct_sorted(arrays)
    assert merged.tolist() == sorted({gid for run in runs for gid in run})


def test_merging_postings_leaves_the_postings_themselves_alone() -> None:
    posting = np.asarray([3, 3, 1], dtype="<i4")
    assert distinct_sorted([posting]).tolist() == [1, 3]
    assert posting.tolist() == [3, 3, 1]
