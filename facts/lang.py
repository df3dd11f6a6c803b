"""Tell Japanese text from English text, cheaply and without a model."""

from __future__ import annotations

import re
from typing import Literal

Lang = Literal["ja", "en"]

# Hiragana, katakana (incl. half-width) and CJK ideographs: any of them means the
# writer is using Japanese, even in a sentence that also contains "NK" or "FPV".
_JAPANESE = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


def is_japanese(text: str) -> bool:
    """True when the text contains any kana or kanji."""
    return bool(_JAPANESE.search(text))


def detect_lang(text: str, default: Lang = "en") -> Lang:
    """Japanese if the text has kana/kanji, English if it has Latin letters, else `default`."""
    if is_japanese(text):
        return "ja"
    if re.search(r"[A-Za-z]", text):
        return "en"
    return default


def client_lang(language_code: str | None) -> Lang:
    """The language of a Telegram client's setting (`ja`, `ja-JP` …); English for any other or none."""
    return "ja" if (language_code or "").lower().startswith("ja") else "en"


def preferred_lang(text: str, language_code: str | None) -> Lang:
    """The language to answer in: the text's own script first, then the user's client setting."""
    client = client_lang(language_code)
    if is_japanese(text):
        return "ja"
    if re.search(r"[A-Za-z]{2,}", text):
        return "en"
    return client
