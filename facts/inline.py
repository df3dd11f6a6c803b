"""Inline mode (`@bot how many soldiers` in any chat): which facts to offer, as plain data.

A typed query offers the fact the matcher is confident about, its other
sources, then the runners-up; if the matcher is not confident, nothing — the
same honesty as in a chat. An empty query offers the most-asked facts.
"""

from __future__ import annotations

from dataclasses import dataclass

from facts.answers import Answer, examples
from facts.lang import Lang
from facts.matching import Matcher
from facts.model import Fact

MAX_RESULTS = 5
_DESCRIPTION_CHARS = 200


@dataclass(frozen=True)
class Card:
    """One inline result: the title and description on the card, and the answer it posts."""

    fact: Fact
    title: str
    description: str
    answer: Answer


def inline_cards(query: str, matcher: Matcher, most_asked: list[int], lang: Lang) -> list[Card]:
    """Up to `MAX_RESULTS` cards for an inline query; `most_asked` (fact ids) serves the empty query."""
    query = query.strip()
    if not query:
        popular = [fact for fact in (matcher.fact(fact_id) for fact_id in most_asked) if fact is not None]
        facts = _distinct([*popular, *examples(matcher, lang, MAX_RESULTS)], matcher, lang)
        return [_card(fact, Answer(fact.question, lang, "fact", fact=fact, score=100.0)) for fact in facts]
    result = matcher.match(query, limit=MAX_RESULTS)
    if result.best is None:
        return []
    best = matcher.in_language(result.best.fact, lang)
    also = [matcher.in_language(match.fact, lang) for match in result.also]
    others = [match.fact for match in (*result.also, *result.ranked)]
    cards = [_card(best, Answer(query, lang, "fact", fact=best, score=result.best.score, also=also))]
    for fact in _distinct(others, matcher, lang, exclude={best.id}):
        cards.append(_card(fact, Answer(fact.question, lang, "fact", fact=fact, score=100.0)))
    return cards[:MAX_RESULTS]


def _distinct(facts: list[Fact], matcher: Matcher, lang: Lang, exclude: set[int | None] | None = None) -> list[Fact]:
    chosen: list[Fact] = []
    seen = set(exclude or ())
    for fact in facts:
        fact = matcher.in_language(fact, lang)
        if fact.id not in seen:
            seen.add(fact.id)
            chosen.append(fact)
    return chosen[:MAX_RESULTS]


def _card(fact: Fact, answer: Answer) -> Card:
    date = f" ({fact.published.isoformat()})" if fact.published else ""
    description = f"{fact.answer} — {fact.source_title}{date}"
    if len(description) > _DESCRIPTION_CHARS:
        description = fact.answer[: _DESCRIPTION_CHARS - len(fact.source_title) - len(date) - 5] + "… — "
        description += f"{fact.source_title}{date}"
    return Card(fact=fact, title=fact.figure or fact.question, description=description, answer=answer)
