"""The fact: one sourced answer to one question, in one language.

Validation lives here so that every way in (seed file, CLI import, Telegram
admin commands) rejects the same bad input with the same message.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from facts.lang import Lang, detect_lang

LIST_SEPARATOR = "|"
"""Aliases and tags are written as one string joined by ` | ` in CSV and commands."""

EDITABLE_FIELDS = (
    "question",
    "aliases",
    "answer",
    "figure",
    "source_url",
    "source_title",
    "published",
    "lang",
    "tags",
    "key",
)
MANAGED_FIELDS = ("id", "created_at", "updated_at", "created_by")
ALL_FIELDS = ("id", *EDITABLE_FIELDS, "created_at", "updated_at", "created_by")

_HTTP_URL = TypeAdapter(HttpUrl)

URL_REASON = "must be an http:// or https:// link, e.g. https://example.com/article"
DATE_REASON = "must be a date written YYYY-MM-DD, e.g. 2024-12-19"
"""Reasons the validators give; named so that translations can recognise them."""


class StrictModel(BaseModel):
    """Shared base: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class FactData(StrictModel):
    """What a person writes: the question, its answer and where the answer comes from."""

    question: str = Field(min_length=1, max_length=300)
    aliases: list[str] = Field(default_factory=list, max_length=30)
    answer: str = Field(min_length=1, max_length=2000)
    figure: str | None = Field(default=None, max_length=100)
    source_url: str = Field(max_length=2000)
    source_title: str = Field(min_length=1, max_length=200)
    published: date | None = None
    lang: Lang
    tags: list[str] = Field(default_factory=list, max_length=20)
    key: str | None = Field(
        default=None,
        max_length=100,
        description="Shared by the language versions of one fact, e.g. 'troops-sent-bbc'.",
    )

    @model_validator(mode="before")
    @classmethod
    def _default_lang_from_question(cls, data: Any) -> Any:
        """A fact without a language is in the language its question is written in."""
        if isinstance(data, dict) and not data.get("lang") and isinstance(data.get("question"), str):
            return {**data, "lang": detect_lang(data["question"])}
        return data

    @field_validator("source_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        """Accept only http(s) links, but keep the admin's exact spelling of it."""
        try:
            _HTTP_URL.validate_python(value)
        except ValidationError:
            raise ValueError(URL_REASON) from None
        return value

    @field_validator("figure", "key", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("published", mode="before")
    @classmethod
    def _date_only(cls, value: Any) -> Any:
        """Dates are written YYYY-MM-DD; a blank one means 'unknown'."""
        if value is None or isinstance(value, date):
            return value
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                raise ValueError(DATE_REASON) from None
        raise ValueError(DATE_REASON)

    @field_validator("aliases", "tags", mode="before")
    @classmethod
    def _split_joined(cls, value: Any) -> Any:
        """Accept the ` | `-joined form used by CSV files and admin commands."""
        if isinstance(value, str):
            return split_list(value)
        return value

    @field_validator("aliases", "tags")
    @classmethod
    def _clean_list(cls, values: list[str]) -> list[str]:
        """Strip, drop blanks and duplicates; a `|` inside an item would not survive CSV."""
        cleaned: list[str] = []
        for item in values:
            item = item.strip()
            if LIST_SEPARATOR in item:
                raise ValueError(f"an item may not contain '{LIST_SEPARATOR}': {item!r}")
            if len(item) > 300:
                raise ValueError("an item may be at most 300 characters long")
            if item and item not in cleaned:
                cleaned.append(item)
        return cleaned


class Fact(FactData):
    """A stored fact: the written part plus what the store manages."""

    id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    created_by: str | None = None

    def data(self) -> FactData:
        """The part a person wrote, without the store's bookkeeping."""
        return FactData.model_validate(self.model_dump(include=set(EDITABLE_FIELDS)))

    def texts(self) -> list[str]:
        """Every phrasing this fact answers: its question first, then its aliases."""
        return [self.question, *self.aliases]


def split_list(value: str) -> list[str]:
    """Split a ` | `-joined list into its items."""
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


def join_list(values: list[str]) -> str:
    """The inverse of `split_list`."""
    return f" {LIST_SEPARATOR} ".join(values)


def describe_errors(error: ValidationError) -> list[str]:
    """Turn pydantic's errors into short lines a person can act on: `field: reason`."""
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "fact"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown field"
        elif item["type"] == "missing":
            message = "required"
        lines.append(f"{where}: {message}")
    return lines
