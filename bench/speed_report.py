"""The speed bench's tables: factbot next to tantivy and bm25s, the ratios, and issue 11's targets."""

from __future__ import annotations

from dataclasses import dataclass

SYSTEMS = ("factbot", "tantivy", "bm25s")
Results = dict[str, dict[str, float]]
"""Per system, its raw numbers (keys as in `ROWS`); a peer that could not run is missing."""


@dataclass(frozen=True)
class Row:
    """One measurement: its label, the raw-number key, unit, digits shown."""

    label: str
    key: str
    unit: str
    digits: int


ROWS = (
    Row("import / build", "build_s", "s", 2),
    Row("cold start, median", "cold_s", "s", 2),
    Row("p50 per question", "p50_ms", "ms", 2),
    Row("p99 per question", "p99_ms", "ms", 2),
    Row("peak RSS, cold start", "cold_rss_mb", "MB", 0),
)

TARGETS: dict[int, dict[str, float]] = {
    100_000: {"build_s": 5, "cold_s": 0.5, "p50_ms": 1, "p99_ms": 2, "cold_rss_mb": 250},
    1_000_000: {"build_s": 60, "cold_s": 2, "p99_ms": 20, "cold_rss_mb": 2048},
}
"""Issue 11: what factbot must reach at 100,000 and 1,000,000 facts (no p50 target at 1M)."""


def number(value: float | None, digits: int) -> str:
    """A figure with thousands separators, or n/a when it was not measured."""
    if value is None or value != value:  # NaN: not measured
        return "n/a"
    return f"{value:,.{digits}f}"


def ratio(ours: float | None, theirs: float | None) -> str:
    """factbot's figure over the peer's: 3.0× means factbot takes three times as long (or as much memory)."""
    if not ours or not theirs or ours != ours or theirs != theirs:
        return "n/a"
    value = ours / theirs
    return f"{value:,.{2 if value < 10 else 0}f}×"


def target(size: int, row: Row, ours: float | None) -> str:
    """The issue's bound for this size and row, and whether factbot met it ('' when there is none)."""
    bound = TARGETS.get(size, {}).get(row.key)
    if bound is None:
        return ""
    verdict = "n/a" if ours is None or ours != ours else ("met" if ours <= bound else "missed")
    return f"≤ {bound:g} {row.unit}: {verdict}"


def table(generator: str, size: int, results: Results) -> str:
    """One markdown table: a row per measurement, factbot | tantivy | bm25s | ratios | target."""
    with_targets = size in TARGETS
    header = ["", *SYSTEMS, "factbot/tantivy", "factbot/bm25s"] + (["target (factbot)"] if with_targets else [])
    lines = [
        f"{generator}, {size:,} facts",
        "",
        "| " + " | ".join(header) + " |",
        "|" + " --- |" * len(header),
    ]
    for row in ROWS:
        values = {system: results.get(system, {}).get(row.key) for system in SYSTEMS}
        cells = [f"{row.label} ({row.unit})"]
        cells += [number(values[system], row.digits) for system in SYSTEMS]
        cells += [ratio(values["factbot"], values["tantivy"]), ratio(values["factbot"], values["bm25s"])]
        if with_targets:
            cells.append(target(size, row, values["factbot"]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def latency_notes(results: Results) -> str:
    """The latency child of each system: RSS at its end, peak, and how many timed questions found something."""
    parts = []
    for system in SYSTEMS:
        found = results.get(system)
        if found and "timed" in found:
            parts.append(
                f"{system} {found['rss_mb']:,.0f} MB (peak {found['hwm_mb']:,.0f} MB), "
                f"answered {found['answered']:.0f}/{found['timed']:.0f}"
            )
    return "latency child at its end: " + "; ".join(parts) if parts else ""
