"""The callback context that gives handlers the store and matcher set at build time."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from facts.lang import Lang, preferred_lang
from facts.matching import Matcher
from facts.questions_log import QuestionsLog
from facts.store import FactStore
from handlers.workers import Workers

P = ParamSpec("P")
T = TypeVar("T")


class FactbotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """`context.store`, `context.matcher` and `context.admins` for every handler.

    Call the store through `in_store` and the matcher through `in_matcher`:
    they run off the event loop, so one slow call never holds up other chats.
    """

    @property
    def store(self) -> FactStore:
        return self.bot_data["store"]

    @property
    def matcher(self) -> Matcher:
        return self.bot_data["matcher"]

    @property
    def questions(self) -> QuestionsLog:
        return self.bot_data["questions"]

    @property
    def admins(self) -> frozenset[int]:
        return self.bot_data.get("admins", frozenset())

    async def in_store(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`call(*args, **kwargs)` (a store method, or work over its results) on the store's thread."""
        workers: Workers = self.bot_data["workers"]
        return await workers.store(call, *args, **kwargs)

    async def in_matcher(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`call(*args, **kwargs)` (matching, answering) on the matcher's thread.

        First the store takes in what other processes (the CLI, another bot)
        changed since the last question (`FactStore.sync`: microseconds when
        nothing did), so the answer is from the table as it is now.
        """
        workers: Workers = self.bot_data["workers"]
        store = self.store

        def fresh() -> T:
            store.sync()  # its own read connection: never waits for the store thread's writes
            return call(*args, **kwargs)

        return await workers.matcher(fresh)


FactbotApplication = Application[ExtBot, FactbotContext, dict, dict, dict, object]


def user_lang(update: Update, text: str = "") -> Lang:
    """Answer in the language of the text, else in the user's Telegram language."""
    user = update.effective_user
    return preferred_lang(text, user.language_code if user else None)
