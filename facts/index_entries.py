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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

from facts.groups import Group, build_groups
from facts.normalize import compact

_HERE = Path(__file__).resolve().parent
_TOKENISER_SOURCES = ("normalize.py", "groups.py", "index_entries.py")


def _tokeniser_version() -> str:
    """A digest of the code and data that decide tokens: any change to them rebuilds the index once."""
    digest = hashlib.sha256()
    for name in _TOKENISER_SOURCES:
        digest.update((_HERE / name).read_bytes())
    for data in sorted((_HERE / "data").glob("*.json")):
        digest.update(data.name.encode() + data.read_bytes())
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

    def texts(self) -> list[str]:
        """Its question, then its aliases (as `Fact.texts`)."""
        return [self.question, *self.aliases]


def indexed_fact(row: Sequence[object]) -> IndexedFact:
    """An `IndexedFact` from a row of (id, key, question, aliases JSON, answer, figure, source_title, tags JSON)."""
    fact_id, key, question, aliases, answer, figure, source_title, tags = row
    return IndexedFact(
        fact_id,  # type: ignore[arg-type]
        key,  # type: ignore[arg-type]
        question,  # type: ignore[arg-type]
        tuple(json.loads(aliases)) if aliases else (),  # type: ignore[arg-type]
        answer,  # type: ignore[arg-type]
        figure,  # type: ignore[arg-type]
        source_title,  # type: ignore[arg-type]
        tuple(json.loads(tags)) if tags else (),  # type: ignore[arg-type]
    )


def group_name(fact_id: int, key: str | None) -> str:
    """The group a fact belongs to: all facts with its key, or itself alone."""
    return f"key:{key}" if key else f"#{fact_id}"


@dataclass(frozen=True, slots=True)
class Entry:
    """One group as the index stores it."""

    name: str
    fact_ids: tuple[int, ...]
    """Its members, by id."""
    data: str
    """What scoring needs (`decode` reads it back)."""
    tokens: frozenset[str]
    """Every token of the group: the postings it is in."""


def entries(pending: list[tuple[str, list[IndexedFact]]]) -> Iterator[Entry]:
    """The entries of these groups (members sorted by id), tokenised on several cores for large batches."""
    for built, _postings, _grammar in build_groups(pending):  # type: ignore[arg-type]
        for name, group in built:
            yield _entry(name, group.ready())


def _entry(name: str, group: Group) -> Entry:
    compacts = [compact(text) for member in group.members for text in member.texts()]
    data = json.dumps(
        [
            " ".join(group.strong),
            " ".join(group.weak),
            " ".join(sorted(group.intents)),
            " ".join(sorted(group.owners)),
            [" ".join(phrasing) for phrasing in group.phrasings],
            compacts,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return Entry(name, tuple(member.id for member in group.members), data, frozenset((*group.strong, *group.weak)))


@dataclass(slots=True)
class StoredGroup:
    """A group as scoring sees it, read back from the index."""

    gid: int
    fact_ids: tuple[int, ...]
    strong: frozenset[str]
    weak: frozenset[str]
    intents: frozenset[str]
    owners: frozenset[str]
    owned: frozenset[str]
    phrasings: tuple[tuple[str, ...], ...]
    compacts: tuple[str, ...]
    core: frozenset[str]
    """The content tokens every phrasing has (what the fact is about)."""
    totals: list[float] | None = None
    """Each phrasing's total token weight, as of `totals_version` of the matcher."""
    totals_version: int = -1


def decode(gid: int, fact_ids: str, data: str) -> StoredGroup:
    """A `StoredGroup` from an index row."""
    strong, weak, intents, owners, phrasings, compacts = json.loads(data)
    phrasing_tokens = tuple(tuple(phrasing.split()) for phrasing in phrasings)
    owner_set = frozenset(owners.split())
    present = [set(tokens) for tokens in phrasing_tokens if tokens]
    return StoredGroup(
        gid=gid,
        fact_ids=tuple(int(part) for part in fact_ids.split()),
        strong=frozenset(strong.split()),
        weak=frozenset(weak.split()),
        intents=frozenset(intents.split()),
        owners=owner_set,
        owned=frozenset(owner.split(":")[1] for owner in owner_set),
        phrasings=phrasing_tokens,
        compacts=tuple(compacts),
        core=frozenset(set.intersection(*present)) if present else frozenset(),
    )


class FactSummary(NamedTuple):
    """What choosing among the best matches needs of a fact, before the whole fact is loaded."""

    id: int
    tags: tuple[str, ...]
    figure: str | None
    published: date | None
