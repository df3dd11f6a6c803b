"""Japanese words, as a morphological analyser made for Japanese finds them.

Facts are indexed by character bigrams (facts/matching/normalizer.py), which match
Japanese against Japanese well without a dictionary. Translating a Japanese
question into English needs words instead: Sudachi (SudachiPy with its core
dictionary, installed from PyPI) cuts 北朝鮮はなぜロシアを支持しているの into
北朝鮮 / なぜ / ロシア / 支持 / して / いる / の and gives each word its
normalised dictionary form (引越し → 引っ越し, して → 為る) and its part of
speech, so particles and auxiliaries are told from content words by grammar,
not guessed from the script. The dictionary (about 70 MB, memory-mapped) is
opened on the first Japanese question that needs it, never at start.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

_CONTENT = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞"})
"""Parts of speech that say what a sentence is about; particles, auxiliaries, symbols and affixes do not."""
_DEPENDENT = "非自立可能"
"""Nouns that mostly serve grammar (こと, もの, ため, ところ): not content on their own."""
_LIGHT_VERBS = frozenset({"為る", "居る", "有る", "成る", "出来る", "呉れる", "貰う", "仕舞う", "下さる", "御座る"})
"""Verbs (in normalised form) that mostly carry grammar: して, いる, ある, なる, できる, くれる, もらう, しまう."""

def _is_content(pos: tuple[str, ...]) -> bool:
    """A content word's part of speech, but not a noun that serves grammar."""
    return pos[0] in _CONTENT and not (pos[0] == "名詞" and _DEPENDENT in pos)


_lock = threading.Lock()
MAX_CHARS = 4000
"""Sudachi refuses input over 49,149 bytes; questions are cut at 500 characters long before this."""


@lru_cache(maxsize=1)
def _dictionary() -> Any:
    from sudachipy import Dictionary

    return Dictionary(dict="core")


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from sudachipy import SplitMode

    return _dictionary().tokenizer(mode=SplitMode.C, fields={"pos", "normalized_form", "dictionary_form"})


@lru_cache(maxsize=1)
def _short_tokenizer() -> Any:
    """Sudachi's shortest units (mode A): アメリカ大統領 is アメリカ + 大統領."""
    from sudachipy import SplitMode

    return _dictionary().tokenizer(mode=SplitMode.A, fields={"pos", "normalized_form"})


@lru_cache(maxsize=4096)
def content_words(text: str, forms: bool = False) -> tuple[str, ...]:
    """The normalised forms of the content words of `text`, in order (北朝鮮, なぜ→何故, 支持, …).

    With `forms`, each word also as written and in its dictionary form (いつも beside 何時も), so
    that a word looked up in either spelling is found.
    """
    with _lock:  # one Sudachi tokenizer is not meant for two threads at once
        morphemes = _tokenizer().tokenize(text[:MAX_CHARS])
        found = []
        for morpheme in morphemes:
            if not _is_content(morpheme.part_of_speech()):
                continue
            form = morpheme.normalized_form()
            if form not in _LIGHT_VERBS:
                found.append(form)
                if forms:
                    found += (morpheme.surface(), morpheme.dictionary_form())
    return tuple(found)


def preload() -> None:
    """Open Sudachi's dictionary (about 0.05 s) now rather than on a first Japanese question."""
    content_words("辞書")


def single_word(text: str) -> str | None:
    """`text`'s normalised form if Sudachi reads it as exactly one content word, else None."""
    with _lock:
        morphemes = [m for m in _tokenizer().tokenize(text[:MAX_CHARS]) if m.part_of_speech()[0] != "補助記号"]
        if len(morphemes) != 1:
            return None
        pos = morphemes[0].part_of_speech()
        if pos[0] not in _CONTENT:
            return None
        return morphemes[0].normalized_form()


@lru_cache(maxsize=4096)
def parts(word: str) -> tuple[str, ...]:
    """The normalised forms of the shortest words `word` is made of (アメリカ大統領 → アメリカ, 大統領).

    A compound the word table does not know is often two words it does know.
    """
    with _lock:
        found = []
        for part in _short_tokenizer().tokenize(word):
            if _is_content(part.part_of_speech()):
                found.append(part.normalized_form())
    return tuple(found)
