"""What everyone can do: ask questions, press suggestions, read /help."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from facts.answers import Answer, answer_fact, answer_question, overview
from facts.lang import Lang
from facts.links import share_query
from facts.model import Fact
from facts.messages import message
from facts.render import answer_html, overview_html
from facts.store import StoreBusy
from handlers.buttons import callback_id, expired_button, id_pattern
from handlers.context import FactbotContext, user_lang
from handlers.workers import Workers

log = logging.getLogger(__name__)

USER_COMMANDS = {
    "start": {"en": "What I know and how to ask", "ja": "このボットについて"},
    "help": {"en": "What I know and how to ask", "ja": "使い方と質問の例"},
    "ask": {"en": "Ask a question (in groups): /ask how many soldiers?", "ja": "質問する（グループ用）: /ask 何人？"},
}

ASK_PREFIX = "ask:"
NOT_WHAT_I_ASKED_PREFIX = "wrong:"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def command_menu(lang: Lang, commands: dict[str, dict[str, str]] = USER_COMMANDS) -> list[BotCommand]:
    """The command menu entries for `lang`."""
    return [BotCommand(name, texts[lang]) for name, texts in commands.items()]


async def send_help(update: Update, context: FactbotContext) -> None:
    """Say what the bot knows about, with example questions, in the user's language."""
    lang = user_lang(update)
    commands = [f"/{name} — {texts[lang]}" for name, texts in USER_COMMANDS.items() if name != "start"]
    await update.effective_message.reply_html(
        overview_html(await context.in_matcher(overview, context.matcher, lang), lang, commands), link_preview_options=NO_PREVIEW
    )


async def answer_text_question(update: Update, context: FactbotContext) -> None:
    """Answer a text message as a question."""
    message_ = update.effective_message
    question = _strip_mention(message_.text or "", context.bot.username)
    answer = await context.in_matcher(answer_question, question, context.matcher, user_lang(update, question))
    await reply_answer(message_, answer)
    _log(update, context, answer)


async def ask_command(update: Update, context: FactbotContext) -> None:
    """Answer `/ask QUESTION`, the way to ask in a group without mentioning the bot."""
    question = " ".join(context.args or [])
    lang = user_lang(update, question)
    if not question.strip():
        await send_help(update, context)
        return
    answer = await context.in_matcher(answer_question, question, context.matcher, lang)
    await reply_answer(update.effective_message, answer)
    _log(update, context, answer)


async def answer_suggestion(update: Update, context: FactbotContext) -> None:
    """Answer the suggested question the user pressed."""
    query = update.callback_query
    fact = await context.in_matcher(context.matcher.fact, callback_id(query.data, ASK_PREFIX))
    if not isinstance(query.message, Message):  # too old for Telegram to show us: nowhere to answer
        await expired_button(update, context)
        return
    lang = user_lang(update, query.message.text or "")
    if fact is None:
        await query.answer(message("fact_gone", lang), show_alert=True)
        return
    await query.answer()
    await reply_answer(query.message, await context.in_matcher(answer_fact, fact, context.matcher, lang))


async def ask_for_text(update: Update, context: FactbotContext) -> None:
    """Tell someone who sent a sticker, photo or voice note to type the question."""
    await update.effective_message.reply_text(message("not_text", user_lang(update)))


async def unknown_command(update: Update, context: FactbotContext) -> None:
    """Point at /help for commands the bot does not have."""
    await update.effective_message.reply_text(message("unknown_command", user_lang(update)))


def _log(update: Update, context: FactbotContext, answer: Answer) -> None:
    """Queue the answered question for the questions log (which hashes the user and may drop the text).

    The answer is already sent, and the chat's next question must not wait for
    this write (a CLI import may hold the table for seconds): it is queued on the
    store's thread, and a table too busy to take it loses the row, not an answer.
    """
    user = update.effective_user
    chat = update.effective_chat
    workers: Workers = context.bot_data["workers"]
    written = workers.store_later(
        context.questions.record, answer, user.id if user else None, chat.type if chat else "unknown"
    )
    written.add_done_callback(_log_failure)


def _log_failure(written: asyncio.Future[object]) -> None:
    error = None if written.cancelled() else written.exception()
    if isinstance(error, StoreBusy):
        log.warning("questions log: the table was busy; one question not logged")
    elif error is not None:
        log.error("questions log: a question was not logged", exc_info=error)


async def reply_answer(to: Message, answer: Answer) -> None:
    """Send an answer as HTML with its buttons, quoting the question it answers."""
    await to.reply_html(
        answer_html(answer),
        reply_markup=_keyboard(answer),
        link_preview_options=NO_PREVIEW,
        do_quote=True,  # the quoted question is what "not what I asked" reports
    )


def _keyboard(answer: Answer) -> InlineKeyboardMarkup | None:
    """Suggestion buttons when there is no answer; a 'not what I asked' button under an answer."""
    if answer.kind == "unknown" and answer.suggestions:
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(_button_text(fact.question), callback_data=f"{ASK_PREFIX}{fact.id}")]
                for fact in answer.suggestions
            ]
        )
    if answer.kind == "fact" and answer.fact is not None:
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        message("not_what_i_asked", answer.lang),
                        callback_data=f"{NOT_WHAT_I_ASKED_PREFIX}{answer.fact.id}",
                    ),
                    share_button(answer.fact, answer.lang),
                ]
            ]
        )
    return None


def share_button(fact: Fact, lang: Lang) -> InlineKeyboardButton:
    """**Share**: pick a chat, and the bot's inline mode offers this fact there."""
    return InlineKeyboardButton(message("share", lang), switch_inline_query=share_query(fact.question))


async def record_wrong_answer(update: Update, context: FactbotContext) -> None:
    """Keep 'not what I asked' for the admins: the question asked and the fact shown."""
    query = update.callback_query
    fact_id = callback_id(query.data, NOT_WHAT_I_ASKED_PREFIX)
    fact = await context.in_matcher(context.matcher.fact, fact_id)
    if fact is None:  # forged, or the fact was deleted since
        await expired_button(update, context)
        return
    answered = query.message.reply_to_message if query.message else None
    question = asked_text(answered.text or answered.caption or "", context.bot.username) if answered else ""
    lang = user_lang(update, question)
    await context.in_store(context.questions.record_feedback, update.effective_user.id, question, fact_id)
    await query.answer(message("feedback_thanks", lang))
    # the report is made: only Share stays under the answer
    await query.edit_message_reply_markup(reply_markup=InlineKeyboardMarkup.from_button(share_button(fact, lang)))


def _button_text(question: str, limit: int = 60) -> str:
    return question if len(question) <= limit else question[: limit - 1] + "…"


def asked_text(text: str, username: str | None) -> str:
    """The question in a message as the user typed it: without `/ask` or a mention.

    A `/start fact_…` link asked no question of its own, so it gives ''.
    """
    command = re.match(r"^/(\w+)(@\w+)?\s*", text)
    if command is not None:
        if command.group(1).lower() != "ask":
            return ""
        text = text[command.end() :]
    return _strip_mention(text, username)


def _strip_mention(text: str, username: str | None) -> str:
    """'@factbot how many?' → 'how many?' (the mention is how groups address the bot)."""
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
    return text.strip()


class _AddressedToBot(filters.MessageFilter):
    """In private chats every message; in groups only those that mention or reply to the bot."""

    def filter(self, message: Message) -> bool:
        if message.chat.type == "private":
            return True
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            return True
        return bool(bot.username) and f"@{bot.username}".lower() in (message.text or "").lower()


NON_TEXT = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.Document.ALL
    | filters.LOCATION
    | filters.CONTACT
    | filters.POLL
    | filters.Dice.ALL
)


def register(app: Application) -> None:
    """Add the user handlers. Order matters: commands before free text, the catch-alls last."""
    addressed = _AddressedToBot()
    app.add_handler(CommandHandler(["start", "help"], send_help))
    app.add_handler(CommandHandler("ask", ask_command))
    app.add_handler(CallbackQueryHandler(answer_suggestion, pattern=id_pattern(ASK_PREFIX)))
    app.add_handler(CallbackQueryHandler(record_wrong_answer, pattern=id_pattern(NOT_WHAT_I_ASKED_PREFIX)))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & addressed, answer_text_question))
    # Catch-alls: registered after every other module's handlers by build_application.


def register_fallbacks(app: Application) -> None:
    """Replies for input no other handler took: non-text messages and unknown commands."""
    addressed = _AddressedToBot()
    app.add_handler(MessageHandler(NON_TEXT & filters.ChatType.PRIVATE, ask_for_text))
    app.add_handler(MessageHandler(filters.COMMAND & addressed, unknown_command))
