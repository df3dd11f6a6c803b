"""The fact table: one SQLite file, read and written through sqlite-utils.

This is the only module that speaks SQL. Every change is one transaction that
also writes its audit rows, so a change and its record never disagree, and
deleted facts are only marked deleted, so nothing an admin entered is lost.
Synonym groups are kept the same way, in the same audit log, so /history and
/undo treat a synonym change exactly like a fact change.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from facts import index_tables
from facts.matching.entries import group_name
from facts.model import EDITABLE_FIELDS, Fact, FactData
from facts.synonyms import SynonymGroup, SynonymTerms, is_related_mark, merged_terms, term_key

ChangeListener = Callable[[Fact | None, Fact | None], None]
"""Called after each committed change with the fact before and after it (None: absent)."""
SynonymListener = Callable[[list[SynonymGroup]], None]
"""Called after each committed change to the synonyms with every live group."""

FACT, SYNONYMS = "fact", "synonyms"
"""What an audit row is about (`AuditEntry.kind`)."""


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


class StoreBusy(RuntimeError):
    """Another writer held the database for longer than the busy timeout; nothing was changed."""

    def __init__(self) -> None:
        super().__init__("the fact table is busy with another change; nothing was changed, try again")


class FactNotFound(LookupError):
    """No live fact has that id."""

    def __init__(self, fact_id: int) -> None:
        super().__init__(f"no fact with id {fact_id}")
        self.fact_id = fact_id


class SynonymNotFound(LookupError):
    """No live synonym group has that id, or that term."""

    def __init__(self, target: int | str) -> None:
        super().__init__(f"no synonym group {target!r}")
        self.target = target


@dataclass(frozen=True)
class AuditEntry:
    """One fact's (or synonym group's) part in one change: who did what, and it before and after.

    `fact_id` is the id of the fact, or of the synonym group when `kind` is SYNONYMS.
    """

    id: int
    change_id: str
    at: datetime
    actor: str
    action: str
    fact_id: int
    before: Fact | SynonymGroup | None
    after: Fact | SynonymGroup | None
    undone: bool
    kind: str = FACT


@dataclass(frozen=True)
class SynonymChange:
    """What `add_synonyms` or `delete_synonym` did.

    `outcome` is "added" (a new group), "merged" (the terms joined the group(s)
    sharing one of them), "unchanged", "removed_term" (one term taken out of its
    group) or "deleted" (the whole group).
    """

    outcome: str
    group: SynonymGroup
    """The group after the change (for "deleted", as it was)."""
    merged_ids: tuple[int, ...] = ()
    """Other groups folded into `group` because they shared a term."""
    new_terms: tuple[str, ...] = ()
    """The terms `group` gained."""


@dataclass(frozen=True)
class ImportReport:
    """What an import did, fact by fact."""

    added: int
    updated: int
    unchanged: int
    removed: int
    facts: bool = True
    """Whether the file carried facts (a synonyms CSV does not); the counts above are of facts."""
    synonyms: bool = False
    """Whether the file carried synonyms; the counts below are of synonym groups."""
    synonyms_added: int = 0
    synonyms_updated: int = 0
    synonyms_unchanged: int = 0
    synonyms_removed: int = 0


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class FactStore:
    """Facts in one SQLite file (WAL mode), with an audit log of every change."""

    def __init__(self, path: str | Path, create: bool = True, busy_timeout: float = 10.0) -> None:
        """Open (and on first use create) the database at `path`.

        New files and folders are made owner-only (0600/0700): the database holds
        user ids and questions. A file that is not factbot's is refused untouched.
        The connection may be used from any one thread at a time (the bot makes
        every store call on one worker thread, so SQLite never blocks its event loop).

        :param path: a file path, or ``":memory:"`` for a throwaway store.
        :param create: False to refuse a path where no database exists yet.
        :param busy_timeout: seconds a write waits for another writer (the CLI
            importing while the bot runs) before giving up with `StoreBusy`.
            Readers never wait: in WAL mode they see the last committed state.
        :raises StoreError: with a one-line cause and hint when the file cannot be used.
        """
        self.path = str(path)
        self._listeners: list[ChangeListener] = []
        self._synonym_listeners: list[SynonymListener] = []
        self._batch_listeners: list[Callable[[list[tuple[Fact | None, Fact | None]]], None]] = []
        self._data_version, self._audit_seen = -1, -1  # -1: no audit table yet
        self._read_conn: sqlite3.Connection | None = None
        self._index_conn: sqlite3.Connection | None = None
        self._own_audit: list[tuple[int, int]] = []
        """Audit id ranges (first, last] this connection wrote since `sync` last looked: not news to it."""
        self._own_lock = threading.Lock()
        self.writes = 0
        """Committed write transactions through this store (what an in-memory store's readers go by)."""
        try:
            with _owner_only():
                self._open(create, busy_timeout)
        except (sqlite3.Error, OSError) as error:
            raise explain_error(error, self.path) from None

    def _open(self, create: bool, busy_timeout: float) -> None:
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
        conn = sqlite3.connect(self.path, timeout=busy_timeout, check_same_thread=False)
        self.db = Database(conn)
        self.reports_version = 0
        """Goes up with every change to the open reports in this process (for caching their grouping)."""
        try:
            self._check_identity()
            if self.path != ":memory:":
                self.db.enable_wal()
            self._create_schema()
            self._audit_seen = self._max_audit_id()
            self._ensure_index()
            self._data_version = self._read_data_version()
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
        for conn in (self._read_conn, self._index_conn):
            if conn is not None:
                conn.close()
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
                    "kind": str,
                },
                pk="id",
                not_null={"change_id", "at", "actor", "action", "fact_id"},
                defaults={"kind": FACT},
                if_not_exists=True,
            )
            if "kind" not in self.db["audit"].columns_dict:  # a database from before synonyms
                self.db["audit"].add_column("kind", str, not_null_default=FACT)
            self.db["synonyms"].create(
                {
                    "id": int,
                    "terms": str,
                    "created_at": str,
                    "updated_at": str,
                    "created_by": str,
                    "updated_by": str,
                    "deleted_at": str,
                },
                pk="id",
                not_null={"terms"},
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
            self._create_questions_schema()
            index_tables.create(self.db.conn)
            if self.db.execute("pragma application_id").fetchone()[0] != APPLICATION_ID:
                self.db.execute(f"pragma application_id = {APPLICATION_ID}")
                self.db.execute(f"pragma user_version = {SCHEMA_VERSION}")

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
        # Until this commits, every audit row after `first` is this write's (none while the schema is made).
        first = self._max_audit_id() if self._audit_seen >= 0 else 0
        try:
            yield
            if self._audit_seen >= 0:
                self._update_index(first)
            own = (first, self._max_audit_id() if self._audit_seen >= 0 else 0)
            with self._own_lock:
                self._own_audit.append(own)
            try:
                self.db.conn.commit()
            except BaseException:
                with self._own_lock:
                    self._own_audit.remove(own)
                raise
            self.writes += 1
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.conn.rollback()
            raise

    # -- the matching index -----------------------------------------------------------

    def _ensure_index(self) -> None:
        """Make the matching index if it is missing or was made by another tokeniser or with other synonyms.

        Once per tokeniser version, never at every start; a progress bar shows on a terminal.
        """
        synonyms = self.synonym_terms()
        if index_tables.stored_version(self.db.conn) == index_tables.index_version(synonyms):
            return
        with self._write():
            index_tables.rebuild(self.db.conn, synonyms, index_tables.terminal_progress("indexing facts"))

    def _update_index(self, first_audit: int) -> None:
        """Part of every write: the index follows the facts (and synonyms) this transaction changed."""
        rows = self.db.conn.execute(
            "select kind, fact_id, json_extract(before, '$.key'), before is null from audit where id > ? order by id",
            [first_audit],
        ).fetchall()
        if not rows:
            return
        synonyms = self.synonym_terms()
        progress = index_tables.terminal_progress("indexing facts")
        if any(kind == SYNONYMS for kind, *_ in rows):
            if index_tables.stored_version(self.db.conn) != index_tables.index_version(synonyms):
                index_tables.rebuild(self.db.conn, synonyms, progress)
                return
        changed: dict[int, str | None] = {}
        for kind, fact_id, key, was_new in rows:
            if kind == FACT and fact_id not in changed:
                changed[fact_id] = None if was_new else group_name(fact_id, key)
        if changed:
            index_tables.update(self.db.conn, changed, synonyms, progress)

    def index_reader(self) -> index_tables.IndexReader:
        """The matching index as the matcher reads it: through a connection of its own (plain tuples, no
        waiting for a writer in WAL mode); an in-memory store has only the one connection."""
        if self.path == ":memory:":
            conn = self.db.conn
        else:
            if self._index_conn is None:
                self._index_conn = sqlite3.connect(self.path, timeout=1, check_same_thread=False)
            conn = self._index_conn
        return index_tables.IndexReader(conn, conn is self.db.conn, _SELECT_FACTS, _facts_of, lambda: self.writes)

    def synonym_terms(self) -> tuple[tuple[str, ...], ...]:
        """The live synonym groups' terms, as the matcher and the index use them."""
        return tuple(tuple(group.terms) for group in self.synonym_groups())

    # -- listeners --------------------------------------------------------------

    def subscribe(self, listener: ChangeListener) -> None:
        """Call `listener(before, after)` after every committed change to a fact."""
        self._listeners.append(listener)

    def subscribe_batches(self, listener: Callable[[list[tuple[Fact | None, Fact | None]]], None]) -> None:
        """Call `listener(changes)` once with all the (before, after) pairs of each committed change."""
        self._batch_listeners.append(listener)

    def subscribe_synonyms(self, listener: SynonymListener) -> None:
        """Call `listener(groups)` with every live synonym group after each committed change to them."""
        self._synonym_listeners.append(listener)

    def sync(self) -> int:
        """Tell listeners about changes other connections committed since this one last looked.

        Another bot process, the CLI or a script may change the file; this is
        what keeps a running bot's matcher in step with them. It reads through a
        connection of its own, so it never waits for a writer (WAL) nor for the
        thread that makes this store's writes; when nothing changed it costs one
        ``PRAGMA data_version``. Each fact changed since is reported once, as
        (its state before the last of those changes, its state now), and the
        synonym listeners hear once if any group changed; this store's own
        changes were reported as they happened and are skipped. Returns how many
        facts were reported. Call it from one thread at a time.
        """
        reader = self._reader()
        version = reader.execute("pragma data_version").fetchone()[0]
        if version == self._data_version:
            return 0
        self._data_version = version
        if not (self._listeners or self._batch_listeners or self._synonym_listeners):
            # Nobody to tell (the matcher reads the index itself): just move past what is there.
            with self._own_lock:
                self._own_audit.clear()
            self._audit_seen = reader.execute("select coalesce(max(id), 0) from audit").fetchone()[0]
            return 0
        with self._own_lock:
            own = list(self._own_audit)
        skip = "".join(" and not (id > ? and id <= ?)" for _ in own)
        rows = reader.execute(
            f"select id, kind, fact_id, before from audit where id > ?{skip} order by id",
            [self._audit_seen, *[bound for pair in own for bound in pair]],
        ).fetchall()
        newest = max([self._audit_seen, *(last for _, last in own), *(row["id"] for row in rows)])
        last_before: dict[int, str | None] = {}
        synonyms_changed = False
        for row in rows:
            if row["kind"] == SYNONYMS:
                synonyms_changed = True
            else:
                last_before[row["fact_id"]] = row["before"]
        self._audit_seen = newest
        with self._own_lock:
            self._own_audit = [pair for pair in self._own_audit if pair[1] > newest]
        live = self._live_many(list(last_before), reader)
        changes = []
        for fact_id, before in last_before.items():
            after = live.get(fact_id)
            if before is not None or after is not None:
                changes.append((Fact.model_validate_json(before) if before else None, after))
        groups = None
        if synonyms_changed:
            rows = reader.execute("select * from synonyms where deleted_at is null order by id").fetchall()
            groups = [_synonym_group(dict(row)) for row in rows]
        self._notify(changes, synonyms_changed=synonyms_changed, groups=groups)
        return len(changes)

    def _reader(self) -> sqlite3.Connection:
        """The connection `sync` reads through (an in-memory store has only the one)."""
        if self.path == ":memory:":
            self.db.conn.row_factory = sqlite3.Row
            return self.db.conn
        if self._read_conn is None:
            self._read_conn = sqlite3.connect(self.path, timeout=1, check_same_thread=False)
            self._read_conn.row_factory = sqlite3.Row
        return self._read_conn

    def _read_data_version(self) -> int:
        return self._reader().execute("pragma data_version").fetchone()[0]

    def _max_audit_id(self) -> int:
        return self.db.execute("select coalesce(max(id), 0) from audit").fetchone()[0]

    def _notify(
        self,
        changes: list[tuple[Fact | None, Fact | None]],
        synonyms_changed: bool = False,
        groups: list[SynonymGroup] | None = None,
    ) -> None:
        for before, after in changes:
            for listener in self._listeners:
                listener(before, after)
        if changes:
            for batch_listener in self._batch_listeners:
                batch_listener(changes)
        if synonyms_changed and self._synonym_listeners:
            groups = self.synonym_groups() if groups is None else groups
            for synonym_listener in self._synonym_listeners:
                synonym_listener(groups)

    # -- reading ----------------------------------------------------------------

    def count(self) -> int:
        """How many live (not deleted) facts there are."""
        return self.db.execute("select count(*) from facts where deleted_at is null").fetchone()[0]

    def is_new(self) -> bool:
        """True when no fact was ever stored here, deleted ones included (one row looked at, not a count of all)."""
        return not self.db.execute("select exists (select 1 from facts)").fetchone()[0]

    def wants_seed(self, synonyms: list[list[str]]) -> bool:
        """Whether `seed` could add anything (a new table, or bundled synonyms it was not offered yet):
        lets a start skip reading the bundled facts for an existing table."""
        return self.is_new() or (bool(synonyms) and self._meta(_SEED_SYNONYMS) != _seed_version(synonyms))

    def all(self) -> list[Fact]:
        """Every live fact, by id."""
        return list(_facts_of(self.db.execute(f"{_SELECT_FACTS} where deleted_at is null order by id")))

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

    def was_stored(self, fact_id: int) -> bool:
        """True when a fact with this id exists, deleted or not (it has a history)."""
        return self._row(fact_id) is not None

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
            if merged == before.data():
                # Nothing changes: no write and no audit row, so /undo and /history
                # are about real changes only.
                return before, before
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

    def import_facts(
        self,
        facts: list[Fact] | None,
        actor: str,
        replace: bool = False,
        synonyms: list[list[str]] | None = None,
    ) -> ImportReport:
        """Store many facts (and synonym groups) in one transaction: all of them or, on any error, none.

        A fact with the id of a stored fact updates it; any other is added (keeping
        its id if it has one). With `replace`, stored facts missing from `facts`
        are deleted (marked deleted, restorable), so the table ends up as the file.
        `synonyms` None means the file had none to say (an older file): the stored
        groups are left alone even with `replace`; a list is merged in like
        `add_synonyms`, or with `replace` becomes exactly the stored groups.
        Likewise `facts` None (a file of synonyms only) leaves the facts alone.
        Rows and audit records are written in batches: 100,000 facts take seconds.
        Each fact's audit record keeps its state before; the state after is not
        copied (`AS_STORED`): it is the fact's row, until a later change records it.
        """
        now = _now()
        stamp = now.isoformat()
        change_id = uuid.uuid4().hex
        changes: list[tuple[Fact | None, Fact | None]] = []
        synonym_counts: Counter[str] = Counter()
        with self._write():
            removed, changed, unchanged = self._import_plan(facts, replace)
            self.db.conn.executemany(
                "update facts set deleted_at = ? where id = ?", [(stamp, stored.id) for stored in removed]
            )
            changes.extend((stored, None) for stored in removed)
            new_ids = self._new_ids(sum(1 for _, fact in changed if fact.id is None), facts or [])
            wanted = bool(self._listeners or self._batch_listeners)  # whole `after` facts only for listeners
            rows, audit = [], []
            for before, fact in changed:
                values = fact.model_dump(mode="json")
                values.update(
                    id=fact.id if fact.id is not None else next(new_ids),
                    created_at=(fact.created_at or (before.created_at if before else None) or now).isoformat(),
                    updated_at=((fact.updated_at or now) if before is None else now).isoformat(),
                    created_by=fact.created_by or (before.created_by if before else None) or actor,
                )
                audit.append((change_id, stamp, actor, "import", FACT, values["id"], _json(before), AS_STORED))
                rows.append(_stored_row(values))
                if wanted:
                    changes.append((before, _fact({**rows[-1], "deleted_at": None})))
            if rows:
                columns = list(rows[0])
                self.db.conn.executemany(
                    f"insert or replace into facts ({', '.join(columns)}) values ({', '.join('?' * len(columns))})",
                    [[row[name] for name in columns] for row in rows],
                )
            self.db.conn.executemany(
                "insert into audit (change_id, at, actor, action, kind, fact_id, before, after) "
                "values (?, ?, ?, ?, ?, ?, ?, ?)",
                [(change_id, stamp, actor, "import", FACT, stored.id, _json(stored), None) for stored in removed] + audit,
            )
            if synonyms is not None:
                synonym_counts = self._import_synonyms(synonyms, actor, replace, change_id, now)
            elif replace and facts is not None and not self._has_seed_facts():
                synonym_counts = self._retire_seed_synonyms(actor, change_id, now)
        self._notify(changes, synonyms_changed=bool(synonym_counts.keys() - {"unchanged"}))
        return _import_report(removed, changed, unchanged, facts is not None, synonyms, synonym_counts)

    def plan_import(self, facts: list[Fact] | None, replace: bool = False) -> ImportReport:
        """The fact counts `import_facts` would report now, without changing anything (for a confirmation)."""
        removed, changed, unchanged = self._import_plan(facts, replace)
        retired: Counter[str] = Counter()
        if replace and facts is not None:
            seed_ids = {row[0] for row in self.db.execute("select id from facts where deleted_at is null and created_by = 'seed'")}
            if seed_ids <= {fact.id for fact in removed}:  # the bundled facts all go: their words with them
                retired["removed"] = len(self._seed_only_groups())
        return _import_report(removed, changed, unchanged, facts is not None, None, retired)

    def _import_plan(
        self, facts: list[Fact] | None, replace: bool
    ) -> tuple[list[Fact], list[tuple[Fact | None, Fact]], int]:
        """Stored facts an import deletes, incoming facts that change something (with the live
        fact each replaces), and how many incoming facts are already stored as they are.

        No facts at all (None, a file of synonyms only) changes no fact, even replacing.
        """
        if facts is None:
            return [], [], 0
        incoming_ids = [fact.id for fact in facts if fact.id is not None]
        if replace:
            live = {stored.id: stored for stored in self.all()}
            kept = set(incoming_ids)
            removed = [stored for fact_id, stored in live.items() if fact_id not in kept]
        else:
            live, removed = self._live_many(incoming_ids), []
        changed: list[tuple[Fact | None, Fact]] = []
        unchanged = 0
        for fact in facts:
            before = live.get(fact.id) if fact.id is not None else None
            if before is not None and before.data() == fact.data():
                unchanged += 1
            else:
                changed.append((before, fact))
        return removed, changed, unchanged

    def _live_many(self, fact_ids: list[int], conn: sqlite3.Connection | None = None) -> dict[int, Fact]:
        """The live facts among these ids, read in a few queries rather than one each.

        :param conn: the connection to read through (`sync`'s own); by default the store's.
        """
        query = f"{_SELECT_FACTS} where deleted_at is null and id in ({{marks}})"
        return {fact.id: fact for fact in _facts_of(index_tables.rows_in(conn or self.db.conn, query, fact_ids))}

    def _new_ids(self, count: int, facts: list[Fact]) -> Iterator[int]:
        """Ids for facts that come without one: after every id stored or named in the file."""
        stored = self.db.execute("select coalesce(max(id), 0) from facts").fetchone()[0]
        named = max((fact.id for fact in facts if fact.id is not None), default=0)
        first = max(stored, named) + 1
        return iter(range(first, first + count))

    def seed(self, facts: list[FactData], synonyms: list[list[str]] | None = None) -> int:
        """Fill a brand-new store with the bundled facts and synonyms; what is already there is left alone.

        Facts are seeded only into a store that never had a fact. The bundled
        synonyms go, once per version of them, into a store whose facts are the
        bundled ones (a database seeded by an older factbot gets the groups added
        since), audited as the seed's change. A group is left out if any of its
        terms is or was in a stored group: an admin's groups, and groups an admin
        deleted, are never changed, doubled or brought back. A group the seed made
        and nobody changed since takes the bundled spelling. Returns how many facts were added.
        """
        added = 0
        if self.is_new():
            added = self.import_facts([Fact(**fact.model_dump()) for fact in facts], actor="seed").added
        version = _seed_version(synonyms or [])
        if synonyms and self._meta(_SEED_SYNONYMS) != version:  # the flag first: no scan of the facts at every start
            self._seed_synonyms(synonyms if added or self._has_seed_facts() else [], version)
        return added

    def _has_seed_facts(self) -> bool:
        """Whether the live facts include the bundled ones (a table of the admins' own has no need of the seed's words)."""
        return self.db.execute("select 1 from facts where deleted_at is null and created_by = 'seed' limit 1").fetchone() is not None

    def _meta(self, name: str) -> str | None:
        row = self.db.execute("select value from meta where name = ?", [name]).fetchone()
        return row[0] if row else None

    def _seed_synonyms(self, groups: list[list[str]], version: str) -> None:
        """Add the bundled groups that touch no stored group, respell the seed's own untouched groups (one
        change), and note that this version of them was offered."""
        now = _now()
        change_id = uuid.uuid4().hex
        with self._write():
            rows = list(self.db.query("select * from synonyms order by id"))
            ever = {key for row in rows for key in _synonym_group(row).keys()}
            live = [_synonym_group(row) for row in rows if row["deleted_at"] is None]
            changed = False
            for terms in groups:
                keys = {term_key(term) for term in SynonymTerms(terms=terms).terms if not is_related_mark(term)}
                touching = [group for group in live if group.keys() & keys]
                if not keys & ever:
                    group = self._write_synonyms(None, terms, "seed", now)
                    self._audit(change_id, "seed", "add", None, group, now, kind=SYNONYMS)
                    changed = True
                elif (
                    len(touching) == 1 and touching[0].keys() <= keys and touching[0].terms != terms
                    and _seed_only(touching[0])
                ):
                    after = self._write_synonyms(touching[0].id, terms, "seed", now)
                    self._audit(change_id, "seed", "edit", touching[0], after, now, kind=SYNONYMS)
                    changed = True
            self.db.execute("insert or replace into meta (name, value) values (?, ?)", [_SEED_SYNONYMS, version])
        if changed:
            self._notify([], synonyms_changed=True)

    # -- synonyms -------------------------------------------------------------------

    def synonym_groups(self) -> list[SynonymGroup]:
        """Every live synonym group, by id."""
        rows = self.db.query("select * from synonyms where deleted_at is null order by id")
        return [_synonym_group(row) for row in rows]

    def _live_synonym(self, group_id: int) -> SynonymGroup | None:
        rows = list(self.db.query("select * from synonyms where id = ? and deleted_at is null", [group_id]))
        return _synonym_group(rows[0]) if rows else None

    def add_synonyms(self, terms: list[str], actor: str) -> SynonymChange:
        """Make `terms` mean the same thing: a new group, or merged into the group(s) sharing a term.

        :raises pydantic.ValidationError: if the terms are not a valid group (fewer than two, too long…).
        """
        clean = SynonymTerms(terms=terms).terms
        now = _now()
        with self._write():
            change = self._merge_synonyms(clean, actor, uuid.uuid4().hex, now, action=None)
        if change.outcome != "unchanged":
            self._notify([], synonyms_changed=True)
        return change

    def delete_synonym(self, target: int | str, actor: str) -> SynonymChange:
        """Delete the group with id `target`, or take the term `target` out of its group.

        A group left with fewer than two terms is deleted. Deleted groups stay in
        the file (marked deleted), so /undo brings them back.

        :raises SynonymNotFound: if no live group has that id or term.
        """
        now = _now()
        change_id = uuid.uuid4().hex
        with self._write():
            if isinstance(target, int):
                group = self._live_synonym(target)
            else:
                key = term_key(target)
                group = next((g for g in self.synonym_groups() if key in g.keys()), None)
            if group is None:
                raise SynonymNotFound(target)
            left = [] if isinstance(target, int) else [t for t in group.terms if term_key(t) != term_key(target)]
            if len(left) >= 2:
                after = self._write_synonyms(group.id, left, actor, now)
                self._audit(change_id, actor, "edit", group, after, now, kind=SYNONYMS)
                change = SynonymChange("removed_term", after)
            else:
                self._delete_synonyms(group, actor, change_id, now, "delete")
                change = SynonymChange("deleted", group)
        self._notify([], synonyms_changed=True)
        return change

    def _merge_synonyms(
        self, terms: list[str], actor: str, change_id: str, now: datetime, action: str | None
    ) -> SynonymChange:
        """Add `terms` as a group, or fold them (and any other group sharing a term) into the first such group.

        Audited as add/edit/delete, or all as `action` when given (an import).
        """
        keys = {term_key(term) for term in terms}
        touching = [group for group in self.synonym_groups() if group.keys() & keys]
        if not touching:
            group = self._write_synonyms(None, terms, actor, now)
            self._audit(change_id, actor, action or "add", None, group, now, kind=SYNONYMS)
            return SynonymChange("added", group, new_terms=tuple(terms))
        keep, others = touching[0], touching[1:]
        merged = merged_terms([keep.terms, *(other.terms for other in others), terms])
        if merged == keep.terms:
            return SynonymChange("unchanged", keep)
        for other in others:
            self._delete_synonyms(other, actor, change_id, now, action or "delete")
        after = self._write_synonyms(keep.id, merged, actor, now)
        self._audit(change_id, actor, action or "edit", keep, after, now, kind=SYNONYMS)
        known = keep.keys()
        new_terms = tuple(term for term in merged if term_key(term) not in known)
        return SynonymChange("merged", after, tuple(other.id for other in others), new_terms)

    def _import_synonyms(
        self, groups: list[list[str]], actor: str, replace: bool, change_id: str, now: datetime
    ) -> Counter[str]:
        """Part of an import: merge each group in; with `replace`, first delete every stored group not in `groups`."""
        counts: Counter[str] = Counter()
        if replace:
            for stored in self.synonym_groups():
                if stored.terms not in groups:  # exactly as written, so an export comes back exactly
                    self._delete_synonyms(stored, actor, change_id, now, "import")
                    counts["removed"] += 1
        for terms in groups:
            counts[self._merge_synonyms(terms, actor, change_id, now, action="import").outcome] += 1
        return counts

    def _retire_seed_synonyms(self, actor: str, change_id: str, now: datetime) -> Counter[str]:
        """Part of an import that replaced the bundled facts: the seed's own groups (nobody else touched
        them) were the bundled article's words, not the new table's, so they go with its facts, audited
        and undone with the import. Groups an admin made or changed stay."""
        counts: Counter[str] = Counter()
        for stored in self._seed_only_groups():
            self._delete_synonyms(stored, actor, change_id, now, "import")
            counts["removed"] += 1
        return counts

    def _seed_only_groups(self) -> list[SynonymGroup]:
        """The live groups the seed made and nobody changed since."""
        return [group for group in self.synonym_groups() if _seed_only(group)]

    def _write_synonyms(self, group_id: int | None, terms: list[str], actor: str, now: datetime) -> SynonymGroup:
        """Insert a group (no id) or set a group's terms, live; returns it as stored."""
        values = {
            "terms": json.dumps(terms, ensure_ascii=False),
            "updated_at": now.isoformat(),
            "updated_by": actor,
            "deleted_at": None,
        }
        if group_id is None:
            group_id = self.db["synonyms"].insert({**values, "created_at": now.isoformat(), "created_by": actor}).last_pk
        else:
            self.db["synonyms"].update(group_id, values)
        group = self._live_synonym(group_id)
        assert group is not None
        return group

    def _delete_synonyms(self, group: SynonymGroup, actor: str, change_id: str, now: datetime, action: str) -> None:
        self.db["synonyms"].update(group.id, {"deleted_at": now.isoformat(), "updated_by": actor})
        self._audit(change_id, actor, action, group, None, now, kind=SYNONYMS)

    # -- audit ----------------------------------------------------------------------

    def _audit(
        self,
        change_id: str,
        actor: str,
        action: str,
        before: Fact | SynonymGroup | None,
        after: Fact | SynonymGroup | None,
        at: datetime,
        kind: str = FACT,
    ) -> None:
        subject_id = (after or before).id  # type: ignore[union-attr]
        self.db["audit"].insert(
            {
                "change_id": change_id,
                "at": at.isoformat(),
                "actor": actor,
                "action": action,
                "fact_id": subject_id,
                "before": _json(before),
                "after": _json(after),
                "undone_by": None,
                "kind": kind,
            }
        )

    def history(self, fact_id: int | None = None, limit: int = 20, offset: int = 0) -> list[AuditEntry]:
        """The audit log, newest first, for one fact or for all (synonym changes included)."""
        where, params = ("where fact_id = ? and kind = ?", [fact_id, FACT]) if fact_id is not None else ("", [])
        rows = self.db.query(
            f"select * from audit {where} order by id desc limit ? offset ?", [*params, limit, offset]
        )
        return self._audit_entries(list(rows))

    def _audit_entries(self, rows: list[dict[str, Any]]) -> list[AuditEntry]:
        """Audit rows as entries, with the state after an import looked up where it was not copied."""
        stored = [row["id"] for row in rows if row["after"] == AS_STORED]
        if stored:
            after = self._states_after(stored)
            rows = [{**row, "after": after[row["id"]]} if row["after"] == AS_STORED else row for row in rows]
        return [_audit_entry(row) for row in rows]

    def _states_after(self, audit_ids: list[int]) -> dict[int, str | None]:
        """The state (JSON) each of these `AS_STORED` records left its fact in.

        Every later change of a fact records the state it found, so that is the
        `before` of the fact's next audit record; with none, it is the fact's row.
        """
        query = (
            "select a.id, (select b.before from audit b where b.fact_id = a.fact_id and b.kind = ? and b.id > a.id"
            " order by b.id limit 1), a.fact_id from audit a where a.id in ({marks})"
        )
        found: dict[int, str | None] = {}
        unchanged: dict[int, list[int]] = {}
        for start in range(0, len(audit_ids), 500):
            chunk = audit_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for audit_id, later_before, fact_id in self.db.execute(query.format(marks=marks), [FACT, *chunk]):
                if later_before is not None:
                    found[audit_id] = later_before
                else:
                    unchanged.setdefault(fact_id, []).append(audit_id)
        rows = index_tables.rows_in(self.db.conn, f"{_SELECT_FACTS} where id in ({{marks}})", list(unchanged))
        for fact in _facts_of(rows):
            for audit_id in unchanged.pop(fact.id, []):
                found[audit_id] = fact.model_dump_json()
        found.update((audit_id, None) for ids in unchanged.values() for audit_id in ids)
        return found

    def undo_last(self, actor: str) -> list[AuditEntry]:
        """Revert `actor`'s most recent change that is not undone yet; returns what was reverted.

        A fact or synonym group that someone changed after `actor` did is not
        overwritten: the undo is refused with `UndoConflict` so that the later
        change is not lost. So is an undo that would bring back a synonym group
        sharing a term with a group added since.
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
            entries = self._audit_entries(
                list(self.db.query("select * from audit where change_id = ? order by id", [change_id]))
            )
            undo_id = uuid.uuid4().hex
            synonyms_changed = False
            for entry in reversed(entries):
                if entry.kind == SYNONYMS:
                    self._undo_synonyms(entry, actor, undo_id, now)
                    synonyms_changed = True
            changes = self._undo_facts([entry for entry in entries if entry.kind == FACT], actor, undo_id, now)
            if synonyms_changed:
                self._check_synonyms_distinct(entries)
            self.db.execute("update audit set undone_by = ? where change_id = ?", [undo_id, change_id])
        self._notify(changes, synonyms_changed)
        return entries

    def _undo_facts(
        self, entries: list[AuditEntry], actor: str, undo_id: str, now: datetime
    ) -> list[tuple[Fact | None, Fact | None]]:
        """Put each fact of one change (one record each) back as it was before, in a few batched statements:
        undoing an import of 100,000 facts takes seconds. Refused if any of them was changed since."""
        current = self._live_many([entry.fact_id for entry in entries])
        for entry in entries:
            if _state(current.get(entry.fact_id)) != _state(entry.after):
                raise UndoConflict(entry.fact_id)
        stamp = now.isoformat()
        gone = [entry.fact_id for entry in entries if entry.before is None]
        back = [entry for entry in entries if entry.before is not None]
        self.db.conn.executemany("update facts set deleted_at = ? where id = ?", [(stamp, fact_id) for fact_id in gone])
        if back:
            columns = [*EDITABLE_FIELDS, "updated_at", "deleted_at"]
            self.db.conn.executemany(
                f"update facts set {', '.join(f'{name} = ?' for name in columns)} where id = ?",
                [[*_row_for(entry.before.data()).values(), stamp, None, entry.fact_id] for entry in back],  # type: ignore[union-attr]
            )
        restored = self._live_many([entry.fact_id for entry in back])
        changes = [(current.get(entry.fact_id), restored.get(entry.fact_id)) for entry in entries]
        self.db.conn.executemany(
            "insert into audit (change_id, at, actor, action, kind, fact_id, before, after) values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (undo_id, stamp, actor, "undo", FACT, entry.fact_id, _json(before), AS_STORED if after else None)
                for entry, (before, after) in zip(entries, changes)
            ],
        )
        return changes

    def _undo_synonyms(self, entry: AuditEntry, actor: str, undo_id: str, now: datetime) -> None:
        current = self._live_synonym(entry.fact_id)
        if _terms(current) != _terms(entry.after):
            raise UndoConflict(entry.fact_id, SYNONYMS)
        if entry.before is None:
            self.db["synonyms"].update(entry.fact_id, {"deleted_at": now.isoformat(), "updated_by": actor})
            restored = None
        else:
            restored = self._write_synonyms(entry.fact_id, entry.before.terms, actor, now)
        self._audit(undo_id, actor, "undo", current, restored, now, kind=SYNONYMS)

    def _check_synonyms_distinct(self, entries: list[AuditEntry]) -> None:
        """Refuse (roll back) an undo that leaves one term in two groups."""
        owner: dict[str, int] = {}
        for group in self.synonym_groups():
            for key in group.keys():
                if owner.setdefault(key, group.id) != group.id:
                    restored = {entry.fact_id for entry in entries if entry.kind == SYNONYMS}
                    raise UndoConflict(group.id if group.id in restored else owner[key], SYNONYMS)

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

    def record_feedback(self, user: str, question: str | None, fact_id: int | None, at: datetime | None = None) -> int:
        """Keep a user's 'not what I asked' report for the admins; returns its id.

        :param user: who reported, as `facts.questions_log` hashes them (never the raw id).
        :param question: what they asked, or None when question texts are not kept.
        """
        self.reports_version += 1
        with self._write():
            return self.db["feedback"].insert(
                {
                    "at": (at or _now()).isoformat(),
                    "user": user,
                    "question": question[:1000] if question is not None else None,
                    "fact_id": fact_id,
                }
            ).last_pk

    def feedback(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest 'not what I asked' reports."""
        return list(self.db.query("select * from feedback order by id desc limit ?", [limit]))

    # -- questions log ------------------------------------------------------------------
    #
    # What people asked, for /unanswered, /stats and the admins' digest. The
    # policy (hashing users, keeping text or not, for how long) is
    # `facts.questions_log`'s; here are only its tables and queries.

    def _create_questions_schema(self) -> None:
        self.db["questions"].create(
            {
                "id": int,
                "at": str,
                "question": str,
                "fact_id": int,
                "score": float,
                "lang": str,
                "chat_type": str,
                "user_hash": str,
                "handled_at": str,
            },
            pk="id",
            not_null={"at", "lang", "chat_type"},
            if_not_exists=True,
        )
        self.db["questions"].create_index(["at"], if_not_exists=True)
        if "handled_at" not in self.db["feedback"].columns_dict:
            self.db["feedback"].add_column("handled_at", str)
        self.db["meta"].create({"name": str, "value": str}, pk="name", if_not_exists=True)
        self.db["admin_prefs"].create(
            {
                "admin_id": int,
                "notify": int,
                "lang": str,
                "last_sent_at": str,
                "seen_question_id": int,
                "seen_feedback_id": int,
            },
            pk="admin_id",
            not_null={"notify", "seen_question_id", "seen_feedback_id"},
            defaults={"notify": 1, "seen_question_id": 0, "seen_feedback_id": 0},
            if_not_exists=True,
        )

    def secret(self, name: str, make: Callable[[], str]) -> str:
        """The stored value `name`, made by `make()` and stored the first time it is asked for."""
        with self._write():
            stored = self._meta(name)
            if stored is not None:
                return stored
            value = make()
            self.db["meta"].insert({"name": name, "value": value})
            return value

    def log_question(self, entry: LoggedQuestion) -> int:
        """Add one asked question to the log; returns its id."""
        if entry.fact_id is None:
            self.reports_version += 1
        with self._write():
            return self.db["questions"].insert(
                {
                    "at": entry.at.isoformat(),
                    "question": entry.question,
                    "fact_id": entry.fact_id,
                    "score": entry.score,
                    "lang": entry.lang,
                    "chat_type": entry.chat_type,
                    "user_hash": entry.user_hash,
                    "handled_at": None,
                }
            ).last_pk

    def questions_since(self, since: datetime) -> list[LoggedQuestion]:
        """Every logged question asked at or after `since`, oldest first."""
        rows = self.db.query("select * from questions where at >= ? order by id", [since.isoformat()])
        return [_logged_question(row) for row in rows]

    def most_asked_facts(self, since: datetime, limit: int) -> list[int]:
        """The ids of the facts that answered most questions since `since`, most first."""
        rows = self.db.execute(
            "select fact_id from questions where at >= ? and fact_id is not null "
            "group by fact_id order by count(*) desc, fact_id limit ?",
            [since.isoformat(), limit],
        ).fetchall()
        return [row[0] for row in rows]

    def open_reports(self) -> list[Asked]:
        """Unhandled questions with no answer and 'not what I asked' reports that kept their text."""
        asked = [
            Asked(f"q{row['id']}", datetime.fromisoformat(row["at"]), row["question"], None, row["user_hash"])
            for row in self.db.query(
                "select id, at, question, user_hash from questions "
                "where fact_id is null and handled_at is null and question is not null and question != '' "
                "order by id"
            )
        ]
        reported = [
            Asked(f"f{row['id']}", datetime.fromisoformat(row["at"]), row["question"], row["fact_id"], row["user"])
            for row in self.db.query(
                "select id, at, question, fact_id, user from feedback "
                "where handled_at is null and question is not null and question != '' order by id"
            )
        ]
        return asked + reported

    def mark_handled(self, refs: list[str], at: datetime | None = None) -> None:
        """Take these reports (`q12`: a question, `f3`: a feedback row) off the open list."""
        stamp = (at or _now()).isoformat()
        self.reports_version += 1
        with self._write():
            for ref in refs:
                table = {"q": "questions", "f": "feedback"}[ref[0]]
                self.db.execute(f"update {table} set handled_at = ? where id = ?", [stamp, int(ref[1:])])

    def latest_report_ids(self) -> tuple[int, int]:
        """The newest question id and the newest feedback id (0 when none)."""
        question = self.db.execute("select coalesce(max(id), 0) from questions").fetchone()[0]
        feedback = self.db.execute("select coalesce(max(id), 0) from feedback").fetchone()[0]
        return question, feedback

    def feedback_after(self, feedback_id: int) -> list[dict[str, Any]]:
        """'Not what I asked' reports newer than `feedback_id`, oldest first."""
        return list(self.db.query("select * from feedback where id > ? order by id", [feedback_id]))

    def rehash_feedback_users(self, hash_user: Callable[[int], str]) -> int:
        """Replace raw Telegram ids kept by older versions in feedback rows with `hash_user(id)`."""
        with self._write():
            rows = self.db.execute("select id, user from feedback where user glob '[0-9]*'").fetchall()
            raw = [(row_id, user) for row_id, user in rows if user.isdigit() and len(user) <= 20]
            for row_id, user in raw:
                self.db.execute("update feedback set user = ? where id = ?", [hash_user(int(user)), row_id])
        return len(raw)

    def prune_questions(self, before: datetime) -> int:
        """Delete logged questions and feedback older than `before`; returns how many rows went."""
        cutoff = before.isoformat()
        self.reports_version += 1
        with self._write():
            gone = self.db.execute("delete from questions where at < ?", [cutoff]).rowcount
            gone += self.db.execute("delete from feedback where at < ?", [cutoff]).rowcount
        return gone

    def forget_question_texts(self) -> int:
        """Blank the text of every logged question and report; returns how many rows had text."""
        self.reports_version += 1
        with self._write():
            gone = self.db.execute("update questions set question = null where question is not null").rowcount
            gone += self.db.execute("update feedback set question = null where question is not null").rowcount
        return gone

    def admin_prefs(self, admin_id: int) -> AdminPrefs | None:
        """One admin's notification settings and what they were last told about (None: never set)."""
        rows = list(self.db.query("select * from admin_prefs where admin_id = ?", [admin_id]))
        if not rows:
            return None
        row = rows[0]
        return AdminPrefs(
            admin_id=admin_id,
            notify=bool(row["notify"]),
            lang=row["lang"] or "en",
            last_sent_at=datetime.fromisoformat(row["last_sent_at"]) if row["last_sent_at"] else None,
            seen_question_id=row["seen_question_id"],
            seen_feedback_id=row["seen_feedback_id"],
        )

    def save_admin_prefs(self, prefs: AdminPrefs) -> None:
        with self._write():
            self.db["admin_prefs"].upsert(
                {
                    "admin_id": prefs.admin_id,
                    "notify": int(prefs.notify),
                    "lang": prefs.lang,
                    "last_sent_at": prefs.last_sent_at.isoformat() if prefs.last_sent_at else None,
                    "seen_question_id": prefs.seen_question_id,
                    "seen_feedback_id": prefs.seen_feedback_id,
                },
                pk="admin_id",
            )

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
                "synonyms": self.db.execute("select count(*) from synonyms where deleted_at is null").fetchone()[0],
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


def _seed_only(group: SynonymGroup) -> bool:
    """A group the seed made and nobody changed since: the bundled article's words, no admin's."""
    return group.created_by == "seed" and group.updated_by == "seed"


def _import_report(
    removed: list[Fact],
    changed: list[tuple[Fact | None, Fact]],
    unchanged: int,
    had_facts: bool,
    synonyms: list[list[str]] | None,
    synonym_counts: Counter[str],
) -> ImportReport:
    added = sum(1 for before, _ in changed if before is None)
    return ImportReport(
        added=added,
        updated=len(changed) - added,
        unchanged=unchanged,
        removed=len(removed),
        facts=had_facts,
        synonyms=synonyms is not None or bool(synonym_counts),
        synonyms_added=synonym_counts["added"],
        synonyms_updated=synonym_counts["merged"],
        synonyms_unchanged=synonym_counts["unchanged"],
        synonyms_removed=synonym_counts["removed"],
    )


@dataclass(frozen=True)
class LoggedQuestion:
    """One question as the log keeps it: when, what (or None), which fact answered, for whom."""

    at: datetime
    question: str | None
    fact_id: int | None
    score: float | None
    lang: str
    chat_type: str
    user_hash: str | None
    id: int | None = None


@dataclass(frozen=True)
class Asked:
    """An open report for /unanswered: a question with no answer, or a 'not what I asked'."""

    ref: str
    """`q<id>` for a logged question, `f<id>` for a feedback row."""
    at: datetime
    question: str
    wrong_fact_id: int | None
    """For 'not what I asked': the fact that was shown."""
    user: str | None


@dataclass(frozen=True)
class AdminPrefs:
    """Whether an admin wants the digest, when it was last sent, and what it already covered."""

    admin_id: int
    notify: bool = True
    lang: str = "en"
    """The admin's Telegram language, last seen: the digest is written in it."""
    last_sent_at: datetime | None = None
    seen_question_id: int = 0
    seen_feedback_id: int = 0


def _logged_question(row: dict[str, Any]) -> LoggedQuestion:
    return LoggedQuestion(
        at=datetime.fromisoformat(row["at"]),
        question=row["question"],
        fact_id=row["fact_id"],
        score=row["score"],
        lang=row["lang"],
        chat_type=row["chat_type"],
        user_hash=row["user_hash"],
        id=row["id"],
    )


    # -- operations -----------------------------------------------------------------


class UndoConflict(RuntimeError):
    """The fact (or synonym group) was changed again after the change to undo; undoing would lose that."""

    def __init__(self, fact_id: int, kind: str = FACT) -> None:
        super().__init__(f"{kind} {fact_id} was changed since; undo it there first")
        self.fact_id = fact_id
        self.kind = kind


AS_STORED = "="
"""An import's audit record in place of the state after: that state is the fact's row until a later
change, whose record keeps it as its state before (`FactStore._states_after`). 100,000 imported
facts are not written twice."""


def _terms(group: SynonymGroup | None) -> list[str] | None:
    return group.terms if group is not None else None


_SEED_SYNONYMS = "seed_synonyms"
"""The meta entry naming the version of the bundled synonyms a store was given (`FactStore.seed`)."""


def _seed_version(groups: list[list[str]]) -> str:
    """A digest of the bundled synonym groups: a new version of them is offered once more."""
    return hashlib.sha256(json.dumps(groups, ensure_ascii=False).encode()).hexdigest()[:16]


def _synonym_group(row: dict[str, Any]) -> SynonymGroup:
    return SynonymGroup.model_validate(
        {name: row[name] for name in ("id", "created_at", "updated_at", "created_by", "updated_by")}
        | {"terms": json.loads(row["terms"])}
    )


def _state(fact: Fact | None) -> FactData | None:
    return fact.data() if fact is not None else None


def _column(name: str, value: Any) -> Any:
    """A model value as the column stores it (lists as JSON, dates as ISO text)."""
    if name in ("aliases", "tags"):
        return json.dumps(value, ensure_ascii=False)
    if name == "published":
        return value.isoformat() if value else None
    return value


def _json(model: Fact | SynonymGroup | None) -> str | None:
    return model.model_dump_json() if model is not None else None


def _dumps(values: dict[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def _stored_row(values: dict[str, Any]) -> dict[str, Any]:
    """A fact's JSON form (`model_dump(mode="json")`) as the facts table stores it."""
    return {**values, "aliases": _dumps(values["aliases"]), "tags": _dumps(values["tags"])}


def _row_for(data: FactData, **managed: datetime | str | None) -> dict[str, Any]:
    row = {name: _column(name, getattr(data, name)) for name in EDITABLE_FIELDS}
    for name, value in managed.items():
        row[name] = value.isoformat() if isinstance(value, datetime) else value
    return row


_SELECT_FACTS = f"select {', '.join(_FACT_COLUMNS)} from facts"
"""Whole fact rows, their columns in `_FACT_COLUMNS` order (what `_facts_of` reads)."""


def _facts_of(rows: Iterable[Sequence[Any]]) -> Iterator[Fact]:
    """Facts from rows of `_SELECT_FACTS`."""
    for values in rows:
        yield _fact(dict(zip(_FACT_COLUMNS, values)))


def _fact(row: dict[str, Any]) -> Fact:
    """A stored row as a fact, without validating it again.

    Every row was validated when it was written; re-validating costs more than
    the rest of answering a question (most of it the URL and list checks).
    """
    values = {name: row[name] for name in _FACT_COLUMNS if name != "deleted_at"}
    values["aliases"] = json.loads(row["aliases"] or "[]")
    values["tags"] = json.loads(row["tags"] or "[]")
    values["published"] = date.fromisoformat(row["published"]) if row["published"] else None
    for stamp in ("created_at", "updated_at"):
        values[stamp] = datetime.fromisoformat(row[stamp]) if row[stamp] else None
    return Fact.model_construct(**values)


def _audit_entry(row: dict[str, Any]) -> AuditEntry:
    model = SynonymGroup if row["kind"] == SYNONYMS else Fact
    return AuditEntry(
        id=row["id"],
        change_id=row["change_id"],
        at=datetime.fromisoformat(row["at"]),
        actor=row["actor"],
        action=row["action"],
        fact_id=row["fact_id"],
        before=model.model_validate_json(row["before"]) if row["before"] else None,
        after=model.model_validate_json(row["after"]) if row["after"] else None,
        undone=row["undone_by"] is not None,
        kind=row["kind"],
    )


DatabaseFailure = sqlite3.Error
"""What a store call raises when SQLite fails mid-way (disk full…); `explain_error` words it."""
