"""The store and matcher, opened the same way for the bot and the CLI (no Telegram imported: `factbot ask` starts fast)."""

from __future__ import annotations

import gc
import logging

from bot.config import Settings
from facts.matching import Matcher
from facts.store import FactStore

log = logging.getLogger(__name__)


def open_store(settings: Settings) -> FactStore:
    """Open the fact database, filling it with the bundled facts and synonyms if it is brand new."""
    from facts.io import bundled_seed, bundled_seed_synonyms

    store = FactStore(settings.db)
    synonyms = bundled_seed_synonyms()  # small; a new version of them is offered to a table seeded before
    if not store.wants_seed(synonyms):
        return store  # the usual start: the bundled facts are read and validated only for a new table
    added = store.seed(bundled_seed(), synonyms)
    if added:
        log.info("new database %s seeded with %d facts", settings.db, added)
    return store


def build_matcher(store: FactStore) -> Matcher:
    """A matcher over the stored facts and synonyms: it reads the store's index, so it sees every change."""
    matcher = Matcher.over(store)
    _freeze_startup()
    return matcher


_frozen = False


def _freeze_startup() -> None:
    """Take what starting made (modules, classes, tables: ~46,000 objects) out of the cycle collector's sight.

    They live as long as the process, yet every full collection walked them all:
    10-20 ms, at a million facts the largest single pause left in p99. `gc.freeze`
    is O(1) and only moves them to a generation that is never collected. Once per
    process: a test run builds many matchers, and freezing again would keep its garbage.
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()
