"""Settings from the environment (prefix FACTBOT_) or a `.env` file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"


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
        default=frozenset(), description="Comma-separated Telegram user ids allowed to curate facts."
    )

    @field_validator("admins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
            except ValueError:
                raise ValueError("FACTBOT_ADMINS must be comma-separated numeric Telegram user ids") from None
        return value

    @property
    def api_base_file_url(self) -> str:
        """Where files are downloaded from: `…/bot` becomes `…/file/bot`, as on Telegram's own server."""
        base = self.api_base_url.rstrip("/")
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base + "/file/bot"
