"""/synonyms and /synonym: admins manage the domain synonyms the matcher uses.

`/synonym add DPRK = North Korea` changes what the very next question
matches (the store tells the matcher); `/undo` takes it back like any change.
Replies are in the admin's Telegram language, not in the language of the terms,
since a group often mixes both (`subway = 地下鉄`).
"""

from __future__ import annotations

from pydantic import ValidationError
from telegram import Update
from telegram.ext import Application, CommandHandler

from facts.admin_render import synonym_change_text, synonyms_html
from facts.messages import message
from facts.store import SynonymNotFound
from facts.synonyms import SynonymUsage, explain_terms, parse_synonym_command, search_groups
from handlers.admin import actor, admin_only, command_text, reply_html
from handlers.context import FactbotContext, user_lang

SYNONYM_COMMANDS = {
    "synonyms": {"en": "List or search synonyms: /synonyms [text]", "ja": "同義語の一覧・検索: /synonyms [語句]"},
    "synonym": {
        "en": "Add or delete synonyms: /synonym add A = B, /synonym delete A",
        "ja": "同義語の追加・削除: /synonym add A = B、/synonym delete A",
    },
}


@admin_only
async def list_synonyms(update: Update, context: FactbotContext) -> None:
    """List the synonym groups, or those with a term containing the text: `/synonyms [text]`."""
    query = command_text(update)
    groups = search_groups(await context.in_store(context.store.synonym_groups), query)
    await reply_html(update, synonyms_html(groups, query, user_lang(update)))


@admin_only
async def change_synonyms(update: Update, context: FactbotContext) -> None:
    """`/synonym add TERM = OTHER [= …]` or `/synonym delete TERM|#ID`; anything else gets the usage."""
    lang = user_lang(update)  # not the terms' language: a group often mixes both
    reply = update.effective_message.reply_text
    try:
        command = parse_synonym_command(command_text(update))
        if command.action == "add":
            change = await context.in_store(context.store.add_synonyms, list(command.terms), actor(update))
        else:
            change = await context.in_store(context.store.delete_synonym, command.target, actor(update))
    except SynonymUsage:
        await reply(message("synonyms_usage", lang))
        return
    except ValidationError as error:
        await reply(message("synonym_invalid", lang, reason=explain_terms(error, lang)))
        return
    except SynonymNotFound as error:
        if isinstance(error.target, int):
            await reply(message("synonym_id_not_found", lang, id=error.target))
        else:
            await reply(message("synonym_term_not_found", lang, term=error.target))
        return
    await reply(synonym_change_text(change, str(command.target), lang))


def register(app: Application) -> None:
    """Add /synonyms and /synonym (each refuses non-admins itself)."""
    app.add_handler(CommandHandler("synonyms", list_synonyms))
    app.add_handler(CommandHandler("synonym", change_synonyms))
