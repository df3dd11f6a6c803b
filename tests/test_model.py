"""A fact is validated the same way wherever it comes from."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from facts.model import Fact, FactData, describe_errors

GOOD = {
    "question": "How many soldiers?",
    "answer": "About 11,000.",
    "source_url": "https://www.bbc.com/japanese/articles/cvgpjeekzywo",
    "source_title": "BBC News Japan",
    "published": "2024-12-19",
    "lang": "en",
}


def errors(**changes: object) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        FactData.model_validate({**GOOD, **changes})
    return describe_errors(caught.value)


def test_a_good_fact_keeps_the_exact_url_and_parses_the_date() -> None:
    fact = FactData.model_validate(GOOD)

    assert GOOD["source_url"] == fact.source_url
    assert date(2024, 12, 19) == fact.published


@pytest.mark.parametrize("url", ["ftp://example.com/x", "javascript:alert(1)", "example.com", "", "http://"])
def test_only_http_links_are_sources(url: str) -> None:
    assert ["source_url: must be an http:// or https:// link, e.g. https://example.com/article"] == errors(
        source_url=url
    )


@pytest.mark.parametrize("published", ["2024-13-01", "19/12/2024", "yesterday"])
def test_dates_must_be_real_dates(published: str) -> None:
    assert ["published: must be a date written YYYY-MM-DD, e.g. 2024-12-19"] == errors(published=published)


def test_unknown_fields_are_rejected_not_dropped() -> None:
    assert ["colour: unknown field"] == errors(colour="red")


def test_missing_answer_is_named() -> None:
    data = {k: v for k, v in GOOD.items() if k != "answer"}
    with pytest.raises(ValidationError) as caught:
        FactData.model_validate(data)
    assert ["answer: required"] == describe_errors(caught.value)


def test_language_defaults_to_the_questions_language() -> None:
    data = {k: v for k, v in GOOD.items() if k != "lang"}

    assert "en" == FactData.model_validate(data).lang
    assert "ja" == FactData.model_validate({**data, "question": "何人？"}).lang


def test_lists_accept_the_pipe_joined_form_and_drop_blanks_and_repeats() -> None:
    fact = FactData.model_validate({**GOOD, "aliases": "troops | soldiers |  | troops", "tags": ["troops", " "]})

    assert ["troops", "soldiers"] == fact.aliases
    assert ["troops"] == fact.tags


def test_stored_fields_are_accepted_on_a_fact_but_not_on_fact_data() -> None:
    assert 7 == Fact.model_validate({**GOOD, "id": 7, "created_by": "seed"}).id
    assert ["id: unknown field"] == errors(id=7)
