"""What the bot could not answer, grouped for the admins: one entry per question, however spelled.

Open reports are questions the bot had no fact for and 'not what I asked'
presses. Near-identical questions ("How many soldiers?", "how many soldiers",
"how many soliders??") form one entry: they are folded by the normaliser and
then joined when their folded forms are within a few characters of each
other. Entries are listed most-asked first; each suggests the facts the
matcher finds closest, and can become an alias of one of them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from weakref import WeakKeyDictionary

from rapidfuzz import fuzz, process

from facts.lang import detect_lang
from facts.matching import Matcher, compact
from facts.model import Fact
from facts.store import Asked, FactStore

SAME_QUESTION = 90.0
"""rapidfuzz ratio (0-100) of two folded questions above which they count as one."""
_MIN_FUZZY_CHARS = 6
"""Shorter folded questions are joined only when identical: one letter changes their meaning."""
MAX_FUZZY_ENTRIES = 300
"""A spelling is compared with the most asked entries only, so grouping stays fast (linear in
the number of questions) however many there are; rarer ones are joined only when identical."""
CLOSEST = 3


@dataclass(frozen=True)
class Entry:
    """Near-identical open reports, counted together."""

    key: str
    """The folded question that names the group."""
    question: str
    """The way it was asked most often (the newest of those on a tie)."""
    count: int
    people: int
    newest: datetime
    reports: int
    """How many of `count` were 'not what I asked' presses."""
    wrong_fact_ids: tuple[int, ...]
    """The facts users said were not what they asked."""
    refs: tuple[str, ...]
    """The rows behind the entry (`q12`, `f3`), oldest first."""


def group_reports(reports: list[Asked]) -> list[Entry]:
    """Group open reports into entries, most asked first (then newest, then alphabetically)."""
    by_key: dict[str, list[Asked]] = {}
    for report in reports:
        key = compact(report.question)
        if key:
            by_key.setdefault(key, []).append(report)
    clusters: dict[str, list[Asked]] = {}
    homes: list[str] = []  # the first MAX_FUZZY_ENTRIES entries long enough to compare
    keys = sorted(by_key, key=lambda k: (-len(by_key[k]), k))
    rest: list[str] = []
    for key in keys:
        if len(key) < _MIN_FUZZY_CHARS:
            clusters.setdefault(key, []).extend(by_key[key])
        elif len(homes) < MAX_FUZZY_ENTRIES:
            found = process.extractOne(key, homes, scorer=fuzz.ratio, score_cutoff=SAME_QUESTION)
            if found is None:
                homes.append(key)
            clusters.setdefault(found[0] if found else key, []).extend(by_key[key])
        else:
            rest.append(key)
    if rest:  # every other spelling against the homes at once, in rapidfuzz's C++
        scores = process.cdist(rest, homes, scorer=fuzz.ratio, score_cutoff=SAME_QUESTION)
        best = scores.argmax(axis=1)
        for row, key in enumerate(rest):
            home = homes[best[row]] if scores[row, best[row]] > 0 else key
            clusters.setdefault(home, []).extend(by_key[key])
    entries = [_entry(key, members) for key, members in clusters.items()]
    return sorted(entries, key=lambda e: (-e.count, -e.newest.timestamp(), e.key))


def _entry(key: str, members: list[Asked]) -> Entry:
    members = sorted(members, key=lambda a: (a.at, int(a.ref[1:]), a.ref))
    texts = [" ".join(member.question.split()) for member in members]
    spellings = Counter(texts)
    newest_of = {text: i for i, text in enumerate(texts)}
    question = max(spellings, key=lambda text: (spellings[text], newest_of[text]))
    wrong = sorted({m.wrong_fact_id for m in members if m.wrong_fact_id is not None})
    return Entry(
        key=key,
        question=question,
        count=len(members),
        people=len({m.user for m in members if m.user}) or 1,
        newest=members[-1].at,
        reports=sum(1 for m in members if m.ref.startswith("f")),
        wrong_fact_ids=tuple(wrong),
        refs=tuple(m.ref for m in members),
    )


def open_entries(store: FactStore) -> list[Entry]:
    """Every open entry, most asked first (grouped again only after the reports changed)."""
    cached = _cache.get(store)
    if cached is None or cached[0] != store.reports_version:
        cached = (store.reports_version, group_reports(store.open_reports()))
        _cache[store] = cached
    return cached[1]


_cache: WeakKeyDictionary[FactStore, tuple[int, list[Entry]]] = WeakKeyDictionary()


def find_entry(entries: list[Entry], ref: str) -> Entry | None:
    """The entry holding the report `ref`, if it is still open."""
    return next((entry for entry in entries if ref in entry.refs), None)


def closest_facts(entry: Entry, matcher: Matcher, limit: int = CLOSEST) -> list[Fact]:
    """The facts the matcher ranks closest to the entry's question, except those users said were wrong."""
    lang = detect_lang(entry.question)
    result = matcher.match(entry.question, limit=limit + len(entry.wrong_fact_ids))
    facts: list[Fact] = []
    for match in result.ranked:
        fact = matcher.in_language(match.fact, lang)  # the version in the question's language
        if fact.id not in entry.wrong_fact_ids and match.fact.id not in entry.wrong_fact_ids and fact not in facts:
            facts.append(fact)
    return facts[:limit]


def as_alias(question: str) -> str:
    """The question as an alias can hold it: one line, no list separator, at most 300 characters."""
    return " ".join(question.replace("|", " ").split())[:300]


def already_asks(fact: Fact, question: str) -> bool:
    """True when the fact's question or an alias already is this question (folded)."""
    folded = compact(question)
    return any(compact(text) == folded for text in fact.texts())


def add_as_alias(store: FactStore, fact_id: int, question: str, actor: str) -> tuple[Fact, bool]:
    """Make `question` another way to ask fact `fact_id` (audited, undoable); False if it already was.

    :raises FactNotFound: if the fact is gone.
    :raises pydantic.ValidationError: if the fact cannot take another alias.
    """
    fact = store.get(fact_id)
    if already_asks(fact, question):
        return fact, False
    _, after = store.update(fact_id, {"aliases": [*fact.aliases, as_alias(question)]}, actor)
    return after, True


# -- the buttons under an entry ------------------------------------------------------------------

PREFIX = "un:"
_REF = r"[qf][1-9]\d{0,11}"
_ACTION = re.compile(
    rf"^un:(?:p:(?P<page>[1-9]\d{{0,5}})|a:(?P<add_ref>{_REF}):(?P<fact>[1-9]\d{{0,11}})"
    rf"|n:(?P<new_ref>{_REF})|d:(?P<dismiss_ref>{_REF}))$"
)


@dataclass(frozen=True)
class Action:
    """A pressed /unanswered button: turn to a page, add to a fact, start a new fact, or dismiss."""

    kind: Literal["page", "add", "new", "dismiss"]
    ref: str = ""
    fact_id: int = 0
    page: int = 0

    def data(self) -> str:
        """The button's callback data (at most 64 bytes, as Telegram requires)."""
        if self.kind == "page":
            return f"{PREFIX}p:{self.page}"
        if self.kind == "add":
            return f"{PREFIX}a:{self.ref}:{self.fact_id}"
        return f"{PREFIX}{self.kind[0]}:{self.ref}"


def parse_action(data: str | None) -> Action | None:
    """The action a button's callback data stands for; None for anything malformed."""
    found = _ACTION.match(data or "")
    if found is None:
        return None
    if found["page"]:
        return Action("page", page=int(found["page"]))
    if found["add_ref"]:
        return Action("add", ref=found["add_ref"], fact_id=int(found["fact"]))
    if found["new_ref"]:
        return Action("new", ref=found["new_ref"])
    return Action("dismiss", ref=found["dismiss_ref"])
