"""/stats shows admins the last 30 days of questions: a four-panel chart and numbers that match the log."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import matplotlib.image
import pytest

from bot.cli import main
from facts.chart import stats_figure, stats_png
from facts.stats import compute_stats
from facts.store import FactStore, LoggedQuestion
from tests.conftest import ADMIN_ID, Chat

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"



def logged(at: datetime, question: str | None, fact_id: int | None, user: str = "u1") -> LoggedQuestion:
    return LoggedQuestion(at, question, fact_id, 90.0 if fact_id else None, "en", "private", user)


async def test_stats_sends_a_chart_and_a_summary_whose_numbers_match_the_log(admin: Chat, chat: Chat) -> None:
    store: FactStore = chat.app.bot_data["store"]
    for question in ["how many soldiers did north korea send?"] * 3 + ["why does north korea support russia?"]:
        await chat.say(question)
    for question in ["what's the weather in Tokyo?", "What's the weather in Tokyo", "who won the world cup?"]:
        await chat.say(question)
    await chat.as_user(4242).say("what's the weather in tokyo?")
    store.log_question(logged(datetime.now(UTC) - timedelta(days=40), "an old question", None))

    assert [] == await admin.say("/stats")

    [photo] = chat.api.sent("sendPhoto")
    png = photo.files["photo"][1]
    assert png.startswith(PNG_SIGNATURE)
    assert (800, 1200) == matplotlib.image.imread(io.BytesIO(png)).shape[:2]
    lines = photo.params["caption"].split("\n")
    today = datetime.now(UTC).date()
    assert f"Last 30 days ({today - timedelta(days=29)} – {today})" == lines[0]
    assert "Questions: 8 from 2 people" == lines[1]
    assert "Answered: 4 (50%)" == lines[2]
    assert f"Busiest day: {today} (8 questions)" == lines[3]
    soldiers = next(fact for fact in store.all() if fact.figure == "about 11,000")
    top_facts = lines[lines.index("Top facts:") + 1 : lines.index("Top unanswered:")]
    assert f"1. #{soldiers.id} How many soldiers did North Korea send? — 3" == top_facts[0]
    assert 2 == len(top_facts)
    top_unanswered = lines[lines.index("Top unanswered:") + 1 :]
    assert ["1. what's the weather in tokyo? — 3", "2. who won the world cup? — 1"] == top_unanswered


async def test_stats_is_refused_to_non_admins(chat: Chat) -> None:
    [refusal] = await chat.say("/stats")

    assert "Sorry, only admins can do that." == refusal.text
    assert [] == chat.api.sent("sendPhoto")


def test_the_chart_has_the_four_panels() -> None:
    today = date(2026, 11, 25)
    rows = [logged(datetime(2026, 11, 24, 9, tzinfo=UTC), "東京の天気は？", None), logged(datetime(2026, 11, 25, tzinfo=UTC), "q", 6)]
    stats = compute_stats(rows, {}, today)

    figure = stats_figure(stats, "en")

    titles = [axis.get_title() for axis in figure.axes]
    assert ["Questions per day", "Share answered", "Top facts", "Top unanswered"] == titles
    bars = [int(bar.get_height()) for bar in figure.axes[0].patches]
    assert ([0, 1], [1, 0]) == (bars[28:30], bars[58:60])  # answered, then unanswered, on 11-24 and 11-25
    assert stats_png(stats, "ja").startswith(PNG_SIGNATURE)


def test_an_empty_log_still_draws_a_chart() -> None:
    stats = compute_stats([], {}, date(2026, 11, 25))

    assert (0, 0, None) == (stats.asked, stats.answered, stats.share_answered)
    assert stats_png(stats, "en").startswith(PNG_SIGNATURE)


def test_cli_prints_the_summary_and_writes_the_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.app import open_store
    from tests.conftest import make_settings

    db = tmp_path / "f.db"
    store = open_store(make_settings(db))
    now = datetime.now(UTC)
    store.log_question(logged(now, "how many soldiers?", 6))
    store.log_question(logged(now, "who won the world cup?", None, "u2"))
    store.close()
    chart = tmp_path / "stats.png"

    code = main(["--db", str(db), "stats", "--png", str(chart)])

    out = capsys.readouterr().out
    assert 0 == code
    assert "Questions: 2 from 2 people" in out and "Answered: 1 (50%)" in out
    assert f"chart written to {chart}" in out
    assert chart.read_bytes().startswith(PNG_SIGNATURE)
    assert 2 == main(["--db", str(db), "stats", "--png", str(tmp_path / "missing" / "x.png")])


async def test_a_japanese_admin_gets_the_summary_in_japanese(chat: Chat) -> None:
    await chat.say("how many soldiers did north korea send?")
    await chat.say("東京の天気は？")

    await chat.as_user(ADMIN_ID, language="ja").say("/stats")

    lines = chat.api.sent("sendPhoto")[-1].params["caption"].split("\n")
    assert lines[0].startswith("過去30日間")
    assert ["質問: 2件（1人）", "回答できた質問: 1件（50%）"] == lines[1:3]
    assert "1. 東京の天気は？ — 1" == lines[-1]
