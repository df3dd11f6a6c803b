"""Find the fact a question asks for, or honestly none.

Every phrasing of every fact (its question and each alias) is indexed by its
tokens. A question first shortlists phrasings that share a token with it
(rare tokens count more), then each candidate gets a score from 0 to 100 that
mixes weighted token overlap with rapidfuzz's character similarity. The
matcher abstains when the best score is too low or too close to a different
fact's score.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz

from facts.model import Fact
from facts.normalize import compact, tokens

INTENT_WEIGHT = 2.5
"""An intent token (?count, ?why) weighs like a fairly rare word: asking 'why' is not asking 'how many'."""


@dataclass(frozen=True)
class Match:
    """A fact and how well the question matched it (0-100)."""

    fact: Fact
    score: float


@dataclass(frozen=True)
class MatchResult:
    """The answer to one question: the best match, if confident, and the runners-up."""

    best: Match | None
    ranked: list[Match] = field(default_factory=list)
    """Distinct facts, best first, whether or not `best` was confident."""
    also: list[Match] = field(default_factory=list)
    """Other sources giving a different figure for the same question, newest first."""


@dataclass
class _Phrasing:
    fact_id: int
    tokens: Counter[str]
    compact: str


@dataclass
class MatcherSettings:
    """The thresholds; the defaults are the tuned ones (see bench/quality.py)."""

    min_score: float = 55.0
    """Below this the matcher says it does not know."""
    min_margin: float = 4.0
    """A best match this close to a different fact's score, below `sure_score`, is too ambiguous."""
    sure_score: float = 80.0
    also_margin: float = 15.0
    """Facts this close to the best that share a tag and give another figure are 'also reported'."""
    shortlist: int = 50


class Matcher:
    """An in-memory index over the live facts, kept current by `apply` as facts change."""

    def __init__(self, facts: Iterable[Fact] = (), settings: MatcherSettings | None = None) -> None:
        self.settings = settings or MatcherSettings()
        self._facts: dict[int, Fact] = {}
        self._phrasings: dict[int, list[_Phrasing]] = {}
        self._postings: dict[str, set[tuple[int, int]]] = defaultdict(set)
        self._doc_freq: Counter[str] = Counter()
        self._phrasing_count = 0
        self._by_key: dict[str, set[int]] = defaultdict(set)
        for fact in facts:
            self.add(fact)

    # -- keeping the index current ------------------------------------------------

    def add(self, fact: Fact) -> None:
        """Index a fact (replacing an older version with the same id)."""
        assert fact.id is not None, "only stored facts can be matched"
        self.remove(fact.id)
        self._facts[fact.id] = fact
        phrasings = [_Phrasing(fact.id, Counter(tokens(text)), compact(text)) for text in fact.texts()]
        self._phrasings[fact.id] = phrasings
        if fact.key:
            self._by_key[fact.key].add(fact.id)
        for index, phrasing in enumerate(phrasings):
            for token in phrasing.tokens:
                self._postings[token].add((fact.id, index))
                self._doc_freq[token] += 1
        self._phrasing_count += len(phrasings)

    def remove(self, fact_id: int) -> None:
        """Forget a fact; unknown ids are ignored."""
        phrasings = self._phrasings.pop(fact_id, None)
        fact = self._facts.pop(fact_id, None)
        if phrasings is None or fact is None:
            return
        if fact.key:
            self._by_key[fact.key].discard(fact_id)
            if not self._by_key[fact.key]:
                del self._by_key[fact.key]
        for index, phrasing in enumerate(phrasings):
            for token in phrasing.tokens:
                self._postings[token].discard((fact_id, index))
                self._doc_freq[token] -= 1
                if not self._doc_freq[token]:
                    del self._doc_freq[token]
                    del self._postings[token]
        self._phrasing_count -= len(phrasings)

    def apply(self, before: Fact | None, after: Fact | None) -> None:
        """A store listener: reindex one changed fact."""
        if before is not None and before.id is not None:
            self.remove(before.id)
        if after is not None:
            self.add(after)

    def facts(self) -> list[Fact]:
        """The facts the matcher knows, by id."""
        return [self._facts[fact_id] for fact_id in sorted(self._facts)]

    def fact(self, fact_id: int) -> Fact | None:
        return self._facts.get(fact_id)

    def in_language(self, fact: Fact, lang: str) -> Fact:
        """The version of `fact` written in `lang` if there is one, else `fact` itself."""
        if fact.lang == lang or not fact.key:
            return fact
        versions = (self._facts[fact_id] for fact_id in sorted(self._by_key.get(fact.key, ())))
        return next((version for version in versions if version.lang == lang), fact)

    # -- matching -------------------------------------------------------------------

    def match(self, question: str, limit: int = 3) -> MatchResult:
        """The fact `question` asks for (or None), and up to `limit` closest facts."""
        query = Counter(tokens(question))
        if not query or not self._facts:
            return MatchResult(best=None, ranked=[])
        query_compact = compact(question)
        per_fact: dict[int, float] = {}
        for fact_id, index in self._shortlist(query):
            phrasing = self._phrasings[fact_id][index]
            score = self._score(query, query_compact, phrasing)
            if score > per_fact.get(fact_id, -1.0):
                per_fact[fact_id] = score
        ranked = sorted(per_fact.items(), key=lambda item: (-item[1], item[0]))
        matches = _distinct([Match(self._facts[fact_id], round(score, 1)) for fact_id, score in ranked])
        best, also = self._confident(matches)
        return MatchResult(best=best, ranked=matches[:limit], also=also)

    def _confident(self, matches: list[Match]) -> tuple[Match | None, list[Match]]:
        """The best match unless it is too weak or too close to a different fact.

        Facts that report a different figure for the same thing (they share a
        tag and both have a number) are not rivals but other sources: the
        answer is the newest of them, and the rest are 'also reported'.
        """
        if not matches or matches[0].score < self.settings.min_score:
            return None, []
        best = matches[0]
        nearby = [
            m
            for m in matches[1:]
            if best.score - m.score < self.settings.also_margin and m.score >= self.settings.min_score
        ]
        reports = [m for m in nearby if _other_report(best.fact, m.fact)]
        rival = next((m for m in matches[1:] if m not in reports), None)
        if (
            rival is not None
            and best.score < self.settings.sure_score
            and best.score - rival.score < self.settings.min_margin
        ):
            return None, []
        if not reports:
            return best, []
        tied = [best] + [m for m in reports if best.score - m.score < self.settings.min_margin]
        newest_tied = max(tied, key=_recency)
        group = sorted([best, *reports], key=_recency, reverse=True)
        return newest_tied, [m for m in group if m is not newest_tied]

    def _weight(self, token: str) -> float:
        if token.startswith("?"):
            return INTENT_WEIGHT
        df = self._doc_freq.get(token, 0)
        return math.log(1 + (self._phrasing_count + 1) / (df + 0.5))

    def _shortlist(self, query: Counter[str]) -> list[tuple[int, int]]:
        """Phrasings sharing the most weight with the query, rare tokens first."""
        gathered: dict[tuple[int, int], float] = defaultdict(float)
        for token in query:
            if token.startswith("?") or token not in self._postings:
                continue
            weight = self._weight(token)
            for posting in self._postings[token]:
                gathered[posting] += weight
        best = sorted(gathered.items(), key=lambda item: -item[1])[: self.settings.shortlist]
        return [posting for posting, _ in best]

    def _score(self, query: Counter[str], query_compact: str, phrasing: _Phrasing) -> float:
        """0-100: how much of the question the phrasing covers, and vice versa, plus spelling."""
        shared = sum(self._weight(t) for t in query.keys() & phrasing.tokens.keys())
        query_total = sum(self._weight(t) for t in query) or 1.0
        phrasing_total = sum(self._weight(t) for t in phrasing.tokens) or 1.0
        overlap = 0.65 * shared / query_total + 0.35 * shared / phrasing_total
        spelling = fuzz.ratio(query_compact, phrasing.compact) / 100.0
        return 100.0 * (0.8 * overlap + 0.2 * spelling)


def _distinct(matches: list[Match]) -> list[Match]:
    """One match per fact: a fact's other-language version is the same fact."""
    kept: list[Match] = []
    for match in matches:
        if not any(_same_fact(match.fact, other.fact) for other in kept):
            kept.append(match)
    return kept


def _other_report(a: Fact, b: Fact) -> bool:
    """Another source's figure for the same thing: a shared tag, both figures numeric, different."""
    return (
        bool(set(a.tags) & set(b.tags))
        and _has_number(a.figure)
        and _has_number(b.figure)
        and a.figure != b.figure
    )


def _has_number(figure: str | None) -> bool:
    return figure is not None and any(ch.isdigit() for ch in figure)


def _recency(match: Match) -> tuple[date, float]:
    return (match.fact.published or date.min, match.score)


def _same_fact(a: Fact, b: Fact) -> bool:
    """Two language versions of one fact are not rivals."""
    return a.id == b.id or (a.key is not None and a.key == b.key)
