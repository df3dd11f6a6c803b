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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

MAX_QUESTION_CHARS = 500
"""Longer input is cut here before matching; nothing a person asks in chat is longer."""

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_BIG_UNITS = {"万": 10_000, "億": 100_000_000}

_NUMBER_WITH_COMMAS = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+)(?![\d])")
_NUMBER_K = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?k\b")
_MIXED_NUMERAL = re.compile(r"[0-9〇零一二三四五六七八九十百千万億]+")


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, object]:
    text = resources.files("facts").joinpath("data/lexicon.json").read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1024)
def fold(text: str) -> str:
    """NFKC, case-folded, loanwords in katakana, numerals as plain digits, cut to a sane length."""
    return _fold_normalized(unicodedata.normalize("NFKC", text[: MAX_QUESTION_CHARS * 2]))[:MAX_QUESTION_CHARS]


def _fold_normalized(text: str) -> str:
    """`fold` after NFKC, without the cut: facts are folded whole, many at once."""
    text = text.casefold()
    if not text.isprintable():
        text = _WHITESPACE.sub(" ", text)
        if not text.isprintable():  # control, format or unassigned characters: rare, so the slow way
            text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = _HIRAGANA_LOANWORD.sub(lambda match: match.group(0).translate(_HIRAGANA_TO_KATAKANA), text)
    text = _NUMBER_WITH_COMMAS.sub(lambda m: m.group(1).replace(",", ""), text)
    text = _NUMBER_K.sub(lambda m: str(int(float(m.group(1)) * 1000)), text)
    return _MIXED_NUMERAL.sub(_numeral_to_digits, text)


_WHITESPACE = re.compile("[\n\r\t\v\f\u2028\u2029\u3000\u00a0]")
_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}
_HIRAGANA_LOANWORD = re.compile(r"(?<![\u3041-\u3096])[\u3041-\u3096]*+ー[\u3041-\u3096ー]*")
"""A hiragana run with a long-vowel mark is a loanword typed in hiragana (どろーん): it becomes katakana.

Katakana otherwise stays katakana, because the script carries meaning: katakana
runs are words (ロイター, ドローン), hiragana runs are mostly grammar (によると).
"""


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
    """Rewrite synonyms and intent phrases to one canonical token, longest first.

    English phrases match whole words (so "nk" is found in "nkの兵士" but not in
    "think"); Japanese phrases match anywhere in a run, as Japanese has no spaces.
    Dictionary lookups, not one huge regular expression: this runs for every
    text of every fact when the index is built.
    """
    table = _phrase_table()
    segments = _SEGMENT.findall(text)
    out: list[str] = []
    i = 0
    english, starts_phrase = table.english, table.first_words
    while i < len(segments):
        segment = segments[i]
        if not ("a" <= segment[0] <= "z"):
            out.append(table.japanese.sub(lambda match: f" {table.japanese_canonical[match.group(0)]} ", segment))
            i += 1
            continue
        if segment in starts_phrase:
            for n in range(min(table.max_words, len(segments) - i), 1, -1):
                canonical = english.get(" ".join(segments[i : i + n]))
                if canonical is not None:
                    out.append(canonical)
                    i += n
                    break
            else:
                out.append(_lookup_word(segment, english))
                i += 1
        else:
            out.append(_lookup_word(segment, english))
            i += 1
    return " ".join(out)


def _lookup_word(word: str, english: dict[str, str]) -> str:
    """A word's canonical token, also through its stem ('killing' → 'kill' → #dead), else the word."""
    canonical = english.get(word)
    if canonical is None and len(word) > 3:
        canonical = english.get(stem(word))
    return canonical or word


_SEGMENT = re.compile(r"[a-z]+(?:'[a-z]+)?|[^\sa-z]+")
"""English words, and runs of everything else (Japanese, digits) between spaces and English words."""


@dataclass(frozen=True)
class _PhraseTable:
    english: dict[str, str]
    """'north korea' → '#nk' (words joined by one space)."""
    first_words: frozenset[str]
    """First words of the English phrases of more than one word."""
    max_words: int
    japanese: re.Pattern[str]
    """Any Japanese phrase, longest first; positions that cannot start one are skipped by the lookahead."""
    japanese_canonical: dict[str, str]


def _is_stopword_only(word: str) -> bool:
    return word in _stopwords()


@lru_cache(maxsize=1)
def _phrase_table() -> _PhraseTable:
    lexicon = _lexicon()
    english: dict[str, str] = {}
    japanese: dict[str, str] = {}
    for token, variants in {**lexicon["synonyms"], **lexicon["intents"]}.items():  # type: ignore[dict-item]
        for variant in variants:
            phrase = " ".join(_clean(variant).split())
            if phrase.isascii():
                words_ = _SEGMENT.findall(phrase)
                english.setdefault(" ".join(words_), token)
                if len(words_) == 1 and not _is_stopword_only(words_[0]):
                    english.setdefault(stem(words_[0]), token)
            else:
                japanese.setdefault(phrase.replace(" ", ""), token)
    first_chars = "".join(sorted({re.escape(phrase[0]) for phrase in japanese}))
    alternatives = "|".join(re.escape(phrase) for phrase in sorted(japanese, key=len, reverse=True))
    return _PhraseTable(
        english=english,
        first_words=frozenset(phrase.split()[0] for phrase in english if " " in phrase),
        max_words=max(len(phrase.split()) for phrase in english),
        japanese=re.compile(f"(?=[{first_chars}])(?:{alternatives})"),
        japanese_canonical=japanese,
    )


_PUNCTUATION = re.compile(r"[^\w\s]|_")


def _clean(text: str) -> str:
    """Folded text with punctuation turned into spaces."""
    return _PUNCTUATION.sub(" ", fold(text))


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(_lexicon()["stopwords"])  # type: ignore[arg-type]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Very light English stemming: plurals and -ed/-ing forms meet their base word ('' for stopwords)."""
    if word in _stopwords():
        return ""
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
    return tokens_many([text])[0]


def tokens_many(texts: Sequence[str]) -> list[list[str]]:
    """`tokens` of each text, folded and rewritten in one pass over all of them.

    Building the index tokenizes every question, alias and answer; doing them
    together saves most of the per-call work. The texts are joined with "_",
    which folding keeps and no text contains any more (an underscore is
    punctuation, so each text's own become spaces first).
    """
    joined = _SEPARATOR.join(unicodedata.normalize("NFKC", text).replace("_", " ") for text in texts)
    phrased = _apply_phrases(_PUNCTUATION_BUT_SEPARATOR.sub(" ", _fold_normalized(joined)))
    found: list[list[str]] = [[]]
    result = found[0]
    for separator, marker, word, run in _TOKEN.findall(phrased):
        if marker:
            result.append(marker)
        elif word:
            stemmed = stem(word)
            if stemmed:
                result.append(stemmed)
        elif run:
            result.extend(_bigrams(run))
        elif separator:
            result = []
            found.append(result)
    for result in found:
        result.extend(_whose(result))
    return found


_SEPARATOR = " _ "
_PUNCTUATION_BUT_SEPARATOR = re.compile(r"[^\w\s]")
_TOKEN = re.compile(
    r"(_)|([?#][^\s]+)|([a-z0-9]+(?:'[a-z]+)?)|([\u3400-\u4dbf\u4e00-\u9fff々〆]+|[\u30a0-\u30ffー]+|[\u3041-\u309f]+)"
)
"""The separator between texts, a canonical token from the lexicon, an English word or number, or a
run of kanji or of kana."""


POSSESSED = frozenset({"#soldier", "#casualty", "#dead", "#wounded"})
"""Words whose owner matters: Ukrainian soldiers are not North Korean soldiers."""


def _whose(found: list[str]) -> list[str]:
    """`@#ua:#soldier` for 'Ukrainian soldiers' / ウクライナ兵: an entity right before a possessed word."""
    known = entities()
    return [f"@{owner}:{word}" for owner, word in zip(found, found[1:]) if owner in known and word in POSSESSED]


@lru_cache(maxsize=65536)
def _bigrams(run: str) -> tuple[str, ...]:
    """Character bigrams of a Japanese run, minus stopwords; a one-character run stays whole (北, 兵).

    A kanji stopword inside a run (何 in 何話した) splits it: 何 asks, it is not part of a word.
    """
    stop = _stopwords()
    if len(run) > 1 and any(ch in stop and ch > "\u30ff" for ch in run):
        parts = "".join(" " if ch in stop and ch > "\u30ff" else ch for ch in run).split()
        return tuple(bigram for part in parts for bigram in _bigrams(part))
    if len(run) == 1:
        return (run,) if run not in stop else ()
    return tuple(bigram for bigram in (run[i : i + 2] for i in range(len(run) - 1)) if bigram not in stop)


_ASCII_WORD = re.compile(r"[a-z]+")
_HIRAGANA_ONLY = re.compile(r"[\u3041-\u309f]+")


def words(text: str) -> set[str]:
    """The English words of `text`, lower-cased: the vocabulary typos are respelled to."""
    return set(_ASCII_WORD.findall(text.casefold()))


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


def is_grammar(token: str) -> bool:
    """A token of hiragana only (after folding): grammar such as って or てる, or a reading."""
    return bool(_HIRAGANA_ONLY.fullmatch(token))


def compact(text: str) -> str:
    """The folded text without spaces and punctuation, for character-level fuzzy comparison."""
    return _NOT_ALNUM.sub("", fold(text))


_NOT_ALNUM = re.compile(r"[\W_]+")
