"""The store keeps facts in SQLite, records every change and loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from facts.io import bundled_seed
from facts.model import Fact, FactData
from facts.store import FactNotFound, FactStore, UndoConflict

SOLDIERS = FactData(
    question="How many soldiers?",
    answer="About 11,000.",
    figure="about 11,000",
    source_url="https://www.bbc.com/japanese/articles/cvgpjeekzywo",
    source_title="BBC News Japan",
    published="2024-12-19",
    lang="en",
    tags=["troops"],
)


def test_added_fact_is_stored_with_id_and_bookkeeping(fresh_db: FactStore) -> None:
    fact = fresh_db.add(SOLDIERS, actor="tg:1")

    assert [fact] == fresh_db.all()
    assert fact.id is not None and fact.created_by == "tg:1" and fact.created_at == fact.updated_at
    assert SOLDIERS == fact.data()


def test_database_file_uses_wal_and_survives_reopening(tmp_path: Path) -> None:
    store = FactStore(tmp_path / "facts.db")
    store.add(SOLDIERS, actor="test")
    store.close()

    reopened = FactStore(tmp_path / "facts.db")
    assert ["How many soldiers?"] == [fact.question for fact in reopened.all()]
    assert "wal" == reopened.db.journal_mode


def test_new_database_is_seeded_once_and_never_overwritten(tmp_path: Path) -> None:
    store = FactStore(tmp_path / "facts.db")
    seeded = store.seed(bundled_seed())
    first = store.all()[0]
    store.delete(first.id, actor="admin")

    assert len(bundled_seed()) == seeded
    assert 0 == store.seed(bundled_seed())
    assert first.id not in [fact.id for fact in store.all()]


def test_update_changes_only_the_named_fields(fresh_db: FactStore) -> None:
    fact = fresh_db.add(SOLDIERS, actor="a")

    before, after = fresh_db.update(fact.id, {"figure": "about 12,000"}, actor="b")

    assert ("about 11,000", "about 12,000") == (before.figure, after.figure)
    assert after.answer == before.answer and after.created_by == "a"


def test_invalid_update_changes_nothing(fresh_db: FactStore) -> None:
    fact = fresh_db.add(SOLDIERS, actor="a")

    with pytest.raises(ValidationError):
        fresh_db.update(fact.id, {"source_url": "not a url"}, actor="b")

    assert [fact] == fresh_db.all()
    assert 1 == len(fresh_db.history())


def test_deleted_fact_is_hidden_but_kept_in_history(fresh_db: FactStore) -> None:
    fact = fresh_db.add(SOLDIERS, actor="a")

    fresh_db.delete(fact.id, actor="a")

    assert [] == fresh_db.all()
    with pytest.raises(FactNotFound):
        fresh_db.get(fact.id)
    assert ["delete", "add"] == [entry.action for entry in fresh_db.history()]
    assert fact == fresh_db.history()[0].before


def test_undo_restores_a_deleted_fact(fresh_db: FactStore) -> None:
    fact = fresh_db.add(SOLDIERS, actor="a")
    fresh_db.delete(fact.id, actor="a")

    fresh_db.undo_last("a")

    assert [fact.data()] == [stored.data() for stored in fresh_db.all()]


def test_listeners_hear_every_committed_change(fresh_db: FactStore) -> None:
    heard: list[tuple[str | None, str | None]] = []
    fresh_db.subscribe(lambda before, after: heard.append((before and before.figure, after and after.figure)))

    fact = fresh_db.add(SOLDIERS, actor="a")
    fresh_db.update(fact.id, {"figure": "12k"}, actor="a")
    fresh_db.delete(fact.id, actor="a")

    assert [(None, "about 11,000"), ("about 11,000", "12k"), ("12k", None)] == heard



def _imported(store: FactStore, *facts: FactData, actor: str = "cli:ops") -> list[Fact]:
    store.import_facts([Fact(**fact.model_dump()) for fact in facts], actor=actor)
    return store.all()


def test_an_import_does_not_copy_the_facts_it_stores_into_the_audit_log(fresh_db: FactStore) -> None:
    _imported(fresh_db, SOLDIERS)

    [row] = fresh_db.db.execute("select action, before, after from audit").fetchall()
    assert ("import", None) == row[:2] and "11,000" not in row[2]
    [entry] = fresh_db.history()
    assert ("import", None, "About 11,000.") == (entry.action, entry.before, entry.after.answer)


def test_the_history_of_an_import_shows_what_it_stored_after_later_changes(fresh_db: FactStore) -> None:
    [fact] = _imported(fresh_db, SOLDIERS)
    fresh_db.update(fact.id, {"answer": "About 12,000."}, actor="tg:2")
    fresh_db.delete(fact.id, actor="tg:3")

    delete, edit, imported = fresh_db.history()

    assert ("import", "About 11,000.") == (imported.action, imported.after.answer)
    assert ("About 11,000.", "About 12,000.") == (edit.before.answer, edit.after.answer)
    assert ("About 12,000.", None) == (delete.before.answer, delete.after)


def test_an_import_that_updates_a_fact_keeps_its_old_state_for_undo(fresh_db: FactStore) -> None:
    [fact] = _imported(fresh_db, SOLDIERS)
    fresh_db.import_facts([Fact(**{**fact.model_dump(), "answer": "About 12,000."})], actor="cli:other")

    fresh_db.undo_last("cli:other")

    assert ["About 11,000."] == [stored.answer for stored in fresh_db.all()]
    assert ["undo", "import", "import"] == [entry.action for entry in fresh_db.history()]
    assert ["About 12,000.", "About 11,000."] == [entry.after.answer for entry in fresh_db.history()[1:]]


def test_undoing_an_import_after_an_admin_edited_its_fact_is_refused(fresh_db: FactStore) -> None:
    [fact] = _imported(fresh_db, SOLDIERS)
    fresh_db.update(fact.id, {"answer": "About 12,000."}, actor="tg:2")

    with pytest.raises(UndoConflict):
        fresh_db.undo_last("cli:ops")
    assert ["About 12,000."] == [stored.answer for stored in fresh_db.all()]

    fresh_db.undo_last("tg:2")
    fresh_db.undo_last("cli:ops")
    assert [] == fresh_db.all()


def test_undoing_a_replacing_import_puts_back_every_fact_it_added_changed_or_removed(fresh_db: FactStore) -> None:
    kept, dropped = _imported(fresh_db, SOLDIERS, SOLDIERS.model_copy(update={"question": "How many died?"}))
    before = fresh_db.all()
    newcomer = Fact(**SOLDIERS.model_copy(update={"question": "Where are they?"}).model_dump())
    fresh_db.import_facts([Fact(**{**kept.model_dump(), "answer": "About 12,000."}), newcomer], actor="tg:2", replace=True)
    assert ["About 12,000.", "About 11,000."] == [fact.answer for fact in fresh_db.all()]

    undone = fresh_db.undo_last("tg:2")

    assert 3 == len(undone)
    assert [fact.data() for fact in before] == [fact.data() for fact in fresh_db.all()]
    assert {("How many soldiers?", "About 11,000."), ("How many died?", "About 11,000."), ("Where are they?", None)} == {
        ((entry.after or entry.before).question, entry.after and entry.after.answer) for entry in fresh_db.history(limit=3)
    }
