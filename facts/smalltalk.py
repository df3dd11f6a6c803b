"""Recognise greetings and thanks, which deserve a friendly word rather than a fact."""

from __future__ import annotations

from typing import Literal

from facts.matching import compact

SmallTalk = Literal["greeting", "thanks"]

_GREETINGS = {
    "hi", "hii", "hello", "hey", "heya", "yo", "hiya", "gm", "goodmorning", "goodafternoon", "goodevening",
    "goodnight", "morning", "howdy", "sup", "whatsup", "hellothere", "hibot", "hellobot", "start",
    "こんにちは", "こんにちわ", "こんばんは", "こんばんわ", "おはよう", "おはようございます", "やあ", "どうも",
    "はじめまして", "よろしく", "よろしくおねがいします", "もしもし", "おやすみ", "おやすみなさい", "はろー",
}
_THANKS = {
    "thanks", "thank", "thankyou", "thx", "ty", "tysm", "thanksalot", "thankyousomuch", "cheers", "great",
    "ok", "okay", "okthanks", "cool", "nice", "gotit", "understood", "perfect", "awesome", "👍",
    "ありがとう", "ありがとうございます", "ありがとうございました", "どうもありがとう", "さんきゅ", "さんきゅー",
    "了解", "りょうかい", "わかりました", "なるほど", "おけ", "おっけー", "助かりました", "たすかりました",
}


def small_talk(text: str) -> SmallTalk | None:
    """'greeting' or 'thanks' when that is all the message says, else None."""
    folded = compact(text).rstrip("!！~ー")
    if not folded:
        return "thanks" if "👍" in text else None
    for word in (folded, folded.rstrip("ww")):
        if word in _GREETINGS:
            return "greeting"
        if word in _THANKS:
            return "thanks"
    return None
