"""/add: a new fact, step by step in a conversation or in one line.

Step by step, each answer is checked on its own and re-asked with the reason;
the last step shows the fact exactly as users will see it, with Save / Cancel.
/cancel at any step saves nothing.
"""

from __future__ import annotations

import warnings
from typing import Any

from pydantic import ValidationError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.error import BadRequest
from telegram.warnings import PTBUserWarning

from facts.answers import Answer
from facts.curation import (
    GUIDED_STEPS,
    CurationError,
    FieldInvalid,
    TRANSLATION,
    draft_fact,
    explain,
    other_lang,
    parse_add_line,
    take_step,
)
from facts.lang import Lang, detect_lang
from facts.messages import message
from facts.model import FactData
from facts.render import answer_html, escape, fact_html
from facts.unanswered import find_entry, open_entries, parse_action
from handlers.admin import (
    actor,
    admin_lang,
    admin_only,
    command_text,
    reply_html,
    reply_problem,
)
from handlers.buttons import expired_button, remove_keyboard
from handlers.context import FactbotContext, user_lang
from handlers.user import NO_PREVIEW

STEP, PREVIEW = range(2)
LANG_PREFIX = "addlang:"
SAVE, CANCEL = "add:save", "add:cancel"


@admin_only
async def start_add(update: Update, context: FactbotContext) -> int:
    """`/add q | a | url …` saves at once; `/add` alone starts the step-by-step conversation."""
    lang = admin_lang(update)
    line = command_text(update)
    if line:
        await _add_in_one_line(update, context, line, lang)
        return ConversationHandler.END
    context.user_data["add"] = {"step": 0, "draft": {}, "lang": lang}
    await _ask(update, context)
    return STEP


@admin_only
async def start_add_for_question(update: Update, context: FactbotContext) -> int:
    """**New fact** under an /unanswered entry: the guided /add with the question already filled in."""
    query = update.callback_query
    lang = user_lang(update)
    action = parse_action(query.data)
    entries = await context.in_store(open_entries, context.store) if action is not None else []
    entry = find_entry(entries, action.ref) if action is not None else None
    if entry is None:
        await query.answer(message("unanswered_gone", lang), show_alert=True)
        return ConversationHandler.END
    question = " ".join(entry.question.split())[:300]
    await query.answer()
    step = next(i for i, step in enumerate(GUIDED_STEPS) if step.field == "answer")
    context.user_data["add"] = {"step": step, "draft": {"question": question}, "lang": lang, "resolves": action.ref}
    await _say(update, message("add_for_question", lang, question=question))
    await _ask(update, context)
    return STEP


async def _add_in_one_line(update: Update, context: FactbotContext, line: str, lang: Lang) -> None:
    try:
        data = parse_add_line(line)
    except (CurationError, ValidationError) as error:
        await reply_problem(update, lang, error)
        if isinstance(error, ValidationError):
            await update.effective_message.reply_text(message("add_usage", lang))
        return
    fact = await context.in_store(context.store.add, data, actor(update))
    saved = escape(message("saved", lang, id=fact.id))
    await reply_html(update, f"{saved}\n\n{fact_html(fact, fact.lang)}")


async def receive_value(update: Update, context: FactbotContext) -> int:
    """Check the answer to the current step; keep it and go on, or re-ask with the reason."""
    state = context.user_data["add"]
    step = GUIDED_STEPS[state["step"]]
    raw = update.effective_message.text or ""
    if step.field == "lang":
        raw = raw.strip().lower()
    try:
        take_step(state["draft"], step, raw)
    except FieldInvalid as error:
        reason = "; ".join(explain(error.errors, state["lang"]))
        await _say(update, message("add_invalid", state["lang"], reason=reason))
        return STEP
    return await _next(update, context)


async def skip_step(update: Update, context: FactbotContext) -> int:
    """/skip an optional step (the language step takes the question's language)."""
    state = context.user_data["add"]
    step = GUIDED_STEPS[state["step"]]
    if not step.optional:
        await _say(update, message("add_cannot_skip", state["lang"]))
        await _ask(update, context)
        return STEP
    if step.field == "lang":
        state["draft"]["lang"] = detect_lang(state["draft"]["question"])
        await _remove_lang_buttons(update, context)
    return await _next(update, context)


async def _remove_lang_buttons(update: Update, context: FactbotContext) -> None:
    """Take the language buttons off screen once the language was chosen another way."""
    message_id = context.user_data["add"].pop("lang_message", None)
    if message_id is not None:
        try:
            await context.bot.edit_message_reply_markup(update.effective_chat.id, message_id, reply_markup=None)
        except BadRequest:  # already gone, or too old to edit: nothing left to press
            pass


async def choose_lang(update: Update, context: FactbotContext) -> int:
    """The fact's language, from its button (a button from an earlier step or draft has expired)."""
    query = update.callback_query
    state = context.user_data.get("add")
    if state is None or GUIDED_STEPS[state["step"]].field != "lang":
        await expired_button(update, context)
        return STEP if state is not None else ConversationHandler.END
    await query.answer()
    await remove_keyboard(query)
    state.pop("lang_message", None)
    state["draft"]["lang"] = (query.data or "").removeprefix(LANG_PREFIX)
    return await _next(update, context)


async def _next(update: Update, context: FactbotContext) -> int:
    state = context.user_data["add"]
    state["step"] += 1
    if state["step"] < len(GUIDED_STEPS):
        await _ask(update, context)
        return STEP
    fact = draft_fact(state["draft"])
    lang = state["lang"]
    buttons = InlineKeyboardMarkup.from_row(
        [
            InlineKeyboardButton(message("button_save", lang), callback_data=SAVE),
            InlineKeyboardButton(message("button_cancel", lang), callback_data=CANCEL),
        ]
    )
    await _say(update, message("add_preview", lang))
    # Exactly what a user asking this question will get.
    preview = answer_html(Answer(fact.question, fact.lang, "fact", fact=fact))
    await update.effective_chat.send_message(
        preview, parse_mode="HTML", reply_markup=buttons, link_preview_options=NO_PREVIEW
    )
    return PREVIEW


async def _ask(update: Update, context: FactbotContext) -> None:
    state = context.user_data["add"]
    step = GUIDED_STEPS[state["step"]]
    lang = state["lang"]
    if step.field == TRANSLATION:
        other = message(f"lang_{other_lang(state['draft']['question'])}", lang)
        await _say(update, message(step.prompt, lang, other=other))
        return
    if step.field != "lang":
        await _say(update, message(step.prompt, lang))
        return
    default = detect_lang(state["draft"]["question"])
    buttons = InlineKeyboardMarkup.from_row(
        [
            InlineKeyboardButton(message(f"lang_{code}", lang), callback_data=f"{LANG_PREFIX}{code}")
            for code in ("ja", "en")
        ]
    )
    asked = await update.effective_chat.send_message(
        message(step.prompt, lang, default=message(f"lang_{default}", lang)), reply_markup=buttons
    )
    state["lang_message"] = asked.message_id


async def save_draft(update: Update, context: FactbotContext) -> int:
    """Save the previewed fact."""
    query = update.callback_query
    state = context.user_data.get("add")
    if state is None:
        await expired_button(update, context)
        return ConversationHandler.END
    # The draft is dropped only once saved: if the table is busy, Save can be pressed again.
    fact = await context.in_store(context.store.add, FactData.model_validate(state["draft"]), actor(update))
    del context.user_data["add"]
    await query.answer()
    await remove_keyboard(query)
    if "resolves" in state:  # started from /unanswered: that entry is answered now
        await context.in_store(_resolve_entry, context, state["resolves"])
    await _say(update, message("saved", state["lang"], id=fact.id))
    return ConversationHandler.END


def _resolve_entry(context: FactbotContext, key: str) -> None:
    """Mark the /unanswered entry the new fact answers as handled (on the store's thread)."""
    entry = find_entry(open_entries(context.store), key)
    if entry is not None:
        context.store.mark_handled(list(entry.refs))


async def remind_buttons(update: Update, context: FactbotContext) -> int:
    """Text at the preview: point at the buttons."""
    await _say(update, message("add_press_button", context.user_data["add"]["lang"]))
    return PREVIEW


async def cancel_add(update: Update, context: FactbotContext) -> int:
    """/cancel or the Cancel button: leave, saving nothing."""
    state = context.user_data.pop("add", None)
    lang = state["lang"] if state else admin_lang(update)
    if update.callback_query is not None:
        await update.callback_query.answer()
        await remove_keyboard(update.callback_query)
    await _say(update, message("cancelled", lang))
    return ConversationHandler.END


async def _say(update: Update, text: str, **kwargs: Any) -> None:
    await update.effective_chat.send_message(text, **kwargs)


def conversation() -> ConversationHandler:
    """The /add conversation (per admin, per chat; /add again starts over)."""
    text = filters.TEXT & ~filters.COMMAND
    with warnings.catch_warnings():
        # PTB warns that button presses are tracked per chat and user, not per
        # message; that is what we want: one draft per admin.
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler("add", start_add),
                CallbackQueryHandler(start_add_for_question, pattern=r"^un:n:"),
            ],
            states={
                STEP: [
                    MessageHandler(text, receive_value),
                    CommandHandler("skip", skip_step),
                    CallbackQueryHandler(choose_lang, pattern=rf"^{LANG_PREFIX}(ja|en)$"),
                ],
                PREVIEW: [
                    CallbackQueryHandler(save_draft, pattern=rf"^{SAVE}$"),
                    CallbackQueryHandler(cancel_add, pattern=rf"^{CANCEL}$"),
                    MessageHandler(text, remind_buttons),
                ],
            },
            fallbacks=[CommandHandler("cancel", cancel_add)],
            allow_reentry=True,
            name="add",
            persistent=True,  # a restart mid-/add loses nothing the admin typed
        )


def register(app: Application) -> None:
    """Add the /add conversation."""
    app.add_handler(conversation())
