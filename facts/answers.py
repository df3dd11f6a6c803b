"""Answer one question: the matched fact in the asker's language, or honest suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal
from weakref import WeakKeyDictionary

from facts.lang import Lang
from facts.matching import MAX_QUESTION_CHARS, Matcher
from facts.model import Fact
from facts.smalltalk import small_talk
from facts.topics import topic_name

AnswerKind = Literal["fact", "unknown", "greeting", "thanks", "too_long"]
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Answer:
    """What the bot will say to one question, before it is rendered for a channel."""

    question: str
    lang: Lang
    kind: AnswerKind
    fact: Fact | None = None
    score: float | None = None
    also: list[Fact] = field(default_factory=list)
    """Other sources that answer the same question with a different figure, newest first."""
    suggestions: list[Fact] = field(default_factory=list)
    """Questions the bot can answer that are closest to this one (when it has no answer)."""


def answer_question(question: str, matcher: Matcher, lang: Lang) -> Answer:
    """Match `question` against the facts and decide what to say."""
    if len(question) > MAX_QUESTION_CHARS:
        return Answer(question, lang, "too_long")
    talk = small_talk(question)
    if talk is not None:
        return Answer(question, lang, talk)
    result = matcher.match(question, limit=MAX_SUGGESTIONS + 1)
    if result.best is None:
        ranked = [match.fact for match in result.ranked]
        return Answer(question, lang, "unknown", suggestions=suggest(ranked, matcher, lang))
    fact = matcher.in_language(result.best.fact, lang)
    also = [matcher.in_language(match.fact, lang) for match in result.also]
    return Answer(question, lang, "fact", fact=fact, score=result.best.score, also=also)


def answer_fact(fact: Fact, matcher: Matcher, lang: Lang) -> Answer:
    """The answer for a fact picked directly (a suggestion button), in the asker's language.

    It is what typing the fact's question gives, "also reported" included, as long
    as that answer is this fact or lists it; otherwise the fact on its own.
    """
    typed = answer_question(fact.question, matcher, lang)
    picked = _identity(fact)
    if typed.fact is not None and picked in {_identity(shown) for shown in [typed.fact, *typed.also]}:
        return typed
    return Answer(fact.question, lang, "fact", fact=matcher.in_language(fact, lang), score=100.0)


def answer_linked(fact: Fact, matcher: Matcher, lang: Lang) -> Answer:
    """The answer for a fact opened by its link: what typing its question gives, this fact first.

    Same text, same "also reported" as `answer_fact`, but the link names this
    fact, so it leads even when another source is newer (that one moves to
    "also reported").
    """
    answer = answer_fact(fact, matcher, lang)
    linked = matcher.in_language(fact, lang)
    if answer.fact is None or answer.fact.id == linked.id:
        return answer
    also = [shown for shown in (answer.fact, *answer.also) if shown.id != linked.id]
    return replace(answer, fact=linked, also=also)


def _identity(fact: Fact) -> str:
    """A fact and its other-language versions share this."""
    return fact.key or f"#{fact.id}"


def suggest(ranked: list[Fact], matcher: Matcher, lang: Lang, limit: int = MAX_SUGGESTIONS) -> list[Fact]:
    """Up to `limit` distinct facts in `lang`: the closest ones first, then examples to fill up."""
    chosen: list[Fact] = []
    seen: set[object] = set()
    for fact in [*ranked, *examples(matcher, lang, limit)]:
        fact = matcher.in_language(fact, lang)
        identity = _identity(fact)
        if identity not in seen:
            seen.add(identity)
            chosen.append(fact)
        if len(chosen) == limit:
            break
    return chosen


def examples(matcher: Matcher, lang: Lang, limit: int = 3) -> list[Fact]:
    """Example questions for greetings and help: one per topic, in `lang` where possible."""
    cached = _examples_cache.setdefault(matcher, {})
    key = (matcher.version, lang, limit)
    if key not in cached:
        for stale in [k for k in cached if k[0] != matcher.version]:
            del cached[stale]
        cached[key] = _pick_examples(matcher, lang, limit)  # picking sorts every fact: not once per question
    return cached[key]


_examples_cache: WeakKeyDictionary[Matcher, dict[tuple[int, str, int], list[Fact]]] = WeakKeyDictionary()


def _pick_examples(matcher: Matcher, lang: Lang, limit: int) -> list[Fact]:
    picked: list[Fact] = []
    topics: set[str] = set()

    def take(fact: Fact) -> bool:
        topic = fact.tags[0] if fact.tags else f"#{fact.id}"
        if topic not in topics and not any(fact.key and fact.key == other.key for other in picked):
            topics.add(topic)
            picked.append(fact)
        return len(picked) == limit

    matcher.scan_facts(lang, take)  # facts in `lang` first, oldest first: reads only until it has enough
    return picked


@dataclass(frozen=True)
class Overview:
    """What the bot knows about, for /start and /help."""

    fact_count: int
    topics: list[str]
    sources: list[str]
    examples: list[Fact]


def overview(matcher: Matcher, lang: Lang) -> Overview:
    """Summarise the fact table: distinct facts, topics, sources (in `lang`) and examples."""
    count, tags, sources = matcher.summary(lang)
    topics: list[str] = []
    for tag in tags:
        name = topic_name(tag, lang)
        if name is not None and name not in topics:
            topics.append(name)
    return Overview(count, topics, sources, examples(matcher, lang))
