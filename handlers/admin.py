"""What admins do from their chat with the bot: edit, delete, list, inspect, undo, export.

Every admin handler is wrapped in `admin_only`: anyone not in FACTBOT_ADMINS
gets a short refusal, nothing changes, and the attempt is logged (user id and
command, never the message text). /add is in `admin_add`, /import in
`admin_import`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ConversationHandler

from facts.admin_render import (
    changes_html,
    fact_detail_html,
    facts_page_html,
    fit,
    history_html,
    history_item_html,
    with_lines_html,
)
from facts.curation import (
    CurationError,
    explain,
    field_changes,
    history_items,
    paginate,
    parse_edit,
    parse_id,
    search_facts,
)
from facts.io import synonyms_csv_name, write_fact_file, write_synonyms_csv
from facts.lang import Lang, client_lang
from facts.links import fact_link
from facts.messages import message
from facts.render import escape, fact_html
from facts.store import SYNONYMS, FactNotFound, UndoConflict
from handlers.buttons import ID
from handlers.context import FactbotContext, user_lang
from handlers.user import NO_PREVIEW

log = logging.getLogger(__name__)

ADMIN_COMMANDS = {
    "add": {"en": "Add a fact (step by step, or in one line)", "ja": "事実を追加（対話形式または1行で）"},
    "edit": {"en": "Change a field: /edit ID field value", "ja": "項目を変更: /edit ID 項目 値"},
    "delete": {"en": "Delete a fact: /delete ID", "ja": "事実を削除: /delete ID"},
    "restore": {"en": "Bring back a deleted fact: /restore ID", "ja": "削除した事実を戻す: /restore ID"},
    "facts": {"en": "List or search facts: /facts [text]", "ja": "事実の一覧・検索: /facts [語句]"},
    "fact": {"en": "One fact with its history: /fact ID", "ja": "事実の詳細と履歴: /fact ID"},
    "import": {"en": "Import a JSON or CSV file", "ja": "JSON・CSVファイルをインポート"},
    "export": {"en": "Export all facts (JSON, or /export csv)", "ja": "全事実を書き出す（JSON、/export csv）"},
    "history": {"en": "Who changed what: /history [ID]", "ja": "変更履歴: /history [ID]"},
    "undo": {"en": "Undo your last change", "ja": "自分の直前の変更を取り消す"},
    "cancel": {"en": "Stop /add or /import", "ja": "/add や /import を中止"},
}

HISTORY_LIMIT = 15
FACT_HISTORY_LIMIT = 10
MAX_SEARCHES = 20
DELETE_PREFIX = "del:"
FACTS_PREFIX = "facts:"

Callback = Callable[[Update, FactbotContext], Awaitable[Any]]


def admin_only(callback: Callback) -> Callback:
    """Run `callback` only for an admin in a private chat; refuse (and log) everyone else."""

    @functools.wraps(callback)
    async def guarded(update: Update, context: FactbotContext) -> Any:
        user, chat = update.effective_user, update.effective_chat
        if user is not None and user.id in context.admins and chat is not None and chat.type == "private":
            return await callback(update, context)
        if user is None or user.id not in context.admins:
            # Only who and which command: the text of a refused attempt is not logged.
            log.warning("refused admin %s from user %s", _attempt(update), user.id if user else None)
            refusal = message("admin_only", user_lang(update))
        else:
            refusal = message("admin_private_only", user_lang(update))
        if update.callback_query is not None:
            await update.callback_query.answer(refusal, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(refusal)
        return ConversationHandler.END

    return guarded


def _attempt(update: Update) -> str:
    if update.callback_query is not None:
        return "button " + (update.callback_query.data or "").split(":", 1)[0]
    text = update.effective_message.text or update.effective_message.caption or "" if update.effective_message else ""
    command = re.match(r"/(\w{1,32})", text)
    return f"/{command.group(1)}" if command else "message"


def actor(update: Update) -> str:
    """Who the store records as making a change."""
    return f"tg:{update.effective_user.id}"


def command_text(update: Update) -> str:
    """What follows the command word, spacing and ` | ` kept (unlike `context.args`)."""
    parts = (update.effective_message.text or update.effective_message.caption or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def admin_lang(update: Update) -> Lang:
    """The admin's Telegram language, whatever language the fact they typed is in.

    Only a client that does not say its language falls back to the language of
    what was typed after the command.
    """
    user = update.effective_user
    if user is not None and user.language_code:
        return client_lang(user.language_code)
    return user_lang(update, command_text(update))


async def reply_html(update: Update, text: str, **kwargs: Any) -> None:
    await update.effective_message.reply_html(text, link_preview_options=NO_PREVIEW, **kwargs)


Problem = CurationError | ValidationError | FactNotFound
"""What an admin's input can be wrong with: the form, a field, or the fact id."""


async def reply_problem(update: Update, lang: Lang, error: Problem) -> None:
    """Tell the admin what is wrong with their input; nothing was changed."""
    if isinstance(error, CurationError):
        await update.effective_message.reply_text(error.text(lang))
    elif isinstance(error, FactNotFound):
        await update.effective_message.reply_text(message("fact_not_found", lang, id=error.fact_id))
    else:
        await reply_html(update, with_lines_html(message("not_saved", lang), explain(error.errors(), lang), lang))


@admin_only
async def edit_fact(update: Update, context: FactbotContext) -> None:
    """Change one field: `/edit ID field value`, answering with before → after."""
    lang = admin_lang(update)
    try:
        edit = parse_edit(command_text(update))
        before, after = await context.in_store(context.store.update, edit.fact_id, {edit.field: edit.value}, actor(update))
    except (CurationError, ValidationError, FactNotFound) as error:
        await reply_problem(update, lang, error)
        return
    changes = field_changes(before, after)
    if not changes:
        await update.effective_message.reply_text(message("edit_unchanged", lang, id=after.id))
        return
    await reply_html(update, "\n".join([escape(message("edited", lang, id=after.id)), *changes_html(changes)]))


async def _fact_or_say(update: Update, context: FactbotContext, command: str, lang: Lang) -> Any:
    """The fact whose id follows the command, or None after telling the admin why not."""
    try:
        return await context.in_store(context.store.get, parse_id(command_text(update), command))
    except (CurationError, FactNotFound) as error:
        await reply_problem(update, lang, error)
    return None


@admin_only
async def ask_to_delete(update: Update, context: FactbotContext) -> None:
    """Show the fact named by `/delete ID` and ask for confirmation with buttons."""
    lang = admin_lang(update)
    fact = await _fact_or_say(update, context, "delete", lang)
    if fact is None:
        return
    buttons = InlineKeyboardMarkup.from_row(
        [
            InlineKeyboardButton(message("button_delete", lang), callback_data=f"{DELETE_PREFIX}yes:{fact.id}"),
            InlineKeyboardButton(message("button_keep", lang), callback_data=f"{DELETE_PREFIX}no:{fact.id}"),
        ]
    )
    text = f"{escape(message('delete_confirm', lang, id=fact.id))}\n\n{fact_html(fact, fact.lang)}"
    await reply_html(update, text, reply_markup=buttons)


@admin_only
async def confirm_delete(update: Update, context: FactbotContext) -> None:
    """Delete (soft, restorable) or keep the fact, as the admin pressed."""
    query = update.callback_query
    _, choice, fact_id_text = (query.data or "").split(":")
    fact_id = int(fact_id_text)
    lang = user_lang(update)
    await query.answer()
    if choice == "yes":
        try:
            await context.in_store(context.store.delete, fact_id, actor(update))
        except FactNotFound:  # deleted meanwhile (the button was pressed twice)
            await query.edit_message_text(message("fact_not_found", lang, id=fact_id))
            return
        await query.edit_message_text(message("deleted", lang, id=fact_id))
    else:
        await query.edit_message_text(message("kept", lang, id=fact_id))


@admin_only
async def restore_fact(update: Update, context: FactbotContext) -> None:
    """Bring back a deleted fact: `/restore ID`."""
    lang = admin_lang(update)
    try:
        fact_id = parse_id(command_text(update), "restore")
        fact = await context.in_store(context.store.restore, fact_id, actor(update))
    except (CurationError, FactNotFound) as error:
        await reply_problem(update, lang, error)
        return
    except ValueError:  # not deleted
        await update.effective_message.reply_text(message("not_deleted", lang, id=fact_id))
        return
    await reply_html(update, f"{escape(message('restored', lang, id=fact.id))}\n\n{fact_html(fact, fact.lang)}")


@admin_only
async def list_facts(update: Update, context: FactbotContext) -> None:
    """List or search the facts, 10 a page, with Prev/Next buttons: `/facts [text]`."""
    query = command_text(update)
    lang = admin_lang(update)
    searches: dict[int, str] = context.user_data.setdefault("searches", {})
    token = max(searches, default=0) + 1
    searches[token] = query
    for old in sorted(searches)[:-MAX_SEARCHES]:
        del searches[old]
    text, buttons = await _facts_page(context, query, token, 1, lang)
    await reply_html(update, text, reply_markup=buttons)


@admin_only
async def turn_facts_page(update: Update, context: FactbotContext) -> None:
    """Show another page of a /facts list."""
    query = update.callback_query
    _, token, number = (query.data or "").split(":")
    searches: dict[int, str] = context.user_data.get("searches", {})
    lang = user_lang(update)
    if int(token) not in searches:
        await query.answer(message("list_expired", lang), show_alert=True)
        return
    await query.answer()
    text, buttons = await _facts_page(context, searches[int(token)], int(token), int(number), lang)
    await query.edit_message_text(text, parse_mode="HTML", reply_markup=buttons, link_preview_options=NO_PREVIEW)


async def _facts_page(
    context: FactbotContext, query: str, token: int, number: int, lang: Lang
) -> tuple[str, InlineKeyboardMarkup | None]:
    store = context.store
    page = await context.in_store(lambda: paginate(search_facts(store.all(), query), number))
    buttons = []
    if page.has_prev:
        buttons.append(
            InlineKeyboardButton(message("button_prev", lang), callback_data=f"{FACTS_PREFIX}{token}:{page.number - 1}")
        )
    if page.has_next:
        buttons.append(
            InlineKeyboardButton(message("button_next", lang), callback_data=f"{FACTS_PREFIX}{token}:{page.number + 1}")
        )
    return facts_page_html(page, query, lang), InlineKeyboardMarkup.from_row(buttons) if buttons else None


@admin_only
async def show_fact(update: Update, context: FactbotContext) -> None:
    """Every field of one fact, and its history: `/fact ID`."""
    lang = admin_lang(update)
    fact = await _fact_or_say(update, context, "fact", lang)
    if fact is None:
        return
    history = history_items(await context.in_store(context.store.history, fact.id, limit=FACT_HISTORY_LIMIT))
    link = fact_link(context.bot.username, fact.id) if context.bot.username else None
    await reply_html(update, fact_detail_html(fact, history, lang, link))


@admin_only
async def show_history(update: Update, context: FactbotContext) -> None:
    """The audit log, newest first, of all facts or of one: `/history [ID]`."""
    lang = admin_lang(update)
    text = command_text(update)
    try:
        fact_id = parse_id(text, "history") if text else None
    except CurationError as error:
        await reply_problem(update, lang, error)
        return
    if fact_id is not None and not await context.in_store(context.store.was_stored, fact_id):
        await update.effective_message.reply_text(message("no_such_fact", lang, id=fact_id))
        return
    entries = await context.in_store(context.store.history, fact_id, limit=HISTORY_LIMIT)
    await reply_html(update, history_html(history_items(entries), lang))


@admin_only
async def undo_last(update: Update, context: FactbotContext) -> None:
    """Revert the calling admin's own last change."""
    lang = admin_lang(update)
    try:
        entries = await context.in_store(context.store.undo_last, actor(update))
    except UndoConflict as error:
        conflict = "undo_conflict_synonyms" if error.kind == SYNONYMS else "undo_conflict"
        await update.effective_message.reply_text(message(conflict, lang, id=error.fact_id))
        return
    if not entries:
        await update.effective_message.reply_text(message("undo_nothing", lang))
        return
    lines = [escape(message("undo_done", lang))]
    for item in history_items(entries):
        lines.extend(history_item_html(item, lang))
    await reply_html(update, fit(lines, lang))


@admin_only
async def export_facts(update: Update, context: FactbotContext) -> None:
    """Send the facts and synonyms as one JSON document that /import accepts.

    `/export csv`: the facts as CSV, then the synonyms as a second CSV document.
    """
    lang = admin_lang(update)
    file_format = "csv" if command_text(update).lower() == "csv" else "json"
    facts = await context.in_store(context.store.all)
    synonyms = [group.terms for group in await context.in_store(context.store.synonym_groups)]
    name = f"facts-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}.{file_format}"
    caption = (
        message("export_caption", lang, count=len(facts))
        if file_format == "csv"
        else message("export_caption_synonyms", lang, count=len(facts), synonyms=len(synonyms))
    )
    content = await asyncio.to_thread(write_fact_file, facts, synonyms, file_format)
    await update.effective_message.reply_document(document=content.encode("utf-8"), filename=name, caption=caption)
    if file_format == "csv":
        await update.effective_message.reply_document(
            document=write_synonyms_csv(synonyms).encode("utf-8"),
            filename=synonyms_csv_name(name),
            caption=message("export_synonyms_csv_caption", lang, synonyms=len(synonyms)),
        )


@admin_only
async def nothing_to_cancel(update: Update, context: FactbotContext) -> None:
    """/cancel outside /add and /import: there is nothing to stop."""
    await update.effective_message.reply_text(message("cancelled", admin_lang(update)))


def register(app: Application) -> None:
    """Add the admin commands (each refuses non-admins itself), after the admin conversations."""
    app.add_handler(CommandHandler("edit", edit_fact))
    app.add_handler(CommandHandler("delete", ask_to_delete))
    app.add_handler(CallbackQueryHandler(confirm_delete, pattern=rf"^{DELETE_PREFIX}(yes|no):{ID}$"))
    app.add_handler(CommandHandler("restore", restore_fact))
    app.add_handler(CommandHandler("facts", list_facts))
    app.add_handler(CallbackQueryHandler(turn_facts_page, pattern=rf"^{FACTS_PREFIX}[0-9]{{1,6}}:[0-9]{{1,6}}$"))
    app.add_handler(CommandHandler("fact", show_fact))
    app.add_handler(CommandHandler("history", show_history))
    app.add_handler(CommandHandler("undo", undo_last))
    app.add_handler(CommandHandler("export", export_facts))
    app.add_handler(CommandHandler("cancel", nothing_to_cancel))
