"""Read and write fact files (JSON or CSV) for import, export and the bundled seed.

Reading is all-or-nothing: every row is checked and every bad row is reported
with its number and reason, so an admin can fix the file in one pass.

Synonyms travel with the facts. JSON: the file is either a list of facts (the
older form, which says nothing about synonyms) or an object
`{"facts": [...], "synonyms": [["term", "term", ...], ...]}`. CSV: facts stay
one spreadsheet, and the synonyms are a second one beside it, `NAME.synonyms.csv`,
with one column `terms` holding each group ` | `-joined.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from facts.model import ALL_FIELDS, Fact, FactData, describe_errors, join_list, split_list
from facts.synonyms import SynonymTerms, export_order, is_related_mark, term_key

SYNONYMS_COLUMN = "terms"
"""The one column of a synonyms CSV: a group's terms, ` | `-joined."""
SYNONYMS_SUFFIX = ".synonyms.csv"

FileFormat = Literal["json", "csv"]
MAX_REPORTED_ERRORS = 20
MAX_JSON_DEPTH = 20

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is run as a formula by spreadsheets (OWASP: CSV injection)."""
CELL_QUOTE = "'"
"""Prefixed to such cells on export, as OWASP recommends, so spreadsheets show them as text."""


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


@dataclass(frozen=True)
class FactFile:
    """What a file holds: facts and synonym groups (either None: the file says nothing about them)."""

    facts: list[Fact] | None
    synonyms: list[list[str]] | None = None


def read_facts(content: bytes, file_format: FileFormat) -> list[Fact]:
    """The facts of a whole file (see `read_fact_file`)."""
    return read_fact_file(content, file_format).facts or []


def read_fact_file(content: bytes, file_format: FileFormat) -> FactFile:
    """Parse and validate a whole file: a fact file, or a synonyms CSV (its only column is `terms`).

    :raises FactFileError: listing every bad row (up to 20) when any row is bad.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FactFileError(["the file is not UTF-8 text"]) from None
    if file_format == "json":
        rows, synonym_rows = _json_sections(text)
    elif _csv_header(text) == [SYNONYMS_COLUMN]:
        rows, synonym_rows = None, _synonym_csv_rows(text)
    else:
        rows, synonym_rows = _csv_rows(text), None
    if not rows and not synonym_rows:
        raise FactFileError(["the file has no facts in it"])
    problems: list[str] = []
    facts = _checked_facts(rows, problems) if rows is not None else None
    synonyms = _checked_synonyms(synonym_rows, problems) if synonym_rows is not None else None
    if problems:
        extra = len(problems) - MAX_REPORTED_ERRORS
        shown = problems[:MAX_REPORTED_ERRORS] + ([f"… and {extra} more"] if extra > 0 else [])
        raise FactFileError(shown)
    return FactFile(facts, synonyms)


def _checked_facts(rows: list[Any], problems: list[str]) -> list[Fact]:
    facts: list[Fact] = []
    seen_ids: dict[int, int] = {}
    seen: dict[str, int] = {}
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
        duplicate = _duplicate(fact, number, seen)
        if duplicate:
            problems.append(duplicate)
            continue
        facts.append(fact)
    return facts


def _duplicate(fact: Fact, number: int, seen: dict[str, int]) -> str | None:
    """Why this row repeats an earlier one (same question, or same key, in the same language), if it does.

    Two such rows would become two facts competing for the same questions.
    """
    question = " ".join(fact.question.casefold().split())
    checks = [(f"question:{fact.lang}:{question}", "the same question as row {row} ({lang})")]
    if fact.key:
        checks.append((f"key:{fact.lang}:{fact.key}", "key {key} in {lang} is also used in row {row}"))
    for identity, problem in checks:
        if identity in seen:
            return f"row {number}: " + problem.format(row=seen[identity], lang=fact.lang, key=repr(fact.key))
    for identity, _ in checks:
        seen[identity] = number
    return None


def _checked_synonyms(rows: list[Any], problems: list[str]) -> list[list[str]]:
    """Each group valid, and no term in two groups (the file would not say which group it belongs to)."""
    groups: list[list[str]] = []
    owner: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        where = f"synonym group {number}"
        if not isinstance(row, list):
            problems.append(f"{where}: not a list of terms")
            continue
        try:
            terms = SynonymTerms(terms=row).terms
        except ValidationError as error:
            problems.extend(f"{where}: {line.removeprefix('terms: ')}" for line in describe_errors(error))
            continue
        spellings = [term for term in terms if not is_related_mark(term)]
        clash = next((term for term in spellings if owner.get(term_key(term), number) != number), None)
        if clash is not None:
            problems.append(f"{where}: {clash!r} is also in synonym group {owner[term_key(clash)]}")
            continue
        owner.update((term_key(term), number) for term in spellings)
        groups.append(terms)
    return groups


def _json_sections(text: str) -> tuple[list[Any] | None, list[Any] | None]:
    """The fact rows and the synonym groups of a JSON file (None for a section it does not have)."""
    too_deep = FactFileError([f"JSON nested too deeply (more than {MAX_JSON_DEPTH} levels)"])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FactFileError([f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"]) from None
    except RecursionError:  # `[[[[…]]]]` thousands deep: the parser stops safely at Python's recursion limit
        raise too_deep from None
    if _deeper_than(data, MAX_JSON_DEPTH):
        raise too_deep
    if isinstance(data, list):
        return data, None
    if not isinstance(data, dict) or not ({"facts", "synonyms"} & data.keys()):
        raise FactFileError(['JSON must be a list of facts, or {"facts": [...], "synonyms": [[...], ...]}'])
    unknown = sorted(data.keys() - {"facts", "synonyms"})
    if unknown:
        raise FactFileError([f"unknown section(s): {', '.join(unknown)}; expected: facts, synonyms"])
    facts, synonyms = data.get("facts"), data.get("synonyms")
    if facts is not None and not isinstance(facts, list):
        raise FactFileError(['"facts" must be a list of facts'])
    if synonyms is not None and not isinstance(synonyms, list):
        raise FactFileError(['"synonyms" must be a list of groups, each a list of terms'])
    return facts, synonyms


def _csv_header(text: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        return []


def _synonym_csv_rows(text: str) -> list[Any]:
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise FactFileError([f"not valid CSV ({error})"]) from None
    return [split_list(row[SYNONYMS_COLUMN] or "") if None not in row else "extra cells" for row in rows]


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether parsed JSON nests lists and objects more than `limit` deep (a fact file needs 4 levels).

    Checked on the parsed data, one level at a time: scanning the text for
    brackets outside strings took seconds for a 100,000-fact file, and a stack
    of containers 0.35 s; a level at a time takes 0.15 s.
    """
    level = [data] if type(data) is list or type(data) is dict else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        deeper: list[Any] = []
        for value in level:
            children = value.values() if type(value) is dict else value
            deeper += [child for child in children if type(child) is list or type(child) is dict]
        level = deeper
    return False


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
        cleaned.append({name: unneutralise_cell(value) for name, value in row.items() if value not in ("", None)})
    return cleaned


def write_fact_file(facts: list[Fact], synonyms: list[list[str]], file_format: FileFormat) -> str:
    """The facts and synonyms as one JSON file; for CSV only the facts (the synonyms go in `write_synonyms_csv`)."""
    if file_format == "csv":
        return write_facts(facts, "csv")
    data = {"facts": [fact.model_dump(mode="json") for fact in facts], "synonyms": export_order(synonyms)}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_synonyms_csv(synonyms: list[list[str]]) -> str:
    """The synonym groups as a CSV with one column, `terms`, each group ` | `-joined."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([SYNONYMS_COLUMN])
    writer.writerows([join_list(terms)] for terms in export_order(synonyms))
    return out.getvalue()


def synonyms_csv_path(facts_csv: Path) -> Path:
    """Where the synonyms of a facts CSV go: `facts.csv` → `facts.synonyms.csv`."""
    return facts_csv.with_name(synonyms_csv_name(facts_csv.name))


def synonyms_csv_name(facts_csv_name: str) -> str:
    stem = facts_csv_name[:-4] if facts_csv_name.lower().endswith(".csv") else facts_csv_name
    return stem + SYNONYMS_SUFFIX


def _other_delimiter(header: list[str]) -> str | None:
    """The separator of a header read as one column, when it is not a comma (e.g. a spreadsheet's ';')."""
    if len(header) != 1:
        return None
    for delimiter, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "'|'")):
        if delimiter in header[0] and any(part.strip() in ALL_FIELDS for part in header[0].split(delimiter)):
            return name
    return None


def write_facts(facts: list[Fact], file_format: FileFormat) -> str:
    """The facts alone as JSON (a list, the older form) or CSV, in the shape `read_facts` accepts unchanged."""
    rows = [fact.model_dump(mode="json") for fact in facts]
    if file_format == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(ALL_FIELDS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        row["aliases"] = join_list(row["aliases"])
        row["tags"] = join_list(row["tags"])
        writer.writerow({name: neutralise_cell("" if row[name] is None else str(row[name])) for name in ALL_FIELDS})
    return out.getvalue()


def neutralise_cell(value: str) -> str:
    """Make a CSV cell safe to open in a spreadsheet, reversibly.

    A cell starting like a formula gets a leading quote (OWASP's advice). A cell
    that already starts with a quote gets one more, so `unneutralise_cell` can
    always tell an added quote from one that was in the text.
    """
    if value.startswith(FORMULA_STARTS + (CELL_QUOTE,)):
        return CELL_QUOTE + value
    return value


def unneutralise_cell(value: str) -> str:
    """Undo `neutralise_cell`: drop the quote it added, and only that.

    A quote followed by a formula character or another quote was added on
    export; any other leading quote (`'90s`) is the text's own and is kept.
    """
    if value.startswith(CELL_QUOTE) and value[1:2] and value[1] in FORMULA_STARTS + (CELL_QUOTE,):
        return value[1:]
    return value


def bundled_seed() -> list[FactData]:
    """The sourced facts shipped with the bot (from the article in the seed folder)."""
    content = resources.files("facts").joinpath("data/seed_facts.json").read_bytes()
    return [fact.data() for fact in read_facts(content, "json")]


def bundled_seed_synonyms() -> list[list[str]]:
    """The domain synonyms of the seed article, seeded into a new database with its facts."""
    content = resources.files("facts").joinpath("data/seed_synonyms.json").read_bytes()
    groups = json.loads(content.decode("utf-8"))
    return read_fact_file(json.dumps({"synonyms": groups}).encode(), "json").synonyms or []
