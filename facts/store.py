"""The fact table: one SQLite file, read and written through sqlite-utils.

This is the only module that speaks SQL. Every change is one transaction that
also writes its audit rows, so a change and its record never disagree, and
deleted facts are only marked deleted, so nothing an admin entered is lost.
"""

from __future__ import annotations

import errno
import json
import os
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

APPLICATION_ID = 0x46414354
"""PRAGMA application_id of a factbot database ("FACT"), so another program's SQLite file is never taken for one."""
SCHEMA_VERSION = 1
"""PRAGMA user_version written with the schema; a newer number means a newer factbot made the file."""

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


class StoreError(Exception):
    """The database cannot be used as it is; the message says why and what to do about it."""


class BadDatabasePath(StoreError):
    """The path given for the database cannot be a database file at all (a folder, an empty path)."""


class NotAFactbotDatabase(StoreError):
    """An SQLite file that belongs to another program; factbot refuses to change it."""


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

    def __init__(self, path: str | Path, create: bool = True) -> None:
        """Open (and on first use create) the database at `path`.

        New files and folders are made owner-only (0600/0700): the database holds
        user ids and questions. A file that is not factbot's is refused untouched.

        :param path: a file path, or ``":memory:"`` for a throwaway store.
        :param create: False to refuse a path where no database exists yet.
        :raises StoreError: with a one-line cause and hint when the file cannot be used.
        """
        self.path = str(path)
        self._listeners: list[ChangeListener] = []
        try:
            with _owner_only():
                self._open(create)
        except (sqlite3.Error, OSError) as error:
            raise explain_error(error, self.path) from None

    def _open(self, create: bool) -> None:
        if self.path != ":memory:":
            file = Path(self.path)
            if not self.path.strip():
                raise BadDatabasePath("the database path is empty; give a file, e.g. --db ~/factbot/facts.db")
            if file.is_dir():
                raise BadDatabasePath(f"{file} is a folder, not a database file; give a file, e.g. --db {file / 'facts.db'}")
            if not file.exists():
                if not create:
                    raise StoreError(f"there is no database at {file}; check --db or FACTBOT_DB")
                file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # timeout: wait for another process's write (the CLI importing while the
        # bot runs) instead of failing at once with "database is locked".
        conn = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
        self.db = Database(conn)
        try:
            self._check_identity()
            if self.path != ":memory:":
                self.db.enable_wal()
            self._create_schema()
        except BaseException:
            conn.close()
            raise

    def _check_identity(self) -> None:
        """Refuse, before writing anything, a file that another program or a newer factbot made."""
        app_id = self.db.execute("pragma application_id").fetchone()[0]
        if app_id == APPLICATION_ID:
            version = self.db.execute("pragma user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer factbot (schema {version}, this one knows "
                    f"{SCHEMA_VERSION}); upgrade factbot"
                )
            return
        tables = set(self.db.table_names())
        if app_id == 0 and not tables:
            return  # a new, empty file
        if app_id == 0 and {"facts", "audit"} <= tables:
            facts_columns = {column.name for column in self.db["facts"].columns}
            audit_columns = {column.name for column in self.db["audit"].columns}
            if set(_FACT_COLUMNS) <= facts_columns and {"change_id", "actor", "fact_id"} <= audit_columns:
                return  # made by factbot before databases were marked; marked now
        owner = f"application_id {app_id:#x}" if app_id else "tables: " + ", ".join(sorted(tables)[:5])
        raise NotAFactbotDatabase(
            f"{self.path} is another program's SQLite database ({owner}); factbot leaves it unchanged. "
            "Give a new file or a factbot database with --db"
        )

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
            self.db["audit"].create_index(["actor", "id"], if_not_exists=True)
            self.db["audit"].create_index(["fact_id", "id"], if_not_exists=True)
            if self.db.execute("pragma application_id").fetchone()[0] != APPLICATION_ID:
                self.db.execute(f"pragma application_id = {APPLICATION_ID}")
                self.db.execute(f"pragma user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, taken up front so two writers queue rather than deadlock."""
        if self.db.conn.in_transaction:  # nested: part of the caller's transaction
            yield
            return
        self.db.conn.execute("BEGIN IMMEDIATE")
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


    # -- operations -----------------------------------------------------------------

    def backup(self, target: str | Path) -> Path:
        """Copy the whole database to `target` through SQLite's online backup API.

        Consistent while the bot writes (a plain file copy of a WAL database can
        miss recent changes). The copy is written beside `target` and renamed into
        place, so `target` is never half-written; it is one self-contained file
        (no -wal), owner-only. A folder as `target` gets a time-stamped file in it.
        """
        target = Path(target)
        if not target.parent.is_dir():
            raise StoreError(f"the folder {target.parent} does not exist; create it or back up elsewhere")
        if target.is_dir():
            target = target / f"factbot-{_now().strftime('%Y%m%d-%H%M%S')}.db"
        if self.path != ":memory:" and target.resolve() == Path(self.path).resolve():
            raise StoreError(f"{target} is the database itself; back up to another file")
        partial = target.with_name(f".{target.name}.partial-{uuid.uuid4().hex[:8]}")
        try:
            with _owner_only():
                copy = sqlite3.connect(partial)
                try:
                    self.db.conn.backup(copy)
                    copy.execute("pragma journal_mode = delete")
                    problems = copy.execute("pragma quick_check").fetchall()
                finally:
                    copy.close()
            if problems != [("ok",)]:
                raise StoreError(f"the backup failed its check: {problems[0][0]}")
            os.replace(partial, target)
        except (sqlite3.Error, OSError) as error:
            raise explain_error(error, str(target)) from None
        finally:
            partial.unlink(missing_ok=True)
        return target

    def check(self) -> dict[str, Any]:
        """SQLite's integrity check and how much is stored: what `factbot check` reports.

        `problems` is empty when the file is sound.
        """
        try:
            found = [row[0] for row in self.db.execute("pragma integrity_check").fetchall()]
            counts = {
                "facts": self.count(),
                "deleted": self.db.execute("select count(*) from facts where deleted_at is not null").fetchone()[0],
                "audit": self.db.execute("select count(*) from audit").fetchone()[0],
                "feedback": self.db.execute("select count(*) from feedback").fetchone()[0],
            }
        except sqlite3.DatabaseError as error:
            return {"problems": [str(error)]}
        return {"problems": [] if found == ["ok"] else found, **counts}


@contextmanager
def _owner_only() -> Iterator[None]:
    """Create files (the database, its -wal and -shm, its folder) readable by their owner only.

    The umask is process-wide, so this is only used while opening or backing up.
    """
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def explain_error(error: BaseException, path: str) -> StoreError:
    """A one-line cause and hint for an SQLite or file-system failure on the database at `path`."""
    if isinstance(error, StoreError):
        return error
    file = Path(path)
    folder = file.parent
    if isinstance(error, OSError):
        if error.errno == errno.ENOSPC:
            return StoreError(f"no space left on the disk for {file}; free some space and try again")
        where = Path(error.filename) if error.filename else file
        if isinstance(error, PermissionError):
            return StoreError(
                f"cannot create or open {where}: permission denied; "
                "choose a writable place with --db or FACTBOT_DB, or fix the permissions"
            )
        return StoreError(f"cannot use {where}: {error.strerror or error}")
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error)
    if name == "SQLITE_NOTADB" or "file is not a database" in text:
        return StoreError(
            f"{file} is not a SQLite database (or its first page is damaged); "
            "point --db at factbot's database, or restore a backup"
        )
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return StoreError(f"{file} is damaged ({text}); restore it from a backup (see `factbot check`)")
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return StoreError(f"no space left on the disk for {file}; free some space and try again")
    if name.startswith("SQLITE_READONLY") or "readonly" in text or name.startswith("SQLITE_CANTOPEN"):
        if file.exists() and not os.access(file, os.W_OK):
            return StoreError(f"{file} is read-only for this user; make it writable (chmod u+w) by the user running factbot")
        if not os.access(folder, os.W_OK | os.X_OK):
            return StoreError(
                f"the folder {folder} is not writable for this user; SQLite must create {file.name}-wal and "
                f"{file.name}-shm beside the database, so make the folder writable or move the database"
            )
        if file.exists() and not os.access(file, os.R_OK):
            return StoreError(f"{file} is not readable by this user; fix its owner or permissions")
        return StoreError(f"cannot open {file} ({text}); check the path and its permissions")
    if name.startswith("SQLITE_IOERR"):
        return StoreError(
            f"reading or writing {file} failed ({text}); is the disk full or failing, or a file-size limit set?"
        )
    if name.startswith("SQLITE_BUSY") or "locked" in text:
        return StoreError(f"{file} is locked by another program for too long; try again when it is done")
    return StoreError(f"cannot use {file}: {text}")


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


DatabaseFailure = sqlite3.Error
"""What a store call raises when SQLite fails mid-way (disk full…); `explain_error` words it."""
