"""/stats: the last 30 days of questions as a chart (a photo) and a text summary, for admins."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from facts.admin_render import fit
from facts.questions_log import utc_now
from facts.render import escape
from facts.stats import STATS_DAYS, compute_stats, summary_lines, window_start
from handlers.admin import admin_lang, admin_only
from handlers.context import FactbotContext

COMMANDS = {
    "stats": {"en": "Questions of the last 30 days, as a chart", "ja": "過去30日の質問をグラフで"},
}
CAPTION_LIMIT = 1024


@admin_only
async def send_stats(update: Update, context: FactbotContext) -> None:
    """Send the chart of the last 30 days with the summary as its caption."""
    lang = admin_lang(update)
    today = utc_now().date()
    rows = await context.in_store(context.store.questions_since, window_start(today, STATS_DAYS))
    facts = {fact.id: fact for fact in await context.in_matcher(context.matcher.facts) if fact.id is not None}
    stats = compute_stats(rows, facts, today)
    caption = fit([escape(line) for line in summary_lines(stats, lang)], lang, limit=CAPTION_LIMIT - 60)
    from facts.chart import stats_png  # matplotlib: loaded on the first /stats, not at every start

    await update.effective_message.reply_photo(
        photo=stats_png(stats, lang), caption=caption, parse_mode="HTML", filename=f"stats-{today}.png"
    )


def register(app: Application) -> None:
    """Add /stats."""
    app.add_handler(CommandHandler("stats", send_stats))
