"""What the persistent index stores about each group of facts, made from fact rows.

The matcher's index lives in the database (see `facts.index_tables`): for every
group (a fact and its other-language versions sharing a `key`) one entry with
everything scoring needs, and for every token the groups that have it. This
module turns facts into those entries and back, with no SQL: the tokeniser's
output is stored as it is, keyed by `TOKENISER_VERSION`, so a start never
tokenises the table again unless the tokeniser itself changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import NamedTuple

from facts.lang import is_japanese
from facts.matching.groups import Group, build_group, worker_count
from facts.matching.normalizer import compacts, entities, tokens

log = logging.getLogger(__name__)

_HERE = Path(__file__).resolve().parent
_TOKENISER_SOURCES = ("normalizer.py", "groups.py", "entries.py", "data/lexicon.json", "../lang.py")
"""What decides the stored tokens, `!only:` marks included (they follow `facts.lang.is_japanese`); the
word table, bilingual.json, is read per question, not stored."""


def _tokeniser_version() -> str:
    """A digest of the code and data that decide tokens: any change to them rebuilds the index once."""
    digest = hashlib.sha256()
    for name in _TOKENISER_SOURCES:
        digest.update(name.encode() + (_HERE / name).read_bytes())
    return digest.hexdigest()[:16]


TOKENISER_VERSION = _tokeniser_version()


class IndexedFact(NamedTuple):
    """The fields of a stored fact that tokens and ranking come from, read without validating the whole row."""

    id: int
    key: str | None
    question: str
    aliases: tuple[str, ...]
    answer: str
    figure: str | None
    source_title: str
    tags: tuple[str, ...]
    published: str | None

    def texts(self) -> list[str]:
        """Its question, then its aliases (as `Fact.texts`)."""
        return [self.question, *self.aliases]


def indexed_fact(row: Sequence[object]) -> IndexedFact:
    """An `IndexedFact` from a row of (id, key, question, aliases JSON, answer, figure, source_title, tags JSON, published)."""
    fact_id, key, question, aliases, answer, figure, source_title, tags, published = row
    return IndexedFact(
        fact_id,  # type: ignore[arg-type]
        key,  # type: ignore[arg-type]
        question,  # type: ignore[arg-type]
        tuple(json.loads(aliases)) if aliases else (),  # type: ignore[arg-type]
        answer,  # type: ignore[arg-type]
        figure,  # type: ignore[arg-type]
        source_title,  # type: ignore[arg-type]
        tuple(json.loads(tags)) if tags else (),  # type: ignore[arg-type]
        published,  # type: ignore[arg-type]
    )


def group_name(fact_id: int, key: str | None) -> str:
    """The group a fact belongs to: all facts with its key, or itself alone."""
    return f"key:{key}" if key else f"#{fact_id}"


class Entry(NamedTuple):
    """One group as the index stores it.

    A plain tuple, because the index-building workers send every entry back to
    the parent: a tuple of strings pickles about six times faster than a
    dataclass holding a frozenset (at 100,000 facts, seconds of a rebuild).
    """

    name: str
    fact_ids: tuple[int, ...]
    """Its members, by id."""
    data: str
    """What scoring needs (`StoredGroup` reads it back)."""
    tokens: tuple[str, ...]
    """Every token of the group, each once: the postings it is in."""


def entries(pending: list[tuple[str, list[IndexedFact]]]) -> Iterator[Entry]:
    """The entries of these groups (members sorted by id), in order; on several cores for large batches.

    Worker processes are forked, so they inherit the facts and the lexicon
    rather than receive them, and send back only the finished entries.
    """
    workers = worker_count(len(pending))
    if workers <= 1:
        for name, members in pending:
            yield _entry(name, build_group(members))  # type: ignore[arg-type]
        return
    global _PENDING
    entities(), tokens("")  # load the lexicon once, here, so every worker inherits it
    _PENDING = pending
    starts = range(0, len(pending), _CHUNK)
    done = 0
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for chunk in pool.map(_entries_of_chunk, starts):
                yield from map(Entry._make, chunk)
                done += 1
    except BrokenProcessPool:  # a worker was killed (out of memory?): index what is left here
        log.warning("index workers stopped; indexing the remaining %d groups in this process", len(pending) - done * _CHUNK)
        for start in starts[done:]:
            yield from _chunk_entries(pending, start)
    finally:
        _PENDING = []


_CHUNK = 1_000
"""Groups per task sent to a worker: small enough to keep every core busy to the end."""
_PENDING: list[tuple[str, list[IndexedFact]]] = []
"""The groups a pool's workers index: set before they fork, so they inherit it."""


def _entries_of_chunk(start: int) -> list[tuple[str, tuple[int, ...], str, tuple[str, ...]]]:
    """In a worker: the entries of one chunk of the inherited `_PENDING`, as plain tuples (cheapest to send)."""
    return [tuple(entry) for entry in _chunk_entries(_PENDING, start)]  # type: ignore[misc]


def _chunk_entries(pending: list[tuple[str, list[IndexedFact]]], start: int) -> list[Entry]:
    return [_entry(name, build_group(members)) for name, members in pending[start : start + _CHUNK]]  # type: ignore[arg-type]


def _entry(name: str, group: Group) -> Entry:
    phrasings = compacts([text for member in group.members for text in member.texts()])
    lead = group.members[0]  # the fact a match of the group shows
    data = json.dumps(
        [
            " ".join(group.strong),
            " ".join(group.weak),
            " ".join(sorted(group.intents)),
            " ".join(sorted(group.owners)),
            [" ".join(phrasing) for phrasing in group.phrasings],
            phrasings,
            lead.tags,
            lead.figure,
            lead.published,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    languages = {"ja" if is_japanese(text) else "en" for text in phrasings}
    only = (ONLY_IN + languages.pop(),) if len(languages) == 1 else ()  # a question in the other language can only translate
    return Entry(name, tuple(member.id for member in group.members), data, (*group.strong, *group.weak, *only))  # distinct: `weak` leaves out what `strong` has


ONLY_IN = "!only:"
"""`!only:en` lists the groups written in English only (no token of text has a "!"): what a Japanese
question's translated words are matched against."""


class StoredGroup:
    """A group as scoring sees it, read back from the index.

    Most shortlisted groups are only checked for which question words they
    have; their phrasings are unpacked the first time one is scored in full.
    """

    __slots__ = (
        "gid", "fact_ids", "strong", "weak", "intents", "owners", "owned", "lead_tags", "lead_figure",
        "lead_published", "_phrasings", "_packed_phrasings", "compacts", "core",
    )

    def __init__(self, gid: int, fact_ids: str, data: str) -> None:
        strong, weak, intents, owners, phrasings, compacts, tags, figure, published = json.loads(data)
        self.gid = gid
        self.fact_ids = tuple(map(int, fact_ids.split()))
        """Its members, by id; the first is the fact a match shows."""
        self.strong = frozenset(strong.split())
        """Tokens of its questions, aliases, figure and source: how people ask for it."""
        self.weak = frozenset(weak.split())
        """Other tokens of its answer and tags: what it is about."""
        self.intents = frozenset(intents.split()) if intents else _EMPTY
        self.owners = frozenset(owners.split()) if owners else _EMPTY
        self.owned = frozenset(owner.split(":")[1] for owner in self.owners) if owners else _EMPTY
        self.lead_tags = frozenset(tags)
        """The tags, figure and date of its first fact: enough to tell another source's report from a rival."""
        self.lead_figure: str | None = figure
        self.lead_published: str = published or ""
        """ISO date, or "" when unknown (so that it sorts first)."""
        self._phrasings: tuple[tuple[str, ...], ...] | None = None
        self._packed_phrasings: list[str] = phrasings
        self.compacts: list[str] = compacts
        """Each phrasing as compact text, for spelling similarity."""
        self.core: frozenset[str] | None = None
        """The content tokens every phrasing has (what the fact is about), made on first use."""

    @property
    def phrasings(self) -> tuple[tuple[str, ...], ...]:
        """The content tokens of every question and alias of every member."""
        if self._phrasings is None:
            self._phrasings = tuple(tuple(phrasing.split()) for phrasing in self._packed_phrasings)
        return self._phrasings


_EMPTY: frozenset[str] = frozenset()
