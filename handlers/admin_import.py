"""/import: the admin sends a JSON or CSV fact file; all its rows are imported, or none.

`/import` then the document, or the document with the caption `/import`.
`/import replace` makes the table exactly the file (missing facts are marked
deleted, so /undo brings them back; a file with synonyms replaces those too),
after the admin confirms the counts. A synonyms CSV (from `/export csv`) is
imported on its own, the same way. A fact file an admin sends without
`/import` is checked the same way and imported only if they press Import.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from typing import Any

from telegram import Document, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from facts.admin_render import import_report_text, with_lines_html
from facts.curation import CurationError, check_import_size, import_format
from facts.io import FactFile, FactFileError, read_fact_file
from facts.lang import Lang
from facts.messages import message
from facts.model import Fact
from facts.store import ImportReport
from handlers.admin import actor, admin_lang, admin_only, command_text, reply_html
from handlers.buttons import remove_keyboard
from handlers.context import FactbotContext, user_lang
from handlers.user import ask_for_text

WAITING_FOR_FILE = 0
_CAPTION = re.compile(r"^/import(@\w+)?(\s|$)", re.IGNORECASE)
CONFIRM_PREFIX = "imp:"


@admin_only
async def ask_for_file(update: Update, context: FactbotContext) -> int:
    """`/import`: wait for the document."""
    lang = admin_lang(update)
    context.user_data["import"] = {"lang": lang, "replace": command_text(update).lower() == "replace"}
    await update.effective_message.reply_text(message("import_send", lang))
    return WAITING_FOR_FILE


@admin_only
async def import_captioned(update: Update, context: FactbotContext) -> int:
    """A document sent with the caption `/import`: import it at once."""
    replace = command_text(update).lower() == "replace"
    await _import(update, context, admin_lang(update), replace)
    return ConversationHandler.END


async def receive_file(update: Update, context: FactbotContext) -> int:
    """The document after `/import`."""
    state = context.user_data["import"]
    await _import(update, context, state["lang"], state["replace"])
    # Only now: if the import failed on the way (the table was busy), the wait goes on.
    del context.user_data["import"]
    return ConversationHandler.END


async def _import(update: Update, context: FactbotContext, lang: Lang, replace: bool) -> None:
    """Import the document at once, or (replacing the table) after the admin confirms the counts."""
    fact_file = await _checked_file(update, context, lang)
    if fact_file is None:
        return
    name = update.effective_message.document.file_name or "file"
    if replace:
        await _ask_to_confirm(update, context, lang, name, fact_file, replace=True)
        return
    report = await context.in_store(
        context.store.import_facts, fact_file.facts, actor(update), replace=False, synonyms=fact_file.synonyms
    )
    await update.effective_message.reply_text(import_report_text(report, name, lang))


async def _checked_file(update: Update, context: FactbotContext, lang: Lang) -> FactFile | None:
    """Every fact and synonym group of the document, or None after telling the admin what is wrong with it."""
    document = update.effective_message.document
    try:
        # Judge the size and kind before downloading anything.
        file_format = import_format(document.file_name, document.mime_type, document.file_size)
        content = await _download(document, context)
        check_import_size(content)
        return await asyncio.to_thread(read_fact_file, content, file_format)
    except CurationError as error:
        await update.effective_message.reply_text(error.text(lang))
    except FactFileError as error:
        await reply_html(update, with_lines_html(message("import_failed", lang), error.problems, lang))
    return None


async def _ask_to_confirm(
    update: Update, context: FactbotContext, lang: Lang, name: str, fact_file: FactFile, replace: bool
) -> None:
    """Show what importing would change, with Import / Cancel; nothing changes until Import is pressed.

    The file waits in the admin's data as JSON (persisted across restarts), under
    a random token that its buttons carry, so an older message's buttons never
    import a newer file.
    """
    report = await context.in_store(context.store.plan_import, fact_file.facts, replace=replace)
    stored_groups = len(await context.in_store(context.store.synonym_groups))
    token = secrets.randbelow(10**12)
    context.user_data["pending_import"] = {
        "token": token,
        "facts": None if fact_file.facts is None else [fact.model_dump(mode="json") for fact in fact_file.facts],
        "synonyms": fact_file.synonyms,
        "replace": replace,
        "name": name,
    }
    text = _confirmation(lang, name, fact_file, report, replace, stored_groups)
    buttons = InlineKeyboardMarkup.from_row(
        [
            InlineKeyboardButton(
                message("button_replace" if replace else "button_import", lang),
                callback_data=f"{CONFIRM_PREFIX}yes:{token}",
            ),
            InlineKeyboardButton(message("button_cancel", lang), callback_data=f"{CONFIRM_PREFIX}no:{token}"),
        ]
    )
    await update.effective_message.reply_text(text, reply_markup=buttons)


@admin_only
async def confirm_import(update: Update, context: FactbotContext) -> None:
    """Import (or not) the file whose counts the admin was shown."""
    query = update.callback_query
    _, choice, token = (query.data or "").split(":")
    lang = user_lang(update)
    pending = context.user_data.get("pending_import")
    if pending is None or str(pending["token"]) != token:
        await query.answer(message("import_expired", lang), show_alert=True)
        await remove_keyboard(query)
        return
    if choice != "yes":
        del context.user_data["pending_import"]
        await query.answer()
        await query.edit_message_text(message("cancelled", lang))
        return
    facts = None if pending["facts"] is None else [Fact.model_validate(row) for row in pending["facts"]]
    report = await context.in_store(
        context.store.import_facts, facts, actor(update), replace=pending["replace"], synonyms=pending["synonyms"]
    )
    # Only now: if the table was busy, the file still waits and Import can be pressed again.
    del context.user_data["pending_import"]
    await query.answer()
    await query.edit_message_text(import_report_text(report, pending["name"], lang))


async def offer_import(update: Update, context: FactbotContext) -> None:
    """A document sent without /import: an admin's fact file is offered for import; anyone else's is not a question."""
    user = update.effective_user
    if user is None or user.id not in context.admins:
        await ask_for_text(update, context)
        return
    lang = admin_lang(update)
    fact_file = await _checked_file(update, context, lang)
    if fact_file is not None:
        name = update.effective_message.document.file_name or "file"
        await _ask_to_confirm(update, context, lang, name, fact_file, replace=False)


def _confirmation(
    lang: Lang, name: str, fact_file: FactFile, report: ImportReport, replace: bool, stored_groups: int
) -> str:
    """What importing the file would change: fact counts, then synonym groups, as a question."""
    synonyms = {} if fact_file.synonyms is None else {"count": len(fact_file.synonyms), "stored": stored_groups}
    if fact_file.facts is None:
        return message(
            "import_confirm_synonyms_replace" if replace else "import_offer_synonyms", lang, file=name, **synonyms
        )
    lines = [message("import_confirm_replace" if replace else "import_offer", lang, file=name, **_counts(report))]
    if synonyms:
        lines.append(message("import_confirm_synonyms", lang, **synonyms))
    elif report.synonyms_removed:
        lines.append(message("import_confirm_seed_words", lang, count=report.synonyms_removed))
    return "\n".join(lines)


def _counts(report: ImportReport) -> dict[str, Any]:
    return {
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "removed": report.removed,
    }


async def _download(document: Document, context: FactbotContext) -> bytes:
    """The document's bytes, fetched through the bot's rate limiter so a transient failure is retried.

    PTB sends Bot API calls (getFile) through the rate limiter, but not the file
    download itself.
    """
    file = await document.get_file()
    limiter = context.bot.rate_limiter
    if limiter is None:
        return bytes(await file.download_as_bytearray())
    content = await limiter.process_request(
        callback=file.download_as_bytearray, args=(), kwargs={}, endpoint="download", data={}, rate_limit_args=None
    )
    return bytes(content)  # type: ignore[arg-type]


async def ask_for_document(update: Update, context: FactbotContext) -> int:
    """Text instead of a document: say how to send the file."""
    await update.effective_message.reply_text(message("import_send_document", context.user_data["import"]["lang"]))
    return WAITING_FOR_FILE


async def cancel_import(update: Update, context: FactbotContext) -> int:
    """/cancel: import nothing."""
    state = context.user_data.pop("import", None)
    await update.effective_message.reply_text(message("cancelled", state["lang"] if state else user_lang(update)))
    return ConversationHandler.END


def conversation() -> ConversationHandler:
    """`/import` then a document, or a document captioned `/import`."""
    return ConversationHandler(
        entry_points=[
            CommandHandler("import", ask_for_file),
            MessageHandler(filters.Document.ALL & filters.CaptionRegex(_CAPTION), import_captioned),
        ],
        states={
            WAITING_FOR_FILE: [
                MessageHandler(filters.Document.ALL, receive_file),
                MessageHandler(~filters.COMMAND, ask_for_document),
            ],
        },
        fallbacks=[CommandHandler("cancel", cancel_import)],
        allow_reentry=True,
        name="import",
        persistent=True,  # the wait for the file survives a restart
    )


def register(app: Application) -> None:
    """Add the /import conversation, its confirmation buttons, and the offer for files sent without /import."""
    app.add_handler(conversation())
    app.add_handler(CallbackQueryHandler(confirm_import, pattern=rf"^{CONFIRM_PREFIX}(yes|no):\d{{1,12}}$"))
    app.add_handler(MessageHandler(filters.Document.ALL & filters.ChatType.PRIVATE, offer_import))
