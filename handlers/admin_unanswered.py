"""/unanswered: what people asked that the bot could not answer, one entry a page, fixed with one tap.

Each entry has buttons: **Add to #ID** (the question becomes an alias of that
fact, through the same audited store update as /edit, so /undo takes it back),
**New fact** (the guided /add, in `admin_add`, with the question filled in) and
**Dismiss**. Every press is answered, also when the entry was handled meanwhile.
"""

from __future__ import annotations

from pydantic import ValidationError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from facts.admin_render import clip, unanswered_html
from facts.curation import paginate
from facts.lang import Lang
from facts.messages import message
from facts.render import escape
from facts.store import FactNotFound
from facts.unanswered import Action, add_as_alias, closest_facts, find_entry, open_entries, parse_action
from handlers.admin import actor, admin_lang, admin_only, command_text, reply_html, reply_problem
from handlers.context import FactbotContext, user_lang
from handlers.user import NO_PREVIEW

COMMANDS = {
    "unanswered": {
        "en": "Questions I could not answer, most asked first",
        "ja": "答えられなかった質問（多い順）",
    },
}


@admin_only
async def list_unanswered(update: Update, context: FactbotContext) -> None:
    """Show the most asked open entry (`/unanswered N`: the N-th), with its buttons."""
    lang = admin_lang(update)
    text = command_text(update)
    if text and not (text.isascii() and text.isdigit() and len(text) <= 6):
        await update.effective_message.reply_text(message("unanswered_usage", lang))
        return
    page_text, buttons = await _page(context, int(text or 1), lang)
    await reply_html(update, page_text, reply_markup=buttons)


@admin_only
async def press_button(update: Update, context: FactbotContext) -> None:
    """Turn the page, add the question to a fact, or dismiss it; then show the list as it now is."""
    query = update.callback_query
    lang = user_lang(update)
    action = parse_action(query.data)
    if action is None:  # the pattern lets only well-formed data through; answer anyway
        await query.answer(message("unanswered_gone", lang), show_alert=True)
        return
    if action.kind == "page":
        await query.answer()
        await _show(update, context, "", action.page, lang)
        return
    entry = find_entry(await context.in_store(open_entries, context.store), action.ref)
    if entry is None:
        await query.answer(message("unanswered_gone", lang), show_alert=True)
        await _show(update, context, "", 1, lang)
        return
    question = clip(entry.question, 100)
    if action.kind == "dismiss":
        await context.in_store(context.store.mark_handled, list(entry.refs))
        done = message("dismissed", lang, question=question)
    else:
        try:
            fact, added = await context.in_store(
                add_as_alias, context.store, action.fact_id, entry.question, actor(update)
            )
        except (ValidationError, FactNotFound) as error:
            await query.answer()
            await reply_problem(update, lang, error)
            return
        await context.in_store(context.store.mark_handled, list(entry.refs))
        done = message("alias_added" if added else "alias_already", lang, question=question, id=fact.id)
    await query.answer(clip(done, 190))
    await _show(update, context, f"✓ {escape(done)}\n\n", 1, lang)


async def _show(update: Update, context: FactbotContext, before: str, number: int, lang: Lang) -> None:
    text, buttons = await _page(context, number, lang)
    try:
        await update.callback_query.edit_message_text(
            before + text, parse_mode="HTML", reply_markup=buttons, link_preview_options=NO_PREVIEW
        )
    except BadRequest as error:  # the same page again (the list shrank meanwhile): nothing to change
        if "not modified" not in str(error).lower():
            raise


async def _page(context: FactbotContext, number: int, lang: Lang) -> tuple[str, InlineKeyboardMarkup | None]:
    entries = await context.in_store(open_entries, context.store)
    if not entries:
        name = "unanswered_none" if context.questions.keeps_text else "unanswered_no_text"
        return escape(message(name, lang)), None
    page = paginate(entries, number, size=1)
    [entry] = page.items
    closest = await context.in_matcher(closest_facts, entry, context.matcher)
    ref = entry.refs[-1]
    rows = []
    if closest:
        rows.append(
            [
                InlineKeyboardButton(
                    message("button_add_to", lang, id=fact.id), callback_data=Action("add", ref, fact.id).data()
                )
                for fact in closest
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(message("button_new_fact", lang), callback_data=Action("new", ref).data()),
            InlineKeyboardButton(message("button_dismiss", lang), callback_data=Action("dismiss", ref).data()),
        ]
    )
    turn = []
    if page.has_prev:
        turn.append(
            InlineKeyboardButton(message("button_prev", lang), callback_data=Action("page", page=page.number - 1).data())
        )
    if page.has_next:
        turn.append(
            InlineKeyboardButton(message("button_next", lang), callback_data=Action("page", page=page.number + 1).data())
        )
    if turn:
        rows.append(turn)
    return unanswered_html(entry, closest, page.number, page.total, lang), InlineKeyboardMarkup(rows)


def register(app: Application) -> None:
    """Add /unanswered and its buttons (New fact is an entry point of the /add conversation)."""
    app.add_handler(CommandHandler("unanswered", list_unanswered))
    # Loose on purpose: parse_action checks the data strictly, so a malformed press is still answered.
    app.add_handler(CallbackQueryHandler(press_button, pattern=r"^un:[pad]:"))
