"""Logging for `factbot run`: one line per event, and secrets never written.

PTB logs `Set Bot API URL: …/bot<TOKEN>` at DEBUG, httpx logs every request URL
(which holds the token) at INFO, and PTB puts the token into the text of
`InvalidToken`. So the filter sits on the root handlers, where every record of
every library passes, and rewrites the message, its arguments and any
exception text before a handler formats them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "<redacted>"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Any Bot API token in a URL path (`/bot123456:ABC…/getMe`), even one that is not ours.
_TOKEN_IN_URL = re.compile(r"bot\d{3,}(?::|%3A)[A-Za-z0-9_-]{10,}", re.IGNORECASE)


class SecretFilter(logging.Filter):
    """Replace the given secrets, and anything shaped like a bot token, with `<redacted>`."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        variants = set()
        for secret in secrets:
            if secret:
                variants.update({secret, secret.replace(":", "%3A"), secret.replace(":", "%3a")})
        # Longest first, so a secret that contains another is removed whole.
        self._secrets = sorted(variants, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return _TOKEN_IN_URL.sub("bot" + REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def setup_logging(level: str, secrets: Iterable[str]) -> SecretFilter:
    """Log to stderr at `level` with every secret redacted; returns the filter (to redact other text)."""
    secret_filter = SecretFilter(secrets)
    logging.basicConfig(format=LOG_FORMAT, level=level, force=True)
    for handler in logging.getLogger().handlers:
        handler.addFilter(secret_filter)
    logging.captureWarnings(True)  # library warnings go through the filter too, not straight to stderr
    if level != "DEBUG":
        # httpx logs every request at INFO; its URLs hold the token (redacted above
        # anyway) and a line per Bot API call says nothing an operator needs.
        logging.getLogger("httpx").setLevel(logging.WARNING)
    return secret_filter
