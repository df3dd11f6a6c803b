"""/stats: the last 30 days of the questions log, counted — the numbers behind the chart and summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from facts.lang import Lang
from facts.messages import message
from facts.model import Fact
from facts.store import Asked, LoggedQuestion
from facts.unanswered import group_reports

STATS_DAYS = 30
TOP = 5


@dataclass(frozen=True)
class Day:
    day: date
    asked: int
    answered: int


@dataclass(frozen=True)
class Stats:
    """Questions per day, the share answered, the most-used facts and the most-asked unanswered questions."""

    first: date
    last: date
    days: list[Day]
    asked: int
    answered: int
    people: int
    top_facts: list[tuple[int, str, int]]
    """(fact id, its question, how many questions it answered), most first."""
    top_unanswered: list[tuple[str, int]]
    """(question, how often asked), near-identical questions counted together, most first."""

    @property
    def share_answered(self) -> float | None:
        return self.answered / self.asked if self.asked else None


def window_start(today: date, days: int = STATS_DAYS) -> datetime:
    """Midnight UTC of the first of the last `days` days (today included)."""
    return datetime.combine(today - timedelta(days=days - 1), time(), tzinfo=UTC)


def compute_stats(rows: list[LoggedQuestion], facts: dict[int, Fact], today: date, days: int = STATS_DAYS) -> Stats:
    """Count the logged questions of the `days` days up to `today` (rows outside are ignored)."""
    first = today - timedelta(days=days - 1)
    rows = [row for row in rows if first <= row.at.astimezone(UTC).date() <= today]
    asked = Counter(row.at.astimezone(UTC).date() for row in rows)
    answered = Counter(row.at.astimezone(UTC).date() for row in rows if row.fact_id is not None)
    per_fact = Counter(row.fact_id for row in rows if row.fact_id is not None)
    top_facts = [
        (fact_id, facts[fact_id].question if fact_id in facts else "—", count)
        for fact_id, count in sorted(per_fact.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    ]
    unanswered = [
        Asked(f"q{row.id or 0}", row.at, row.question, None, row.user_hash)
        for row in rows
        if row.fact_id is None and row.question
    ]
    top_unanswered = [(entry.question, entry.count) for entry in group_reports(unanswered)[:TOP]]
    return Stats(
        first=first,
        last=today,
        days=[Day(first + timedelta(days=n), asked[first + timedelta(days=n)], answered[first + timedelta(days=n)])
              for n in range(days)],
        asked=len(rows),
        answered=sum(answered.values()),
        people=len({row.user_hash for row in rows if row.user_hash}),
        top_facts=top_facts,
        top_unanswered=top_unanswered,
    )


def summary_lines(stats: Stats, lang: Lang) -> list[str]:
    """The text that goes with the chart, one plain-text line each (the caller escapes them)."""
    share = f"{stats.share_answered:.0%}" if stats.share_answered is not None else "—"
    lines = [
        message("stats_period", lang, days=len(stats.days), first=stats.first.isoformat(), last=stats.last.isoformat()),
        message("stats_asked", lang, asked=stats.asked, people=stats.people),
        message("stats_answered", lang, answered=stats.answered, share=share),
    ]
    busiest = max(stats.days, key=lambda day: (day.asked, day.day))
    if busiest.asked:
        lines.append(message("stats_busiest", lang, day=busiest.day.isoformat(), asked=busiest.asked))
    lines.append(message("stats_top_facts", lang))
    lines.extend(f"{n}. #{fact_id} {question} — {count}" for n, (fact_id, question, count) in enumerate(stats.top_facts, 1))
    if not stats.top_facts:
        lines.append(message("stats_none", lang))
    lines.append(message("stats_top_unanswered", lang))
    lines.extend(f"{n}. {question} — {count}" for n, (question, count) in enumerate(stats.top_unanswered, 1))
    if not stats.top_unanswered:
        lines.append(message("stats_none", lang))
    return lines
