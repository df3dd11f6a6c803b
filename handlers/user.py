"""What everyone can do: ask questions, press suggestions, read /help."""

from __future__ import annotations

import re

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from facts.answers import Answer, answer_fact, answer_question, overview
from facts.lang import Lang
from facts.messages import message
from facts.render import answer_html, overview_html
from handlers.buttons import callback_id, expired_button, id_pattern, remove_keyboard
from handlers.context import FactbotContext, user_lang

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
    await _reply(message_, answer)


async def ask_command(update: Update, context: FactbotContext) -> None:
    """Answer `/ask QUESTION`, the way to ask in a group without mentioning the bot."""
    question = " ".join(context.args or [])
    lang = user_lang(update, question)
    if not question.strip():
        await send_help(update, context)
        return
    await _reply(update.effective_message, await context.in_matcher(answer_question, question, context.matcher, lang))


async def answer_suggestion(update: Update, context: FactbotContext) -> None:
    """Answer the suggested question the user pressed."""
    query = update.callback_query
    fact = context.matcher.fact(callback_id(query.data, ASK_PREFIX))
    if not isinstance(query.message, Message):  # too old for Telegram to show us: nowhere to answer
        await expired_button(update, context)
        return
    lang = user_lang(update, query.message.text or "")
    if fact is None:
        await query.answer(message("fact_gone", lang), show_alert=True)
        return
    await query.answer()
    await _reply(query.message, await context.in_matcher(answer_fact, fact, context.matcher, lang))


async def ask_for_text(update: Update, context: FactbotContext) -> None:
    """Tell someone who sent a sticker, photo or voice note to type the question."""
    await update.effective_message.reply_text(message("not_text", user_lang(update)))


async def unknown_command(update: Update, context: FactbotContext) -> None:
    """Point at /help for commands the bot does not have."""
    await update.effective_message.reply_text(message("unknown_command", user_lang(update)))


async def _reply(to: Message, answer: Answer) -> None:
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
        return InlineKeyboardMarkup.from_button(
            InlineKeyboardButton(
                message("not_what_i_asked", answer.lang),
                callback_data=f"{NOT_WHAT_I_ASKED_PREFIX}{answer.fact.id}",
            )
        )
    return None


async def record_wrong_answer(update: Update, context: FactbotContext) -> None:
    """Keep 'not what I asked' for the admins: the question asked and the fact shown."""
    query = update.callback_query
    fact_id = callback_id(query.data, NOT_WHAT_I_ASKED_PREFIX)
    if context.matcher.fact(fact_id) is None:  # forged, or the fact was deleted since
        await expired_button(update, context)
        return
    answered = query.message.reply_to_message if query.message else None
    question = (answered.text or answered.caption or "") if answered else ""
    lang = user_lang(update, question)
    await context.in_store(context.store.record_feedback, str(update.effective_user.id), question, fact_id)
    await query.answer(message("feedback_thanks", lang))
    await remove_keyboard(query)


def _button_text(question: str, limit: int = 60) -> str:
    return question if len(question) <= limit else question[: limit - 1] + "…"


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
