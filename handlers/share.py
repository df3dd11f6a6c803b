"""Links to a fact: `t.me/<bot>?start=fact_<ID>` answers it as if its question had been typed."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from facts.answers import answer_linked
from facts.links import parse_fact_payload
from facts.messages import message
from handlers.context import FactbotContext, user_lang
from handlers.user import reply_answer


async def open_fact_link(update: Update, context: FactbotContext) -> None:
    """Answer `/start fact_<ID>` with that fact, its "also reported" and its buttons."""
    lang = user_lang(update)
    fact_id = parse_fact_payload(" ".join(context.args or []))
    fact = await context.in_matcher(context.matcher.fact, fact_id) if fact_id is not None else None
    if fact is None:
        await update.effective_message.reply_text(message("link_unknown", lang))
        return
    await reply_answer(update.effective_message, await context.in_matcher(answer_linked, fact, context.matcher, lang))


def register(app: Application) -> None:
    """Add the fact links; before the user handlers, whose /start without a fact shows the help."""
    app.add_handler(CommandHandler("start", open_fact_link, filters=filters.Regex(r"^/start(@\w+)?\s+fact_")))
