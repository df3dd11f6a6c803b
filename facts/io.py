"""Read and write fact files (JSON or CSV) for import, export and the bundled seed.

Reading is all-or-nothing: every row is checked and every bad row is reported
with its number and reason, so an admin can fix the file in one pass.
"""

from __future__ import annotations

import csv
import io
import json
import re
from importlib import resources
from typing import Any, Literal

from pydantic import ValidationError

from facts.model import ALL_FIELDS, Fact, FactData, describe_errors, join_list

FileFormat = Literal["json", "csv"]
MAX_REPORTED_ERRORS = 20
MAX_JSON_DEPTH = 20
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


class FactFileError(ValueError):
    """The file cannot be imported; `problems` says why, row by row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def format_from_name(filename: str) -> FileFormat | None:
    """JSON or CSV by the file's extension; None when the name does not say."""
    name = filename.lower()
    if name.endswith(".json"):
        return "json"
    if name.endswith(".csv"):
        return "csv"
    return None


def guess_format(filename: str, content: bytes = b"") -> FileFormat:
    """JSON or CSV, from the file name, else from the first character."""
    by_name = format_from_name(filename)
    if by_name is not None:
        return by_name
    return "json" if content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{") else "csv"


def read_facts(content: bytes, file_format: FileFormat) -> list[Fact]:
    """Parse and validate a whole file.

    :raises FactFileError: listing every bad row (up to 20) when any row is bad.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FactFileError(["the file is not UTF-8 text"]) from None
    rows = _json_rows(text) if file_format == "json" else _csv_rows(text)
    if not rows:
        raise FactFileError(["the file has no facts in it"])
    facts: list[Fact] = []
    problems: list[str] = []
    seen_ids: dict[int, int] = {}
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            problems.append(f"row {number}: not an object with fact fields")
            continue
        try:
            fact = Fact.model_validate(row)
        except ValidationError as error:
            problems.extend(f"row {number}: {line}" for line in describe_errors(error))
            continue
        if fact.id is not None:
            if fact.id in seen_ids:
                problems.append(f"row {number}: id {fact.id} is also used in row {seen_ids[fact.id]}")
                continue
            seen_ids[fact.id] = number
        facts.append(fact)
    if problems:
        extra = len(problems) - MAX_REPORTED_ERRORS
        shown = problems[:MAX_REPORTED_ERRORS] + ([f"… and {extra} more"] if extra > 0 else [])
        raise FactFileError(shown)
    return facts


def _json_rows(text: str) -> list[Any]:
    check_json_depth(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FactFileError([f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"]) from None
    except RecursionError:  # deeper than the check counts (it cannot see every malformed file)
        raise FactFileError([f"JSON nested too deeply (more than {MAX_JSON_DEPTH} levels)"]) from None
    if isinstance(data, dict) and isinstance(data.get("facts"), list):
        data = data["facts"]
    if not isinstance(data, list):
        raise FactFileError(["JSON must be a list of facts"])
    return data


def check_json_depth(text: str, limit: int | None = None) -> None:
    """Refuse JSON nested deeper than a fact file ever is, before parsing it.

    Python's JSON parser recurses once per level, so `[[[[…]]]]` a few thousand
    deep raises RecursionError; a fact file needs 4 levels (object, list, fact, list).

    :raises FactFileError: if brackets outside strings nest deeper than `limit`.
    """
    limit = MAX_JSON_DEPTH if limit is None else limit
    depth = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            raise FactFileError([f"JSON nested too deeply (more than {limit} levels)"])


def _csv_rows(text: str) -> list[dict[str, Any]]:
    try:
        # strict: a quote left open is an error, not a field that swallows the rest of the file
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = reader.fieldnames or []
        rows = list(reader)
    except csv.Error as error:
        raise FactFileError([f"not valid CSV ({error})"]) from None
    delimiter = _other_delimiter(header)
    if delimiter is not None:
        raise FactFileError([f"columns must be separated by commas; this file uses {delimiter}"])
    unknown = [name for name in header if name not in ALL_FIELDS]
    if unknown:
        raise FactFileError([f"unknown column(s): {', '.join(unknown)}; expected: {', '.join(ALL_FIELDS)}"])
    cleaned = []
    for row in rows:
        if None in row:  # more cells than columns
            cleaned.append({**{k: v for k, v in row.items() if k is not None}, "extra cells": row[None]})
            continue
        # An empty cell means "not given", so optional fields take their defaults.
        cleaned.append({name: value for name, value in row.items() if value not in ("", None)})
    return cleaned


def _other_delimiter(header: list[str]) -> str | None:
    """The separator of a header read as one column, when it is not a comma (e.g. a spreadsheet's ';')."""
    if len(header) != 1:
        return None
    for delimiter, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "'|'")):
        if delimiter in header[0] and any(part.strip() in ALL_FIELDS for part in header[0].split(delimiter)):
            return name
    return None


def write_facts(facts: list[Fact], file_format: FileFormat) -> str:
    """The whole table as JSON or CSV, in the shape `read_facts` accepts unchanged."""
    rows = [fact.model_dump(mode="json") for fact in facts]
    if file_format == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(ALL_FIELDS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        row["aliases"] = join_list(row["aliases"])
        row["tags"] = join_list(row["tags"])
        writer.writerow({name: "" if row[name] is None else row[name] for name in ALL_FIELDS})
    return out.getvalue()


def bundled_seed() -> list[FactData]:
    """The sourced facts shipped with the bot (from the article in the seed folder)."""
    content = resources.files("facts").joinpath("data/seed_facts.json").read_bytes()
    return [fact.data() for fact in read_facts(content, "json")]
