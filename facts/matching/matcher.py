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

import logging
import math
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from facts.lang import is_japanese
from facts.matching import groups as _groups_module
from facts.matching.bilingual import is_english_word
from facts.matching.bilingual import preload as preload_words
from facts.matching.bilingual import units as translated_units
from facts.matching.entries import ONLY_IN, TOKENISER_VERSION, StoredGroup, group_name
from facts.matching.gid_arrays import distinct_sorted
from facts.matching.groups import INTENT_TRUE, has_number
from facts.matching.japanese import content_words
from facts.matching.japanese import preload as preload_japanese
from facts.model import Fact
from facts.matching.normalizer import (
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

if TYPE_CHECKING:
    from facts.store import FactStore

log = logging.getLogger(__name__)


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

    min_score: float = 54.0
    """Below this the matcher says it does not know."""
    min_margin: float = 6.0
    """A best match this close to a different fact's score, below `sure_score`, is too ambiguous."""
    sure_score: float = 80.0
    core_miss: float = 0.05
    """Score lost when a question leaves out every word its fact's phrasings all share."""
    also_margin: float = 15.0
    """Facts this close to the best that share a tag and give another figure are 'also reported'."""
    max_also: int = 5
    """At most this many other sources are 'also reported' (the newest): an answer stays readable."""
    report_tie: float = 4.0
    """Other sources this close to the best are equally good answers: the newest of them is shown first."""
    weak_match: float = 0.7
    """How much a question word found only in an answer counts, next to one found in a question or alias."""
    related_match: float = 0.8
    """How much a question token counts when the fact is asked with a related one (a synonym group's `~` mark)."""
    entity_miss: float = 2.0
    """A name the question says (a synonym group headed by a capital) but the fact's phrasings do not counts this many times."""
    other_owner: float = 0.5
    """Coverage kept when the question is about someone else's thing (Ukrainian soldiers; the fact: North Korean ones)."""
    grammar_weight: float = 0.1
    """Hiragana-only tokens are mostly grammar (によると, ている); they count for little."""
    single_kanji_weight: float = 0.5
    """A lone kanji between kana is mostly a verb or adjective stem (言って, 多い): it counts for less."""
    intent_unknown: float = 0.7
    """Score kept when the question asks e.g. 'how many' and the fact is not asked that way nor has a number."""
    intent_conflict: float = 0.7
    """Score kept when the question asks 'why' and the fact answers only 'how many'."""
    coverage_weight: float = 0.75
    """Share of the score from how much of the question's weight the fact's phrasings know, all together."""
    specificity_weight: float = 0.15
    """Share from how much of the closest single phrasing the question covers."""
    spelling_weight: float = 0.1
    """Share from the character similarity to the closest phrasing (a paraphrase often shares word stems and order)."""
    rarity_floor: int = 150
    """A word's rarity is counted among the groups that share the question's words (at least this many;
    the whole table when smaller), not among all groups: facts about something else never change an answer."""
    shortlist: int = 40
    max_candidates: int = 3000
    """Once this many candidates are found, further tokens only re-weigh them."""
    common_share: float = 0.05
    """A token in more than this share of groups only adds weight to candidates rarer tokens found."""
    cross_min_score: float = 40.0
    """Across languages (a fact written only in the other language), below this the matcher does not know."""
    cross_min_margin: float = 12.0
    """Across languages, the best must lead every other fact by this much: translations are loose evidence."""
    cross_min_units: int = 2
    """Across languages, a fact must have at least this many of the question's words (or all, if fewer)."""
    cross_unknown: float = 0.5
    """How much a question word the word table cannot translate counts, next to the rarest translated one."""
    cross_fact_share: float = 0.3
    """Across languages, how much of the score is the share of the fact's closest phrasing the translations cover."""
    cross_part: float = 0.5
    """Across languages, credit for a Japanese translation found only as characters, not as a word of the fact."""


class Matcher:
    """Finds facts through the index the store keeps in the database, reading only what a question needs.

    Over a store (`Matcher.over`), nothing is loaded at start: a question reads
    the postings of its own tokens and the few groups it shortlists, caching them
    until anyone changes the database (checked in microseconds with SQLite's
    ``PRAGMA data_version``), so every process answers from the table as it is now.
    Given facts instead (tests, benchmarks), it keeps them in a private in-memory store.
    """

    def __init__(
        self,
        facts: Iterable[Fact] = (),
        settings: MatcherSettings | None = None,
        synonyms: Iterable[Sequence[str]] = (),
        *,
        store: FactStore | None = None,
    ) -> None:
        """:param synonyms: groups of terms that mean the same (the fact table's synonyms); only without `store`."""
        from facts.store import FactStore  # the store needs nothing of the matcher's; this way round only

        self.settings = settings or MatcherSettings()
        self.lock = threading.RLock()
        """Held while a question reads the index; hold it to use the matcher from another thread."""
        self._private = store is None
        if store is None:
            store = FactStore(":memory:")
            listed = list(facts)
            assert all(fact.id is not None for fact in listed), "only stored facts can be matched"
            store.import_facts(listed, actor="matcher", synonyms=[list(group) for group in synonyms] or None)
        self._store = store
        self._reader = store.index_reader()
        self.version = 0
        """Changes whenever the facts do, so callers can cache what they derive from them."""
        self._stamp: tuple[int, int] | None = None
        self._fact_stamp: tuple[int, str | None] | None = None
        self._synonyms: tuple[tuple[str, ...], ...] = ()
        self._index_version: str | None = None
        self._clear_caches()

    @classmethod
    def over(cls, store: FactStore, settings: MatcherSettings | None = None) -> Matcher:
        """A matcher over `store`'s facts and synonyms, seeing every change anyone makes to them."""
        return cls(settings=settings, store=store)

    def _clear_caches(self) -> None:
        self._document_counts: dict[str, int] = {}
        self._posting_cache: dict[str, np.ndarray | None] = {}
        self._bitmaps: dict[str, np.ndarray] = {}
        self._group_rows: dict[int, tuple[str, str]] = {}
        """Groups as stored (strings): kept across questions without adding to the cycle collector's work."""
        self._decoded: dict[int, StoredGroup] = {}
        """The groups decoded for the question being answered (forgotten after it: see `_current`)."""
        self._fact_rows: dict[int, tuple[object, ...]] = {}
        """Facts as stored rows, made into facts when shown: kept facts cost the cycle collector 4 µs each."""
        self._words_by_initial: dict[str, tuple[str, ...]] = {}
        self._phrasing_weights: dict[str, float] = {}
        self._phrasing_totals: dict[int, tuple[float, ...]] = {}
        """Each scored group's phrasing weights (`_full_score`), by group id; both caches are for one `_reference`."""
        self._reference = 0
        """What rarity is counted against for the question being answered (see `_measure_rarity_against`)."""
        self._all_facts: list[Fact] | None = None
        self._summaries: dict[str, tuple[int, list[str], list[str]]] = {}
        self._group_total = 0
        self._max_gid = 0

    def _fresh(self) -> None:
        """Forget what was read if anyone changed the facts since (one PRAGMA when nobody wrote anything).

        Most commits are not about facts (the questions log, the bot's state): they
        leave the cache, and `version`, alone.
        """
        stamp = self._reader.stamp()
        if stamp == self._stamp:
            return
        self._stamp = stamp
        fact_stamp = self._reader.fact_stamp()
        if fact_stamp == self._fact_stamp:
            return
        self._fact_stamp = fact_stamp
        self._clear_caches()
        self.version += 1
        self._group_total = self._reader.group_count()
        self._max_gid = self._reader.max_gid()
        stored = self._reader.version()
        if stored != self._index_version:
            self._index_version = stored
            self._synonyms = self._reader.synonym_terms()
            if stored is not None and not stored.startswith(TOKENISER_VERSION + ":"):
                log.warning("the matching index was made by another factbot version; restart this process to use it fully")
        self._use_my_synonyms()

    @contextmanager
    def _current(self) -> Iterator[None]:
        """The matcher's lock and one consistent read of the table as it is now."""
        with self.lock, self._reader.reading():
            self._fresh()
            try:
                yield
            finally:
                self._decoded.clear()

    def _use_my_synonyms(self) -> None:
        """Today's normaliser is module-wide: make this table's synonyms the ones it applies."""
        if use_synonyms(self._synonyms):
            _groups_module._source_tokens.cache_clear()

    def warm_up(self) -> None:
        """Load now what a first question would otherwise wait for, a quarter of a second in all.

        That is the English word list (typos), and, when some facts are written
        in one language only, the word table and Sudachi's dictionary that
        questions in the other language are translated with. A running bot calls
        this once, in the background, as it starts; a one-off `factbot ask` does not.
        """
        with self._current():
            across = any(self._document_count(ONLY_IN + lang) for lang in ("en", "ja"))
        preload_words(word_table=across)
        if across:
            preload_japanese()

    # -- keeping a private table current ------------------------------------------

    def set_synonyms(self, groups: Iterable[Sequence[str]]) -> None:
        """Make each group's terms match as one word (a private table; a store's matcher follows the store)."""
        if self._private:
            with self.lock:
                self._store.import_facts(None, actor="matcher", replace=True, synonyms=[list(group) for group in groups])

    def apply(self, before: Fact | None, after: Fact | None) -> None:
        """A change to a private table's facts (a store's matcher sees the store's changes by itself)."""
        self.apply_all([(before, after)])

    def apply_all(self, changes: Sequence[tuple[Fact | None, Fact | None]]) -> None:
        """Many changes to a private table's facts at once."""
        if not self._private:
            return
        with self.lock:
            gone = [before for before, after in changes if before is not None and after is None]
            kept = [after for _, after in changes if after is not None]
            for fact in gone:
                if fact.id is not None and self._store.was_stored(fact.id):
                    self._store.delete(fact.id, actor="matcher")
            if kept:
                self._store.import_facts(kept, actor="matcher")

    # -- facts ----------------------------------------------------------------------

    def facts(self) -> list[Fact]:
        """The facts the matcher knows, by id (all of them are read: for overviews, not per question)."""
        with self._current():
            if self._all_facts is None:
                self._all_facts = self._reader.all_facts()
            return list(self._all_facts)

    def summary(self, lang: str) -> tuple[int, list[str], list[str]]:
        """How many distinct facts, their tags, and their sources as a reader of `lang` sees them (cached)."""
        with self._current():
            found = self._summaries.get(lang)
            if found is None:
                found = self._summaries[lang] = self._reader.summary(lang)
            return found

    def scan_facts(self, lang: str, done: Callable[[Fact], bool]) -> None:
        """Show `done` the facts, those in `lang` first, each part by id, until it returns True.

        Reads only as far as needed: picking three examples from a million facts reads a few hundred.
        """
        with self._current():
            for fact in self._reader.facts_in_order(lang):
                if done(fact):
                    return

    def fact(self, fact_id: int) -> Fact | None:
        with self._current():
            return self._facts([fact_id]).get(fact_id)

    def _facts(self, fact_ids: Sequence[int]) -> dict[int, Fact]:
        rows = self._fact_rows
        missing = [fact_id for fact_id in fact_ids if fact_id not in rows]
        if missing:
            if len(rows) > _CACHED_FACTS:
                rows.clear()
            rows.update(self._reader.fact_rows(missing))
        wanted = dict.fromkeys(fact_id for fact_id in fact_ids if fact_id in rows)
        return {fact.id: fact for fact in self._reader.facts_from(rows[fact_id] for fact_id in wanted)}

    def in_language(self, fact: Fact, lang: str) -> Fact:
        """The version of `fact` written in `lang` if there is one, else `fact` itself."""
        if fact.lang == lang or fact.id is None or not fact.key:
            return fact
        with self._current():
            ids = self._reader.group_members(group_name(fact.id, fact.key))
            members = self._facts(ids)
        return next((members[i] for i in ids if i in members and members[i].lang == lang), fact)

    # -- matching -------------------------------------------------------------------

    def match(self, question: str, limit: int = 3) -> MatchResult:
        """The fact `question` asks for (or None), and up to `limit` closest facts."""
        with self._current():
            self._use_my_synonyms()
            return self._match(question, limit)

    def _match(self, asked: str, limit: int) -> MatchResult:
        question = respell(asked, self._respelling)
        query = tokens(question)
        content = Counter(t for t in query if t[0] not in "?@")
        owners = frozenset(t for t in query if t.startswith("@"))
        intents = frozenset(t for t in query if t.startswith("?")) - {INTENT_TRUE}
        if not content or not self._group_total:
            return MatchResult(best=None, ranked=[])
        self._load_postings(list(content))
        self._measure_rarity_against(content)
        weights = {token: self._weight(token) for token in content}
        ranked: list[Match] = []
        if any(weights.values()):
            groups = self._groups(self._shortlist(weights))
            self._load_phrasing_counts(groups)
            scored = self._rank(weights, intents, owners, compact(question), groups, limit)
            ranked, best, also = self._matches(scored, limit)
            if best is not None:
                return MatchResult(best=best, ranked=ranked, also=also)
        self._measure_rarity_against(None)  # translations are loose: their rarity is the whole table's
        across = self._across(asked, intents)  # as typed: respelling knows only this language's words
        if across is None:
            return MatchResult(best=None, ranked=ranked)
        return MatchResult(best=across, ranked=[across, *(m for m in ranked if m.fact.id != across.fact.id)][:limit])

    def _measure_rarity_against(self, content: Iterable[str] | None) -> None:
        """Count rarity among the groups sharing these tokens (at most the whole table), or the whole table (None).

        A word's weight is how rare it is. Against the whole table, every fact added about
        something else makes every word a little rarer and every partial match a little
        better: the same question about the same facts got more answers, and more wrong
        ones, as the table grew (banking77's check split among 20,000 unrelated facts: 22
        wrong answers instead of 16). Counted against the groups that have the question's
        words (the sum of their counts, which unrelated facts leave as it is, and at least
        `rarity_floor`, the size of the tables the thresholds were tuned on), the same facts
        among 20,000 or 50,000 others answer alike (19 wrong there).
        """
        total = self._group_total
        if content is not None and total > self.settings.rarity_floor:
            around = sum(self._document_counts.get(token, 0) for token in content if not is_grammar(token))
            total = min(total, max(self.settings.rarity_floor, around))
        if total != self._reference:
            self._reference = total
            self._phrasing_weights.clear()
            self._phrasing_totals.clear()

    def _across(self, question: str, intents: frozenset[str]) -> Match | None:
        """The fact written only in the other language that the question's translated words confidently find."""
        settings = self.settings
        scored, needed_units = self._across_scored(question, intents)
        if not scored:
            return None
        score, filled, group = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        if score < settings.cross_min_score or filled < needed_units or score - runner_up < settings.cross_min_margin:
            return None
        fact = self._facts([group.fact_ids[0]]).get(group.fact_ids[0])
        return Match(fact, score) if fact is not None else None

    def _across_scored(self, question: str, intents: frozenset[str]) -> tuple[list[tuple[float, int, StoredGroup]], int]:
        """Facts written only in the other language, scored by the question's translated words, best first.

        Each content word of the question is a unit with its translations (from
        the JMdict word table). A fact's score is the share of the question's
        units it has, weighted by rarity, blended with the share of the fact's
        closest phrasing that the translations cover. Also returns how many
        units the best must have.
        """
        settings = self.settings
        units = translated_units(question)
        if not units:
            return [], 0
        other = "en" if is_japanese(question) else "ja"
        only_other = self._postings_of(ONLY_IN + other)
        if only_other is None or not only_other.size:
            return [], 0  # every group has a version in the question's language: nothing to translate for
        needed = {token for unit in units for alternative in unit.alternatives for token in alternative}
        self._load_postings(sorted(needed))
        unknown = math.log(1 + (self._reference + 1) / 0.5)
        unit_weights = []
        for unit in units:
            present = [
                sum(self._weight(token) for token in alternative) / len(alternative)
                for alternative in unit.alternatives
                if all(self._document_count(token) for token in alternative)
            ]
            unit_weights.append(min(present) if present else unknown * settings.cross_unknown)
        token_weights: dict[str, float] = {}
        for unit, weight in zip(units, unit_weights):
            for alternative in unit.alternatives:
                for token in alternative:
                    token_weights[token] = max(token_weights.get(token, 0.0), weight)
        if not any(token_weights.values()):
            return [], 0
        groups = self._groups(self._shortlist(token_weights, within=(ONLY_IN + other, only_other)))
        self._load_phrasing_counts(groups)
        total = sum(unit_weights) or 1.0
        share = settings.cross_fact_share
        scored: list[tuple[float, int, StoredGroup]] = []
        for group in groups:
            fact_cover = max(
                (
                    sum(self._cached_weight(t) for t in phrasing if t in token_weights) / phrasing_total
                    for phrasing, phrasing_total in zip(group.phrasings, self._totals(group))
                ),
                default=0.0,
            )
            lemmas = _japanese_words(group) if other == "ja" else frozenset()
            known = 0.0
            filled = 0
            for unit, weight in zip(units, unit_weights):
                best = 0.0
                for alternative, word in zip(unit.alternatives, unit.words):
                    if word is not None and word in lemmas:
                        best = 1.0
                        break
                    hits = sum(1.0 if t in group.strong else settings.weak_match if t in group.weak else 0.0 for t in alternative)
                    best = max(best, hits / len(alternative) * (settings.cross_part if word is not None else 1.0))
                if best:
                    filled += 1
                    known += weight * best
            score = 100.0 * self._intent(intents, group) * ((1 - share) * known / total + share * fact_cover)
            scored.append((round(score, 1), filled, group))
        scored.sort(key=lambda item: (-item[0], item[2].gid))
        return scored, min(settings.cross_min_units, len(units))

    def _load_postings(self, wanted: list[str]) -> None:
        """The document counts and postings of these tokens, into the caches."""
        missing = [token for token in wanted if token not in self._document_counts]
        if not missing:
            return
        if len(self._posting_cache) > _CACHED_POSTINGS:
            self._posting_cache.clear()
        found = self._reader.postings(missing)
        for token in missing:
            count, gids = found.get(token, (0, None))
            self._document_counts[token] = count
            self._posting_cache[token] = gids

    def _load_phrasing_counts(self, groups: list[StoredGroup]) -> None:
        """The document counts of every token of these groups' phrasings, in one read: what scoring weighs
        (a figure's or source's own tokens are never weighed, and a token read alone costs a query)."""
        self._load_counts({token for group in groups for phrasing in group.phrasings for token in phrasing})

    def _load_counts(self, wanted: set[str]) -> None:
        """The document counts of these tokens (without their postings), into the cache."""
        missing = [token for token in wanted if token not in self._document_counts]
        if missing:
            found = self._reader.document_counts(missing)
            for token in missing:
                self._document_counts[token] = found.get(token, 0)

    def _postings_of(self, token: str) -> np.ndarray | None:
        if token not in self._posting_cache:
            self._document_counts.pop(token, None)
            self._load_postings([token])
        return self._posting_cache.get(token)

    def _bitmap(self, token: str, postings: np.ndarray) -> np.ndarray:
        """The groups a common token lists, one bit per group id (numpy's packbits order), made once.

        Checking 80,000 candidates against it costs 0.3 ms; adding the token's weight
        to the 350,000 groups it lists cost 1.5 ms. 125 KB per token at a million groups.
        """
        bits = self._bitmaps.get(token)
        if bits is None:
            if len(self._bitmaps) >= _CACHED_BITMAPS:
                self._bitmaps.clear()
            present = np.zeros(self._max_gid + 1, dtype=bool)
            present[postings] = True
            bits = self._bitmaps[token] = np.packbits(present)
        return bits

    def _groups(self, gids: Sequence[int]) -> list[StoredGroup]:
        """These groups, decoded once per question from rows read once until the table changes.

        Keeping decoded groups across questions made every full pass of Python's
        cycle collector walk their token sets: at a million facts those pauses
        were a third of p99. Decoding 40 rows costs well under a millisecond.
        """
        decoded, rows = self._decoded, self._group_rows
        missing = [gid for gid in gids if gid not in decoded and gid not in rows]
        if missing:
            if len(rows) > _CACHED_GROUPS:
                rows.clear()
                self._phrasing_totals.clear()
            rows.update(self._reader.group_rows(missing))
        found = []
        for gid in gids:
            group = decoded.get(gid)
            if group is None:
                row = rows.get(gid)
                if row is None:
                    continue
                group = decoded[gid] = StoredGroup(gid, *row)
            found.append(group)
        return found

    def _respelling(self, word: str) -> str | None:
        """The known word closest to an unknown one, if close enough to be a typo."""
        if len(word) < 4 or word in lexicon_words():
            return None
        stemmed = stem(word)
        if stemmed and self._document_count(stemmed) and not is_grammar(stemmed):
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
        if is_english_word(word):
            return None  # a real word the table does not use ("saying" is no typo of "saving")
        found = process.extractOne(word, self._words_starting(word[0]), scorer=fuzz.ratio, score_cutoff=80)
        return found[0] if found else None

    def _words_starting(self, initial: str) -> tuple[str, ...]:
        """English words the table and the lexicon know that start with `initial`: what typos are respelled to."""
        words = self._words_by_initial.get(initial)
        if words is None:
            known = set(self._reader.words_starting(initial)) | set(_by_initial(lexicon_words()).get(initial, ()))
            words = self._words_by_initial[initial] = tuple(sorted(known))
        return words

    def _document_count(self, token: str) -> int:
        count = self._document_counts.get(token)
        if count is None:
            self._load_counts({token})
            count = self._document_counts[token]
        return count

    def _weight(self, token: str) -> float:
        """Rarer tokens weigh more; a token no fact knows weighs the most, unless it is hiragana glue."""
        grammar = is_grammar(token)
        df = self._document_count(token)
        weight = math.log(1 + (self._reference + 1) / (df + 0.5))
        if grammar:
            return 0.0 if df <= 0 else weight * self.settings.grammar_weight  # って, てる, によると: grammar
        if len(token) == 1 and not token.isascii():
            return weight * self.settings.single_kanji_weight  # 言って, 入って: a verb's stem says little
        return weight

    def _cached_weight(self, token: str) -> float:
        """The weight of a phrasing token, remembered until the table changes."""
        weight = self._phrasing_weights.get(token)
        if weight is None:
            weight = self._phrasing_weights[token] = self._weight(token)
        return weight

    def _shortlist(self, weights: dict[str, float], within: tuple[str, np.ndarray] | None = None) -> list[int]:
        """Groups sharing the most weight with the question, found from its rarest tokens.

        Rare tokens bring candidates in; once there are plenty, or for a token
        most facts share, a token only adds weight to candidates already found,
        so a question costs about the same at 1,000 facts as at 100,000. The
        postings are arrays of group ids, so this is a few numpy operations per token,
        each over the candidates rather than over every group the token lists.
        """
        settings = self.settings
        common = max(settings.shortlist, int(self._group_total * settings.common_share))
        listed: list[tuple[str, np.ndarray]] = []
        bringing: list[np.ndarray] = []
        found = 0
        for token in sorted(weights, key=weights.__getitem__, reverse=True):
            if is_grammar(token):
                continue  # hiragana is mostly grammar: it may raise a score, never pull a candidate in
            postings = self._postings_of(token)
            if postings is None or not postings.size:
                continue
            if not found or (postings.size <= common and found < settings.max_candidates):
                bringing.append(postings)
                found += int(postings.size)  # at most this many distinct candidates: enough to stop at
            listed.append((token, postings))
        if not listed:
            return []
        candidates = (bringing[0] if len(bringing) == 1 else distinct_sorted(bringing)).astype(np.intp)
        if within is not None:  # only groups a token (e.g. `!only:en`) lists, looked up in its bitmap
            allowed = self._bitmap(*within)
            candidates = candidates[((allowed[candidates >> 3] >> (7 - (candidates & 7)).astype(np.uint8)) & 1).astype(bool)]
            if not candidates.size:
                return []
        # Only candidates' scores are ever read, so only theirs are added up: token by token in the
        # same order and in float32 (adding 0 changes nothing), the same sums to the last bit as when
        # every group listed was scored. A common token's groups are looked up in a bitmap of them.
        scores = np.zeros(candidates.size, dtype=np.float32)
        byte, bit = candidates >> 3, (7 - (candidates & 7)).astype(np.uint8)
        for token, postings in listed:
            weight = np.float32(weights[token])
            if len(bringing) == 1 and postings is bringing[0]:
                scores += weight  # the candidates are exactly its groups
            elif postings.size > common:
                scores += ((self._bitmap(token, postings)[byte] >> bit) & 1) * weight
            else:
                scores += np.isin(candidates, postings, assume_unique=True) * weight
        keep = settings.shortlist
        candidate_scores = scores
        if candidates.size > keep:
            cut = np.partition(candidate_scores, candidates.size - keep)[candidates.size - keep]
            chosen = candidate_scores >= cut  # the best `keep`, and any tied with the last
            candidates, candidate_scores = candidates[chosen], candidate_scores[chosen]
        order = np.lexsort((candidates, -candidate_scores))[:keep]  # best first; a tie goes to the older group
        return [int(gid) for gid in candidates[order]]

    def _rank(
        self,
        weights: dict[str, float],
        intents: frozenset[str],
        owners: frozenset[str],
        query_compact: str,
        groups: list[StoredGroup],
        limit: int,
    ) -> list[tuple[float, int]]:
        """Score the shortlist, best first; the costly spelling part only for those that can still matter."""
        settings = self.settings
        lookups = frozenset(weights).union(*(related().get(token, ()) for token in weights))
        rough = []
        for group in groups:
            base = self._coverage_score(weights, lookups, intents, owners, group)
            ceiling = base + 100.0 * self._intent(intents, group) * (settings.specificity_weight + settings.spelling_weight)
            rough.append((ceiling, base, group))
        rough.sort(key=lambda item: (-item[0], item[2].gid))
        scored: list[tuple[float, int]] = []
        best = 0.0
        for ceiling, base, group in rough:
            if len(scored) > limit and ceiling < best - settings.also_margin:
                scored.append((base, group.gid))  # cannot matter: its floor will do
                continue
            score = self._full_score(weights, intents, query_compact, group, base)
            best = max(best, score)
            scored.append((score, group.gid))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return scored

    def _matches(self, scored: list[tuple[float, int]], limit: int) -> tuple[list[Match], Match | None, list[Match]]:
        """The ranked groups as matches of their first fact, the confident best one, and its other reports.

        Choosing needs only each group's lead tags, figure and date (in the index);
        whole facts are read for the few that are returned.
        """
        if not scored:
            return [], None, []
        floor = scored[0][0] - self.settings.also_margin
        wanted = [(score, gid) for n, (score, gid) in enumerate(scored) if n < limit or score > floor]
        groups = {group.gid: group for group in self._groups([gid for _, gid in wanted])}
        ranked = [_Ranked(round(score, 1), groups[gid]) for score, gid in wanted if gid in groups]
        best, also = self._confident(ranked)
        shown = ranked[:limit] + ([best] if best is not None else []) + also
        facts = self._facts([item.group.fact_ids[0] for item in shown])

        def as_match(item: _Ranked) -> Match | None:
            fact = facts.get(item.group.fact_ids[0])
            return Match(fact, item.score) if fact is not None else None  # None: deleted this very moment

        matches = [match for match in map(as_match, ranked[:limit]) if match is not None]
        best_match = as_match(best) if best is not None else None
        return matches, best_match, [match for match in map(as_match, also) if match is not None]

    def _intent(self, intents: frozenset[str], group: StoredGroup) -> float:
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
        group: StoredGroup,
    ) -> float:
        """The part of the score from which question words the fact knows (0-100 × coverage weight)."""
        settings = self.settings
        strong = group.strong & lookups
        weak = group.weak
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
        if owners - group.owners and any(self._someone_else(owner, group, weights) for owner in owners - group.owners):
            coverage *= settings.other_owner  # asks about Ukrainian soldiers; the fact is about North Korean ones
        return 100.0 * self._intent(intents, group) * settings.coverage_weight * coverage

    @staticmethod
    def _someone_else(owner: str, group: StoredGroup, asked: dict[str, float]) -> bool:
        """Whether the fact has the word of `owner` (`@#=ukraine:#=army`) only as someone else's.

        Not when the fact's owner is related to the question's (Kim's decision is
        North Korea's), nor when the question names the fact's owner too (北朝鮮
        ロシア 武器: a list of words, not Russia's weapons).
        """
        who, word = owner[1:].split(":", 1)
        if word not in group.owned:
            return False
        theirs = [other[1:].split(":", 1)[0] for other in group.owners if other.endswith(":" + word)]
        close = related().get(who, frozenset())
        return not any(other in close or other in asked for other in theirs)

    def _full_score(
        self, weights: dict[str, float], intents: frozenset[str], query_compact: str, group: StoredGroup, base: float
    ) -> float:
        """`base` plus how closely the question resembles the nearest phrasing, in words and in spelling."""
        settings = self.settings
        specificity = spelling = 0.0
        for phrasing_tokens, phrasing_total, phrasing_compact in zip(group.phrasings, self._totals(group), group.compacts):
            shared = sum(weights[t] for t in phrasing_tokens if t in weights)
            specificity = max(specificity, shared / phrasing_total)
            spelling = max(spelling, fuzz.ratio(query_compact, phrasing_compact) / 100.0)
        extra = 100.0 * self._intent(intents, group) * (
            settings.specificity_weight * specificity + settings.spelling_weight * spelling
        )
        return (base + extra) * self._core_kept(weights, group)

    def _totals(self, group: StoredGroup) -> tuple[float, ...]:
        """Each phrasing's total token weight (1.0 for none), kept until the table changes: a tuple of
        floats, never walked by the cycle collector."""
        totals = self._phrasing_totals.get(group.gid)
        if totals is None:
            totals = self._phrasing_totals[group.gid] = tuple(
                sum(self._cached_weight(t) for t in tokens_) or 1.0 for tokens_ in group.phrasings
            )
        return totals

    def _core_kept(self, weights: dict[str, float], group: StoredGroup) -> float:
        """Less when the question leaves out what every phrasing of the fact mentions.

        A word in all of a fact's phrasings is what the fact is about ("losses" in every way of
        asking for the casualties): "how many soldiers?" without it fits the casualty figure
        less well than the troops sent, though both cover the question's words.
        """
        core = group.core
        if core is None:
            present = [set(tokens_) for tokens_ in group.phrasings if tokens_]
            core = group.core = frozenset(set.intersection(*present)) if present else frozenset()
        if not core or core.issubset(weights):
            return 1.0
        missing = sum(self._cached_weight(t) for t in core if t not in weights and not self._related_in(t, weights))
        total = sum(self._cached_weight(t) for t in core) or 1.0
        return 1.0 - self.settings.core_miss * missing / total

    def _related_in(self, token: str, weights: dict[str, float]) -> bool:
        return any(other in weights for other in related().get(token, ()))

    def _confident(self, ranked: list[_Ranked]) -> tuple[_Ranked | None, list[_Ranked]]:
        """The best match unless it is too weak or too close to a different fact.

        Facts that report a different figure for the same thing (they share a
        tag and both have a number) are not rivals but other sources: the
        answer is the newest of them, and the rest are 'also reported'.
        """
        settings = self.settings
        if not ranked or ranked[0].score < settings.min_score:
            return None, []
        best = ranked[0]
        nearby = [m for m in ranked[1:] if best.score - m.score < settings.also_margin and m.score >= settings.min_score]
        reports = [m for m in nearby if _other_report(best.group, m.group)]
        rival = next((m for m in ranked[1:] if not any(m is report for report in reports)), None)
        if rival is not None and best.score < settings.sure_score and best.score - rival.score < settings.min_margin:
            return None, []
        if not reports:
            return best, []
        tied = [best] + [m for m in reports if best.score - m.score < settings.report_tie]
        newest_tied = max(tied, key=_recency)
        group = sorted([best, *reports], key=_recency, reverse=True)
        return newest_tied, [m for m in group if m is not newest_tied][: settings.max_also]


@dataclass(frozen=True, slots=True)
class _Ranked:
    """A scored group, before its fact is read."""

    score: float
    group: StoredGroup


_CACHED_POSTINGS = 20_000
_CACHED_GROUPS = 50_000
_CACHED_FACTS = 20_000
_CACHED_BITMAPS = 256
"""Bounds on what a matcher keeps of what it read (all cleared whenever the table changes)."""


@lru_cache(maxsize=1)
def _by_initial(words: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """English words (no CJK) grouped by their first letter, sorted so that a tie always goes the same way."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for word in sorted(words):
        if word.isascii() and word.isalpha():
            grouped[word[0]].append(word)
    return {initial: tuple(group) for initial, group in grouped.items()}


def _other_report(a: StoredGroup, b: StoredGroup) -> bool:
    """Another source's figure for the same thing: a shared tag, both figures numeric, different."""
    return (
        bool(a.lead_tags & b.lead_tags)
        and has_number(a.lead_figure)
        and has_number(b.lead_figure)
        and a.lead_figure != b.lead_figure
    )


def _japanese_words(group: StoredGroup) -> frozenset[str]:
    """The content words (normalised forms) of a group's Japanese phrasings, as Sudachi reads them."""
    return frozenset(word for text in group.compacts if is_japanese(text) for word in content_words(text, forms=True))


def _recency(item: _Ranked) -> tuple[str, float]:
    return (item.group.lead_published, item.score)
