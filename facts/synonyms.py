"""Domain synonyms: groups of terms (any language, words or phrases) that mean the same thing.

They are data in the fact table, managed by admins (`/synonym add DPRK = North
Korea`), because they belong to the stories the facts are about, not to the
language: the matcher treats every term of a group as the same word. Terms are
kept as written and compared by `term_key` (width, case and spacing folded).
Two things are read from how a group is written, so that a table needs no lists
in code: a first term with a capital letter (`North Korea = DPRK`) makes the
group a name, and a `~term` says which other group is close in meaning.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import Field, ValidationError, field_validator

from facts.lang import Lang
from facts.messages import message
from facts.model import LIST_SEPARATOR, StrictModel

MAX_TERM_CHARS = 100
MAX_TERMS = 50
TOO_FEW_REASON = "a group needs at least two different terms"
SEPARATOR_REASON = "a term may not contain '|' or '='"
LONG_REASON = f"a term may be at most {MAX_TERM_CHARS} characters long"
TERM_SEPARATOR = "="
"""`/synonym add North Korea = DPRK = 北朝鮮`."""
RELATED_MARK = "~"
"""`/synonym add dead = killed = ~casualty`: a term after `~` is no spelling of the group but a
word of another group close in meaning (asking about the dead is close to asking about casualties)."""


def is_related_mark(term: str) -> bool:
    """A `~term`: it points at another group, so it is never merged on or looked up as a spelling."""
    return term.lstrip().startswith(RELATED_MARK)


def term_key(term: str) -> str:
    """How terms are compared: full- and half-width, case and runs of spaces do not matter."""
    return " ".join(unicodedata.normalize("NFKC", term).casefold().split())


class SynonymTerms(StrictModel):
    """A group's terms as a person writes them: at least two different ones."""

    terms: list[str] = Field(max_length=MAX_TERMS)

    @field_validator("terms", mode="before")
    @classmethod
    def _distinct(cls, values: object) -> object:
        """Strip, drop blanks and repeats (compared by `term_key`), so 'DPRK = dprk' is one term."""
        if not isinstance(values, list):
            return values
        cleaned: list[str] = []
        seen: set[str] = set()
        for value in values:
            if not isinstance(value, str):
                return values  # let the type check say so
            term = " ".join(value.split())
            key = term_key(term)
            if key and key not in seen:
                seen.add(key)
                cleaned.append(term)
        return cleaned

    @field_validator("terms")
    @classmethod
    def _writable(cls, terms: list[str]) -> list[str]:
        """Two terms at least, and each must survive the command and CSV forms it is written in."""
        if len(terms) < 2:
            raise ValueError(TOO_FEW_REASON)
        for term in terms:
            if LIST_SEPARATOR in term or TERM_SEPARATOR in unicodedata.normalize("NFKC", term):
                raise ValueError(f"{SEPARATOR_REASON}: {term!r}")
            if len(term) > MAX_TERM_CHARS:
                raise ValueError(f"{LONG_REASON}: {term[:20]!r}…")
        return terms


class SynonymGroup(SynonymTerms):
    """A stored group: its terms plus what the store manages."""

    id: int
    created_at: datetime | None = None
    updated_at: datetime | None = None
    created_by: str | None = None
    updated_by: str | None = None

    def keys(self) -> set[str]:
        """Its spellings as compared (a `~term` is the group's, not a spelling: two groups may share one)."""
        return {term_key(term) for term in self.terms if not is_related_mark(term)}

    def text(self) -> str:
        """`North Korea = DPRK = 北朝鮮`, as an admin types it."""
        return f" {TERM_SEPARATOR} ".join(self.terms)


def merged_terms(groups: Sequence[Sequence[str]]) -> list[str]:
    """The terms of several groups as one, in order, each term once."""
    result: list[str] = []
    seen: set[str] = set()
    for terms in groups:
        for term in terms:
            key = term_key(term)
            if key not in seen:
                seen.add(key)
                result.append(term)
    return result


def export_order(groups: Iterable[Sequence[str]]) -> list[list[str]]:
    """Groups in a fixed order that does not depend on ids (by their terms), so exports compare equal."""
    return sorted(([*terms] for terms in groups), key=lambda terms: [term_key(term) for term in terms])


def search_groups(groups: list[SynonymGroup], text: str) -> list[SynonymGroup]:
    """The groups with a term containing `text` (any case and width); all of them for no text."""
    key = term_key(text)
    if not key:
        return list(groups)
    return [group for group in groups if any(key in term_key(term) for term in group.terms)]


def explain_terms(error: ValidationError, lang: Lang) -> str:
    """Why terms are not a valid group, in the admin's language."""
    reasons = []
    for item in error.errors():
        text = str((item.get("ctx") or {}).get("error", item["msg"]))
        if text == TOO_FEW_REASON:
            reasons.append(message("reason_too_few_terms", lang))
        elif text.startswith(SEPARATOR_REASON):
            reasons.append(message("reason_term_separator", lang) + text.removeprefix(SEPARATOR_REASON))
        elif text.startswith(LONG_REASON):
            reasons.append(message("reason_term_too_long", lang, max=MAX_TERM_CHARS) + text.removeprefix(LONG_REASON))
        elif item["type"] == "too_long":
            reasons.append(message("reason_too_many", lang, max=MAX_TERMS))
        else:
            reasons.append(str(item["msg"]).removeprefix("Value error, "))
    return "; ".join(reasons)


# -- the /synonym command ---------------------------------------------------------------------


@dataclass(frozen=True)
class SynonymCommand:
    """`/synonym add A = B …` or `/synonym delete TERM|#ID`, parsed."""

    action: Literal["add", "delete"]
    terms: tuple[str, ...] = ()
    target: str | int = ""
    """For delete: a group id, or a term to take out of its group."""


_ADD_WORDS = {"add", "追加"}
_DELETE_WORDS = {"delete", "del", "remove", "削除"}


class SynonymUsage(ValueError):
    """The command is not one of the forms `/synonym` takes."""


def parse_synonym_command(text: str) -> SynonymCommand:
    """The text after `/synonym`.

    :raises SynonymUsage: if it is not `add TERM = OTHER [= …]` or `delete TERM|#ID`.
    """
    parts = text.split(maxsplit=1)
    if len(parts) < 2:
        raise SynonymUsage(text)
    verb, rest = unicodedata.normalize("NFKC", parts[0]).casefold(), parts[1].strip()
    if verb in _ADD_WORDS:
        terms = [term.strip() for term in rest.replace("＝", TERM_SEPARATOR).split(TERM_SEPARATOR)]
        if len([term for term in terms if term]) < 2:
            raise SynonymUsage(text)
        return SynonymCommand("add", terms=tuple(terms))
    if verb in _DELETE_WORDS:
        number = unicodedata.normalize("NFKC", rest).removeprefix("#")
        if number.isascii() and number.isdigit() and len(number) <= 12:  # `#3` or `3`: a group id
            return SynonymCommand("delete", target=int(number))
        return SynonymCommand("delete", target=rest)
    raise SynonymUsage(text)
