"""Build the Telegram application: settings, services and handlers, wired once."""

from __future__ import annotations

import asyncio
import logging

from telegram import BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest

from bot.config import Settings
from bot.delivery import RetryingRateLimiter
from bot.ordering import PerChatUpdateProcessor
from bot.persistence import StorePersistence
from bot.services import build_matcher, open_store
from facts.questions_log import QuestionsLog
from facts.store import FactStore
from handlers import (
    admin,
    admin_add,
    admin_import,
    admin_stats,
    admin_synonyms,
    admin_unanswered,
    buttons,
    errors,
    inline,
    notify,
    share,
    user,
)
from handlers.context import FactbotContext
from handlers.workers import Workers

log = logging.getLogger(__name__)


class FactbotApp(Application):
    """PTB's Application that also stops the store and matcher threads when it shuts down."""

    async def shutdown(self) -> None:
        await super().shutdown()
        workers = self.bot_data.get("workers")
        if workers is not None:
            await asyncio.to_thread(workers.shutdown)


def build_application(
    settings: Settings,
    store: FactStore | None = None,
    request: BaseRequest | None = None,
    rate_limiter: RetryingRateLimiter | None = None,
) -> Application:
    """The bot, ready for `run_polling` (or `process_update` in tests).

    :param store: an already open store; by default `settings.db` is opened.
    :param request: the HTTP layer; tests pass one that answers offline.
    :param rate_limiter: how Bot API calls are paced and retried; by default
        Telegram's flood limits with retries (see `bot.delivery`).
    """
    if settings.token is None:
        raise ValueError("FACTBOT_TOKEN is not set: get a token from @BotFather and set it")
    store = store or open_store(settings)
    matcher = build_matcher(store)
    workers = Workers(matcher)
    builder = (
        ApplicationBuilder()
        .application_class(FactbotApp)
        .token(settings.token.get_secret_value())
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_base_file_url)
        .context_types(ContextTypes(context=FactbotContext))
        .rate_limiter(rate_limiter or RetryingRateLimiter())
        # Chats are answered concurrently, each chat's updates in order.
        .concurrent_updates(PerChatUpdateProcessor())
        .persistence(StorePersistence(store, workers))
        .post_init(_after_start)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app = builder.build()
    app.bot_data.update(
        store=store,
        matcher=matcher,
        questions=QuestionsLog(store, settings.keep_questions_days),
        admins=settings.admins,
        workers=workers,
    )

    # Order matters: button presses without data are stopped before anything
    # (PTB would give them to every button handler); the admin conversations
    # first, so that an admin's answers to /add are not taken for questions; the
    # catch-alls (unknown commands, stickers and photos, unclaimed presses) last,
    # so they only see what nobody else took.
    buttons.register_guard(app)
    admin_add.register(app)
    admin_import.register(app)
    admin.register(app)
    admin_synonyms.register(app)
    admin_unanswered.register(app)
    admin_stats.register(app)
    notify.register(app)
    share.register(app)  # /start fact_<ID>, before the plain /start of the user handlers
    inline.register(app)
    user.register(app)
    user.register_fallbacks(app)
    buttons.register_fallback(app)
    app.add_error_handler(errors.apologise)
    return app


def admin_menu() -> dict[str, dict[str, str]]:
    """Every admin command with its menu description (en, ja), in menu order."""
    return {
        **admin.ADMIN_COMMANDS,
        **admin_synonyms.SYNONYM_COMMANDS,
        **admin_unanswered.COMMANDS,
        **admin_stats.COMMANDS,
        **notify.COMMANDS,
    }


async def _after_start(app: Application) -> None:
    """Warm the matcher in the background (the first question after a restart need not wait), then set the menus."""
    workers: Workers = app.bot_data["workers"]
    task = asyncio.get_running_loop().create_task(workers.matcher(app.bot_data["matcher"].warm_up), name="factbot-warm-up")
    task.add_done_callback(_log_warm_up_failure)
    app.bot_data["warm_up"] = task  # held: a task nobody holds may be collected before it ends
    await _set_command_menus(app)


def _log_warm_up_failure(task: asyncio.Task[None]) -> None:
    """A warm-up that fails costs nothing but time: the first question loads what it needs itself."""
    if not task.cancelled() and task.exception() is not None:
        log.warning("could not warm up the matcher: %s", task.exception())


async def _set_command_menus(app: Application) -> None:
    """Show the user commands in every chat's menu, and the admin commands too in admins' chats.

    Both in English (the default) and Japanese.
    """
    for lang in ("en", "ja"):
        language_code = None if lang == "en" else lang
        await app.bot.set_my_commands(
            user.command_menu(lang), scope=BotCommandScopeDefault(), language_code=language_code
        )
        for admin_id in sorted(app.bot_data["admins"]):
            commands = user.command_menu(lang) + user.command_menu(lang, admin_menu())
            try:
                await app.bot.set_my_commands(
                    commands, scope=BotCommandScopeChat(admin_id), language_code=language_code
                )
            except TelegramError as error:
                # Telegram refuses a chat the admin has not opened yet ("chat not
                # found"); the bot still runs, and the admin commands still work.
                log.warning("could not set the admin command menu for %s: %s", admin_id, error)
