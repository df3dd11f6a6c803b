"""The admins' digest (at most one message an hour, via PTB's JobQueue) and `/notify on|off`.

Also the questions log's hourly pruning, which needs the same clock.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application, CommandHandler, TypeHandler

from facts.admin_render import fit
from facts.digest import digest_for, digest_lines, prefs_for
from facts.lang import Lang, client_lang
from facts.messages import message
from facts.questions_log import utc_now
from facts.render import escape
from handlers.admin import admin_lang, admin_only, command_text
from handlers.context import FactbotContext
from handlers.user import NO_PREVIEW

log = logging.getLogger(__name__)

COMMANDS = {
    "notify": {"en": "Hourly notes about problems: /notify on|off", "ja": "問題のお知らせ: /notify on|off"},
}
CHECK_SECONDS = 5 * 60
"""How often the digest looks for news; each admin still gets at most one message an hour."""
PRUNE_SECONDS = 60 * 60


@admin_only
async def set_notify(update: Update, context: FactbotContext) -> None:
    """`/notify off` stops the digest, `/notify on` starts it again, `/notify` says which it is."""
    lang = admin_lang(update)
    choice = command_text(update).lower()
    prefs = await context.in_store(prefs_for, context.store, update.effective_user.id)
    if choice in ("on", "off"):
        await context.in_store(context.store.save_admin_prefs, replace(prefs, notify=choice == "on"))
        await update.effective_message.reply_text(message(f"notify_{choice}", lang))
    elif not choice:
        await update.effective_message.reply_text(message("notify_status_on" if prefs.notify else "notify_status_off", lang))
    else:
        await update.effective_message.reply_text(message("notify_usage", lang))


async def remember_admin_lang(update: Update, context: FactbotContext) -> None:
    """Note an admin's Telegram language, so that their digest is written in it."""
    user = update.effective_user
    if user is None or user.id not in context.admins:
        return
    lang = client_lang(user.language_code)
    known: dict[int, str] = context.bot_data.setdefault("admin_langs", {})
    if known.get(user.id) != lang:
        prefs = await context.in_store(prefs_for, context.store, user.id)
        if prefs.lang != lang:
            await context.in_store(context.store.save_admin_prefs, replace(prefs, lang=lang))
        known[user.id] = lang


async def send_digests(context: FactbotContext) -> None:
    """Send each admin who wants it what went wrong since their last digest (at most hourly)."""
    now = utc_now()
    for admin_id in sorted(context.admins):
        prefs = await context.in_store(prefs_for, context.store, admin_id)
        digest = await context.in_store(digest_for, context.store, prefs, now)
        if digest is None:
            continue
        lang: Lang = "ja" if prefs.lang == "ja" else "en"
        text = fit([escape(line) for line in digest_lines(digest, lang)], lang)
        try:
            await context.bot.send_message(admin_id, text, parse_mode="HTML", link_preview_options=NO_PREVIEW)
        except RetryAfter as error:  # flood control: the next check (minutes later) tries again
            log.warning("digest for admin %s postponed: retry after %s", admin_id, error.retry_after)
            return
        except TelegramError as error:  # blocked, chat not found, network: nothing is lost, try next time
            log.warning("could not send the digest to admin %s: %s", admin_id, error)
            continue
        await context.in_store(context.store.save_admin_prefs, digest.sent(prefs, now))


async def prune_questions(context: FactbotContext) -> None:
    """Delete logged questions past FACTBOT_KEEP_QUESTIONS_DAYS."""
    gone = await context.in_store(context.questions.prune)
    if gone:
        log.info("questions log: pruned %d old rows", gone)


def register(app: Application) -> None:
    """Add /notify, the language note (before every other handler), and the repeating jobs."""
    # Its own group: a group runs only its first matching handler, and the button guard is in -1.
    app.add_handler(TypeHandler(Update, remember_admin_lang), group=-2)
    app.add_handler(CommandHandler("notify", set_notify))
    for admin_id in app.bot_data.get("admins", ()):  # a new admin hears about what happens from now on
        prefs_for(app.bot_data["store"], admin_id)
    if app.job_queue is None:  # PTB without its job-queue extra: the bot still answers
        log.warning("no JobQueue (install python-telegram-bot[job-queue]): no admin digest, no hourly pruning")
        return
    app.job_queue.run_repeating(send_digests, interval=CHECK_SECONDS, first=CHECK_SECONDS, name="digest")
    app.job_queue.run_repeating(prune_questions, interval=PRUNE_SECONDS, first=PRUNE_SECONDS, name="prune")
