"""What the index knows of one fact in all its languages: its tokens, intents, owners and phrasings.

`facts.matching.entries` stores this in the database; building it for a large
table is spread over the machine's cores when that is safe (`worker_count`).
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from facts.model import Fact
from facts.matching.normalizer import intent_tokens, tokens, tokens_many


INTENT_TRUE = "?true"
"""'Is it true…' fits any fact; it never conflicts with another intent."""

PARALLEL_MIN_GROUPS = 5_000
"""Below this, starting worker processes costs more than it saves."""


@dataclass(slots=True)
class Group:
    """What the matcher knows of one fact in all its languages."""

    members: tuple[Fact, ...]
    strong: tuple[str, ...] = ()
    """Tokens of its questions, aliases, figure and source: how people ask for it."""
    weak: tuple[str, ...] = ()
    """Other tokens of its answer and tags: what it is about."""
    intents: frozenset[str] = frozenset()
    phrasings: tuple[tuple[str, ...], ...] = ()
    """The content tokens of every question and alias of every member, in `texts()` order."""
    owners: frozenset[str] = frozenset()
    """Whose things the fact is about (`@#=dprk:#=army`: North Korean soldiers)."""
    owned: frozenset[str] = frozenset()
    """The owned words those are about (`#=army`)."""

    def _set(self, parts: _Parts) -> None:
        strong, weak, intents, phrasings, owners, owned = parts
        self.strong, self.weak, self.phrasings = strong, weak, phrasings
        self.intents, self.owners, self.owned = _shared(intents), _shared(owners), _shared(owned)


_Parts = tuple[tuple[str, ...], tuple[str, ...], frozenset[str], tuple[tuple[str, ...], ...], frozenset[str], frozenset[str]]

def build_group(members: list[Fact]) -> Group:
    """The index entry of `members`, the versions of one fact (sorted by id)."""
    group = Group(tuple(members))
    group._set(_parts(members, [_found(fact) for fact in members]))
    return group


def worker_count(groups: int) -> int:
    """How many processes to build `groups` groups with: 1 unless the table is large and forking is safe."""
    if groups < PARALLEL_MIN_GROUPS or not sys.platform.startswith("linux"):
        return 1  # fork is the safe, cheap way to share the facts only on Linux
    if threading.active_count() > 1:
        return 1  # forking a process with threads can deadlock the child
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, 8)


def _found(fact: Fact) -> list[list[str]]:
    """The tokens of each of `_indexed_texts(fact)`."""
    return tokens_many(_indexed_texts(fact))


def _indexed_texts(fact: Fact) -> list[str]:
    """A fact's question, each alias, its figure, and its answer with tags."""
    return [*fact.texts(), fact.figure or "", " ".join((fact.answer, *fact.tags))]


def _parts(members: Sequence[Fact], found_by_member: list[list[list[str]]]) -> _Parts:
    """Everything of a group but its members, with dict and set operations rather than loops over tokens."""
    intent_marks = intent_tokens()
    strong: dict[str, None] = {}
    weak: dict[str, None] = {}
    marks: set[str] = set()
    phrasings: list[tuple[str, ...]] = []
    for fact, found_texts in zip(members, found_by_member):
        *asked, figure, about = found_texts
        for found in asked:
            content = dict.fromkeys(found)
            for mark in [*intent_marks.intersection(content), *_owners(found)]:
                content.pop(mark, None)  # an owner mark can be there twice ("Kremlin troops … Kremlin troops")
                marks.add(mark)
            strong.update(content)
            phrasings.append(tuple(content))
        strong.update(dict.fromkeys(_source_tokens(fact.source_title)))  # "what does the BBC say…"
        strong.update(dict.fromkeys(figure[: len(figure) - len(_owners(figure))]))  # "is it 11,000?"
        weak.update(dict.fromkeys(about))
    for mark in intent_marks.intersection(strong):  # a figure or source with an intent word in it
        del strong[mark]
    intents = marks & intent_marks
    owners = marks - intents
    if any(has_number(fact.figure) for fact in members):
        intents.add("?count")  # a figure answers "how many"
    return (
        tuple(strong),
        tuple(token for token in weak if token not in strong and token[0] not in "?@"),
        frozenset(intents - {INTENT_TRUE}),
        tuple(phrasings),
        frozenset(owners),
        frozenset(owner.split(":")[1] for owner in owners),
    )


def _owners(found: list[str]) -> list[str]:
    """The owner marks of one text's tokens: the tokeniser puts them last, so only the end is read."""
    end = len(found)
    while end and found[end - 1][0] == "@":
        end -= 1
    return found[end:]


_SHARED: dict[frozenset[str], frozenset[str]] = {}


def _shared(value: frozenset[str]) -> frozenset[str]:
    """One copy of each small set (most facts ask the same intents): memory at 100,000 facts."""
    return _SHARED.setdefault(value, value)


@lru_cache(maxsize=4096)
def _source_tokens(title: str) -> frozenset[str]:
    return frozenset(t for t in tokens(title) if t[0] not in "?@")


def has_number(figure: str | None) -> bool:
    """Whether a figure is a number (11,000) rather than words (反米外交のため)."""
    return figure is not None and _DIGIT.search(figure) is not None


_DIGIT = re.compile(r"\d")
