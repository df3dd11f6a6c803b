"""Every command the bot answers is in its command menu and in the README."""

from __future__ import annotations

from pathlib import Path

from telegram.ext import Application, BaseHandler, CommandHandler, ConversationHandler

from bot.app import admin_menu
from handlers.user import USER_COMMANDS

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
IN_CONVERSATION_ONLY = {"skip"}
"""Commands that only mean something inside /add, which asks for them itself."""


def commands_of(handler: BaseHandler) -> set[str]:
    if isinstance(handler, CommandHandler):
        return set(handler.commands)
    if isinstance(handler, ConversationHandler):
        inner = [*handler.entry_points, *handler.fallbacks, *(h for hs in handler.states.values() for h in hs)]
        return set().union(*(commands_of(h) for h in inner))
    return set()


def test_every_registered_command_is_in_the_menu_and_the_readme(app: Application) -> None:
    registered = set().union(*(commands_of(h) for group in app.handlers.values() for h in group))
    table = README.split("## Commands")[1].split("\n## ")[0]

    assert registered - IN_CONVERSATION_ONLY == set(USER_COMMANDS) | set(admin_menu())
    for name in registered - IN_CONVERSATION_ONLY:
        assert f"`/{name}" in table, name
