"""The matcher's index entry for one fact in all its languages, and building many of them fast.

Starting the bot indexes every fact: at 100,000 facts that is seconds of
tokenizing, all pure Python. Large tables are therefore split across the
machine's cores (forked worker processes, which inherit the facts and the
lexicon instead of receiving them); small ones, and any process that already
runs threads, are built in place.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import sys
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from facts.model import Fact
from facts.normalize import is_grammar, marker_tokens, tokens, tokens_many

log = logging.getLogger(__name__)

INTENT_TRUE = "?true"
"""'Is it true…' fits any fact; it never conflicts with another intent."""

PARALLEL_MIN_GROUPS = 5_000
"""Below this, starting worker processes costs more than it saves."""
_CHUNK = 2_000
"""Groups per task sent to a worker: small enough to keep both cores busy to the end."""


@dataclass(slots=True)
class Group:
    """What the matcher knows of one fact in all its languages.

    A group built by a worker process arrives `packed`: its tokens as text,
    which is cheap to send and to keep. `ready()` unpacks it the first time a
    question is scored against it; most groups never are.
    """

    members: tuple[Fact, ...]
    packed: str | None = None
    strong: tuple[str, ...] = ()
    """Tokens of its questions, aliases, figure and source: how people ask for it."""
    weak: tuple[str, ...] = ()
    """Other tokens of its answer and tags: what it is about."""
    intents: frozenset[str] = frozenset()
    phrasings: tuple[tuple[str, ...], ...] = ()
    """The content tokens of every question and alias of every member, in `texts()` order."""
    owners: frozenset[str] = frozenset()
    """Whose soldiers/casualties the fact is about (`@#nk:#soldier`)."""
    owned: frozenset[str] = frozenset()
    """The possessed words those are about (`#soldier`)."""
    compacts: list[str] | None = None
    """The phrasings as compact text for spelling similarity, made on first use."""
    totals: list[float] | None = None
    """Each phrasing's total token weight, as of `totals_version` of the matcher."""
    totals_version: int = -1
    core: frozenset[str] | None = None
    """The content tokens every phrasing has (what the fact is about), made on first use."""

    def ready(self) -> Group:
        """This group with its tokens unpacked."""
        if self.packed is not None:
            lines = iter(self.packed.split("\n"))
            found = [[next(lines).split() for _ in _indexed_texts(fact)] for fact in self.members]
            self.packed = None
            self._set(_parts(self.members, found))
        return self

    def _set(self, parts: _Parts) -> None:
        strong, weak, intents, phrasings, owners, owned = parts
        self.strong, self.weak, self.phrasings = strong, weak, phrasings
        self.intents, self.owners, self.owned = _shared(intents), _shared(owners), _shared(owned)


_Parts = tuple[tuple[str, ...], tuple[str, ...], frozenset[str], tuple[tuple[str, ...], ...], frozenset[str], frozenset[str]]

Batch = tuple[list[tuple[str, Group]], dict[str, list[str]], dict[str, int]]
"""Some groups by id, the postings they add (each token's group ids), and for grammar tokens (hiragana
only, which never bring candidates in) just how many of the groups have them."""


def build_group(members: list[Fact]) -> Group:
    """The index entry of `members`, the versions of one fact (sorted by id)."""
    group = Group(tuple(members))
    group._set(_parts(members, [_found(fact) for fact in members]))
    return group


def build_groups(pending: list[tuple[str, list[Fact]]], workers: int | None = None) -> Iterator[Batch]:
    """The groups of (group id, members) in batches (in no particular order), on several cores when that pays off."""
    workers = worker_count(len(pending)) if workers is None else workers
    starts = range(0, len(pending), _CHUNK)
    if workers <= 1:
        for start in starts:
            yield _build_chunk_here(pending[start : start + _CHUNK])
        return
    global _PENDING
    marker_tokens(), tokens("")  # load the lexicon once, here, so every worker inherits it
    _PENDING = pending
    left = set(starts)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for done in as_completed([pool.submit(_pack_chunk, start) for start in starts]):
                start, packed, postings, grammar = done.result()
                chunk = pending[start : start + _CHUNK]
                built = [(group_id, Group(tuple(members), text)) for (group_id, members), text in zip(chunk, packed)]
                left.discard(start)
                yield built, postings, grammar
    except BrokenProcessPool:  # a worker was killed (out of memory?): build what is left here
        log.warning("index workers stopped; building the remaining %d groups in this process", len(left) * _CHUNK)
        for start in sorted(left):
            yield _build_chunk_here(pending[start : start + _CHUNK])
    finally:
        _PENDING = []


def _build_chunk_here(chunk: list[tuple[str, list[Fact]]]) -> Batch:
    built = [(group_id, build_group(members)) for group_id, members in chunk]
    postings: dict[str, list[str]] = defaultdict(list)
    for group_id, group in built:
        for token in (*group.strong, *group.weak):
            postings[token].append(group_id)
    return built, postings, _count_grammar(postings)


_PENDING: list[tuple[str, list[Fact]]] = []
"""The groups a pool's workers build: set before they fork, so they inherit it rather than receive it."""


def _pack_chunk(start: int) -> tuple[int, list[str], dict[str, list[str]], dict[str, int]]:
    """In a worker: `_PENDING[start : start + _CHUNK]` tokenized and packed, and the postings they add."""
    markers = marker_tokens()
    packed = []
    postings: dict[str, list[str]] = defaultdict(list)
    for group_id, members in _PENDING[start : start + _CHUNK]:
        if len(members) == 1:
            found = _found(members[0])
            indexed = set(chain.from_iterable(found))
            indexed |= _source_tokens(members[0].source_title)
        else:
            found = [texts for fact in members for texts in _found(fact)]
            indexed = set().union(*found, *(_source_tokens(fact.source_title) for fact in members))
        packed.append("\n".join(map(" ".join, found)))
        indexed -= markers
        for token in indexed:
            postings[token].append(group_id)
    return start, packed, postings, _count_grammar(postings)


def _count_grammar(postings: dict[str, list[str]]) -> dict[str, int]:
    """Take the grammar tokens out of `postings`, leaving how many groups have each.

    Hiragana-only tokens (によ, から) are in half of all Japanese facts; keeping
    their group ids would cost a quarter of the index's memory for no use.
    """
    return {token: len(postings.pop(token)) for token in [token for token in postings if is_grammar(token)]}


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
    markers = marker_tokens()
    strong: dict[str, None] = {}
    weak: dict[str, None] = {}
    marks: set[str] = set()
    phrasings: list[tuple[str, ...]] = []
    for fact, found_texts in zip(members, found_by_member):
        *asked, figure, about = found_texts
        for found in asked:
            content = dict.fromkeys(found)
            for mark in markers.intersection(content):
                del content[mark]
                marks.add(mark)
            strong.update(content)
            phrasings.append(tuple(content))
        strong.update(dict.fromkeys(_source_tokens(fact.source_title)))  # "what does the BBC say…"
        strong.update(dict.fromkeys(figure))  # "is it 11,000?"
        weak.update(dict.fromkeys(about))
    for mark in markers.intersection(strong):  # a figure or source with an intent word in it
        del strong[mark]
    owners = marks - _intent_markers()
    intents = marks - owners
    if any(has_number(fact.figure) for fact in members):
        intents.add("?count")  # a figure answers "how many"
    return (
        tuple(strong),
        tuple(weak.keys() - strong.keys() - markers),
        frozenset(intents - {INTENT_TRUE}),
        tuple(phrasings),
        frozenset(owners),
        frozenset(owner.split(":")[1] for owner in owners),
    )


_SHARED: dict[frozenset[str], frozenset[str]] = {}


def _shared(value: frozenset[str]) -> frozenset[str]:
    """One copy of each small set (most facts ask the same intents): memory at 100,000 facts."""
    return _SHARED.setdefault(value, value)


@lru_cache(maxsize=1)
def _intent_markers() -> frozenset[str]:
    return frozenset(marker for marker in marker_tokens() if marker[0] == "?")


@lru_cache(maxsize=4096)
def _source_tokens(title: str) -> frozenset[str]:
    return frozenset(t for t in tokens(title) if t[0] not in "?@")


def has_number(figure: str | None) -> bool:
    """Whether a figure is a number (11,000) rather than words (反米外交のため)."""
    return figure is not None and _DIGIT.search(figure) is not None


_DIGIT = re.compile(r"\d")
