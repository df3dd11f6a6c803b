"""/import: the admin sends a JSON or CSV fact file; all its rows are imported, or none.

`/import` then the document, or the document with the caption `/import`.
`/import replace` makes the table exactly the file (missing facts are marked
deleted, so /undo brings them back).
"""

from __future__ import annotations

import asyncio
import re

from telegram import Document, Update
from telegram.ext import Application, CommandHandler, ConversationHandler, MessageHandler, filters

from facts.admin_render import with_lines_html
from facts.curation import CurationError, check_import_size, import_format
from facts.io import FactFileError, read_facts
from facts.lang import Lang
from facts.messages import message
from handlers.admin import actor, admin_lang, admin_only, command_text, reply_html
from handlers.context import FactbotContext, user_lang

WAITING_FOR_FILE = 0
_CAPTION = re.compile(r"^/import(@\w+)?(\s|$)", re.IGNORECASE)


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
    document = update.effective_message.document
    try:
        # Judge the size and kind before downloading anything.
        file_format = import_format(document.file_name, document.mime_type, document.file_size)
        content = await _download(document, context)
        check_import_size(content)
        facts = await asyncio.to_thread(read_facts, content, file_format)
    except CurationError as error:
        await update.effective_message.reply_text(error.text(lang))
        return
    except FactFileError as error:
        await reply_html(update, with_lines_html(message("import_failed", lang), error.problems, lang))
        return
    report = await context.in_store(context.store.import_facts, facts, actor(update), replace=replace)
    name = document.file_name or "file"
    await update.effective_message.reply_text(
        message(
            "import_done",
            lang,
            file=name,
            added=report.added,
            updated=report.updated,
            unchanged=report.unchanged,
            removed=report.removed,
        )
    )


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
    """Add the /import conversation."""
    app.add_handler(conversation())
