"""How a fact's tags are shown as topics to a user, in the user's language."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from facts.lang import Lang, detect_lang


@cache
def _names() -> dict[str, dict[str, str]]:
    text = resources.files("facts").joinpath("data/topic_names.json").read_text(encoding="utf-8")
    return {tag: names for tag, names in json.loads(text).items() if not tag.startswith("_")}


def topic_name(tag: str, lang: Lang) -> str | None:
    """The tag's display name in `lang`; None when it has none there (better unsaid than in the wrong language).

    A tag without a display name is its own name in the language it is written in
    ('military-aid' → 'military aid' in English; '外交' in Japanese).
    """
    named = _names().get(tag, {}).get(lang)
    if named:
        return named
    if detect_lang(tag, default="en") == lang:
        return tag.replace("-", " ").replace("_", " ")
    return None
