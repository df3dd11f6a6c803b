"""Inline mode: `@bot how many soldiers` in any chat lists facts as cards; choosing one posts it.

Turn it on with @BotFather's /setinline (see the README).
"""

from __future__ import annotations

from datetime import timedelta

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import Application, InlineQueryHandler

from facts.inline import MAX_RESULTS, Card, inline_cards
from facts.lang import preferred_lang
from facts.questions_log import utc_now
from facts.render import answer_html
from handlers.context import FactbotContext
from handlers.user import NO_PREVIEW, share_button

CACHE_SECONDS = 10
"""Short: an admin's edit should reach inline results within seconds."""
POPULAR_DAYS = 30


async def answer_inline_query(update: Update, context: FactbotContext) -> None:
    """List up to five fact cards for what was typed after the bot's name."""
    query = update.inline_query
    lang = preferred_lang(query.query, query.from_user.language_code if query.from_user else None)
    most_asked = (
        await context.in_store(context.store.most_asked_facts, utc_now() - timedelta(days=POPULAR_DAYS), MAX_RESULTS)
        if not query.query.strip()
        else []
    )
    cards = await context.in_matcher(inline_cards, query.query, context.matcher, most_asked, lang)
    # is_personal: the language (and so the cards) can follow the asker's Telegram setting.
    await query.answer([_result(card) for card in cards], cache_time=CACHE_SECONDS, is_personal=True)


def _result(card: Card) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=str(card.fact.id),
        title=card.title,
        description=card.description,
        input_message_content=InputTextMessageContent(
            answer_html(card.answer), parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
        ),
        reply_markup=InlineKeyboardMarkup.from_button(share_button(card.fact, card.answer.lang)),
    )


def register(app: Application) -> None:
    """Add the inline query handler."""
    app.add_handler(InlineQueryHandler(answer_inline_query))
