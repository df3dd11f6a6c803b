"""A question's words in the other language, from a word table derived from JMdict.

facts/matching/data/bilingual.json (made by tools/build_bilingual.py) holds
JMdict's common Japanese words with the English glosses of their first senses,
and for each English word the Japanese words it glosses. JMdict is © the
Electronic Dictionary Research and Development Group, used under CC BY-SA 4.0
(https://www.edrdg.org/edrdg/licence.html); see bilingual.NOTICE.md beside it.

A question becomes *units*: one per content word, each with the token
tuples its translations have in the other language (雨 → (rain,); send →
(送る,), (派遣,)). A fact written only in the other language is then scored by
how many of the question's units it has. Tokens come from the same tokeniser
as the index (facts/matching/normalizer.py), so the table's own synonyms and the
lexicon's question words apply to translations too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from facts.lang import is_japanese
from facts.matching.japanese import content_words, parts
from facts.matching.normalizer import stem, tokens


@dataclass(frozen=True, slots=True)
class Unit:
    """One content word of a question and what it may be in the other language."""

    word: str
    alternatives: tuple[tuple[str, ...], ...]
    """Each translation's tokens; empty when the word table does not know the word."""
    words: tuple[str | None, ...]
    """Beside each alternative, the translation as one Japanese word (Sudachi's normalised form), or None."""


def _unit(word: str, translations: list[tuple[tuple[str, ...], str | None]]) -> Unit:
    """A unit of the distinct, non-empty translations (tokens, Japanese word or None), first ones first."""
    kept: dict[tuple[str, ...], str | None] = {}
    for alternative, japanese in translations:
        if alternative:
            kept.setdefault(alternative, japanese)
    return Unit(word, tuple(kept), tuple(kept.values()))


@dataclass(frozen=True)
class _Table:
    ja_to_en: dict[str, list[str]]
    """A Japanese word (Sudachi's normalised form) → English glosses, most common sense first."""
    en_to_ja: dict[str, list[str]]
    """An English stem, or two joined by a space (as facts/matching/normalizer.py stems) → Japanese words it glosses, most common first."""


@lru_cache(maxsize=1)
def _table() -> _Table:
    """The word table, read on the first question that needs it (about 0.25 s), never at start."""
    raw = json.loads(resources.files("facts.matching").joinpath("data/bilingual.json").read_text(encoding="utf-8"))
    by_stem: dict[str, list[str]] = {}
    for word, japanese in raw["en2ja"].items():
        key = stem(word) if " " not in word else " ".join(map(stem, word.split()))
        if not key or key[0] == " " or key[-1] == " " or "  " in key:
            continue  # a stopword, alone or in a term
        known = by_stem.get(key)
        if known is None:
            by_stem[key] = japanese
        else:
            known.extend(other for other in japanese if other not in known)
    return _Table(raw["ja2en"], by_stem)


def preload(word_table: bool) -> None:
    """Read the English word list, and the word table too if asked, now rather than on a first question."""
    _english_words()
    if word_table:
        _table()


def is_english_word(word: str) -> bool:
    """True for a word JMdict's English glosses use (data/english_words.txt): a real word, never a typo."""
    return word in _english_words()


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """68,000 words, read on the first unknown word a question has (about 15 ms)."""
    return frozenset(resources.files("facts.matching").joinpath("data/english_words.txt").read_text(encoding="utf-8").split())


def units(question: str) -> list[Unit]:
    """The question's content words with their translations into the other language."""
    if is_japanese(question):
        return _from_japanese(question)
    return _from_english(question)


def _from_japanese(question: str) -> list[Unit]:
    table = _table()
    found: list[Unit] = []
    for word in _known_words(content_words(question), table):
        translations = [(_content(tokens(gloss)), None) for gloss in table.ja_to_en.get(word, ())]
        translations.append((_language_neutral(tokens(word)), None))  # a number, a Latin name, a synonym the table defines
        found.append(_unit(word, translations))
    return _merged(found)


def _known_words(found: tuple[str, ...], table: _Table) -> list[str]:
    """The words, each compound the table does not know as the content words it is made of
    (アメリカ大統領 → アメリカ, 大統領; 副大統領 → 大統領, its prefix left out), when the table knows
    each and each has two characters or more: a one-character part is mostly an affix (公用語 is not
    'public use' + 'word')."""
    result: list[str] = []
    for word in found:
        split = parts(word) if word not in table.ja_to_en else ()
        whole = bool(split) and split != (word,) and all(len(part) > 1 and part in table.ja_to_en for part in split)
        result += split if whole else [word]
    return result


def _from_english(question: str) -> list[Unit]:
    table = _table()
    found: list[Unit] = []
    content = [token for token in _content(tokens(question)) if token not in _FUNCTION_WORDS]
    skip = False
    for token, following in zip(content, [*content[1:], None]):
        if skip:
            skip = False
            continue
        if token.startswith("#"):
            found.append(_unit(token, [((token,), None)]))  # already the same in both languages
            continue
        term = f"{token} {following}"
        if following is not None and term in table.en_to_ja:
            token, skip = term, True  # "art museum" is one word in Japanese (美術館)
        translations: list[tuple[tuple[str, ...], str | None]] = [
            (_content(tokens(word)), word) for word in table.en_to_ja.get(token, ())
        ]
        translations.append((tuple(token.split()), None))  # a name or number can be written the same way in a Japanese fact
        found.append(_unit(token, translations))
    return _merged(found)


_FUNCTION_WORDS = frozenset(
    "he she her hers his him your yours our ours mine myself yourself himself herself ourselves themselves "
    "ll ve re d m t not shall should must might very".split()
)
"""English words (as stemmed) that Japanese says with grammar or leaves out: nothing to translate."""


def _content(found: list[str]) -> tuple[str, ...]:
    """Tokens that say what something is about (no question words, no owner markers)."""
    return tuple(token for token in found if token[0] not in "?@")


def _language_neutral(found: list[str]) -> tuple[str, ...]:
    return tuple(token for token in found if token[0] == "#" or token.isascii() and token[0] not in "?@")


def _merged(found: list[Unit]) -> list[Unit]:
    """One unit per word, even when the question says it twice."""
    seen: dict[str, Unit] = {}
    for unit in found:
        seen.setdefault(unit.word, unit)
    return list(seen.values())
