"""What admins do to the fact table, as plain data: parse their commands, search, page, explain.

No Telegram here: the admin handlers call these functions and render the
results with `facts.admin_render`. Validation is the model's own, so a fact
typed in a chat is checked exactly like one in an imported file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from pydantic import ValidationError

from facts.io import FileFormat, format_from_name
from facts.lang import Lang, detect_lang
from facts.messages import message
from facts.model import (
    ALL_FIELDS,
    DATE_REASON,
    EDITABLE_FIELDS,
    LIST_SEPARATOR,
    URL_REASON,
    Fact,
    FactData,
    join_list,
)
from facts.store import SYNONYMS, AuditEntry

PAGE_SIZE = 10
MAX_IMPORT_BYTES = 1024 * 1024
CLEAR = "-"
"""`/edit ID figure -` clears an optional field."""

T = TypeVar("T")


class CurationError(ValueError):
    """Input an admin can fix: the name of the message that says how, and its values."""

    def __init__(self, name: str, **values: object) -> None:
        super().__init__(name)
        self.name = name
        self.values = values

    def text(self, lang: Lang) -> str:
        return message(self.name, lang, **self.values)


class FieldInvalid(ValueError):
    """One field of a fact, entered on its own, is not valid; `errors` are pydantic's."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(str(error["msg"]) for error in errors))
        self.errors = errors


# -- explaining validation errors in the admin's language ---------------------------------


def explain(errors: Sequence[Any], lang: Lang) -> list[str]:
    """pydantic's errors (from `ValidationError.errors()`) as `field: reason` lines in `lang`."""
    lines = []
    for error in errors:
        where = ".".join(str(part) for part in error["loc"]) or "fact"
        lines.append(f"{where}: {_reason(error, lang)}")
    return lines


def _reason(error: dict[str, Any], lang: Lang) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return message("reason_required", lang)
    if kind == "extra_forbidden":
        return message("reason_unknown_field", lang)
    if kind == "string_too_short":
        return message("reason_empty", lang)
    if kind == "string_too_long":
        return message("reason_too_long", lang, max=ctx.get("max_length"))
    if kind == "too_long":
        return message("reason_too_many", lang, max=ctx.get("max_length"))
    if kind == "literal_error":
        return message("reason_lang", lang)
    if kind == "value_error":
        reason = str(ctx.get("error", ""))
        if reason == URL_REASON:
            return message("reason_url", lang)
        if reason == DATE_REASON:
            return message("reason_date", lang)
    return str(error["msg"]).removeprefix("Value error, ")


# -- entering a fact ----------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One question of the guided /add: which field, what to ask, and whether /skip is allowed."""

    field: str
    prompt: str
    optional: bool = False
    adds_to: str | None = None
    """The list field this step's answer is added to, instead of a field of its own."""


TRANSLATION = "translation"
"""The step asking for the question in the other language: kept as an alias, so either language finds it."""

GUIDED_STEPS = (
    Step("question", "add_ask_question"),
    Step("answer", "add_ask_answer"),
    Step("figure", "add_ask_figure", optional=True),
    Step("source_url", "add_ask_url"),
    Step("source_title", "add_ask_title"),
    Step("published", "add_ask_date", optional=True),
    Step("aliases", "add_ask_aliases", optional=True),
    Step(TRANSLATION, "add_ask_translation", optional=True, adds_to="aliases"),
    Step("lang", "add_ask_lang", optional=True),
)


def other_lang(question: str) -> Lang:
    """The language a fact's question is not written in: the one its translation step asks for."""
    return "en" if detect_lang(question) == "ja" else "ja"


def take_step(draft: dict[str, Any], step: Step, raw: str) -> None:
    """Check the answer to `step` and keep it in `draft` (added to its list for an `adds_to` step).

    :raises FieldInvalid: with the reasons, if the model rejects it.
    """
    if step.adds_to is None:
        draft[step.field] = check_field(step.field, raw)
        return
    added = check_field(step.adds_to, raw)
    draft[step.adds_to] = check_field(step.adds_to, [*draft.get(step.adds_to, []), *added])

# A valid fact to check one field against: only that field's errors are reported.
_VALID = {
    "question": "?",
    "answer": "-",
    "source_url": "https://example.org/",
    "source_title": "-",
    "lang": "en",
}


def check_field(name: str, raw: Any) -> Any:
    """The value of field `name` typed as `raw`, as the model keeps it.

    :raises FieldInvalid: with the reasons, if the model rejects it.
    """
    try:
        fact = FactData.model_validate({**_VALID, name: raw})
    except ValidationError as error:
        errors = [item for item in error.errors() if item["loc"][:1] == (name,)]
        raise FieldInvalid(errors or list(error.errors())) from None
    return getattr(fact, name)


def draft_fact(draft: dict[str, Any]) -> Fact:
    """The fact a guided /add has collected so far, as users would be shown it.

    :raises pydantic.ValidationError: if it is not a valid fact (yet).
    """
    return Fact.model_validate(draft)


def parse_add_line(text: str) -> FactData:
    """`question | answer | source_url [| figure | source_title | YYYY-MM-DD]` as a fact.

    Without a source title the link's host name stands in (``www.bbc.com`` →
    ``bbc.com``); `/edit` can change it later. The language is the question's.

    :raises CurationError: if there are not 3 to 6 parts.
    :raises pydantic.ValidationError: if the fact is not valid.
    """
    parts = [part.strip() for part in text.split(LIST_SEPARATOR)]
    if not 3 <= len(parts) <= 6:
        raise CurationError("add_usage")
    parts += [""] * (6 - len(parts))
    question, answer, url, figure, title, published = parts
    return FactData.model_validate(
        {
            "question": question,
            "answer": answer,
            "source_url": url,
            "figure": figure,
            "source_title": title or url_host(url),
            "published": published,
        }
    )


def url_host(url: str) -> str:
    """The host of a link without a leading ``www.``, the default name of a source."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        host = ""
    return host.removeprefix("www.") or "?"


@dataclass(frozen=True)
class Edit:
    """`/edit ID field value`, parsed."""

    fact_id: int
    field: str
    value: str


def parse_edit(text: str) -> Edit:
    """`ID field value` (the text after `/edit`); a value of `-` clears an optional field.

    :raises CurationError: if the shape is wrong or the field is not editable.
    """
    parts = text.split(maxsplit=2)
    usage = CurationError("edit_usage", fields=", ".join(EDITABLE_FIELDS))
    if len(parts) < 3:
        raise usage
    try:
        fact_id = parse_id(parts[0], "edit")
    except CurationError:  # the full form, not just "ID": the field and value were wrong too, or next
        raise usage from None
    name = parts[1].lower()
    if name not in EDITABLE_FIELDS:
        raise CurationError("edit_unknown_field", field=parts[1], fields=", ".join(EDITABLE_FIELDS))
    value = parts[2].strip()
    return Edit(fact_id, name, "" if value == CLEAR else value)


def parse_id(text: str, command: str) -> int:
    """A fact id as typed (`12` or `#12`).

    :raises CurationError: if it is not one.
    """
    text = text.strip().removeprefix("#")
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise CurationError("id_usage", command=command)
    return int(text)


# -- showing facts and changes ---------------------------------------------------------------


def display(value: Any) -> str:
    """A field value as an admin types it: lists ` | `-joined, dates ISO, nothing as ''."""
    if value is None:
        return ""
    if isinstance(value, list):
        return join_list(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def fact_fields(fact: Fact) -> list[tuple[str, str]]:
    """Every field of a fact with its displayed value, in file column order."""
    return [(name, display(getattr(fact, name))) for name in ALL_FIELDS]


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


def field_changes(before: Fact | None, after: Fact | None) -> list[FieldChange]:
    """The editable fields that differ between two versions of a fact (None: absent)."""
    changes = []
    for name in EDITABLE_FIELDS:
        old = display(getattr(before, name)) if before is not None else ""
        new = display(getattr(after, name)) if after is not None else ""
        if old != new:
            changes.append(FieldChange(name, old, new))
    return changes


@dataclass(frozen=True)
class HistoryItem:
    """One line of /history: who did what to which fact (or synonym group), when, and which fields changed."""

    at: datetime
    actor: str
    action: str
    fact_id: int
    question: str
    """The fact's question, or the synonym group's terms (`a = b = c`)."""
    changes: list[FieldChange]
    undone: bool
    kind: str = "fact"


def history_items(entries: list[AuditEntry]) -> list[HistoryItem]:
    """Audit entries as history lines; adds and deletes name the fact instead of listing fields."""
    items = []
    for entry in entries:
        subject = entry.after or entry.before
        both = entry.before is not None and entry.after is not None
        if entry.kind == SYNONYMS:
            title = subject.text() if subject is not None else ""
            changes = [FieldChange("terms", entry.before.text(), entry.after.text())] if both else []
        else:
            title = subject.question if subject is not None else ""
            changes = field_changes(entry.before, entry.after) if both else []
        items.append(
            HistoryItem(
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                fact_id=entry.fact_id,
                question=title,
                changes=changes,
                undone=entry.undone,
                kind=entry.kind,
            )
        )
    return items


# -- listing and searching ---------------------------------------------------------------------


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def search_facts(facts: list[Fact], text: str) -> list[Fact]:
    """The facts whose text contains every word of `text` (any case, full- or half-width)."""
    words = _folded(text).split()
    if not words:
        return list(facts)
    found = []
    for fact in facts:
        haystack = _folded(
            " ".join(
                [
                    f"#{fact.id}",
                    fact.question,
                    *fact.aliases,
                    fact.answer,
                    fact.figure or "",
                    fact.source_title,
                    fact.source_url,
                    *fact.tags,
                    fact.key or "",
                ]
            )
        )
        if all(word in haystack for word in words):
            found.append(fact)
    return found


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, its number (from 1), how many pages and items in all."""

    items: list[T]
    number: int
    pages: int
    total: int
    first: int
    """The position (from 1) of the page's first item in the whole list."""

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(items: list[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """Page `number` (from 1, clamped to the pages there are) of `items`."""
    pages = max(1, -(-len(items) // size))
    number = min(max(number, 1), pages)
    start = (number - 1) * size
    return Page(items[start : start + size], number, pages, len(items), start + 1)


# -- importing files -------------------------------------------------------------------------------


def import_format(file_name: str | None, mime_type: str | None, size: int | None) -> FileFormat:
    """The format of a document sent for /import, judged before downloading it.

    :raises CurationError: if it is too big or is not a JSON or CSV file.
    """
    if size is not None and size > MAX_IMPORT_BYTES:
        raise CurationError("import_too_big", size=_megabytes(size))
    mime = (mime_type or "").lower()
    by_name = format_from_name(file_name or "")
    if by_name == "json" or mime == "application/json":
        return "json"
    if by_name == "csv" or mime in ("text/csv", "text/comma-separated-values"):
        return "csv"
    raise CurationError("import_not_fact_file", file=file_name or mime or "?")


def check_import_size(content: bytes) -> None:
    """Refuse content over the limit (for documents that did not say their size).

    :raises CurationError: if it is too big.
    """
    if len(content) > MAX_IMPORT_BYTES:
        raise CurationError("import_too_big", size=_megabytes(len(content)))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"

