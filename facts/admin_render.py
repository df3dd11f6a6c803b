"""Render what admins see (fact lists, details, changes, history) as Telegram HTML.

Like `facts.render`, every value goes through `escape`; long values and long
lists are cut so that a message stays under Telegram's 4096 characters.
"""

from __future__ import annotations

from collections.abc import Sequence

from facts.curation import FieldChange, HistoryItem, Page, fact_fields
from facts.unanswered import Entry
from facts.lang import Lang
from facts.messages import message
from facts.model import Fact
from facts.render import escape
from facts.store import ImportReport, SynonymChange
from facts.synonyms import SynonymGroup

MAX_MESSAGE_CHARS = 4096
# Room left for what a handler adds around a rendered block (a header line, a note).
_BUDGET = MAX_MESSAGE_CHARS - 300
_VALUE_CHARS = 300
EMPTY = "—"


def clip(text: str, limit: int = _VALUE_CHARS) -> str:
    """`text`, cut to `limit` characters with an ellipsis (before escaping, so no entity is cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fit(lines: Sequence[str], lang: Lang, limit: int = _BUDGET) -> str:
    """Join whole lines (each complete HTML) up to `limit` characters; say how many were left out."""
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        if used + len(line) + 1 > limit:
            kept.append(escape(message("more_lines", lang, count=len(lines) - index)))
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def fact_line_html(fact: Fact) -> str:
    """`#12 Question — <b>figure</b> — Source (2024-12-19)`: one fact in a list."""
    parts = [f"#{fact.id} {escape(clip(fact.question, 120))}"]
    if fact.figure:
        parts.append(f"<b>{escape(fact.figure)}</b>")
    date = f" ({fact.published.isoformat()})" if fact.published else ""
    parts.append(f"{escape(clip(fact.source_title, 80))}{date}")
    return " — ".join(parts)


def facts_page_html(page: Page[Fact], query: str, lang: Lang) -> str:
    """One page of /facts: a header with the position, then one line per fact."""
    if page.total == 0:
        return escape(message("facts_none", lang, query=clip(query, 100)))
    place = {
        "first": page.first,
        "last": page.first + len(page.items) - 1,
        "total": page.total,
        "number": page.number,
        "pages": page.pages,
    }
    header = (
        message("facts_search_page", lang, query=clip(query, 100), **place)
        if query
        else message("facts_page", lang, **place)
    )
    return fit([escape(header), *(fact_line_html(fact) for fact in page.items)], lang)


def fact_fields_html(fact: Fact) -> list[str]:
    """`<b>field</b>: value` for every field of the fact."""
    return [f"<b>{name}</b>: {escape(clip(value)) or EMPTY}" for name, value in fact_fields(fact)]


def fact_detail_html(fact: Fact, history: list[HistoryItem], lang: Lang, link: str | None = None) -> str:
    """/fact ID: every field, the link that opens the bot on it, then the fact's history."""
    shared = [f"<b>{escape(message('fact_link', lang))}</b>: {escape(link)}"] if link else []
    return fit([*fact_fields_html(fact), *shared, "", *history_lines_html(history, lang)], lang)


def changes_html(changes: list[FieldChange]) -> list[str]:
    """`field: old → new`, one line per changed field."""
    return [
        f"<b>{change.field}</b>: {escape(clip(change.old, 150)) or EMPTY} → {escape(clip(change.new, 150)) or EMPTY}"
        for change in changes
    ]


def history_item_html(item: HistoryItem, lang: Lang) -> list[str]:
    """One change: when, who, what, to which fact, then its field changes indented."""
    when = item.at.strftime("%Y-%m-%d %H:%M UTC")
    undone = f" {escape(message('undone_mark', lang))}" if item.undone else ""
    subject = f"#{item.fact_id}" if item.kind == "fact" else escape(message("synonym_group", lang, id=item.fact_id))
    head = (
        f"{when} · {escape(item.actor)} · {escape(message('action_' + item.action, lang))} "
        f"{subject} {escape(clip(item.question, 80))}{undone}"
    )
    return [head, *(f"    {line}" for line in changes_html(item.changes))]


def history_lines_html(items: list[HistoryItem], lang: Lang) -> list[str]:
    """The history heading and its entries, newest first (or 'no changes yet')."""
    if not items:
        return [escape(message("history_empty", lang))]
    lines = [escape(message("history", lang))]
    for item in items:
        lines.extend(history_item_html(item, lang))
    return lines


def history_html(items: list[HistoryItem], lang: Lang) -> str:
    """/history: the audit log, newest first."""
    return fit(history_lines_html(items, lang), lang)


def with_lines_html(header: str, lines: Sequence[str], lang: Lang) -> str:
    """An escaped header followed by lines of plain text (each escaped), cut to fit."""
    return fit([escape(header), *(escape(clip(line, 500)) for line in lines)], lang)


def unanswered_html(entry: Entry, closest: list[Fact], number: int, total: int, lang: Lang) -> str:
    """One /unanswered entry: the question, how often and how lately asked, and the closest facts."""
    lines = [
        escape(message("unanswered_header", lang, number=number, total=total)),
        "",
        f"<b>{escape(clip(entry.question))}</b>",
        escape(
            message(
                "unanswered_counts",
                lang,
                count=entry.count,
                people=entry.people,
                newest=entry.newest.strftime("%Y-%m-%d %H:%M UTC"),
            )
        ),
    ]
    if entry.reports:
        shown = ", ".join(f"#{fact_id}" for fact_id in entry.wrong_fact_ids) or EMPTY
        lines.append(escape(message("unanswered_reports", lang, count=entry.reports, facts=shown)))
    lines.append("")
    if closest:
        lines.append(escape(message("unanswered_closest", lang)))
        lines.extend(fact_line_html(fact) for fact in closest)
    else:
        lines.append(escape(message("unanswered_no_closest", lang)))
    return fit(lines, lang)
def synonyms_html(groups: list[SynonymGroup], query: str, lang: Lang) -> str:
    """/synonyms: a header, then `#3 north korea = DPRK = 北朝鮮`, one group a line."""
    if not groups:
        return escape(message("synonyms_none", lang, query=clip(query, 100)) if query else message("synonyms_empty", lang))
    header = (
        message("synonyms_search", lang, query=clip(query, 100), count=len(groups))
        if query
        else message("synonyms_list", lang, count=len(groups))
    )
    return fit([escape(header), *(f"#{group.id} {escape(clip(group.text(), 500))}" for group in groups)], lang)


def synonym_change_text(change: SynonymChange, target: str, lang: Lang) -> str:
    """What `/synonym add` or `/synonym delete` did, in plain text."""
    group = change.group
    terms = clip(group.text(), 1500)
    if change.outcome == "added":
        return message("synonym_added", lang, id=group.id, terms=terms)
    if change.outcome == "unchanged":
        return message("synonym_unchanged", lang, id=group.id, terms=terms)
    if change.outcome == "removed_term":
        return message("synonym_term_removed", lang, term=clip(target, 100), id=group.id, terms=terms)
    if change.outcome == "deleted":
        return message("synonym_deleted", lang, id=group.id, terms=terms)
    text = message("synonym_merged", lang, id=group.id, terms=terms, new=", ".join(f"'{t}'" for t in change.new_terms))
    if change.merged_ids:
        text += "\n" + message("synonym_merged_groups", lang, ids=", ".join(f"#{i}" for i in change.merged_ids))
    return text


def import_report_text(report: ImportReport, file: str, lang: Lang) -> str:
    """What an import did: the fact counts (if the file had facts), then the synonym counts (if it had synonyms)."""
    lines = [
        message(
            "import_done",
            lang,
            file=file,
            added=report.added,
            updated=report.updated,
            unchanged=report.unchanged,
            removed=report.removed,
        )
        if report.facts
        else message("import_done_file", lang, file=file)
    ]
    if report.synonyms:
        lines.append(
            message(
                "import_done_synonyms",
                lang,
                added=report.synonyms_added,
                updated=report.synonyms_updated,
                unchanged=report.synonyms_unchanged,
                removed=report.synonyms_removed,
            )
        )
    return "\n".join(lines)
