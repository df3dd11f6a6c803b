"""The Datasette metadata file labels every table the store makes, or hides it."""

from __future__ import annotations

import json
from pathlib import Path

from facts.store import FactStore

METADATA = Path(__file__).parent.parent / "datasette-metadata.json"


def test_every_table_is_labelled_or_hidden_and_the_salt_is_not_shown(fresh_db: FactStore) -> None:
    tables = json.loads(METADATA.read_text(encoding="utf-8"))["databases"]["facts"]["tables"]

    stored = set(fresh_db.db.table_names())
    described = {name for name, table in tables.items() if table.get("description")}
    hidden = {name for name, table in tables.items() if table.get("hidden")}

    assert {"facts", "audit", "questions", "feedback"} <= described
    assert {"meta", "admin_prefs"} <= hidden and tables["meta"]["allow"] is False
    assert stored == described | hidden
    for name in described:
        columns = set(fresh_db.db[name].columns_dict)
        assert set(tables[name].get("columns", {})) <= columns, name
