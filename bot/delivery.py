"""Every Bot API call the bot makes goes through here: flood limits, 429s and transient failures.

PTB's `AIORateLimiter` keeps the bot under Telegram's limits (about 30 messages
a second overall, 20 a minute per group; the bot paces itself at 28, because
every 429 stops all sending for its `retry_after`: at exactly 30, timing jitter
drew up to 117 429s per 1,000 answers in bench/load.py, at 28 none, and more
answers a second got through) and, on a 429, waits the `retry_after`
Telegram asks for and tries again. On top of that, a 5xx answer, a timeout or
a dropped connection is retried with exponential backoff, long enough to ride
out a short outage (about 40 s by default), so an answer is delayed, not lost
and not turned into an apology. A 400 (the bot's own mistake) or 403 (blocked
by the user) is never retried.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]


class RetryingRateLimiter(AIORateLimiter):
    """`AIORateLimiter`, plus bounded retries with backoff for transient network and server errors."""

    def __init__(
        self,
        *,
        transient_retries: int = 8,
        first_backoff: float = 0.5,
        max_backoff: float = 8.0,
        flood_retries: int = 5,
        overall_max_rate: float = 28,
        group_max_rate: float = 20,
    ) -> None:
        """
        :param transient_retries: tries after the first on 5xx/timeouts/connection errors;
            with the default backoff, 8 retries span about 40 seconds.
        :param first_backoff: seconds before the first retry; doubled each time, up to `max_backoff`.
        :param flood_retries: how many 429s in a row one call waits out.
        :param overall_max_rate: messages a second over all chats (0: no limit, for tests); a
            little under Telegram's 30, see above.
        :param group_max_rate: messages a minute per group.
        """
        super().__init__(
            overall_max_rate=overall_max_rate, group_max_rate=group_max_rate, max_retries=flood_retries
        )
        self.transient_retries = transient_retries
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Make the call under the flood limits; retry it while the failure is transient.

        getMe is only sent at startup, where `bot.serve.connect` retries it with a
        line in the log for each try: retrying it here too would keep the
        operator waiting 40 s for the first word.
        """
        delay = self.first_backoff
        retries = 0 if endpoint == "getMe" else self.transient_retries
        for attempt in range(retries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise  # a 400 means the request itself is wrong: sending it again cannot help
            except NetworkError as error:  # 5xx, timeouts (TimedOut), refused or dropped connections
                if attempt == retries:
                    log.error("%s failed %d times, giving up: %s", endpoint, attempt + 1, error)
                    raise
                wait = delay * random.uniform(0.8, 1.2)  # spread out the retries of many chats
                log.warning("%s failed (%s); retrying in %.1f s", endpoint, error, wait)
                await asyncio.sleep(wait)
                delay = min(delay * 2, self.max_backoff)
        raise AssertionError("unreachable")
