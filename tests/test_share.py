"""Answers can be shared, and a link to a fact answers it as if its question had been typed."""

from __future__ import annotations

import pytest

from facts.store import FactStore
from tests.conftest import ADMIN_ID, Chat
from tests.fake_botapi import BOT_USERNAME



def fact_with(store: FactStore, figure: str):
    return next(fact for fact in store.all() if fact.figure == figure)


async def test_every_answer_has_a_share_button_with_the_facts_question(chat: Chat, store: FactStore) -> None:
    [answer] = await chat.say("how many soldiers?")

    bbc = fact_with(store, "about 11,000")
    assert ("Share", "") in answer.buttons
    assert [bbc.question] == answer.share_queries


async def test_a_fact_link_answers_exactly_as_the_typed_question(chat: Chat, store: FactStore) -> None:
    bbc = fact_with(store, "about 11,000")

    [typed] = await chat.say(bbc.question)
    [linked] = await chat.say(f"/start fact_{bbc.id}")

    assert "Also reported:" in typed.text
    assert typed.text == linked.text
    assert typed.markup == linked.markup
    assert "HTML" == linked.parse_mode


async def test_a_link_to_an_older_source_shows_that_source_first(chat: Chat, store: FactStore) -> None:
    reuters = fact_with(store, "about 10,000")

    [linked] = await chat.say(f"/start fact_{reuters.id}")

    shown, also = linked.text.split("Also reported:")
    assert shown.startswith("<b>about 10,000</b>") and ">Reuters</a>" in shown
    assert "<b>about 11,000</b>" in also


async def test_a_japanese_client_gets_the_japanese_version(chat: Chat, store: FactStore) -> None:
    bbc = fact_with(store, "about 11,000")

    [linked] = await chat.as_user(4004, language="ja").say(f"/start fact_{bbc.id}")

    assert linked.text.startswith("<b>約1万1千人</b>")
    assert ("共有", "") in linked.buttons


@pytest.mark.parametrize("payload", ["fact_99999", "fact_0", "fact_12x", "fact_"])
async def test_a_link_to_an_unknown_fact_says_so_politely(chat: Chat, store: FactStore, payload: str) -> None:
    deleted = store.all()[0]
    store.delete(deleted.id, actor="test")

    [reply] = await chat.say(f"/start {payload}")
    [gone] = await chat.say(f"/start fact_{deleted.id}")

    assert reply.text.startswith("Sorry, that link points to a fact I don't have")
    assert gone.text == reply.text


async def test_start_without_a_fact_still_shows_the_help(chat: Chat) -> None:
    [reply] = await chat.say("/start")

    assert reply.text.startswith("I answer questions with sourced facts.")


async def test_the_admin_view_of_a_fact_shows_its_link(chat: Chat, store: FactStore) -> None:
    bbc = fact_with(store, "about 11,000")

    [shown] = await chat.as_user(ADMIN_ID).say(f"/fact {bbc.id}")

    assert f"<b>link</b>: https://t.me/{BOT_USERNAME}?start=fact_{bbc.id}" in shown.text
