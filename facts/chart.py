"""The /stats chart: four panels drawn by matplotlib into a PNG, with no display needed.

It uses matplotlib's object API (`Figure` + the Agg canvas), not pyplot: no
global state, no GUI backend, safe in a bot serving many chats.
"""

from __future__ import annotations

import io
import warnings
from functools import lru_cache

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from facts.lang import Lang, is_japanese
from facts.stats import Stats

_CJK_FONTS = ("Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic", "TakaoGothic", "VL Gothic",
              "Source Han Sans JP", "Hiragino Sans", "Yu Gothic", "MS Gothic")
_TITLES = {
    "en": ("Questions per day", "Share answered", "Top facts", "Top unanswered"),
    "ja": ("1日の質問数", "回答できた割合", "よく使われた事実", "多い未回答の質問"),
}
_LABEL_CHARS = 38


@lru_cache(maxsize=1)
def _cjk_font() -> str | None:
    """An installed font with Japanese glyphs, if there is one (the default font has none)."""
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in _CJK_FONTS if name in installed), None)


def _label(text: str, fallback: str) -> str:
    """`text` shortened for an axis, or `fallback` when no installed font can draw it."""
    if is_japanese(text) and _cjk_font() is None:
        return fallback
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"


def stats_figure(stats: Stats, lang: Lang) -> Figure:
    """Four panels: questions per day (answered and not), share answered per day, top facts, top unanswered."""
    if lang == "ja" and _cjk_font() is None:
        lang = "en"  # Japanese titles would be drawn as empty boxes
    font = {"family": [_cjk_font(), "DejaVu Sans"]} if _cjk_font() else {}
    per_day, share, facts, unanswered = _TITLES[lang]
    figure = Figure(figsize=(12, 8), dpi=100, layout="constrained")
    (days_ax, share_ax), (facts_ax, unanswered_ax) = figure.subplots(2, 2)

    labels = [day.day.strftime("%m-%d") for day in stats.days]
    positions = list(range(len(labels)))
    answered = [day.answered for day in stats.days]
    missed = [day.asked - day.answered for day in stats.days]
    days_ax.bar(positions, answered, color="#2b8a3e", label="answered" if lang == "en" else "回答")
    days_ax.bar(positions, missed, bottom=answered, color="#c92a2a", label="unanswered" if lang == "en" else "未回答")
    days_ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    days_ax.legend(loc="upper left", prop=font or None)
    days_ax.set_title(per_day, **({"fontfamily": font["family"]} if font else {}))

    shares = [100 * day.answered / day.asked if day.asked else float("nan") for day in stats.days]
    share_ax.plot(positions, shares, marker="o", color="#1c7ed6")
    share_ax.set_ylim(0, 105)
    share_ax.set_ylabel("%")
    share_ax.set_title(share, **({"fontfamily": font["family"]} if font else {}))

    _ranked_bars(facts_ax, [(_label(f"#{fid} {q}", f"#{fid}"), n) for fid, q, n in stats.top_facts], facts, font)
    _ranked_bars(
        unanswered_ax, [(_label(q, f"{rank}."), n) for rank, (q, n) in enumerate(stats.top_unanswered, 1)],
        unanswered, font,
    )
    for axis in (days_ax, share_ax):
        axis.set_xticks(positions, labels, rotation=90, fontsize=7)
        axis.set_xlim(-0.7, len(positions) - 0.3)
    return figure


def _ranked_bars(axis: Axes, items: list[tuple[str, int]], title: str, font: dict[str, list[str]]) -> None:
    family = {"fontfamily": font["family"]} if font else {}
    axis.set_title(title, **family)
    if not items:
        axis.text(0.5, 0.5, "—", ha="center", va="center", transform=axis.transAxes)
        axis.set_xticks([])
        axis.set_yticks([])
        return
    labels = [label for label, _ in reversed(items)]
    axis.barh(range(len(items)), [count for _, count in reversed(items)], color="#5f3dc4")
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.set_yticks(range(len(items)), labels, fontsize=8, **family)


def stats_png(stats: Stats, lang: Lang) -> bytes:
    """The chart as PNG bytes."""
    figure = stats_figure(stats, lang)
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # A glyph no installed font has (an emoji in a question) is drawn as a box, not an error.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        figure.savefig(buffer, format="png")
    return buffer.getvalue()
