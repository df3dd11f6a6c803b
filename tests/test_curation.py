"""The admin commands' domain: parsing, checking, searching, paging and rendering, without Telegram."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pydantic import ValidationError

from facts.admin_render import MAX_MESSAGE_CHARS, fact_detail_html, fit, facts_page_html
from facts.curation import (
    CurationError,
    FieldInvalid,
    check_field,
    explain,
    field_changes,
    history_items,
    import_format,
    paginate,
    parse_add_line,
    parse_edit,
    parse_id,
    search_facts,
    url_host,
)
from facts.model import Fact, FactData
from facts.store import FactStore

METRO = FactData(
    question="How many stations does the Pyongyang metro have?",
    answer="16.",
    figure="16",
    source_url="https://example.org/metro",
    source_title="Metro <Guide>",
    lang="en",
    tags=["metro"],
)


def test_one_line_add_takes_three_to_six_parts() -> None:
    fact = parse_add_line("Q? | A. | https://www.bbc.com/x | about 11,000 | BBC | 2024-12-19")
    short = parse_add_line("北朝鮮は？ | 答え。 | https://www.bbc.com/x")

    assert ("about 11,000", "BBC", "2024-12-19", "en") == (
        fact.figure, fact.source_title, fact.published.isoformat(), fact.lang
    )
    assert (None, "bbc.com", None, "ja") == (short.figure, short.source_title, short.published, short.lang)
    with pytest.raises(CurationError):
        parse_add_line("Q? | A.")
    with pytest.raises(CurationError):
        parse_add_line("a | b | https://x.org | d | e | 2024-01-01 | g")


def test_one_line_add_reports_every_bad_field() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_add_line(" | A. | javascript:alert(1) | | | 2024-02-30")

    assert [
        "question: may not be empty",
        "source_url: must be an http:// or https:// link, e.g. https://example.com/article",
        "published: must be a date written YYYY-MM-DD, e.g. 2024-12-19",
    ] == explain(caught.value.errors(), "en")
    assert "published: 日付は YYYY-MM-DD の形で書いてください（例: 2024-12-19）" in explain(caught.value.errors(), "ja")


@pytest.mark.parametrize(
    "url, host", [("https://www.bbc.com/a", "bbc.com"), ("http://jp.reuters.com", "jp.reuters.com"), ("nope", "?")]
)
def test_a_source_is_named_after_its_host_by_default(url: str, host: str) -> None:
    assert host == url_host(url)


def test_one_field_is_checked_on_its_own() -> None:
    assert "2024-12-19" == check_field("published", " 2024-12-19 ").isoformat()
    assert ["a", "b"] == check_field("aliases", "a | b | a")
    assert check_field("figure", "  ") is None
    with pytest.raises(FieldInvalid) as caught:
        check_field("lang", "fr")
    assert ["lang: must be ja or en"] == explain(caught.value.errors, "en")
    with pytest.raises(FieldInvalid):
        check_field("question", "x" * 301)


def test_edit_is_id_field_value_and_dash_clears() -> None:
    edit = parse_edit("12 aliases one | two")
    cleared = parse_edit("#12 FIGURE -")

    assert (12, "aliases", "one | two") == (edit.fact_id, edit.field, edit.value)
    assert ("figure", "") == (cleared.field, cleared.value)
    for bad in ("12 figure", "x figure 1", "12 colour blue", "-1 figure 2"):
        with pytest.raises(CurationError):
            parse_edit(bad)
    with pytest.raises(CurationError) as caught:
        parse_id("１２", "fact")  # full-width digits are not an id
    assert "Usage: /fact ID (e.g. /fact 12)" == caught.value.text("en")


def test_search_needs_every_word_in_any_field_ignoring_case_and_width() -> None:
    facts = [
        Fact(id=1, **METRO.model_dump()),
        Fact(id=2, **{**METRO.model_dump(), "question": "北朝鮮の兵士は何人？", "tags": ["troops"], "lang": "ja"}),
    ]

    assert [1] == [fact.id for fact in search_facts(facts, "PYONGYANG metro")]
    assert [2] == [fact.id for fact in search_facts(facts, "兵士 ＴＲＯＯＰＳ")]
    assert [1, 2] == [fact.id for fact in search_facts(facts, "  ")]
    assert [] == search_facts(facts, "metro weather")


def test_pages_hold_ten_and_clamp() -> None:
    items = list(range(23))

    assert ([20, 21, 22], 3, 3, 21) == (
        paginate(items, 3).items, paginate(items, 3).number, paginate(items, 3).pages, paginate(items, 3).first
    )
    assert 3 == paginate(items, 99).number and 1 == paginate(items, 0).number
    assert (1, 0, False, False) == (paginate([], 1).pages, paginate([], 1).total,
                                    paginate([], 1).has_prev, paginate([], 1).has_next)


def test_import_judges_size_and_kind_before_downloading() -> None:
    assert "json" == import_format("facts.JSON", None, 10)
    assert "csv" == import_format("export", "text/csv", 10)
    with pytest.raises(CurationError) as too_big:
        import_format("facts.json", "application/json", 2 * 1024 * 1024)
    with pytest.raises(CurationError) as not_facts:
        import_format("report.pdf", "application/pdf", 10)
    assert "2.0 MB" in too_big.value.text("en")
    assert "'report.pdf' is not one" in not_facts.value.text("en")


def test_history_names_the_changed_fields(fresh_db: FactStore) -> None:
    fact = fresh_db.add(METRO, actor="tg:1")
    fresh_db.update(fact.id, {"figure": "17", "tags": "metro | transport"}, actor="tg:2")

    edit, add = history_items(fresh_db.history(fact.id))

    assert ("tg:2", "edit") == (edit.actor, edit.action)
    assert [("figure", "16", "17"), ("tags", "metro", "metro | transport")] == [
        (change.field, change.old, change.new) for change in edit.changes
    ]
    assert ("add", [], METRO.question) == (add.action, add.changes, add.question)
    assert [] == field_changes(fact, fact)


def test_rendered_admin_text_is_escaped_and_fits_a_message(fresh_db: FactStore) -> None:
    fact = fresh_db.add(METRO.model_copy(update={"answer": "<b>" * 600}), actor="tg:<1>")
    page = paginate([fact] * 10, 1)

    detail = fact_detail_html(fact, history_items(fresh_db.history(fact.id)), "en")
    listing = facts_page_html(page, "<metro>", "en")

    assert "<b>source_title</b>: Metro &lt;Guide&gt;" in detail
    assert "tg:&lt;1&gt;" in detail and "<b><b>" not in detail
    assert len(detail) < MAX_MESSAGE_CHARS
    assert listing.startswith("Facts matching '&lt;metro&gt;': 1–10 of 10 (page 1/1)\n")
    assert "— Metro &lt;Guide&gt;" in listing
    assert "line\n… and 2 more" == fit(["line", "x" * 50, "y"], "en", limit=20)


def test_two_admins_editing_one_fact_at_once_lose_nothing(tmp_path: Path) -> None:
    """Two writers (as two bot processes, or the bot and the CLI) on one database file."""
    path = tmp_path / "facts.db"
    setup = FactStore(path)
    fact = setup.add(METRO, actor="tg:1")
    stores = [FactStore(path), FactStore(path)]
    start = threading.Barrier(2)

    def edit(store: FactStore, field: str, values: list[str]) -> None:
        start.wait()
        for value in values:
            store.update(fact.id, {field: value}, actor=f"tg:{field}")

    threads = [
        threading.Thread(target=edit, args=(stores[0], "figure", [f"figure {n}" for n in range(20)])),
        threading.Thread(target=edit, args=(stores[1], "source_title", [f"title {n}" for n in range(20)])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    after = setup.get(fact.id)
    assert ("figure 19", "title 19") == (after.figure, after.source_title)
    assert 41 == len(setup.history(fact.id, limit=100))
    for store in [setup, *stores]:
        store.close()
