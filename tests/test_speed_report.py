"""The speed bench's pure helpers: its percentile, its tables and its bm25s analysis (no benchmark runs here)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from speed_child import percentile  # noqa: E402
from speed_report import table  # noqa: E402
from speed_systems import analyse, fact_rows  # noqa: E402


def test_percentiles_are_samples_at_the_nearest_rank() -> None:
    samples = [float(n) for n in range(100, 0, -1)]  # 100 … 1, unsorted on purpose

    assert [50.0, 99.0, 100.0, 1.0] == [percentile(samples, share) for share in (0.50, 0.99, 1.0, 0.0)]
    assert 5.0 == percentile([5.0], 0.99)


def test_a_table_at_100k_puts_factbot_beside_its_peers_with_ratios_and_the_issues_targets() -> None:
    results = {
        "factbot": {"build_s": 30.0, "cold_s": 0.4, "p50_ms": 1.5, "p99_ms": 4.0, "cold_rss_mb": 460.0},
        "tantivy": {"build_s": 3.0, "cold_s": 0.2, "p50_ms": 0.5, "p99_ms": 2.0, "cold_rss_mb": 46.0},
    }

    lines = table("synth", 100_000, results).splitlines()

    assert "synth, 100,000 facts" == lines[0]
    assert "|  | factbot | tantivy | bm25s | factbot/tantivy | factbot/bm25s | target (factbot) |" == lines[2]
    assert "| import / build (s) | 30.00 | 3.00 | n/a | 10× | n/a | ≤ 5 s: missed |" == lines[4]
    assert "| cold start, median (s) | 0.40 | 0.20 | n/a | 2.00× | n/a | ≤ 0.5 s: met |" == lines[5]
    assert "| peak RSS, cold start (MB) | 460 | 46 | n/a | 10× | n/a | ≤ 250 MB: missed |" == lines[8]


def test_sizes_without_targets_have_no_target_column_and_1m_has_no_p50_target() -> None:
    results = {"factbot": {"p50_ms": 3.0, "p99_ms": 9.0}}

    assert "target" not in table("project", 10_000, results)
    at_1m = table("project", 1_000_000, results).splitlines()
    assert at_1m[6].endswith("| n/a | n/a |  |")  # p50: no bound at 1M
    assert at_1m[7].endswith("| ≤ 20 ms: met |")


def test_bm25s_tokens_are_lower_cased_words_and_japanese_character_bigrams() -> None:
    assert ["how", "many", "北朝", "朝鮮", "鮮兵"] == analyse("How many 北朝鮮兵?")


def test_fact_files_are_read_one_fact_at_a_time_whatever_their_layout(tmp_path: Path) -> None:
    rows = [{"question": f"how many drones {n}? [{n}], {{}}", "aliases": ["a", "b"], "answer": "x" * n} for n in range(40)]
    one_line, pretty = tmp_path / "one.json", tmp_path / "pretty.json"
    one_line.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    pretty.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")

    assert rows == list(fact_rows(one_line, chunk=7))
    assert rows == list(fact_rows(pretty, chunk=64))
    assert rows == list(fact_rows(pretty))
