"""Render answers as Telegram HTML or as plain text for the terminal.

Every piece of fact text goes through `html.escape` here, the one place that
builds HTML, so an admin's `<` or `&` can never break a reply.
"""

from __future__ import annotations

from html import escape as _escape

from facts.answers import Answer, Overview
from facts.lang import Lang
from facts.messages import message
from facts.model import Fact
from facts.matching import MAX_QUESTION_CHARS


def escape(text: str) -> str:
    """Escape text for a Telegram HTML body (quotes stay readable; attributes use `_escape`)."""
    return _escape(text, quote=False)


def _date(fact: Fact, lang: Lang) -> str:
    if fact.published is None:
        return ""
    return f"（{fact.published.isoformat()}）" if lang == "ja" else f" ({fact.published.isoformat()})"


def source_link_html(fact: Fact, lang: Lang) -> str:
    """`<a href="…">Title</a> (YYYY-MM-DD)`."""
    link = f'<a href="{_escape(fact.source_url, quote=True)}">{escape(fact.source_title)}</a>'
    return f"{link}{_date(fact, lang)}"


def source_line_html(fact: Fact, lang: Lang) -> str:
    """`Source: <a href="…">Title</a> (YYYY-MM-DD)`."""
    return f"{escape(message('source', lang))}: {source_link_html(fact, lang)}"


def fact_html(fact: Fact, lang: Lang) -> str:
    """The figure in bold, the answer, and the source line."""
    lines = []
    if fact.figure:
        lines.append(f"<b>{escape(fact.figure)}</b>")
    lines.append(escape(fact.answer))
    lines.append(source_line_html(fact, lang))
    return "\n".join(lines)


def answer_html(answer: Answer) -> str:
    """The reply to a question, as Telegram HTML."""
    lang = answer.lang
    if answer.kind == "fact" and answer.fact is not None:
        text = fact_html(answer.fact, lang)
        if answer.fact.lang != lang:
            text += f"\n<i>{escape(_only_in(answer.fact, lang))}</i>"
        if answer.also:
            text += f"\n\n{escape(message('also_reported', lang))}:"
            for other in answer.also:
                figure = f"<b>{escape(other.figure)}</b> — " if other.figure else ""
                text += f"\n• {figure}{source_link_html(other, lang)}"
        return text
    if answer.kind == "unknown":
        text = escape(message("no_fact", lang))
        if answer.suggestions:
            text += "\n" + escape(message("try_these", lang))
        return text
    if answer.kind == "too_long":
        return escape(message("too_long", lang, limit=MAX_QUESTION_CHARS))
    return escape(message(answer.kind, lang))


def _only_in(fact: Fact, lang: Lang) -> str:
    """Why the answer to a Japanese question is in English (or the reverse): there is no other version."""
    return message("only_in", lang, language=message(f"lang_{fact.lang}", lang))


def answer_text(answer: Answer) -> str:
    """The reply to a question, as plain text for the terminal."""
    lang = answer.lang
    if answer.kind == "fact" and answer.fact is not None:
        fact = answer.fact
        lines = [fact.figure] if fact.figure else []
        lines.append(fact.answer)
        lines.append(f"{message('source', lang)}: {fact.source_title}{_date(fact, lang)} {fact.source_url}")
        if fact.lang != lang:
            lines.append(_only_in(fact, lang))
        for other in answer.also:
            figure = f"{other.figure} — " if other.figure else ""
            lines.append(
                f"{message('also_reported', lang)}: {figure}{other.source_title}{_date(other, lang)} {other.source_url}"
            )
        return "\n".join(lines)
    if answer.kind == "unknown":
        lines = [message("no_fact", lang)]
        if answer.suggestions:
            lines.append(message("try_these", lang))
            lines.extend(f"  - {fact.question}" for fact in answer.suggestions)
        return "\n".join(lines)
    if answer.kind == "too_long":
        return message("too_long", lang, limit=MAX_QUESTION_CHARS)
    return message(answer.kind, lang)


def overview_html(overview: Overview, lang: Lang, commands: list[str]) -> str:
    """The /start and /help text: what the bot knows, examples, and the commands."""
    if overview.fact_count == 0:
        return escape(message("empty_table", lang))
    separator = "、" if lang == "ja" else ", "
    lines = [
        escape(message("intro", lang, count=overview.fact_count, sources=separator.join(overview.sources))),
    ]
    if overview.topics:
        lines.append(escape(message("topics", lang, topics=separator.join(overview.topics))))
    lines.append("")
    lines.append(escape(message("examples", lang)))
    lines.extend(f"• {escape(fact.question)}" for fact in overview.examples)
    lines.append("")
    lines.append(escape(message("ask_hint", lang)))
    lines.extend(escape(command) for command in commands)
    return "\n".join(lines)
