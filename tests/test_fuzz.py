"""Hundreds of hostile updates: no unhandled exception, no change by non-admins, no output Telegram refuses.

A seeded run of a few seconds; `bench/fuzz.py` runs 2,000 and more with other seeds.
"""

from __future__ import annotations

from pathlib import Path

from tests.fuzzing import fuzz


async def test_random_hostile_updates_break_nothing(tmp_path: Path) -> None:
    report = await fuzz(tmp_path / "facts.db", count=400, seed=12)

    assert [] == report.unhandled
    assert [] == report.refused_output
    assert [] == report.changed_by_non_admins
    assert 0 == report.unanswered_presses
