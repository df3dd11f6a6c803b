"""The one error handler: log the traceback, apologise to the user, keep running.

A busy fact table is not a bug: the writer is told to try again, without a traceback.
When Telegram itself stayed unreachable through every retry (see `bot.delivery`),
there is no apology to send either: it would fail the same way.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter

from facts.messages import message
from facts.store import StoreBusy
from handlers.context import FactbotContext, user_lang

log = logging.getLogger(__name__)


async def apologise(update: object, context: FactbotContext) -> None:
    """Log an unexpected error with its traceback and send the user a short apology."""
    busy = isinstance(context.error, StoreBusy)
    if isinstance(context.error, RetryAfter | NetworkError) and not isinstance(context.error, BadRequest):
        log.error("could not reach Telegram, even after retrying: %s", context.error)
        return
    if busy:
        log.warning("the fact table was busy; the change was refused")
    else:
        log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    text = message("store_busy" if busy else "error", user_lang(update))
    try:
        if update.callback_query is not None:
            await _answer_press(update, text)
        await context.bot.send_message(update.effective_chat.id, text)
    except Exception:  # the apology itself failed (e.g. the chat is gone): nothing more to do
        log.warning("could not send the apology", exc_info=True)


async def _answer_press(update: Update, text: str) -> None:
    """Stop the client's spinner on the pressed button (it may have been answered already)."""
    try:
        await update.callback_query.answer(text)
    except BadRequest:  # "query is too old" or already answered
        pass
