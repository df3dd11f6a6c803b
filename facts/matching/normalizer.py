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
from sys import intern
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from facts.synonyms import is_related_mark

MAX_QUESTION_CHARS = 500
"""Longer input is cut here before matching; nothing a person asks in chat is longer."""

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_BIG_UNITS = {"万": 10_000, "億": 100_000_000}

_NUMBER = re.compile(
    r"\d(?:(?<![\d.]\d)\d{0,2}(?:,\d{3})+(?!\d)(?:(?:\.\d+)?\s?k\b)?|(?<![\w.]\d)\d*(?:\.\d+)?\s?k\b)"
)
"""11,000 (thousands separators) and 11k / 1.5k / 1,500k (thousands): numbers written in full.
It starts with a digit, so the regex engine skips ahead to digits; the look-behinds come after it."""
_NOT_BEFORE_K = re.compile(r"[\w.]")
_MIXED_NUMERAL = re.compile(r"[0-9〇零一二三四五六七八九十百千万億]+")
_KANJI_NUMERAL = re.compile(r"[〇零一二三四五六七八九十百千万億]")
"""Without one of these, `_MIXED_NUMERAL` finds only runs of plain digits, which stay as they are."""


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, object]:
    text = resources.files("facts.matching").joinpath("data/lexicon.json").read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1024)
def fold(text: str) -> str:
    """NFKC, case-folded, loanwords in katakana, numerals as plain digits, cut to a sane length."""
    return _fold_normalized(_nfkc(text[: MAX_QUESTION_CHARS * 2]))[:MAX_QUESTION_CHARS]


def _nfkc(text: str) -> str:
    """Unicode NFKC: full-width letters and digits become ASCII, half-width katakana full-width.

    Japanese text nearly always has full-width punctuation (？（）), which sends
    the whole text down NFKC's slow path; mapping those first (as NFKC would)
    lets most texts through its quick check.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text.translate(_FULL_WIDTH_ASCII))


_FULL_WIDTH_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
"""！ … ～ and the ideographic space, mapped to ASCII exactly as NFKC maps them."""


def _fold_normalized(text: str) -> str:
    """`fold` after NFKC, without the cut: facts are folded whole, many at once."""
    text = text.casefold()
    if not text.isprintable():
        text = _WHITESPACE.sub(" ", text)
        if not text.isprintable():  # control, format or unassigned characters: rare, so the slow way
            text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    if _may_have_number(text):
        text = _NUMBER.sub(_number_in_full, text)
    if text.isascii():
        return text  # no kana to fold, no kanji numerals
    if _HIRAGANA_BEFORE_LONG_VOWEL.search(text):  # rare: most ー follow katakana
        text = _HIRAGANA_LOANWORD.sub(lambda match: match.group(0).translate(_HIRAGANA_TO_KATAKANA), text)
    if _KANJI_NUMERAL.search(text) is None:
        return text  # runs of plain digits stay as they are
    return _MIXED_NUMERAL.sub(_numeral_to_digits, text)


def _may_have_number(text: str) -> bool:
    """Whether `_NUMBER` may match: a digit right before a comma or a k (perhaps with a space between).

    Finding those two characters is far cheaper than the regular expression,
    which tries every digit of every text: most texts have digits (ids, years)
    and few have 11,000 or 11k.
    """
    for mark in (",", "k"):
        at = text.find(mark, 1)
        while at != -1:
            if text[at - 1].isdecimal():
                return True
            if mark == "k" and at > 1 and text[at - 1].isspace() and text[at - 2].isdecimal():
                return True
            at = text.find(mark, at + 1)
    return False


_WHITESPACE = re.compile("[\n\r\t\v\f\u2028\u2029\u3000\u00a0]")
_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}
_HIRAGANA_BEFORE_LONG_VOWEL = re.compile("[\u3041-\u3096]ー")
_HIRAGANA_LOANWORD = re.compile(r"(?<![\u3041-\u3096])[\u3041-\u3096]*+ー[\u3041-\u3096ー]*")
"""A hiragana run with a long-vowel mark is a loanword typed in hiragana (どろーん): it becomes katakana.

Katakana otherwise stays katakana, because the script carries meaning: katakana
runs are words (ロイター, ドローン), hiragana runs are mostly grammar (によると).
"""


def _number_in_full(match: re.Match[str]) -> str:
    """'11,000' → '11000', '11k' → '11000', '1,500k' → '1500000' (as if commas went first, then k)."""
    number = match.group(0)
    if "," not in number:
        return str(int(float(number.rstrip("k").rstrip()) * 1000))
    if not number.endswith("k"):
        return number.replace(",", "")
    start = match.start()
    if start and _NOT_BEFORE_K.match(match.string, start - 1):
        return number.replace(",", "")  # 'x1,500k' is a code, not a number of thousands
    return str(int(float(number.replace(",", "").rstrip("k").rstrip()) * 1000))


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


def _apply_japanese_phrases(text: str) -> str:
    """Rewrite Japanese synonyms and intent phrases to their canonical token, longest first.

    Japanese phrases match anywhere, as Japanese has no spaces ("nkの兵士"
    still finds 兵士). One regular expression built as a trie, because this
    runs over every text of every fact when the index is built. English
    phrases are matched word by word in `tokens_many` instead, which is faster
    than scanning every character for them.
    """
    table = _phrase_table()
    return table.japanese.sub(lambda match: f" {table.japanese_canonical[match.group(0)]} ", text)


@lru_cache(maxsize=65536)
def _word_token(word: str) -> str:
    """An English word's token: its stem, or the lexicon's token for it ('killing' → 'kill' → #dead); '' for stopwords."""
    stemmed = stem(word)
    if stemmed and len(word) > 3:
        return _phrase_table().english.get(stemmed, stemmed)
    return stemmed


def _trie_pattern(phrases: list[str]) -> str:
    """One regular expression matching any of `phrases`, longest first, as a trie (fast to scan)."""
    trie: dict[str, dict] = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        optional = "" in node
        if len(branches) == 1 and not optional:
            return branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if optional else "")

    return pattern(trie)


@dataclass(frozen=True)
class _PhraseTable:
    english: dict[str, str]
    """'north korea' → '#nk' (words joined by one space), and single words' stems → their token."""
    english_phrases: dict[str, str]
    """Only the phrases as written in the lexicon (no stems): 'north korea' → '#nk', 'why' → '?why'."""
    english_lengths: dict[str, tuple[int, ...]]
    """The word counts of the phrases starting with a word, longest first: 'north' → (2,)."""
    japanese: re.Pattern[str]
    """Any Japanese phrase, longest first, as a trie."""
    japanese_canonical: dict[str, str]


@lru_cache(maxsize=1)
def _phrase_table() -> _PhraseTable:
    lexicon = _lexicon()
    english: dict[str, str] = {}
    phrases: dict[str, str] = {}
    japanese: dict[str, str] = {}
    for token, variants in lexicon["intents"].items():  # type: ignore[attr-defined]
        for variant in variants:
            _add_phrase(variant, token, english, phrases, japanese, replace=False)
    _add_table_synonyms(english, phrases, japanese)
    lengths: dict[str, set[int]] = defaultdict(set)
    for phrase in phrases:
        lengths[phrase.split()[0]].add(len(phrase.split()))
    return _PhraseTable(
        english=english,
        english_phrases=phrases,
        english_lengths={word: tuple(sorted(counts, reverse=True)) for word, counts in lengths.items()},
        japanese=re.compile(_trie_pattern(list(japanese))),
        japanese_canonical=japanese,
    )


def _add_phrase(
    variant: str, token: str, english: dict[str, str], phrases: dict[str, str], japanese: dict[str, str], replace: bool
) -> None:
    """Make `variant` stand for `token`; an earlier meaning is kept unless `replace`."""
    phrase = " ".join(_clean(variant).split())
    if not phrase:
        return
    put = dict.__setitem__ if replace else dict.setdefault
    if phrase.isascii():
        words_ = phrase.split()
        put(english, phrase, token)
        put(phrases, phrase, token)
        if len(words_) == 1 and words_[0] not in _stopwords():
            put(english, stem(words_[0]), token)
    else:
        put(japanese, phrase.replace(" ", ""), token)


# -- synonym groups from the fact table ------------------------------------------------------------
#
# The matcher's interface is `Matcher.set_synonyms(groups)`; today's normaliser
# is module-wide, so the matcher makes its groups the active ones here before
# it tokenizes (`use_synonyms`). Each group's terms all become one token, `#=`
# and the group's smallest term. A group whose first term is written with a
# capital letter ("North Korea = DPRK = 北朝鮮") names someone or somewhere: its
# token is an entity (see `entities`). A term written `~casualty` is no
# spelling of the group: it says the group is close in meaning to the group
# that has "casualty" (see `related`).

_table_synonyms: tuple[tuple[str, ...], ...] = ()
_table_entities: set[str] = set()
_table_related: dict[str, set[str]] = {}


def use_synonyms(groups: tuple[tuple[str, ...], ...]) -> bool:
    """Make `groups` (each a tuple of terms meaning the same) the table's synonyms; True if that changed them."""
    global _table_synonyms
    if groups is _table_synonyms or groups == _table_synonyms:
        return False
    _table_synonyms = groups
    _phrase_table.cache_clear()
    _word_token.cache_clear()
    lexicon_words.cache_clear()
    entities.cache_clear()
    related.cache_clear()
    _PIECE_TOKENS.clear()
    return True


def _add_table_synonyms(english: dict[str, str], phrases: dict[str, str], japanese: dict[str, str]) -> None:
    """Extend the lexicon's question words with the table's groups (never replacing one such as 'how many')."""
    _table_entities.clear()
    _table_related.clear()
    marks: list[tuple[str, str]] = []
    for group in _table_synonyms:
        spellings = [term for term in group if not is_related_mark(term)]
        cleaned = [" ".join(_clean(term).split()) for term in spellings]
        cleaned = [phrase for phrase in cleaned if phrase]
        if len(cleaned) < 2:
            continue
        known = [_known_token(phrase, english, phrases, japanese) for phrase in cleaned]
        token = next((found for found in known if found.startswith("#")), "#=" + min(cleaned).replace(" ", "-"))
        for phrase, found in zip(cleaned, known):
            if not found.startswith("?"):
                _add_phrase(phrase, token, english, phrases, japanese, replace=True)
        if _is_name(spellings[0]):
            _table_entities.add(token)
        marks += [(token, term.lstrip()[1:]) for term in group if is_related_mark(term)]
    for token, term in marks:
        other = _known_token(" ".join(_clean(term).split()), english, phrases, japanese)
        if other.startswith("#") and other != token:
            _table_related.setdefault(token, set()).add(other)


def _known_token(phrase: str, english: dict[str, str], phrases: dict[str, str], japanese: dict[str, str]) -> str:
    """The token `phrase` already stands for ('' if none)."""
    if not phrase:
        return ""
    if phrase.isascii():
        return phrases.get(phrase) or english.get(stem(phrase)) or ""
    return japanese.get(phrase.replace(" ", ""), "")


def _is_name(term: str) -> bool:
    """'North Korea', 'DPRK', 'Putin': written with a capital letter, as English writes names."""
    return term.strip()[:1].isupper()


_PUNCTUATION = re.compile(r"[^\w\s]|_")


def _clean(text: str) -> str:
    """Folded text with punctuation turned into spaces."""
    return _PUNCTUATION.sub(" ", fold(text))


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(_lexicon()["stopwords"])  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def _irregular() -> dict[str, str]:
    return dict(_lexicon()["irregular"])  # type: ignore[call-overload]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Very light English stemming: plurals and -ed/-ing forms meet their base word ('' for stopwords)."""
    if word in _stopwords():
        return ""
    base = _irregular().get(word)
    if base is not None:
        return base
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
    joined = _SEPARATOR.join(_nfkc(text).replace("_", " ") for text in texts)
    folded = _PUNCTUATION_BUT_SEPARATOR.sub(" ", _fold_normalized(joined))
    if folded.isascii():
        pieces = folded.split()  # English only: words, numbers and "_" are all that is left
    else:
        pieces = _TOKEN.findall(_apply_japanese_phrases(folded))
    phrases = _phrase_table().english_phrases
    found: list[list[str]] = [[]]
    result = found[0]
    skip = 0
    for index, piece in enumerate(pieces):
        if skip:
            skip -= 1
            continue
        made = _PIECE_TOKENS.get(piece)
        if made is None:
            made = _piece_tokens(piece)
        if made is _NEXT_TEXT:
            result = []
            found.append(result)
        elif made.__class__ is tuple:
            result += made
        else:  # a lexicon phrase of several words may start here: the longest one that does wins
            for length in made:
                phrase = " ".join(pieces[index : index + length])
                if phrase in phrases:
                    result.append(intern(phrases[phrase]))
                    skip = length - 1
                    break
            else:
                result += _word_tokens(piece)
    owners = entities()
    if owners:
        for result in found:
            if not owners.isdisjoint(result):
                result += _whose(result, owners)
    return found


_NEXT_TEXT = ("_",)
_PIECE_TOKENS: dict[str, tuple[str, ...] | list[int]] = {}
"""What each piece found in text stands for, remembered: most words and runs recur across facts."""


def _piece_tokens(piece: str) -> tuple[str, ...] | list[int]:
    """The tokens of one piece of text, or the word counts of the phrases that may start with it."""
    first = piece[0]
    if first == "_":
        made: tuple[str, ...] | list[int] = _NEXT_TEXT
    elif first == "?" or first == "#":
        made = (intern(piece),)  # one copy of "#nk" however many facts say it (memory)
    elif first <= "z":
        lengths = _phrase_table().english_lengths.get(piece, ())
        if lengths == (1,):
            made = (intern(_phrase_table().english_phrases[piece]),)
        elif lengths:
            made = list(lengths)
        else:
            made = _word_tokens(piece)
    else:
        made = _bigrams(piece)
    if len(_PIECE_TOKENS) > 200_000:
        _PIECE_TOKENS.clear()  # a bound on memory; the common pieces come back at once
    _PIECE_TOKENS[piece] = made
    return made


def _word_tokens(word: str) -> tuple[str, ...]:
    token = _word_token(word)
    return (token,) if token else ()


_SEPARATOR = " _ "
_PUNCTUATION_BUT_SEPARATOR = re.compile(r"[^\w\s]")
_TOKEN = re.compile(r"[a-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff々〆]+|[\u3041-\u309f]+|[\u30a0-\u30ffー]+|[?#]\S+|_")
"""An English word or number, a run of kanji, hiragana or katakana, a canonical token from the
lexicon, or the separator between texts."""


def _whose(found: list[str], known: frozenset[str]) -> list[str]:
    """`@#=ukraine:#=army` for 'Ukrainian soldiers' / ウクライナ兵: an entity right before a word says whose it is.

    Ukrainian soldiers are not North Korean soldiers. The word is the next content
    token (stopwords are gone), unless that is another name, a number or grammar.
    """
    whose = []
    for owner, word in zip(found, found[1:]):  # a plain loop, no comprehension's frame: it runs for most texts
        if owner in known and word not in known and _ownable(word):
            whose.append(f"@{owner}:{word}")
    return whose


def _ownable(token: str) -> bool:
    """A content word that can belong to someone: not a marker, number or hiragana grammar."""
    return token[0] not in "?@_" and not token.isdigit() and not is_grammar(token)


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
    """Every English word the lexicon and the table's synonyms know (they are never taken for typos)."""
    lexicon = _lexicon()
    phrases = [p for variants in lexicon["intents"].values() for p in variants]  # type: ignore[attr-defined]
    phrases += [term for group in _table_synonyms for term in group if not is_related_mark(term)]
    return frozenset(word for phrase in [*phrases, *lexicon["stopwords"]] for word in words(phrase))  # type: ignore[misc]


@lru_cache(maxsize=1)
def grammar_words() -> frozenset[str]:
    """The English words of the lexicon's question words and stopwords: the language, not any topic."""
    lexicon = _lexicon()
    phrases = [p for variants in lexicon["intents"].values() for p in variants]  # type: ignore[attr-defined]
    return frozenset(word for phrase in [*phrases, *lexicon["stopwords"]] for word in words(phrase))  # type: ignore[misc]


@lru_cache(maxsize=1)
def entities() -> frozenset[str]:
    """Tokens naming who a question is about: the table's synonym groups headed by a name (countries, leaders)."""
    _phrase_table()  # made with the table's groups, it knows which of them are names
    return frozenset(_table_entities)


@lru_cache(maxsize=1)
def intent_tokens() -> frozenset[str]:
    """The lexicon's intent tokens (`?count`, `?why`): they mark what kind of answer is wanted, not a topic."""
    return frozenset(_lexicon()["intents"])  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def related() -> dict[str, frozenset[str]]:
    """Tokens close in meaning to a token (the dead → casualties), for partial credit: the table's `~` marks."""
    _phrase_table()  # made with the table's groups, it knows their marks
    return {token: frozenset(others) for token, others in _table_related.items()}


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


def compacts(texts: Sequence[str]) -> list[str]:
    """`compact` of each text, folded in one pass over all of them (indexing a table's phrasings)."""
    if any(len(text) > MAX_QUESTION_CHARS for text in texts):
        return [compact(text) for text in texts]
    joined = _SEPARATOR.join(_nfkc(text).replace("_", " ") for text in texts)
    parts = _fold_normalized(joined).split(_SEPARATOR)
    if len(parts) != len(texts):  # cannot happen ("_" is replaced first); the slow way to be sure
        return [compact(text) for text in texts]
    return [_NOT_ALNUM.sub("", part) for part in parts]
