"""Connect to Telegram and serve updates, by long polling or through a webhook."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "inline_query"]
MAX_RETRY_DELAY = 60.0
"""Longest wait between two tries to reach Telegram at startup, in seconds."""


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts updates (`url`) and where the bot's own server listens for them."""

    url: str
    listen: str = "127.0.0.1"
    port: int = 8443
    secret_token: str | None = None

    @property
    def path(self) -> str:
        """The local path the server answers on: the public URL's path, so a proxy can pass it through."""
        return urlsplit(self.url).path.lstrip("/")


async def connect(app: Application, api_base_url: str) -> None:
    """Initialise the bot, waiting with growing pauses while Telegram cannot be reached.

    A service restarted on every failure would crash-loop during a network outage;
    this logs one line per try instead and carries on when Telegram answers.

    :raises InvalidToken: Telegram refused the token (retrying cannot help).
    """
    host = urlsplit(api_base_url).netloc
    delay = 1.0
    while True:
        try:
            await app.initialize()
            return
        except InvalidToken:
            raise
        except NetworkError as error:  # also TimedOut
            log.warning("cannot reach Telegram at %s (%s); trying again in %.0f s", host, error, delay)
        await asyncio.sleep(delay)
        delay = min(delay * 2, MAX_RETRY_DELAY)


def serve(app: Application, webhook: Webhook | None = None) -> None:
    """Serve until SIGINT/SIGTERM, then finish the updates in hand and stop.

    PTB's `run_*` answer the stop signals by stopping the update source first
    and then letting the application finish what it is handling, so an answer
    being computed or sent when systemd stops the service is still delivered.
    """
    if webhook is None:
        app.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1)
        return
    app.run_webhook(
        listen=webhook.listen,
        port=webhook.port,
        url_path=webhook.path,
        webhook_url=webhook.url,
        secret_token=webhook.secret_token,
        allowed_updates=ALLOWED_UPDATES,
        bootstrap_retries=-1,
    )
