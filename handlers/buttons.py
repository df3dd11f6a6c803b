"""Button presses: callback data parsed strictly, and an answer for every press.

Callback data comes back from the client, so anyone can forge it: ids are
plain ASCII digits of a bounded length (SQLite integers are 64-bit), and a
press that no handler takes (a stale preview, a list from before a restart,
forged data) is still answered, so the client's spinner never hangs.
"""

from __future__ import annotations

import logging
import re

from telegram import CallbackQuery, Update
from telegram.error import BadRequest
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler, TypeHandler

from facts.messages import message
from handlers.context import FactbotContext, user_lang

log = logging.getLogger(__name__)

ID = "[0-9]{1,12}"
"""A fact id in callback data: ASCII digits only (`\\d` also takes other scripts' digits), as /fact IDs are."""

PREVIEW_PREFIX = "add"
"""The /add buttons (`add:save`, `add:cancel`, `addlang:…`): an unhandled press means the preview is gone."""


def id_pattern(prefix: str) -> str:
    """The pattern of `prefix` followed by one fact id, e.g. `^ask:([0-9]{1,12})$`."""
    return rf"^{re.escape(prefix)}({ID})$"


def callback_id(data: str | None, prefix: str) -> int:
    """The id in callback data that matched `id_pattern(prefix)`."""
    return int((data or "").removeprefix(prefix))


async def remove_keyboard(query: CallbackQuery) -> None:
    """Take the buttons off a message whose buttons are used up.

    Telegram refuses when the buttons are already gone or the message is too old
    to edit; either way there is nothing left to press, so that is not an error.
    """
    if query.message is None:
        return
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest as error:
        log.debug("could not remove a keyboard: %s", error)


async def expired_button(update: Update, context: FactbotContext) -> None:
    """Answer a press no handler took: its preview, list or conversation is over."""
    query = update.callback_query
    lang = user_lang(update)
    name = "preview_expired" if (query.data or "").startswith(PREVIEW_PREFIX) else "button_expired"
    await query.answer(message(name, lang), show_alert=True)
    await remove_keyboard(query)


async def refuse_empty_press(update: Update, context: FactbotContext) -> None:
    """A press without data (Telegram never sends one; a forger can) is answered and goes no further.

    PTB hands a press without data to every pattern-matching CallbackQueryHandler.
    """
    if update.callback_query is not None and not update.callback_query.data:
        await expired_button(update, context)
        raise ApplicationHandlerStop


def register_guard(app: Application) -> None:
    """Stop presses without data before any other handler. Register it first."""
    app.add_handler(TypeHandler(Update, refuse_empty_press), group=-1)


def register_fallback(app: Application) -> None:
    """Answer every button press nobody else took. Register it last."""
    app.add_handler(CallbackQueryHandler(expired_button))
