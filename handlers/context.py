"""The callback context that gives handlers the store and matcher set at build time."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from facts.lang import Lang, preferred_lang
from facts.matcher import Matcher
from facts.questions_log import QuestionsLog
from facts.store import FactStore


class FactbotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """`context.store`, `context.matcher` and `context.admins` for every handler."""

    @property
    def store(self) -> FactStore:
        return self.bot_data["store"]

    @property
    def matcher(self) -> Matcher:
        """The matcher, first brought up to date with changes other processes made to the table."""
        self.store.sync()
        return self.bot_data["matcher"]

    @property
    def questions(self) -> QuestionsLog:
        return self.bot_data["questions"]

    @property
    def admins(self) -> frozenset[int]:
        return self.bot_data.get("admins", frozenset())


FactbotApplication = Application[ExtBot, FactbotContext, dict, dict, dict, object]


def user_lang(update: Update, text: str = "") -> Lang:
    """Answer in the language of the text, else in the user's Telegram language."""
    user = update.effective_user
    return preferred_lang(text, user.language_code if user else None)
