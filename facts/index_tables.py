"""The store's half of the persistent matching index: its tables, and the only SQL about them.

Two tables, written in the same transaction as the facts they describe:

- ``match_groups``: one row per group (a fact and its other-language versions),
  with its member ids and what scoring needs (`facts.matching.entries`);
- ``match_postings``: per token, how many groups have it and which (a sorted
  array of 32-bit group ids, read straight into numpy). Grammar tokens
  (hiragana glue, in half of all Japanese facts) keep only their count.

The meta table records the tokeniser version and synonyms the index was made
with; when either differs, the index is made again once, never at every start.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import Any

import numpy as np

from facts.matching.entries import TOKENISER_VERSION, IndexedFact, StoredGroup, entries, group_name, indexed_fact
from facts.matching.gid_arrays import distinct_sorted
from facts.matching.normalizer import is_grammar, use_synonyms

SCHEMA = """
create table if not exists match_groups (
    gid integer primary key,
    name text not null unique,
    fact_ids text not null,
    data text not null
);
create table if not exists match_postings (
    token text primary key,
    df integer not null,
    gids blob
) without rowid;
create index if not exists facts_key on facts (key) where key is not null;
"""

_VERSION, _GROUPS = "index_version", "index_groups"
_BATCH = 500
"""Names, tokens or ids bound in one query: well under SQLite's variable limit."""
_INDEXED_COLUMNS = "id, key, question, aliases, answer, figure, source_title, tags, published"
_REBUILD_SHARE = 0.3
"""A change touching more than this share of all groups rebuilds the index rather than patching it."""
_GIDS = np.dtype("<i4")

Progress = Callable[[int, int], None]
"""Called with (groups done, groups in all) while the index is being made."""


def index_version(synonyms: Iterable[Sequence[str]]) -> str:
    """The version an index made now with these synonym groups has."""
    digest = hashlib.sha256(json.dumps([list(group) for group in synonyms], ensure_ascii=False).encode())
    return f"{TOKENISER_VERSION}:{digest.hexdigest()[:16]}"


def create(conn: sqlite3.Connection) -> None:
    """Make the index tables if they are missing (inside the caller's transaction)."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)


def stored_version(conn: sqlite3.Connection) -> str | None:
    return _meta(conn, _VERSION)


def group_count(conn: sqlite3.Connection) -> int:
    return int(_meta(conn, _GROUPS) or 0)


def _meta(conn: sqlite3.Connection, name: str) -> str | None:
    row = conn.execute("select value from meta where name = ?", [name]).fetchone()
    return row[0] if row else None


def _set_meta(conn: sqlite3.Connection, name: str, value: str) -> None:
    conn.execute("insert or replace into meta (name, value) values (?, ?)", [name, value])


# -- writing (inside the store's write transaction) ----------------------------------


def rebuild(conn: sqlite3.Connection, synonyms: tuple[tuple[str, ...], ...], progress: Progress | None = None) -> None:
    """Make the whole index anew from the live facts.

    The facts are read and indexed a slice at a time, and each token's group
    ids kept as a compact array, so a million facts fit in memory.
    """
    use_synonyms(synonyms)
    conn.execute("delete from match_groups")
    conn.execute("delete from match_postings")
    total = conn.execute(
        "select (select count(*) from facts where deleted_at is null and key is null)"
        " + (select count(distinct key) from facts where deleted_at is null and key is not null)"
    ).fetchone()[0]
    postings: dict[str, array[int]] = {}
    gid = 0
    for pending in _all_groups(conn):
        rows = []
        for entry in entries(pending):
            gid += 1
            rows.append((gid, entry.name, _ids_text(entry.fact_ids), entry.data))
            for token in entry.tokens:
                found = postings.get(token)
                if found is None:
                    found = postings[token] = array("i")
                found.append(gid)
        conn.executemany("insert into match_groups (gid, name, fact_ids, data) values (?, ?, ?, ?)", rows)
        if progress is not None and total >= _PROGRESS_FROM:
            progress(gid, total)
    conn.executemany(
        "insert into match_postings (token, df, gids) values (?, ?, ?)",
        (
            (token, len(gids), None if is_grammar(token) else np.asarray(gids, _GIDS).tobytes())
            for token, gids in postings.items()
        ),
    )
    _set_meta(conn, _GROUPS, str(gid))
    _set_meta(conn, _VERSION, index_version(synonyms))


def _all_groups(conn: sqlite3.Connection) -> Iterator[list[tuple[str, list[IndexedFact]]]]:
    """Every live group with its members, a slice at a time: facts of their own by id, then shared keys by key."""
    alone = conn.execute(f"select {_INDEXED_COLUMNS} from facts where deleted_at is null and key is null order by id")
    while rows := alone.fetchmany(_SLICE):
        yield [(group_name(fact.id, None), [fact]) for fact in map(indexed_fact, rows)]
    shared = conn.execute(
        f"select {_INDEXED_COLUMNS} from facts where deleted_at is null and key is not null order by key, id"
    )
    pending: list[tuple[str, list[IndexedFact]]] = []
    while rows := shared.fetchmany(_SLICE):
        for fact in map(indexed_fact, rows):
            name = group_name(fact.id, fact.key)
            if pending and pending[-1][0] == name:
                pending[-1][1].append(fact)
                continue
            if len(pending) >= _SLICE:
                yield pending
                pending = []
            pending.append((name, [fact]))
    if pending:
        yield pending


_SLICE = 20_000
"""Facts read (and groups indexed) at a time when the whole index is made."""
_PROGRESS_FROM = 5_000
"""Below this many groups indexing is too quick for a progress bar."""


def update(
    conn: sqlite3.Connection,
    changed: dict[int, str | None],
    synonyms: tuple[tuple[str, ...], ...],
    progress: Progress | None = None,
) -> None:
    """Bring the index in line with the facts after some of them changed (added, edited, deleted).

    :param changed: each changed fact's id and its group name before the change (None if it is new).
    """
    names = {name for name in changed.values() if name}
    names.update(
        group_name(fact_id, key)
        for fact_id, key in rows_in(conn, "select id, key from facts where deleted_at is null and id in ({marks})", list(changed))
    )
    total = group_count(conn)
    if len(names) > 2000 and len(names) > total * _REBUILD_SHARE:
        rebuild(conn, synonyms, progress)
        return
    use_synonyms(synonyms)
    members = _members(conn, names)
    old = _stored_tokens(conn, names)
    fresh = {entry.name: entry for entry in entries(sorted(members.items()))}
    added: dict[str, list[int]] = defaultdict(list)
    removed: dict[str, list[int]] = defaultdict(list)
    next_gid = _next_gid(conn)
    count = total
    for name in sorted(names):
        gid, old_tokens = old.get(name, (None, frozenset()))
        entry = fresh.get(name)
        if entry is None:
            if gid is not None:
                conn.execute("delete from match_groups where gid = ?", [gid])
                count -= 1
                for token in old_tokens:
                    removed[token].append(gid)
            continue
        if gid is None:
            gid, next_gid, count = next_gid, next_gid + 1, count + 1
            conn.execute(
                "insert into match_groups (gid, name, fact_ids, data) values (?, ?, ?, ?)",
                [gid, name, _ids_text(entry.fact_ids), entry.data],
            )
        else:
            conn.execute(
                "update match_groups set fact_ids = ?, data = ? where gid = ?", [_ids_text(entry.fact_ids), entry.data, gid]
            )
        tokens = frozenset(entry.tokens)
        for token in tokens - old_tokens:
            added[token].append(gid)
        for token in old_tokens - tokens:
            removed[token].append(gid)
    _patch_postings(conn, added, removed)
    _set_meta(conn, _GROUPS, str(count))


def _members(conn: sqlite3.Connection, names: set[str]) -> dict[str, list[IndexedFact]]:
    """The live facts of each named group, by id."""
    keys = [name[4:] for name in names if name.startswith("key:")]
    ids = [int(name[1:]) for name in names if name.startswith("#")]
    members: dict[str, list[IndexedFact]] = defaultdict(list)
    by_key = f"select {_INDEXED_COLUMNS} from facts where deleted_at is null and key in ({{marks}}) order by id"
    alone = f"select {_INDEXED_COLUMNS} from facts where deleted_at is null and key is null and id in ({{marks}})"
    for fact in map(indexed_fact, chain(rows_in(conn, by_key, keys), rows_in(conn, alone, ids))):
        members[group_name(fact.id, fact.key)].append(fact)
    return members


def _stored_tokens(conn: sqlite3.Connection, names: set[str]) -> dict[str, tuple[int, frozenset[str]]]:
    """Each named group's gid and tokens as the index has them now."""
    found: dict[str, tuple[int, frozenset[str]]] = {}
    query = "select gid, name, fact_ids, data from match_groups where name in ({marks})"
    for gid, name, fact_ids, data in rows_in(conn, query, sorted(names)):
        group = StoredGroup(gid, fact_ids, data)
        found[name] = (gid, group.strong | group.weak)
    return found


def _patch_postings(conn: sqlite3.Connection, added: dict[str, list[int]], removed: dict[str, list[int]]) -> None:
    tokens = sorted(added.keys() | removed.keys())
    current = postings(conn, tokens)
    writes, deletes = [], []
    for token in tokens:
        df, gids = current.get(token, (0, None))
        plus, minus = added.get(token, ()), removed.get(token, ())
        df += len(plus) - len(minus)
        if df <= 0:
            deletes.append((token,))
            continue
        if is_grammar(token):
            writes.append((token, df, None))
            continue
        array = gids if gids is not None else np.empty(0, _GIDS)
        if minus:
            array = array[~np.isin(array, np.asarray(minus, _GIDS))]
        if plus:
            extra = distinct_sorted([np.asarray(plus, _GIDS)])
            if not array.size or extra[0] > array[-1]:  # new groups have the newest ids: they go at the end
                array = np.concatenate([array, extra]).astype(_GIDS)
            else:
                array = distinct_sorted([array, extra]).astype(_GIDS)
        writes.append((token, int(array.size), array.tobytes()))
    conn.executemany("delete from match_postings where token = ?", deletes)
    conn.executemany("insert or replace into match_postings (token, df, gids) values (?, ?, ?)", writes)


def _next_gid(conn: sqlite3.Connection) -> int:
    return conn.execute("select coalesce(max(gid), 0) + 1 from match_groups").fetchone()[0]


def _ids_text(ids: Sequence[int]) -> str:
    return " ".join(map(str, ids))


# -- reading (through any connection; one question's reads in one read transaction) ------


def rows_in(conn: sqlite3.Connection, query: str, items: Sequence[object]) -> Iterator[Any]:
    """The rows of `query` for all of `items`, bound a batch at a time to its ``in ({marks})``
    (SQLite limits the variables of one statement)."""
    for start in range(0, len(items), _BATCH):
        chunk = list(items[start : start + _BATCH])
        yield from conn.execute(query.format(marks=",".join("?" * len(chunk))), chunk)


def postings(conn: sqlite3.Connection, tokens: Sequence[str]) -> dict[str, tuple[int, np.ndarray | None]]:
    """Each token's group count and group ids (None for grammar tokens); tokens no group has are left out."""
    query = "select token, df, gids from match_postings where token in ({marks})"
    return {
        token: (df, np.frombuffer(blob, _GIDS) if blob is not None else None)
        for token, df, blob in rows_in(conn, query, tokens)
    }


def terminal_progress(label: str) -> Progress | None:
    """A progress bar on stderr when it is a terminal (None otherwise: logs stay clean)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


class IndexReader:
    """What the matcher reads from the database, through one connection, one question at a time.

    A question's reads happen in one read transaction (`reading`), so a write
    committed meanwhile by another thread or process is seen whole or not at all.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        shared: bool,
        select_facts: str,
        facts_of: Callable[[Iterable[Any]], Iterator[Any]],
        writes: Callable[[], int],
    ) -> None:
        """:param shared: True when `conn` is also the store's writing connection (an in-memory store).
        :param select_facts: the store's query for whole fact rows, which `facts_of` makes into facts."""
        self.conn = conn
        self._shared = shared
        self._select_facts = select_facts
        self._facts_of = facts_of
        self._writes = writes

    @contextmanager
    def reading(self) -> Iterator[IndexReader]:
        """One consistent view of the index for the duration of the block."""
        began = not self._shared and not self.conn.in_transaction
        if began:
            self.conn.execute("begin")
        try:
            yield self
        finally:
            if began and self.conn.in_transaction:
                self.conn.rollback()

    def stamp(self) -> tuple[int, int]:
        """Changes whenever anyone (this process or another) commits anything to the database."""
        return self.conn.execute("pragma data_version").fetchone()[0], self._writes()

    def fact_stamp(self) -> tuple[int, str | None]:
        """Changes only when facts, synonyms or the index change: every such change writes an audit
        row or remakes the index (the questions log and the bot's state write neither)."""
        last = self.conn.execute("select coalesce(max(id), 0) from audit").fetchone()[0]
        return last, stored_version(self.conn)

    def summary(self, lang: str) -> tuple[int, list[str], list[str]]:
        """What /start says of the table: how many distinct facts (language versions counted once),
        every tag, and every source title as a reader of `lang` sees it (the `lang` version's when a
        fact has one), each list in order of first appearance by fact id. Done in SQL: a million
        facts need not be read into Python for a greeting."""
        count = self.conn.execute(
            "select count(distinct coalesce('key:' || key, '#' || id)) from facts where deleted_at is null"
        ).fetchone()[0]
        tags = [
            tag
            for (tag,) in self.conn.execute(
                "select tag.value from facts, json_each(facts.tags) as tag where facts.deleted_at is null "
                "group by tag.value order by min(facts.id * 1000 + tag.key)"
            )
        ]
        titles = [
            title
            for (title,) in self.conn.execute(
                "select coalesce(mine.source_title, fact.source_title) as title from facts as fact "
                "left join facts as mine on fact.key is not null and mine.key = fact.key and mine.lang = ? "
                "and mine.deleted_at is null where fact.deleted_at is null group by title order by min(fact.id)",
                [lang],
            )
        ]
        return count, tags, titles

    def facts_in_order(self, lang: str) -> Iterator[Any]:
        """Every live fact, those in `lang` first, each part by id; read as it is iterated, so that
        a caller who needs only the first few reads only those."""
        for same in ("=", "!="):
            query = f"{self._select_facts} where deleted_at is null and lang {same} ? order by id"
            yield from self._facts_of(self.conn.execute(query, [lang]))

    def version(self) -> str | None:
        return stored_version(self.conn)

    def group_count(self) -> int:
        return group_count(self.conn)

    def max_gid(self) -> int:
        return _next_gid(self.conn) - 1

    def postings(self, tokens: Sequence[str]) -> dict[str, tuple[int, np.ndarray | None]]:
        return postings(self.conn, tokens)

    def document_counts(self, tokens: Sequence[str]) -> dict[str, int]:
        """How many groups have each token (tokens no group has are left out)."""
        return dict(rows_in(self.conn, "select token, df from match_postings where token in ({marks})", tokens))

    def groups(self, gids: Sequence[int]) -> dict[int, StoredGroup]:
        return {gid: StoredGroup(gid, *row) for gid, row in self.group_rows(gids).items()}

    def group_rows(self, gids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """Each group's stored (member ids, data), not yet decoded: plain strings, which are cheap to keep
        because Python's cycle collector never walks them (a decoded group's sets it walks at every pass)."""
        query = "select gid, fact_ids, data from match_groups where gid in ({marks})"
        return {gid: (fact_ids, data) for gid, fact_ids, data in rows_in(self.conn, query, gids)}

    def group_members(self, name: str) -> tuple[int, ...]:
        """The ids of a group's facts (none if there is no such group)."""
        row = self.conn.execute("select fact_ids from match_groups where name = ?", [name]).fetchone()
        return tuple(int(part) for part in row[0].split()) if row else ()

    def words_starting(self, initial: str) -> list[str]:
        """The English words (letters only) the index has that start with `initial`, sorted."""
        upper = chr(ord(initial) + 1)
        rows = self.conn.execute("select token from match_postings where token >= ? and token < ?", [initial, upper])
        return [token for (token,) in rows if token.isascii() and token.isalpha()]

    def synonym_terms(self) -> tuple[tuple[str, ...], ...]:
        """The live synonym groups' terms, by group id (as `FactStore.synonym_terms`)."""
        rows = self.conn.execute("select terms from synonyms where deleted_at is null order by id")
        return tuple(tuple(json.loads(terms)) for (terms,) in rows)

    def facts(self, fact_ids: list[int]) -> dict[int, Any]:
        """The live facts among these ids."""
        return {fact.id: fact for fact in self.facts_from(self.fact_rows(fact_ids).values())}

    def fact_rows(self, fact_ids: list[int]) -> dict[int, tuple[Any, ...]]:
        """The live facts among these ids as stored rows (ids first): plain values, which Python's
        cycle collector never walks, so they are cheap to keep; `facts_from` makes them facts."""
        query = f"{self._select_facts} where deleted_at is null and id in ({{marks}})"
        return {row[0]: tuple(row) for row in rows_in(self.conn, query, fact_ids)}

    def facts_from(self, rows: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        return self._facts_of(rows)

    def all_facts(self) -> list[Any]:
        """Every live fact, by id."""
        return list(self._facts_of(self.conn.execute(f"{self._select_facts} where deleted_at is null order by id")))
