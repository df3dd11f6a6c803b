"""The one error handler: log the traceback, apologise to the user, keep running."""

from __future__ import annotations

import logging

from telegram import Update

from facts.messages import message
from handlers.context import FactbotContext, user_lang

log = logging.getLogger(__name__)


async def apologise(update: object, context: FactbotContext) -> None:
    """Log an unexpected error with its traceback and send the user a short apology."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        await context.bot.send_message(update.effective_chat.id, message("error", user_lang(update)))
    except Exception:  # the apology itself failed (e.g. the chat is gone): nothing more to do
        log.warning("could not send the apology", exc_info=True)
