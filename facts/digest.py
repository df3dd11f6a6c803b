"""The admins' digest: what went wrong since an admin was last told, at most one message an hour.

Two things are worth an admin's attention: a user pressing "Not what I asked",
and an unanswered question reaching `THRESHOLD` asks. Each admin has a
high-water mark (the newest question and report already covered), so nothing
is reported twice and nothing between two digests is missed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from facts.lang import Lang
from facts.messages import message
from facts.store import AdminPrefs, FactStore
from facts.unanswered import Entry, open_entries

THRESHOLD = 3
MIN_INTERVAL = timedelta(hours=1)
_QUESTION_CHARS = 120


@dataclass(frozen=True)
class Report:
    """One 'not what I asked': the question (None when texts are not kept) and the fact shown."""

    question: str | None
    fact_id: int | None


@dataclass(frozen=True)
class Digest:
    """What to tell one admin, and the marks to store once it is sent."""

    reports: list[Report]
    crossed: list[Entry]
    """Unanswered questions that reached THRESHOLD asks since the last digest."""
    seen_question_id: int
    seen_feedback_id: int

    def sent(self, prefs: AdminPrefs, at: datetime) -> AdminPrefs:
        """The admin's settings after this digest was delivered at `at`."""
        return replace(
            prefs, last_sent_at=at, seen_question_id=self.seen_question_id, seen_feedback_id=self.seen_feedback_id
        )


def prefs_for(store: FactStore, admin_id: int) -> AdminPrefs:
    """An admin's settings; a new admin starts with the digest on, from what exists now."""
    prefs = store.admin_prefs(admin_id)
    if prefs is None:
        question_id, feedback_id = store.latest_report_ids()
        prefs = AdminPrefs(admin_id, notify=True, seen_question_id=question_id, seen_feedback_id=feedback_id)
        store.save_admin_prefs(prefs)
    return prefs


def digest_for(store: FactStore, prefs: AdminPrefs, now: datetime) -> Digest | None:
    """What to send this admin now, or None (digest off, sent within the hour, or nothing new)."""
    if not prefs.notify or (prefs.last_sent_at is not None and now - prefs.last_sent_at < MIN_INTERVAL):
        return None
    question_id, feedback_id = store.latest_report_ids()
    reports = [
        Report(row["question"], row["fact_id"]) for row in store.feedback_after(prefs.seen_feedback_id)
    ]
    crossed = [entry for entry in open_entries(store) if _crossed(entry, prefs)]
    if not reports and not crossed:
        return None
    return Digest(reports, crossed, question_id, feedback_id)


def _crossed(entry: Entry, prefs: AdminPrefs) -> bool:
    """True when the entry has THRESHOLD asks now but had fewer at the admin's last digest."""
    if entry.count < THRESHOLD:
        return False
    before = sum(
        1
        for ref in entry.refs
        if int(ref[1:]) <= (prefs.seen_question_id if ref[0] == "q" else prefs.seen_feedback_id)
    )
    return before < THRESHOLD


def digest_lines(digest: Digest, lang: Lang) -> list[str]:
    """The digest as plain-text lines (the caller escapes them)."""
    lines = [message("digest_title", lang)]
    if digest.reports:
        lines.append("")
        lines.append(message("digest_reports", lang, count=len(digest.reports)))
        for report in digest.reports:
            question = _clip(report.question) if report.question else message("digest_no_text", lang)
            shown = f"#{report.fact_id}" if report.fact_id is not None else "—"
            lines.append(message("digest_report", lang, question=question, fact=shown))
    if digest.crossed:
        lines.append("")
        lines.append(message("digest_crossed", lang, threshold=THRESHOLD, count=len(digest.crossed)))
        lines.extend(
            message("digest_entry", lang, question=_clip(entry.question), count=entry.count) for entry in digest.crossed
        )
    lines.append("")
    lines.append(message("digest_footer", lang))
    return lines


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUESTION_CHARS else text[: _QUESTION_CHARS - 1] + "…"
