"""Where blocking work runs, so the event loop only ever waits for Telegram.

SQLite calls can wait for another writer (up to the busy timeout) and matching
is CPU work; done on the event loop, either holds up every other chat. Store
calls run on one thread of their own, in order: the store's one SQLite
connection is never used by two threads at once. Matching runs on another
thread, under the matcher's lock, so a question never waits for a store write
(only, briefly, for the index to take in a committed change).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from facts.matching import Matcher

P = ParamSpec("P")
T = TypeVar("T")


class Workers:
    """One thread for the store, one for the matcher."""

    def __init__(self, matcher: Matcher) -> None:
        self._store = ThreadPoolExecutor(max_workers=1, thread_name_prefix="factbot-store")
        self._matcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="factbot-matcher")
        self._matcher_lock = matcher.lock

    async def store(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`call(*args, **kwargs)` on the store's thread, after the store calls before it."""
        return await asyncio.get_running_loop().run_in_executor(self._store, functools.partial(call, *args, **kwargs))

    def store_later(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> asyncio.Future[T]:
        """Queue `call` on the store's thread now, without waiting for it (the store calls after it still wait)."""
        return asyncio.get_running_loop().run_in_executor(self._store, functools.partial(call, *args, **kwargs))

    async def matcher(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`call(*args, **kwargs)` on the matcher's thread, with the index held still."""

        def locked() -> T:
            with self._matcher_lock:
                return call(*args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(self._matcher, locked)

    def shutdown(self) -> None:
        """Finish the calls already started and stop both threads."""
        self._store.shutdown(wait=True)
        self._matcher.shutdown(wait=True)
