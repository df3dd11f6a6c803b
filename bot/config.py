"""Settings from the environment (prefix FACTBOT_) or a `.env` file."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"
MAX_TELEGRAM_USER_ID = 2**52 - 1
"""Telegram: user ids are positive and have at most 52 significant bits."""
_ADMIN_SEPARATORS = re.compile(r"[\s,]+")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
SECRET_TOKEN_RULE = "1-256 characters A-Z, a-z, 0-9, _ and - (Telegram's rule)"


def is_secret_token(value: str) -> bool:
    """Whether Telegram accepts `value` as a webhook secret token."""
    return _SECRET_TOKEN.fullmatch(value) is not None


def default_db_path() -> Path:
    """`$XDG_DATA_HOME/factbot/facts.db`, i.e. `~/.local/share/factbot/facts.db` by default."""
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "factbot" / "facts.db"


class Settings(BaseSettings):
    """Everything the bot can be configured with; see the README for each variable."""

    model_config = SettingsConfigDict(env_prefix="FACTBOT_", env_file=".env", extra="ignore")

    token: SecretStr | None = Field(default=None, description="The bot token from @BotFather.")
    db: Path = Field(default_factory=default_db_path, description="The SQLite file holding the facts.")
    api_base_url: str = Field(
        default=TELEGRAM_API_BASE_URL,
        description="Bot API base URL; the token is appended. Point it at a local Bot API server if you run one.",
    )
    keep_questions_days: int = Field(
        default=90,
        ge=0,
        description="Days the questions log keeps what people asked; 0 keeps no question text at all.",
    )
    admins: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(),
        description="Telegram user ids allowed to curate facts, separated by commas and/or spaces.",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="The secret Telegram sends with every webhook request (X-Telegram-Bot-Api-Secret-Token).",
    )
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR.")

    @field_validator("admins", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        """Positive Telegram user ids; '42 43' is two admins, never user 4243."""
        parts: list[object]
        if isinstance(value, str):
            parts = [part for part in _ADMIN_SEPARATORS.split(value.strip()) if part]
        elif isinstance(value, int):
            parts = [value]
        elif isinstance(value, (list, tuple, set, frozenset)):
            parts = list(value)
        else:
            return value
        ids = set()
        for part in parts:
            text = str(part)
            if isinstance(part, bool) or not re.fullmatch(r"[0-9]{1,16}", text) or not 1 <= int(text) <= MAX_TELEGRAM_USER_ID:
                raise ValueError(
                    f"{text!r} is not a Telegram user id (expected positive whole numbers up to "
                    f"{MAX_TELEGRAM_USER_ID}, separated by commas or spaces)"
                )
            ids.add(int(text))
        return frozenset(ids)

    @field_validator("db", mode="before")
    @classmethod
    def _not_empty(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise ValueError("is empty; give the path of the database file, e.g. /var/lib/factbot/facts.db")
        return value

    @field_validator("api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{value!r} is not an http(s) URL; the default is {TELEGRAM_API_BASE_URL}")
        if parts.path in ("", "/"):
            # The token is appended as is: 'https://api.telegram.org' would make the host 'api.telegram.org123456:…'.
            raise ValueError(f"{value!r} has no path; the token is appended to it, so it ends in /bot, as in {TELEGRAM_API_BASE_URL}")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_chars(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not is_secret_token(value.get_secret_value()):
            raise ValueError(f"must be {SECRET_TOKEN_RULE}")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError(f"{value!r} is not one of DEBUG, INFO, WARNING, ERROR")
        return level

    @property
    def api_base_file_url(self) -> str:
        """Where files are downloaded from: `…/bot` becomes `…/file/bot`, as on Telegram's own server."""
        base = self.api_base_url.rstrip("/")
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base + "/file/bot"
