"""Synthetic fact tables that look like real ones, for the speed benchmark.

Each fact is about a made-up place or organisation (drawn from a large pool of
invented names, so the vocabulary grows with the table the way a real one
does) and a common topic (troops, casualties, aid, trade…), in English or
Japanese, with four aliases and a sourced answer. Generation is seeded, so
every run benchmarks the same table.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timezone
from typing import Protocol

from facts.model import Fact

_SYLLABLES = "ka ri to mo na se lu vi dan kor bel ost gra mir tal zen pol ash ur in".split()
_KANA = "カ リ ト モ ナ セ ル ヴィ ダン コル ベル オスト グラ ミル タル ゼン ポル アシュ ウル イン".split()
_TOPICS = [
    ("soldiers", "兵士", "How many soldiers did {x} send to {y}?", "{x}は{y}に何人の兵士を派遣した？", "about {n:,} soldiers"),
    ("casualties", "死傷者", "How many casualties did {x} suffer in {y}?", "{x}の{y}での死傷者は何人？", "about {n:,} casualties"),
    ("aid", "支援", "How much aid did {x} give {y}?", "{x}は{y}にどれだけ支援した？", "{n:,} million dollars"),
    ("trade", "貿易", "How large is trade between {x} and {y}?", "{x}と{y}の貿易額は？", "{n:,} million dollars"),
    ("refugees", "難民", "How many refugees fled {x} to {y}?", "{x}から{y}へ逃れた難民は何人？", "about {n:,} people"),
    ("election", "選挙", "When is the election in {x}?", "{x}の選挙はいつ？", "in {year}"),
    ("treaty", "条約", "Why did {x} sign a treaty with {y}?", "{x}はなぜ{y}と条約を結んだ？", "for security"),
    ("sanctions", "制裁", "Why did {x} impose sanctions on {y}?", "{x}はなぜ{y}に制裁を科した？", "over missile tests"),
    ("drones", "ドローン", "How many drones did {x} supply to {y}?", "{x}は{y}に何機のドローンを供与した？", "about {n:,} drones"),
    ("visit", "訪問", "When did the leader of {x} visit {y}?", "{x}の指導者はいつ{y}を訪問した？", "in {year}"),
]
_ALIASES_EN = ["{t} from {x} to {y}", "{x} {t} {y} figure", "what about {x} and {y} {t}", "{y} {t} by {x}"]
_ALIASES_JA = ["{x}から{y}への{t}", "{x} {y} {t}の数", "{y}と{x}の{t}について", "{x}の{t}（{y}）"]


def _name(rng: random.Random) -> tuple[str, str]:
    """An invented place name in English and in katakana."""
    picks = [rng.randrange(len(_SYLLABLES)) for _ in range(rng.choice((2, 3, 3, 4)))]
    english = "".join(_SYLLABLES[i] for i in picks).capitalize()
    return english, "".join(_KANA[i] for i in picks)


def synthetic_facts(count: int, seed: int = 7) -> list[Fact]:
    """`count` stored-looking facts (ids from 1), half English, half Japanese."""
    return list(iter_synthetic_facts(count, seed))


def iter_synthetic_facts(count: int, seed: int = 7) -> Iterator[Fact]:
    """The same facts as `synthetic_facts`, one at a time: a million of them need not all be in memory."""
    rng = random.Random(seed)
    names = [_name(rng) for _ in range(max(50, count // 3))]
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    asked: set[str] = set()
    for fact_id in range(1, count + 1):
        # A fact file may not ask one question twice (the import refuses it): draw again.
        while True:
            (x_en, x_ja), (y_en, y_ja) = rng.sample(names, 2)
            topic_en, topic_ja, question_en, question_ja, figure = rng.choice(_TOPICS)
            drawn = question_en.format(x=x_en, y=y_en) if fact_id % 2 else question_ja.format(x=x_ja, y=y_ja)
            if drawn not in asked:
                asked.add(drawn)
                break
        n, year = rng.randrange(100, 100_000), rng.randrange(1990, 2026)
        if fact_id % 2:
            question = question_en.format(x=x_en, y=y_en)
            aliases = [a.format(x=x_en, y=y_en, t=topic_en) for a in _ALIASES_EN]
            answer = f"According to officials, {x_en} and {y_en}: {figure.format(n=n, year=year)} ({topic_en})."
            lang = "en"
        else:
            question = question_ja.format(x=x_ja, y=y_ja)
            aliases = [a.format(x=x_ja, y=y_ja, t=topic_ja) for a in _ALIASES_JA]
            answer = f"当局によると、{x_ja}と{y_ja}の{topic_ja}は{figure.format(n=n, year=year)}です。"
            lang = "ja"
        yield Fact(
            id=fact_id,
            question=question,
            aliases=aliases,
            answer=answer,
            figure=figure.format(n=n, year=year),
            source_url=f"https://news.example.org/{fact_id}",
            source_title="Example News",
            published=date(year, rng.randrange(1, 13), rng.randrange(1, 29)),
            lang=lang,
            tags=[topic_en],
            created_at=now,
            updated_at=now,
            created_by="bench",
        )


class Phrased(Protocol):
    """What `questions_for` needs of a fact: a Fact, or a lighter stand-in holding only this."""

    @property
    def lang(self) -> str: ...

    def texts(self) -> list[str]: ...


def questions_for(facts: Sequence[Phrased], count: int, seed: int = 11) -> list[tuple[str, str]]:
    """(question, lang) pairs: three in four ask a fact the way people type; the rest ask nothing known."""
    rng = random.Random(seed)
    asked = []
    for _ in range(count):
        if rng.random() < 0.75:
            fact = rng.choice(facts)
            text = rng.choice(fact.texts()).lower()
            if len(text) > 8 and rng.random() < 0.5:  # a typo: two neighbouring characters swapped
                i = rng.randrange(len(text) - 1)
                text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
            asked.append((text, fact.lang))
        else:
            asked.append((rng.choice(["what's the weather in Tokyo?", "who won the game last night", "東京の天気は？", "おすすめのラーメン屋"]), "en"))
    return asked
