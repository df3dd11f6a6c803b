"""The fact table: one SQLite file, read and written through sqlite-utils.

This is the only module that speaks SQL. Every change is one transaction that
also writes its audit rows, so a change and its record never disagree, and
deleted facts are only marked deleted, so nothing an admin entered is lost.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from facts.model import EDITABLE_FIELDS, Fact, FactData

ChangeListener = Callable[[Fact | None, Fact | None], None]
"""Called after each committed change with the fact before and after it (None: absent)."""

_FACT_COLUMNS = {
    "id": int,
    "key": str,
    "question": str,
    "aliases": str,
    "answer": str,
    "figure": str,
    "source_url": str,
    "source_title": str,
    "published": str,
    "lang": str,
    "tags": str,
    "created_at": str,
    "updated_at": str,
    "created_by": str,
    "deleted_at": str,
}


class StoreBusy(RuntimeError):
    """Another writer held the database for longer than the busy timeout; nothing was changed."""

    def __init__(self) -> None:
        super().__init__("the fact table is busy with another change; nothing was changed, try again")


class FactNotFound(LookupError):
    """No live fact has that id."""

    def __init__(self, fact_id: int) -> None:
        super().__init__(f"no fact with id {fact_id}")
        self.fact_id = fact_id


@dataclass(frozen=True)
class AuditEntry:
    """One fact's part in one change: who did what, and the fact before and after."""

    id: int
    change_id: str
    at: datetime
    actor: str
    action: str
    fact_id: int
    before: Fact | None
    after: Fact | None
    undone: bool


@dataclass(frozen=True)
class ImportReport:
    """What an import did, fact by fact."""

    added: int
    updated: int
    unchanged: int
    removed: int


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class FactStore:
    """Facts in one SQLite file (WAL mode), with an audit log of every change."""

    def __init__(self, path: str | Path, busy_timeout: float = 10.0) -> None:
        """Open (and on first use create) the database at `path`.

        The connection may be used from any one thread at a time (the bot makes
        every store call on one worker thread, so SQLite never blocks its event loop).

        :param path: a file path, or ``":memory:"`` for a throwaway store.
        :param busy_timeout: seconds a write waits for another writer (the CLI
            importing while the bot runs) before giving up with `StoreBusy`.
            Readers never wait: in WAL mode they see the last committed state.
        """
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=busy_timeout, check_same_thread=False)
        self.db = Database(conn)
        if self.path != ":memory:":
            self.db.enable_wal()
        self._listeners: list[ChangeListener] = []
        self._create_schema()

    def close(self) -> None:
        self.db.close()

    # -- schema ---------------------------------------------------------------

    def _create_schema(self) -> None:
        with self._write():
            self.db["facts"].create(
                _FACT_COLUMNS,
                pk="id",
                not_null={"question", "answer", "source_url", "source_title", "lang"},
                defaults={"aliases": "[]", "tags": "[]"},
                if_not_exists=True,
            )
            self.db["audit"].create(
                {
                    "id": int,
                    "change_id": str,
                    "at": str,
                    "actor": str,
                    "action": str,
                    "fact_id": int,
                    "before": str,
                    "after": str,
                    "undone_by": str,
                },
                pk="id",
                not_null={"change_id", "at", "actor", "action", "fact_id"},
                if_not_exists=True,
            )
            self.db["feedback"].create(
                {
                    "id": int,
                    "at": str,
                    "user": str,
                    "question": str,
                    "fact_id": int,
                },
                pk="id",
                if_not_exists=True,
            )
            self.db["bot_state"].create(
                {"kind": str, "key": str, "value": str},
                pk=("kind", "key"),
                not_null={"value"},
                if_not_exists=True,
            )
            self.db["audit"].create_index(["actor", "id"], if_not_exists=True)
            self.db["audit"].create_index(["fact_id", "id"], if_not_exists=True)

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, taken up front so two writers queue rather than deadlock."""
        if self.db.conn.in_transaction:  # nested: part of the caller's transaction
            yield
            return
        try:
            self.db.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise StoreBusy() from error
            raise
        try:
            yield
        except BaseException:
            self.db.conn.rollback()
            raise
        self.db.conn.commit()

    # -- listeners --------------------------------------------------------------

    def subscribe(self, listener: ChangeListener) -> None:
        """Call `listener(before, after)` after every committed change to a fact."""
        self._listeners.append(listener)

    def _notify(self, changes: list[tuple[Fact | None, Fact | None]]) -> None:
        for before, after in changes:
            for listener in self._listeners:
                listener(before, after)

    # -- reading ----------------------------------------------------------------

    def count(self) -> int:
        """How many live (not deleted) facts there are."""
        return self.db.execute("select count(*) from facts where deleted_at is null").fetchone()[0]

    def is_new(self) -> bool:
        """True when no fact was ever stored here, deleted ones included."""
        return self.db.execute("select count(*) from facts").fetchone()[0] == 0

    def all(self) -> list[Fact]:
        """Every live fact, by id."""
        return [_fact(row) for row in self.db.query("select * from facts where deleted_at is null order by id")]

    def get(self, fact_id: int) -> Fact:
        """The live fact with this id.

        :raises FactNotFound: if there is none (or it was deleted).
        """
        fact = self._live(fact_id)
        if fact is None:
            raise FactNotFound(fact_id)
        return fact

    def _live(self, fact_id: int) -> Fact | None:
        """The fact with this id unless there is none or it is deleted."""
        row = self._row(fact_id)
        return _fact(row) if row is not None and row["deleted_at"] is None else None

    def _row(self, fact_id: int) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from facts where id = ?", [fact_id]))
        return rows[0] if rows else None

    # -- writing ----------------------------------------------------------------

    def add(self, data: FactData, actor: str) -> Fact:
        """Store a new fact and return it with its id."""
        now = _now()
        change_id = uuid.uuid4().hex
        with self._write():
            row = _row_for(data, created_at=now, updated_at=now, created_by=actor)
            fact_id = self.db["facts"].insert(row).last_pk
            after = self.get(fact_id)
            self._audit(change_id, actor, "add", None, after, now)
        self._notify([(None, after)])
        return after

    def update(self, fact_id: int, changes: dict[str, Any], actor: str) -> tuple[Fact, Fact]:
        """Change some fields of a fact; returns the fact before and after.

        Only the named fields are written, so two admins editing different fields
        of one fact at once both keep their edit.

        :raises FactNotFound: if there is no such live fact.
        :raises pydantic.ValidationError: if the changed fact would be invalid.
        """
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"not an editable field: {', '.join(sorted(unknown))}")
        now = _now()
        with self._write():
            before = self.get(fact_id)
            merged = FactData.model_validate({**before.data().model_dump(), **changes})
            written = {name: _column(name, getattr(merged, name)) for name in changes}
            self.db["facts"].update(fact_id, {**written, "updated_at": now.isoformat()})
            after = self.get(fact_id)
            self._audit(uuid.uuid4().hex, actor, "edit", before, after, now)
        self._notify([(before, after)])
        return before, after

    def delete(self, fact_id: int, actor: str) -> Fact:
        """Mark a fact deleted (it stays in the file and can be restored); returns it.

        :raises FactNotFound: if there is no such live fact.
        """
        now = _now()
        with self._write():
            before = self.get(fact_id)
            self.db["facts"].update(fact_id, {"deleted_at": now.isoformat()})
            self._audit(uuid.uuid4().hex, actor, "delete", before, None, now)
        self._notify([(before, None)])
        return before

    def restore(self, fact_id: int, actor: str) -> Fact:
        """Bring a deleted fact back as it was when deleted; returns it.

        :raises FactNotFound: if no fact with this id was ever stored.
        :raises ValueError: if the fact is not deleted.
        """
        now = _now()
        with self._write():
            row = self._row(fact_id)
            if row is None:
                raise FactNotFound(fact_id)
            if row["deleted_at"] is None:
                raise ValueError(f"fact {fact_id} is not deleted")
            self.db["facts"].update(fact_id, {"deleted_at": None, "updated_at": now.isoformat()})
            after = self.get(fact_id)
            self._audit(uuid.uuid4().hex, actor, "restore", None, after, now)
        self._notify([(None, after)])
        return after

    def import_facts(self, facts: list[Fact], actor: str, replace: bool = False) -> ImportReport:
        """Store many facts in one transaction: all of them or, on any error, none.

        A fact with the id of a stored fact updates it; any other is added (keeping
        its id if it has one). With `replace`, stored facts missing from `facts`
        are deleted (marked deleted, restorable), so the table ends up as the file.
        """
        now = _now()
        change_id = uuid.uuid4().hex
        changes: list[tuple[Fact | None, Fact | None]] = []
        added = updated = unchanged = removed = 0
        with self._write():
            incoming_ids = {fact.id for fact in facts if fact.id is not None}
            if replace:
                for stored in self.all():
                    if stored.id not in incoming_ids:
                        self.db["facts"].update(stored.id, {"deleted_at": now.isoformat()})
                        changes.append((stored, None))
                        removed += 1
            for fact in facts:
                before = self._live(fact.id) if fact.id is not None else None
                if before is not None and before.data() == fact.data():
                    unchanged += 1
                    continue
                new_row = _row_for(
                    fact.data(),
                    created_at=fact.created_at or (before.created_at if before else None) or now,
                    updated_at=fact.updated_at or now if before is None else now,
                    created_by=fact.created_by or (before.created_by if before else None) or actor,
                )
                if fact.id is not None:
                    new_row["id"] = fact.id
                new_row["deleted_at"] = None
                fact_id = self.db["facts"].insert(new_row, replace=True).last_pk
                changes.append((before, self.get(fact_id)))
                if before is None:
                    added += 1
                else:
                    updated += 1
            for before, after in changes:
                self._audit(change_id, actor, "import", before, after, now)
        self._notify(changes)
        return ImportReport(added=added, updated=updated, unchanged=unchanged, removed=removed)

    def seed(self, facts: list[FactData]) -> int:
        """Fill a brand-new store with the bundled facts; an existing store is left alone."""
        if not self.is_new():
            return 0
        report = self.import_facts([Fact(**fact.model_dump()) for fact in facts], actor="seed")
        return report.added

    # -- audit ----------------------------------------------------------------------

    def _audit(
        self, change_id: str, actor: str, action: str, before: Fact | None, after: Fact | None, at: datetime
    ) -> None:
        fact_id = (after or before).id  # type: ignore[union-attr]
        self.db["audit"].insert(
            {
                "change_id": change_id,
                "at": at.isoformat(),
                "actor": actor,
                "action": action,
                "fact_id": fact_id,
                "before": before.model_dump_json() if before else None,
                "after": after.model_dump_json() if after else None,
                "undone_by": None,
            }
        )

    def history(self, fact_id: int | None = None, limit: int = 20, offset: int = 0) -> list[AuditEntry]:
        """The audit log, newest first, for one fact or for all."""
        where, params = ("where fact_id = ?", [fact_id]) if fact_id is not None else ("", [])
        rows = self.db.query(
            f"select * from audit {where} order by id desc limit ? offset ?", [*params, limit, offset]
        )
        return [_audit_entry(row) for row in rows]

    def undo_last(self, actor: str) -> list[AuditEntry]:
        """Revert `actor`'s most recent change that is not undone yet; returns what was reverted.

        A fact that someone changed after `actor` did is not overwritten: the undo
        is refused with `UndoConflict` so that the later change is not lost.
        """
        now = _now()
        with self._write():
            last = self.db.execute(
                "select change_id from audit where actor = ? and action != 'undo' and undone_by is null "
                "order by id desc limit 1",
                [actor],
            ).fetchone()
            if last is None:
                return []
            change_id = last[0]
            entries = [
                _audit_entry(row)
                for row in self.db.query("select * from audit where change_id = ? order by id", [change_id])
            ]
            undo_id = uuid.uuid4().hex
            changes: list[tuple[Fact | None, Fact | None]] = []
            for entry in reversed(entries):
                current = self._live(entry.fact_id)
                if _state(current) != _state(entry.after):
                    raise UndoConflict(entry.fact_id)
                if entry.before is None:
                    self.db["facts"].update(entry.fact_id, {"deleted_at": now.isoformat()})
                    restored = None
                else:
                    self.db["facts"].update(
                        entry.fact_id,
                        {**_row_for(entry.before.data()), "updated_at": now.isoformat(), "deleted_at": None},
                    )
                    restored = self.get(entry.fact_id)
                self._audit(undo_id, actor, "undo", current, restored, now)
                changes.append((current, restored))
            self.db.execute("update audit set undone_by = ? where change_id = ?", [undo_id, change_id])
        self._notify(changes)
        return entries

    # -- the bot's own state --------------------------------------------------------------

    def load_state(self, kind: str) -> dict[str, str]:
        """Every saved value of one kind (e.g. an admin's /add draft), by key, as it was saved."""
        rows = self.db.execute("select key, value from bot_state where kind = ?", [kind]).fetchall()
        return {key: value for key, value in rows}

    def save_state(self, kind: str, key: str, value: str | None) -> None:
        """Keep `value` (text, e.g. JSON) under `kind` and `key`, so it survives a restart; None forgets it."""
        with self._write():
            if value is None:
                self.db.execute("delete from bot_state where kind = ? and key = ?", [kind, key])
            else:
                self.db["bot_state"].insert({"kind": kind, "key": key, "value": value}, replace=True)

    # -- feedback -------------------------------------------------------------------

    def record_feedback(self, user: str, question: str, fact_id: int | None) -> None:
        """Keep a user's 'not what I asked' report for the admins."""
        with self._write():
            self.db["feedback"].insert(
                {"at": _now().isoformat(), "user": user, "question": question[:1000], "fact_id": fact_id}
            )

    def feedback(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest 'not what I asked' reports."""
        return list(self.db.query("select * from feedback order by id desc limit ?", [limit]))


class UndoConflict(RuntimeError):
    """The fact was changed again after the change to undo; undoing would lose that."""

    def __init__(self, fact_id: int) -> None:
        super().__init__(f"fact {fact_id} was changed since; undo it there first")
        self.fact_id = fact_id


def _state(fact: Fact | None) -> FactData | None:
    return fact.data() if fact is not None else None


def _column(name: str, value: Any) -> Any:
    """A model value as the column stores it (lists as JSON, dates as ISO text)."""
    if name in ("aliases", "tags"):
        return json.dumps(value, ensure_ascii=False)
    if name == "published":
        return value.isoformat() if value else None
    return value


def _row_for(data: FactData, **managed: datetime | str | None) -> dict[str, Any]:
    row = {name: _column(name, getattr(data, name)) for name in EDITABLE_FIELDS}
    for name, value in managed.items():
        row[name] = value.isoformat() if isinstance(value, datetime) else value
    return row


def _fact(row: dict[str, Any]) -> Fact:
    values = {name: row[name] for name in _FACT_COLUMNS if name != "deleted_at"}
    values["aliases"] = json.loads(row["aliases"] or "[]")
    values["tags"] = json.loads(row["tags"] or "[]")
    return Fact.model_validate(values)


def _audit_entry(row: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        change_id=row["change_id"],
        at=datetime.fromisoformat(row["at"]),
        actor=row["actor"],
        action=row["action"],
        fact_id=row["fact_id"],
        before=Fact.model_validate_json(row["before"]) if row["before"] else None,
        after=Fact.model_validate_json(row["after"]) if row["after"] else None,
        undone=row["undone_by"] is not None,
    )
