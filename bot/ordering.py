"""Updates run concurrently across chats, one at a time within a chat.

One slow update (a big import, a reply waiting out a 429) must not hold up
everyone else, but within a chat the replies must come in the order of the
questions, and a conversation (/add, /import) must see its messages one by one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` at once, but each chat's (or user's) updates in arrival order.

    Updates are started in the order they arrive, and each first waits for its
    chat's lock (`asyncio.Lock` wakes its waiters first come, first served), only
    then for one of the concurrent slots: a chat's updates keep their order, and
    a chat with many waiting updates holds one slot, not all of them.
    """

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: dict[tuple[str, int], tuple[asyncio.Lock, int]] = {}
        """A lock per chat with updates in flight, and how many updates hold or wait for it."""

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _sequence_key(update)
        if key is None:
            await super().process_update(update, coroutine)
            return
        lock, users = self._chats.get(key, (asyncio.Lock(), 0))
        self._chats[key] = (lock, users + 1)
        try:
            async with lock:
                await super().process_update(update, coroutine)
        finally:
            lock, users = self._chats[key]
            if users == 1:
                del self._chats[key]  # no update of this chat left: forget its lock
            else:
                self._chats[key] = (lock, users - 1)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def _sequence_key(update: object) -> tuple[str, int] | None:
    """Updates with the same key are handled one after another: the chat, else the user."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return None
