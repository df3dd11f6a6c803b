"""Find the fact a question asks for, or honestly none.

A fact and its other-language versions (same `key`) form one *group*. Each
group is indexed by its tokens: strongly by its questions and aliases (how
people ask), weakly by its answers, figures and tags (what it is about). A
question shortlists the groups sharing its rarer tokens, then each candidate
gets a score from 0 to 100:

- coverage: how much of the question's content (weighted by rarity, so
  "Kursk" counts more than "North Korea") the group knows about. A word no
  fact knows at all ("population", "Syria") weighs the most: it is the best
  sign that the question is about something else;
- intent: asking "why" is not asking "how many";
- specificity: how much of the closest phrasing the question covers;
- spelling: rapidfuzz's character similarity to the closest phrasing.

The matcher abstains when the best score is too low or too close to a
different fact's score. English words no fact uses are first respelled to the
closest known word ("nroth" → "north"), so typos do not look like new topics.
"""

from __future__ import annotations

import gc
from functools import lru_cache
import heapq
import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from facts import groups as _groups_module
from facts.groups import INTENT_TRUE, Group, build_group, build_groups, has_number
from facts.model import Fact
from facts.normalize import (
    compact,
    entities,
    grammar_words,
    is_grammar,
    lexicon_words,
    related,
    respell,
    stem,
    tokens,
    use_synonyms,
)


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
class MatcherSettings:
    """The weights and thresholds; the defaults are the tuned ones (see bench/quality.py)."""

    min_score: float = 55.0
    """Below this the matcher says it does not know."""
    min_margin: float = 4.0
    """A best match this close to a different fact's score, below `sure_score`, is too ambiguous."""
    sure_score: float = 80.0
    core_miss: float = 0.05
    """Score lost when a question leaves out every word its fact's phrasings all share."""
    also_margin: float = 15.0
    """Facts this close to the best that share a tag and give another figure are 'also reported'."""
    report_tie: float = 4.0
    """Other sources this close to the best are equally good answers: the newest of them is shown first."""
    weak_match: float = 0.7
    """How much a question word found only in an answer counts, next to one found in a question or alias."""
    related_match: float = 0.8
    """How much a question token counts when the fact is asked with a related one (#dead ~ #casualty)."""
    entity_miss: float = 2.0
    """A country or person the question names but the fact's phrasings do not counts this many times."""
    other_owner: float = 0.5
    """Coverage kept when the question is about someone else's soldiers or casualties."""
    grammar_weight: float = 0.1
    single_kanji_weight: float = 0.5
    """A lone kanji between kana is mostly a verb or adjective stem (言って, 多い): it counts for less."""
    """Hiragana-only tokens are mostly grammar (によると, ている); they count for little."""
    intent_unknown: float = 0.7
    """Score kept when the question asks e.g. 'how many' and the fact is not asked that way nor has a number."""
    intent_conflict: float = 0.7
    """Score kept when the question asks 'why' and the fact answers only 'how many'."""
    coverage_weight: float = 0.8
    specificity_weight: float = 0.1
    spelling_weight: float = 0.1
    shortlist: int = 40
    max_candidates: int = 3000
    """Once this many candidates are found, further tokens only re-weigh them."""
    common_share: float = 0.05
    """A token in more than this share of groups only adds weight to candidates rarer tokens found."""


class Matcher:
    """An in-memory index over the live facts, kept current by `apply` as facts change."""

    def __init__(
        self,
        facts: Iterable[Fact] = (),
        settings: MatcherSettings | None = None,
        synonyms: Iterable[Sequence[str]] = (),
    ) -> None:
        """:param synonyms: groups of terms that mean the same (the fact table's synonyms)."""
        self.settings = settings or MatcherSettings()
        self.lock = threading.RLock()
        """Held while the index changes (`apply`); hold it to read a consistent index from another thread."""
        self._facts: dict[int, Fact] = {}
        self._synonyms = _synonym_tuples(synonyms)
        self.version = 0
        """Changes whenever the facts do, so callers can cache what they derive from them."""
        self._phrasing_weights: dict[str, float] = {}
        """Token weights for scoring phrasings; valid until the index changes."""
        self._clear_index()
        self._add_all(facts)

    def _clear_index(self) -> None:
        self._groups: dict[str, Group] = {}
        self._postings: dict[str, set[str]] = defaultdict(set)
        """The groups each content token is in; grammar tokens are only counted, in `_grammar_counts`."""
        self._grammar_counts: Counter[str] = Counter()
        self._words_by_initial: dict[str, set[str]] = defaultdict(set)
        """English words facts and the lexicon use, by first letter: what typos are respelled to."""
        self._use_my_synonyms()
        for word in lexicon_words():
            self._words_by_initial[word[0]].add(word)

    # -- synonyms --------------------------------------------------------------------

    def set_synonyms(self, groups: Iterable[Sequence[str]]) -> None:
        """Make each group's terms (any language, words or phrases) match as one word; reindexes every fact."""
        synonyms = _synonym_tuples(groups)
        if synonyms == self._synonyms:
            return
        self._synonyms = synonyms
        facts = list(self._facts.values())
        self._facts = {}
        self._clear_index()
        self._add_all(facts)

    def _use_my_synonyms(self) -> None:
        """Today's normaliser is module-wide: make this matcher's synonyms the ones it applies."""
        if use_synonyms(self._synonyms):
            _groups_module._source_tokens.cache_clear()

    # -- keeping the index current ------------------------------------------------

    def add(self, fact: Fact) -> None:
        """Index a fact (replacing an older version with the same id)."""
        assert fact.id is not None, "only stored facts can be matched"
        self.remove(fact.id)
        self._facts[fact.id] = fact
        group_id = _group_id(fact)
        old = self._groups.get(group_id)
        self._reindex_group(group_id, sorted([*(old.members if old else ()), fact], key=_by_id))

    def _add_all(self, facts: Iterable[Fact]) -> None:
        """Index many facts at once: `add` for each, without its per-fact bookkeeping (startup at 100,000 facts).

        The cyclic garbage collector is paused meanwhile: the index makes no
        cycles, and at 100,000 facts its repeated full passes over the growing
        heap cost about a quarter of the build.
        """
        self._use_my_synonyms()
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._add_all_now(facts)
        finally:
            if collecting:
                gc.enable()

    def _add_all_now(self, facts: Iterable[Fact]) -> None:
        assert not self._groups, "only an empty index is built in bulk"
        for fact in facts:
            assert fact.id is not None, "only stored facts can be matched"
            self._facts[fact.id] = fact  # a repeated id: the later version wins, as with `add`
        members_by_group: dict[str, list[Fact]] = defaultdict(list)
        for fact in self._facts.values():
            members_by_group[_group_id(fact)].append(fact)
        pending = [
            (group_id, members if len(members) == 1 else sorted(members, key=_by_id))
            for group_id, members in members_by_group.items()
        ]
        postings = self._postings
        for built, added, grammar in build_groups(pending):
            self._groups.update(built)
            for token, group_ids in added.items():
                postings[token].update(group_ids)
            self._grammar_counts.update(grammar)
        for word in _ENGLISH_WORD_LINE.findall("\n".join(postings)):  # one C-level scan, not 300,000 checks
            self._words_by_initial[word[0]].add(word)
        self._phrasing_weights.clear()
        self.version += 1

    def remove(self, fact_id: int) -> None:
        """Forget a fact; unknown ids are ignored."""
        fact = self._facts.pop(fact_id, None)
        if fact is None:
            return
        group_id = _group_id(fact)
        old = self._groups.get(group_id)
        self._reindex_group(group_id, [member for member in (old.members if old else ()) if member.id != fact_id])

    def apply(self, before: Fact | None, after: Fact | None) -> None:
        """A store listener: reindex one changed fact (the store may call it from its own thread)."""
        with self.lock:
            if before is not None and before.id is not None:
                self.remove(before.id)
            if after is not None:
                self.add(after)

    def apply_all(self, changes: Sequence[tuple[Fact | None, Fact | None]]) -> None:
        """A store listener for many changes at once (an import, maybe by another process).

        Past a few thousand changes, building the index anew in bulk is faster than
        reindexing fact by fact (about 2.5 s against 10 s for 50,000 facts).
        """
        with self.lock:
            if len(changes) < _REBUILD_FROM:
                for before, after in changes:
                    self.apply(before, after)
                return
            facts = dict(self._facts)
            for before, after in changes:
                if before is not None and before.id is not None:
                    facts.pop(before.id, None)
                if after is not None and after.id is not None:
                    facts[after.id] = after
            self._facts = {}
            self._clear_index()
            self._add_all(facts.values())

    def facts(self) -> list[Fact]:
        """The facts the matcher knows, by id."""
        return [self._facts[fact_id] for fact_id in sorted(self._facts)]

    def fact(self, fact_id: int) -> Fact | None:
        return self._facts.get(fact_id)

    def in_language(self, fact: Fact, lang: str) -> Fact:
        """The version of `fact` written in `lang` if there is one, else `fact` itself."""
        group = self._groups.get(_group_id(fact))
        if fact.lang == lang or group is None:
            return fact
        return next((member for member in group.members if member.lang == lang), fact)

    def _reindex_group(self, group_id: str, members: list[Fact]) -> None:
        """Rebuild one group's entry and postings from its members (none: forget the group)."""
        self._use_my_synonyms()
        self._phrasing_weights.clear()
        self.version += 1
        old = self._groups.pop(group_id, None)
        if old is not None:
            old.ready()
            for token in (*old.strong, *old.weak):
                if is_grammar(token):
                    self._grammar_counts[token] -= 1
                    continue
                self._postings[token].discard(group_id)
                if not self._postings[token]:
                    del self._postings[token]
                    if token.isalpha() and token.isascii() and token not in lexicon_words():
                        self._words_by_initial[token[0]].discard(token)
        if not members:
            return
        group = build_group(members)
        self._groups[group_id] = group
        for token in (*group.strong, *group.weak):
            if is_grammar(token):
                self._grammar_counts[token] += 1
                continue
            postings = self._postings[token]
            if not postings and token.isalpha() and token.isascii():
                self._words_by_initial[token[0]].add(token)
            postings.add(group_id)

    # -- matching -------------------------------------------------------------------

    def match(self, question: str, limit: int = 3) -> MatchResult:
        """The fact `question` asks for (or None), and up to `limit` closest facts."""
        self._use_my_synonyms()
        question = respell(question, self._respelling)
        query = tokens(question)
        content = Counter(t for t in query if t[0] not in "?@")
        owners = frozenset(t for t in query if t.startswith("@"))
        intents = frozenset(t for t in query if t.startswith("?")) - {INTENT_TRUE}
        if not content or not self._groups:
            return MatchResult(best=None, ranked=[])
        weights = {token: self._weight(token) for token in content}
        if not any(weights.values()):
            return MatchResult(best=None, ranked=[])
        query_compact = compact(question)
        matches = self._rank(weights, intents, owners, query_compact, self._shortlist(weights), limit)
        best, also = self._confident(matches)
        return MatchResult(best=best, ranked=matches[:limit], also=also)

    def _respelling(self, word: str) -> str | None:
        """The known word closest to an unknown one, if close enough to be a typo."""
        if len(word) < 4 or word in lexicon_words() or stem(word) in self._postings:
            return None
        # A question word mistyped ("how mnay") first: one slip (a letter wrong, missing,
        # extra, or two swapped) in a short word, two in a long one; the same length wins a
        # tie ("many", not "may"). Only the language's own words: "tanks" is no typo of "talks".
        slips = 1 if len(word) <= 6 else 2
        near = [
            (OSA.distance(word, known, score_cutoff=slips), abs(len(known) - len(word)), known)
            for known in _by_initial(grammar_words()).get(word[0], ())
        ]
        near = [candidate for candidate in near if candidate[0] <= slips]
        if near:
            return min(near)[2]
        found = process.extractOne(
            word, sorted(self._words_by_initial.get(word[0], ())), scorer=fuzz.ratio, score_cutoff=80
        )
        return found[0] if found else None

    def _weight(self, token: str) -> float:
        """Rarer tokens weigh more; a token no fact knows weighs the most, unless it is hiragana glue."""
        grammar = is_grammar(token)
        df = self._grammar_counts[token] if grammar else len(self._postings.get(token, ()))
        weight = math.log(1 + (len(self._groups) + 1) / (df + 0.5))
        if grammar:
            return 0.0 if df <= 0 else weight * self.settings.grammar_weight  # って, てる, によると: grammar
        if len(token) == 1 and not token.isascii():
            return weight * self.settings.single_kanji_weight  # 言って, 入って: a verb's stem says little
        return weight

    def _cached_weight(self, token: str, weights: dict[str, float]) -> float:
        """The weight of a phrasing token, remembered in `weights` for the rest of this question."""
        weight = weights.get(token)
        if weight is None:
            weight = self._phrasing_weights.get(token)
            if weight is None:
                weight = self._phrasing_weights[token] = self._weight(token)
        return weight

    def _shortlist(self, weights: dict[str, float]) -> list[str]:
        """Groups sharing the most weight with the question, found from its rarest tokens.

        Rare tokens bring candidates in; once there are plenty, or for a token
        most facts share, a token only adds weight to candidates already found,
        so a question costs about the same at 1,000 facts as at 100,000.
        """
        gathered: dict[str, float] = defaultdict(float)
        common = max(self.settings.shortlist, int(len(self._groups) * self.settings.common_share))
        for token in sorted(weights, key=weights.__getitem__, reverse=True):
            postings = self._postings.get(token)
            if not postings or is_grammar(token):
                continue  # hiragana is mostly grammar: it may raise a score, never pull a candidate in
            weight = weights[token]
            if gathered and (len(postings) > common or len(gathered) >= self.settings.max_candidates):
                if len(gathered) < len(postings):
                    for group_id in gathered:
                        if group_id in postings:
                            gathered[group_id] += weight
                else:
                    for group_id in postings:
                        if group_id in gathered:
                            gathered[group_id] += weight
                continue
            for group_id in postings:
                gathered[group_id] += weight
        return heapq.nsmallest(self.settings.shortlist, gathered, key=lambda group_id: (-gathered[group_id], group_id))

    def _rank(
        self,
        weights: dict[str, float],
        intents: frozenset[str],
        owners: frozenset[str],
        query_compact: str,
        shortlist: list[str],
        limit: int,
    ) -> list[Match]:
        """Score the shortlist, best first; the costly spelling part only for those that can still matter."""
        settings = self.settings
        lookups = frozenset(weights).union(*(related().get(token, ()) for token in weights))
        rough = []
        for group_id in shortlist:
            group = self._groups[group_id].ready()
            base = self._coverage_score(weights, lookups, intents, owners, group)
            ceiling = base + 100.0 * self._intent(intents, group) * (settings.specificity_weight + settings.spelling_weight)
            rough.append((ceiling, base, group_id))
        rough.sort(key=lambda item: (-item[0], item[2]))
        scored: list[tuple[float, str, Fact]] = []
        best = 0.0
        for ceiling, base, group_id in rough:
            if len(scored) > limit and ceiling < best - settings.also_margin:
                scored.append((base, group_id, self._groups[group_id].members[0]))  # cannot matter: its floor will do
                continue
            score, fact = self._full_score(weights, intents, query_compact, self._groups[group_id], base)
            best = max(best, score)
            scored.append((score, group_id, fact))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [Match(fact, round(score, 1)) for score, _, fact in scored]

    def _intent(self, intents: frozenset[str], group: Group) -> float:
        if not intents or intents & group.intents:
            return 1.0
        if not group.intents:
            return self.settings.intent_unknown
        return self.settings.intent_conflict

    def _coverage_score(
        self,
        weights: dict[str, float],
        lookups: frozenset[str],
        intents: frozenset[str],
        owners: frozenset[str],
        group: Group,
    ) -> float:
        """The part of the score from which question words the fact knows (0-100 × coverage weight)."""
        settings = self.settings
        strong = {token for token in group.strong if token in lookups}
        weak = {token for token in group.weak if token in weights}
        total = known = 0.0
        for token, weight in weights.items():
            if token in strong:
                known += weight
            elif related().get(token, frozenset()) & strong:
                known += weight * settings.related_match
            elif token in entities():
                # Who a question is about must be in how the fact is asked, not just in its answer.
                weight *= settings.entity_miss
            elif token in weak:
                known += weight * settings.weak_match
            elif is_grammar(token):
                continue  # unmatched hiragana is grammar (はこんなに, てるの): no penalty
            total += weight
        coverage = known / (total or 1.0)
        if owners - group.owners and {o.split(":")[1] for o in owners - group.owners} & group.owned:
            coverage *= settings.other_owner  # asks about Ukrainian soldiers; the fact is about North Korean ones
        return 100.0 * self._intent(intents, group) * settings.coverage_weight * coverage

    def _full_score(
        self, weights: dict[str, float], intents: frozenset[str], query_compact: str, group: Group, base: float
    ) -> tuple[float, Fact]:
        """`base` plus how closely the question resembles the nearest phrasing, in words and in spelling."""
        settings = self.settings
        if group.compacts is None:
            texts = [text for member in group.members for text in member.texts()]
            group.compacts = [compact(text) for text in texts]  # only facts that get scored need it
        totals = group.totals
        if totals is None or group.totals_version != self.version:
            totals = group.totals = [sum(self._cached_weight(t, {}) for t in tokens_) or 1.0 for tokens_ in group.phrasings]
            group.totals_version = self.version
        specificity = spelling = 0.0
        for phrasing_tokens, phrasing_total, phrasing_compact in zip(group.phrasings, totals, group.compacts):
            shared = sum(weights[t] for t in phrasing_tokens if t in weights)
            specificity = max(specificity, shared / phrasing_total)
            spelling = max(spelling, fuzz.ratio(query_compact, phrasing_compact) / 100.0)
        extra = 100.0 * self._intent(intents, group) * (
            settings.specificity_weight * specificity + settings.spelling_weight * spelling
        )
        return (base + extra) * self._core_kept(weights, group), group.members[0]

    def _core_kept(self, weights: dict[str, float], group: Group) -> float:
        """Less when the question leaves out what every phrasing of the fact mentions.

        A word in all of a fact's phrasings is what the fact is about ("losses" in every way of
        asking for the casualties): "how many soldiers?" without it fits the casualty figure
        less well than the troops sent, though both cover the question's words.
        """
        core = group.core
        if core is None:
            phrasings = [set(tokens_) for tokens_ in group.phrasings if tokens_]
            core = group.core = frozenset(set.intersection(*phrasings)) if phrasings else frozenset()
        if not core or core.issubset(weights):
            return 1.0
        missing = sum(self._cached_weight(t, {}) for t in core if t not in weights and not self._related_in(t, weights))
        total = sum(self._cached_weight(t, {}) for t in core) or 1.0
        return 1.0 - self.settings.core_miss * missing / total

    def _related_in(self, token: str, weights: dict[str, float]) -> bool:
        return any(other in weights for other in related().get(token, ()))

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
        tied = [best] + [m for m in reports if best.score - m.score < self.settings.report_tie]
        newest_tied = max(tied, key=_recency)
        group = sorted([best, *reports], key=_recency, reverse=True)
        return newest_tied, [m for m in group if m is not newest_tied]


_ENGLISH_WORD_LINE = re.compile(r"^[a-z]+$", re.MULTILINE)
"""A token that is an English word (what `isalpha() and isascii()` says of folded tokens)."""


_REBUILD_FROM = 2000
"""Changes in one batch from which `apply_all` rebuilds the index instead of reindexing each fact."""


@lru_cache(maxsize=1)
def _by_initial(words: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """English words (no CJK) grouped by their first letter, sorted so that a tie always goes the same way."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for word in sorted(words):
        if word.isascii() and word.isalpha():
            grouped[word[0]].append(word)
    return {initial: tuple(group) for initial, group in grouped.items()}


def _synonym_tuples(groups: Iterable[Sequence[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(group) for group in groups)


def _by_id(fact: Fact) -> int:
    return fact.id or 0


def _group_id(fact: Fact) -> str:
    return f"key:{fact.key}" if fact.key else f"#{fact.id}"


def _other_report(a: Fact, b: Fact) -> bool:
    """Another source's figure for the same thing: a shared tag, both figures numeric, different."""
    return (
        bool(set(a.tags) & set(b.tags))
        and has_number(a.figure)
        and has_number(b.figure)
        and a.figure != b.figure
    )


def _recency(match: Match) -> tuple[date, float]:
    return (match.fact.published or date.min, match.score)
