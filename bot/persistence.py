"""What the bot is in the middle of survives a restart: /add drafts, /import waits, /facts pages.

PTB's persistence, kept in the fact database itself (table `bot_state`, written
by the store): one file is the whole state, and a backup of it is complete.
Only per-user data and conversation states are kept; the store and matcher in
`bot_data` are rebuilt at start. Values are JSON (dates and non-text keys
tagged), never pickles, so reading the database never runs code.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from facts.store import FactStore
from handlers.workers import Workers

ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]

USER_DATA = "user_data"
CONVERSATION = "conversation:"


class StorePersistence(BasePersistence[dict, dict, dict]):
    """User data and conversation states in the fact database, written on the store's thread."""

    def __init__(self, store: FactStore, workers: Workers, update_interval: float = 1.0) -> None:
        """
        :param update_interval: seconds between saves while running (and once more at shutdown):
            a crash loses at most this much of what an admin typed.
        """
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True, callback_data=False),
            update_interval=update_interval,
        )
        self.store = store
        self.workers = workers
        self._saved: dict[tuple[str, str], str] = {}
        """What is in the database now, so unchanged data is not written again.

        PTB offers every user who sent an update for saving, each second; most
        only asked a question and have nothing to keep.
        """

    # -- user data -----------------------------------------------------------------------------

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        saved = await self._load(USER_DATA)
        return {int(user_id): decode(value) for user_id, value in saved.items()}

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        await self._save(USER_DATA, str(user_id), encode(data) if data else None)

    async def drop_user_data(self, user_id: int) -> None:
        await self._save(USER_DATA, str(user_id), None)

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        pass  # only this process writes it

    # -- conversations ---------------------------------------------------------------------------

    async def get_conversations(self, name: str) -> ConversationDict:
        saved = await self._load(CONVERSATION + name)
        return {tuple(json.loads(key)): json.loads(state) for key, state in saved.items()}

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        value = None if new_state is None else json.dumps(new_state)
        await self._save(CONVERSATION + name, json.dumps(list(key)), value)

    # -- reading and writing, on the store's thread ------------------------------------------------

    async def _load(self, kind: str) -> dict[str, str]:
        saved = await self.workers.store(self.store.load_state, kind)
        self._saved.update({(kind, key): value for key, value in saved.items()})
        return saved

    async def _save(self, kind: str, key: str, value: str | None) -> None:
        if self._saved.get((kind, key)) == value:
            return  # already so in the database (None: absent)
        await self.workers.store(self.store.save_state, kind, key, value)
        if value is None:
            self._saved.pop((kind, key), None)
        else:
            self._saved[(kind, key)] = value

    # -- not kept ------------------------------------------------------------------------------

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        pass

    async def drop_chat_data(self, chat_id: int) -> None:
        pass

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        pass

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        pass

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        pass

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        pass

    async def flush(self) -> None:
        pass  # every update is written when it is made


def encode(value: Any) -> str:
    """JSON for user data: dates and dicts with non-text keys are tagged so `decode` restores them."""
    return json.dumps(_tagged(value), ensure_ascii=False)


def decode(text: str) -> Any:
    """The value `encode` was given."""
    return _untagged(json.loads(text))


def _tagged(value: Any) -> Any:
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {key: _tagged(item) for key, item in value.items()}
        return {"$items": [[_tagged(key), _tagged(item)] for key, item in value.items()]}
    if isinstance(value, list | tuple):
        return [_tagged(item) for item in value]
    return value


def _untagged(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$date"}:
            return date.fromisoformat(value["$date"])
        if set(value) == {"$items"}:
            return {_untagged(key): _untagged(item) for key, item in value["$items"]}
        return {key: _untagged(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_untagged(item) for item in value]
    return value
