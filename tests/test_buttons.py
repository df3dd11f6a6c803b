"""Every button press is answered, even stale or forged ones, and changes nothing it should not."""

from __future__ import annotations

import pytest

from facts.store import FactStore
from tests.conftest import Chat

ADD_STEPS = ["What is the capital?", "Pyongyang.", "/skip", "https://example.org/capital", "Atlas", "/skip", "/skip",
             "/skip", "/skip"]  # no figure, date, other phrasings or other-language question; the question's language


@pytest.mark.parametrize(
    "data",
    [
        "wrong:9999999999999999999999999",
        "ask:9999999999999999999999999",
        "ask:",
        "wrong:",
        "ask:١٢",  # Arabic-Indic digits: \d would take them
        "wrong:-1",
        "del:yes:99999999999999999999999",
        "facts:99999999:1",
        "nonsense",
        "",
        "x" * 64,
    ],
)
async def test_a_forged_button_is_answered_and_changes_nothing(chat: Chat, store: FactStore, data: str) -> None:
    facts, feedback = store.all(), store.feedback()

    replies = await chat.press_data(data)

    assert [] == replies, "no apology, no message"
    assert 1 == len(chat.alerts()), "the press is answered, so the client's spinner stops"
    assert facts == store.all() and feedback == store.feedback()


async def test_not_what_i_asked_for_a_fact_that_does_not_exist_records_nothing(chat: Chat, store: FactStore) -> None:
    await chat.press_data("wrong:999999999999")

    assert ["This button has expired."] == chat.alerts()
    assert [] == store.feedback()


async def test_save_on_an_already_saved_preview_says_it_has_expired(admin: Chat, store: FactStore) -> None:
    await admin.say("/add")
    for step in ADD_STEPS[:-1]:
        await admin.say(step)
    _, preview = await admin.say(ADD_STEPS[-1])
    [saved] = await admin.press(preview, "Save")
    count = store.count()

    assert [] == await admin.press(preview, "Save")

    assert saved.text.startswith("Saved as fact #")
    assert "This preview has expired; send /add to start again." == admin.alerts()[-1]
    assert count == store.count(), "saved once, not twice"
    assert admin.api.sent("editMessageReplyMarkup"), "the used keyboard is taken off"


async def test_a_forged_save_outside_add_is_answered_and_saves_nothing(admin: Chat, chat: Chat, store: FactStore) -> None:
    count = store.count()

    assert [] == await admin.press_data("add:save")
    assert [] == await chat.press_data("add:save")

    assert ["This preview has expired; send /add to start again."] * 2 == chat.alerts()
    assert count == store.count()


async def test_language_buttons_after_skip_are_answered_and_do_not_skip_a_step(admin: Chat, store: FactStore) -> None:
    await admin.say("/add")
    for step in ADD_STEPS[:-1]:
        await admin.say(step)
    _, preview = await admin.say("/skip")  # the language step: the question's language

    assert [] == await admin.press_data("addlang:ja")
    [saved] = await admin.press(preview, "Save")

    assert "This preview has expired; send /add to start again." == admin.alerts()[0]
    assert "en" == store.get(int(saved.text.removeprefix("Saved as fact #").rstrip("."))).lang


async def test_a_language_button_from_an_earlier_draft_does_not_answer_a_later_step(admin: Chat) -> None:
    await admin.say("/add")
    [asked_answer] = await admin.say("What is the capital?")

    assert [] == await admin.press_data("addlang:ja")
    [asked_figure] = await admin.say("Pyongyang.")

    assert "answer sentence" in asked_answer.text
    assert "figure" in asked_figure.text, "the draft goes on from where it was"
    assert "This preview has expired; send /add to start again." == admin.alerts()[0]
