"""In any chat, `@bot how many soldiers` lists sourced facts as cards; choosing one posts the answer."""

from __future__ import annotations

from typing import Any

from facts.store import FactStore
from tests.conftest import Chat

BBC_URL = "https://www.bbc.com/japanese/articles/cvgpjeekzywo"


def results(call) -> list[dict[str, Any]]:
    return [result if isinstance(result, dict) else result.to_dict() for result in call.params["results"]]


async def test_an_inline_query_lists_the_matching_fact_first_with_its_source_link(chat: Chat) -> None:
    answer = await chat.inline("how many soldiers")

    cards = results(answer)
    first = cards[0]
    assert 1 <= len(cards) <= 5
    assert "article" == first["type"]
    assert "about 11,000" == first["title"]
    assert first["description"].startswith("As Russia continues its invasion of Ukraine, North Korea sent about 11,000")
    assert first["description"].endswith("— BBC News Japan (2024-12-19)")
    posted = first["input_message_content"]
    assert "HTML" == posted["parse_mode"]
    assert posted["message_text"].startswith("<b>about 11,000</b>")
    assert f'Source: <a href="{BBC_URL}">BBC News Japan</a> (2024-12-19)' in posted["message_text"]
    assert "Also reported:" in posted["message_text"]
    assert len({card["id"] for card in cards}) == len(cards)
    assert int(answer.params["cache_time"]) <= 60


async def test_inline_answers_follow_the_language_of_the_query(chat: Chat) -> None:
    answer = await chat.inline("北朝鮮は何人の兵士を派遣した？")

    first = results(answer)[0]
    assert "約1万1千人" == first["title"]
    assert "出典: <a href=" in first["input_message_content"]["message_text"]


async def test_an_empty_inline_query_lists_the_most_asked_facts(chat: Chat, ) -> None:
    store: FactStore = chat.app.bot_data["store"]
    for _ in range(3):
        await chat.say("what losses have north korean troops suffered?")
    await chat.say("how many soldiers?")

    cards = results(await chat.inline(""))

    losses = next(fact for fact in store.all() if fact.figure == "about 4,000 (about 40%)")
    assert str(losses.id) == cards[0]["id"]
    assert 5 == len(cards)


async def test_a_query_the_bot_cannot_answer_lists_nothing(chat: Chat) -> None:
    answer = await chat.inline("what's the weather in Tokyo?")

    assert [] == results(answer)


async def test_fact_text_in_cards_is_escaped(chat: Chat) -> None:
    from facts.model import FactData

    chat.app.bot_data["store"].add(
        FactData(question="what does <b> & </b> mean in tags test", answer="Use <script> & friends",
                 figure="<1%", source_url="https://example.org/a?x=1&y=2", source_title="Tom & Jerry", lang="en"),
        actor="test",
    )

    [card, *_] = results(await chat.inline("what does <b> & </b> mean in tags test"))

    assert "<1%" == card["title"]
    text = card["input_message_content"]["message_text"]
    assert "<b>&lt;1%</b>\nUse &lt;script&gt; &amp; friends" in text
    assert 'href="https://example.org/a?x=1&amp;y=2">Tom &amp; Jerry</a>' in text


async def test_an_empty_inline_query_on_a_new_bot_lists_example_facts(chat: Chat) -> None:
    cards = results(await chat.inline(""))

    assert 1 <= len(cards) <= 5
    assert all(card["input_message_content"]["message_text"].count("<a href=") >= 1 for card in cards)
    assert len({card["id"] for card in cards}) == len(cards)
