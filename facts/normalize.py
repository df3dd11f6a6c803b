"""Turn a question as people type it into comparable tokens.

Japanese has no spaces, so Japanese runs become character bigrams; English
becomes words. Both sides (facts and questions) go through the same function,
so whatever is folded here (width, case, kana, numerals, synonyms) matches.
Question words ("how many", 何人, why, なぜ) become intent tokens such as
`?count`: they say what kind of answer is wanted, not what it is about.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

MAX_QUESTION_CHARS = 500
"""Longer input is cut here before matching; nothing a person asks in chat is longer."""

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_BIG_UNITS = {"万": 10_000, "億": 100_000_000}

_JAPANESE_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff々〆]+|[\u3041-\u309f\u30a0-\u30ffー]+")
"""A run of kanji, or a run of kana: a word boundary in Japanese is most often where the script changes."""
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NUMBER_WITH_COMMAS = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+)(?![\d])")
_NUMBER_K = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?k\b")
_MIXED_NUMERAL = re.compile(r"[0-9〇零一二三四五六七八九十百千万億]+")


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, object]:
    text = resources.files("facts").joinpath("data/lexicon.json").read_text(encoding="utf-8")
    return json.loads(text)


def fold(text: str) -> str:
    """NFKC, case-folded, katakana as hiragana, numerals as plain digits, cut to a sane length."""
    text = unicodedata.normalize("NFKC", text[: MAX_QUESTION_CHARS * 2]).casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in " \n\t")
    text = _katakana_to_hiragana(text)
    text = _NUMBER_WITH_COMMAS.sub(lambda m: m.group(1).replace(",", ""), text)
    text = _NUMBER_K.sub(lambda m: str(int(float(m.group(1)) * 1000)), text)
    text = _MIXED_NUMERAL.sub(_numeral_to_digits, text)
    return text[:MAX_QUESTION_CHARS]


def _katakana_to_hiragana(text: str) -> str:
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in text)


def _numeral_to_digits(match: re.Match[str]) -> str:
    """'一万一千' / '1万1千' / '11000' → '11000'; lone kanji like '一' in 一月 stay as they are."""
    run = match.group(0)
    if run.isdigit():
        return run
    if not any(ch.isdigit() for ch in run) and not any(ch in _KANJI_SMALL_UNITS or ch in _KANJI_BIG_UNITS for ch in run):
        return run  # a bare kanji digit is usually part of a word (一方, 三月): leave it
    value = _parse_numeral(run)
    return run if value is None else str(value)


def _parse_numeral(run: str) -> int | None:
    total = section = 0
    digits = ""
    for ch in run:
        if ch.isdigit():
            digits += ch
        elif ch in _KANJI_DIGITS:
            digits += str(_KANJI_DIGITS[ch])
        elif ch in _KANJI_SMALL_UNITS:
            section += (int(digits) if digits else 1) * _KANJI_SMALL_UNITS[ch]
            digits = ""
        elif ch in _KANJI_BIG_UNITS:
            section += int(digits) if digits else 0
            total += (section or 1) * _KANJI_BIG_UNITS[ch]
            section, digits = 0, ""
        else:
            return None
    return total + section + (int(digits) if digits else 0)


def _apply_phrases(text: str) -> str:
    """Rewrite synonyms and intent phrases to one canonical token, in one pass, longest first."""
    pattern, canonical = _phrase_table()
    return pattern.sub(lambda match: f" {canonical[' '.join(match.group(0).split())]} ", text)


@lru_cache(maxsize=1)
def _phrase_table() -> tuple[re.Pattern[str], dict[str, str]]:
    lexicon = _lexicon()
    canonical: dict[str, str] = {}
    for token, variants in {**lexicon["synonyms"], **lexicon["intents"]}.items():  # type: ignore[dict-item]
        for variant in variants:
            canonical.setdefault(_clean(variant).strip(), token)
    alternatives = []
    for phrase in sorted(canonical, key=len, reverse=True):
        escaped = re.escape(phrase).replace(r"\ ", r"\s+")
        # English phrases match whole words only ("nk" in "nkの兵士", not in "think").
        alternatives.append(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])" if phrase.isascii() else escaped)
    return re.compile("|".join(alternatives)), canonical


_PUNCTUATION = re.compile(r"[^\w\s]|_")


def _clean(text: str) -> str:
    """Folded text with punctuation turned into spaces."""
    return _PUNCTUATION.sub(" ", fold(text))


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(_lexicon()["stopwords"])  # type: ignore[arg-type]


def _stem(word: str) -> str:
    """Very light English stemming: plurals and -ed/-ing forms meet their base word."""
    if word.isdigit() or len(word) <= 3:
        return word
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: len(word) - len(suffix)] + replacement
    return word


def tokens(text: str) -> list[str]:
    """The tokens of `text`: intent markers (`?count`), English stems, Japanese bigrams, numbers."""
    text = _apply_phrases(_clean(text))
    stop = _stopwords()
    result: list[str] = []
    for piece in text.split():
        if piece.startswith("?") or piece.startswith("#"):
            result.append(piece)
            continue
        for word in _WORD.findall(piece):
            if word not in stop:
                result.append(_stem(word))
        for run in _JAPANESE_RUN.findall(piece):
            result.extend(bigram for bigram in _bigrams(run) if bigram not in stop)
    return result + _whose(result)


POSSESSED = frozenset({"#soldier", "#casualty", "#dead", "#wounded"})
"""Words whose owner matters: Ukrainian soldiers are not North Korean soldiers."""


def _whose(found: list[str]) -> list[str]:
    """`@#ua:#soldier` for 'Ukrainian soldiers' / ウクライナ兵: an entity right before a possessed word."""
    known = entities()
    return [f"@{owner}:{word}" for owner, word in zip(found, found[1:]) if owner in known and word in POSSESSED]


def _bigrams(run: str) -> list[str]:
    """Character bigrams of a Japanese run; a one-character run stays whole (北, 兵)."""
    if len(run) == 1:
        return [run] if run not in _stopwords() else []
    return [run[i : i + 2] for i in range(len(run) - 1)]


_ASCII_WORD = re.compile(r"[a-z]+")
_KANA_ONLY = re.compile(r"[\u3041-\u309fー]+")


def words(text: str) -> set[str]:
    """The English words of `text`, folded: the vocabulary typos are respelled to."""
    return set(_ASCII_WORD.findall(_clean(text)))


@lru_cache(maxsize=1)
def lexicon_words() -> frozenset[str]:
    """Every English word the lexicon knows (synonyms, intents, stopwords)."""
    lexicon = _lexicon()
    phrases = [p for group in ("synonyms", "intents") for variants in lexicon[group].values() for p in variants]  # type: ignore[attr-defined]
    return frozenset(word for phrase in [*phrases, *lexicon["stopwords"]] for word in words(phrase))  # type: ignore[misc]


@lru_cache(maxsize=1)
def entities() -> frozenset[str]:
    """Tokens naming who a question is about (countries, leaders, agencies)."""
    return frozenset(_lexicon().get("entities", []))  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def related() -> dict[str, frozenset[str]]:
    """Tokens close in meaning to a token (#dead → #casualty), for partial credit."""
    return {token: frozenset(others) for token, others in _lexicon().get("related", {}).items()}  # type: ignore[union-attr]


def respell(text: str, fix: Callable[[str], str | None]) -> str:
    """Folded `text` with each English word replaced by `fix(word)` where that is not None."""
    return _ASCII_WORD.sub(lambda match: fix(match.group(0)) or match.group(0), fold(text))


def is_kana_only(token: str) -> bool:
    """A token of hiragana only (after folding): grammar such as って or てる, or a reading."""
    return bool(_KANA_ONLY.fullmatch(token))


def compact(text: str) -> str:
    """The folded text without spaces and punctuation, for character-level fuzzy comparison."""
    return "".join(ch for ch in fold(text) if ch.isalnum())
