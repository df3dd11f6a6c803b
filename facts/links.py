"""Links that open the bot on one fact: `t.me/<bot>?start=fact_<ID>`, i.e. `/start fact_<ID>`.

Telegram passes what follows `?start=` to the bot as the argument of /start
(at most 64 characters of A-Z, a-z, 0-9, _ and -).
"""

from __future__ import annotations

import re

FACT_PAYLOAD = re.compile(r"^fact_([1-9]\d{0,11})$")
MAX_INLINE_QUERY = 256
"""Telegram's limit on the text a Share button puts into the inline query."""


def fact_payload(fact_id: int) -> str:
    return f"fact_{fact_id}"


def parse_fact_payload(payload: str) -> int | None:
    """The fact id in a `/start` argument, or None if it is not a fact link."""
    found = FACT_PAYLOAD.match(payload.strip())
    return int(found.group(1)) if found else None


def fact_link(bot_username: str, fact_id: int) -> str:
    """The t.me link that opens a chat with the bot answering this fact."""
    return f"https://t.me/{bot_username}?start={fact_payload(fact_id)}"


def share_query(question: str) -> str:
    """The inline query a Share button starts: the fact's question, cut to what Telegram takes."""
    question = " ".join(question.split())
    return question if len(question) <= MAX_INLINE_QUERY else question[: MAX_INLINE_QUERY - 1] + "…"
