"""/rank's charts drawn with matplotlib (the core's :class:`~conversations.formats.ChartRenderer`).

Rendering is pure (data in, file out) and uses matplotlib's object API on the Agg canvas — no
pyplot global state, so charts can be drawn from worker threads. Labels are Vietnamese; the
font is DejaVu Sans (bundled with matplotlib), which has every Vietnamese letter with its
diacritics; :func:`missing_glyphs` checks that before a label ships.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from conversations.charts import (
    COMPACT_LABEL,
    LABELS_KEY,
    VALUES_KEY,
    Bar,
    FieldBar,
    Threshold,
    clip,
    neighbours,
    nfc,
)

FONT = "DejaVu Sans"
HIGHLIGHT = "#d62728"  # the leader's own unit (RGB 214, 39, 40)
OTHERS = "#9ecae1"
MEDIAN = "#7f7f7f"
THRESHOLD_COLOURS = ("#2ca02c", "#1f77b4", "#ff7f0e", "#9467bd", "#8c564b")
DPI = 110
WIDTH_IN = 9.0
MAX_HEIGHT_IN = 75.0  # Telegram: width + height ≤ 10000 px
COMPACT_WIDTH_PX = 600  # a phone shows ~390 pt: a wider image is shrunk and its text unreadable


@lru_cache(maxsize=1)
def font_path() -> str:
    from matplotlib import font_manager

    return str(font_manager.findfont(FONT, fallback_to_default=False))


def missing_glyphs(text: str) -> list[str]:
    """Characters of ``text`` the chart font cannot draw (empty for any Vietnamese text)."""
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_path())
    return sorted(
        {ch for ch in nfc(text) if not ch.isspace() and font.get_char_index(ord(ch)) == 0}
    )


def _figure(height_in: float, width_in: float = WIDTH_IN):  # type: ignore[no-untyped-def]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, min(max(height_in, 3.2), MAX_HEIGHT_IN)), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _style(ax) -> None:  # type: ignore[no-untyped-def]
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)


def board_chart(
    path: Path,
    bars: Sequence[Bar],
    thresholds: Sequence[Threshold],
    *,
    title: str,
    xlabel: str,
    scale: float,
) -> Path:
    """Units as horizontal bars, best at the top, the highlighted one in red, class thresholds as
    dashed vertical lines."""
    import matplotlib

    matplotlib.rcParams["font.family"] = FONT
    n = len(bars)
    fig = _figure(0.34 * n + 1.9)
    ax = fig.add_subplot(1, 1, 1)
    ys = list(range(n))[::-1]
    ax.barh(
        ys,
        [b.value for b in bars],
        color=[HIGHLIGHT if b.highlight else OTHERS for b in bars],
        height=0.7,
        zorder=2,
    )
    ax.set_yticks(ys, [clip(b.label) for b in bars], fontsize=9)
    labels = ax.get_yticklabels()
    for k, (y, b) in enumerate(zip(ys, bars, strict=True)):
        if b.text:
            ax.text(
                b.value + scale * 0.008,
                y,
                b.text,
                va="center",
                fontsize=8,
                fontweight="bold" if b.highlight else "normal",
                color=HIGHLIGHT if b.highlight else "#333333",
                zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8},
            )
        if b.highlight:
            labels[k].set_color(HIGHLIGHT)
            labels[k].set_fontweight("bold")
    for k, th in enumerate(thresholds):
        ax.axvline(
            th.value,
            color=THRESHOLD_COLOURS[k % len(THRESHOLD_COLOURS)],
            linestyle="--",
            linewidth=1.3,
            zorder=4,
            label=clip(th.label, 60),
        )
    ax.set_xlim(0, scale * 1.09)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel(nfc(xlabel), fontsize=9)
    ax.set_title(nfc(title), fontsize=11, loc="left")
    _style(ax)
    fig.tight_layout()
    if thresholds:  # below the x-axis label, a fixed distance whatever the chart's height
        axes_height_in = ax.get_position().height * fig.get_figheight()
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.5 / axes_height_in),
            ncol=1,
            fontsize=8,
            frameon=False,
        )
    return _save(fig, path, ((b.label, b.text) for b in bars))


def _values(rows: Iterable[tuple[str, ...]]) -> str:
    return "\n".join("\t".join(nfc(x).replace("\t", " ") for x in row) for row in rows)


def _save(fig, path: Path, values: Iterable[tuple[str, ...]]) -> Path:  # type: ignore[no-untyped-def]
    """Write the PNG with its figures in the :data:`VALUES_KEY` text chunk."""
    fig.savefig(
        path,
        format="png",
        facecolor="white",
        bbox_inches="tight",
        pad_inches=0.2,
        metadata={VALUES_KEY: _values(values)},
    )
    return path


def fields_chart(
    path: Path,
    rows: Sequence[FieldBar],
    *,
    title: str,
    unit_label: str,
    median_label: str,
    xlabel: str,
) -> Path:
    """Per field, the unit's percentage (red) next to the board median (grey)."""
    import matplotlib

    matplotlib.rcParams["font.family"] = FONT
    n = len(rows)
    fig = _figure(0.5 * n + 1.6)
    ax = fig.add_subplot(1, 1, 1)
    ys = [float(y) for y in range(n)][::-1]
    h = 0.38
    unit_y = [y + h / 2 for y in ys]
    med_y = [y - h / 2 for y in ys]
    ax.barh(
        unit_y,
        [r.unit or 0.0 for r in rows],
        height=h,
        color=HIGHLIGHT,
        label=clip(unit_label, 50),
        zorder=2,
    )
    has_median = any(r.median is not None for r in rows)
    if has_median:
        ax.barh(
            med_y,
            [r.median or 0.0 for r in rows],
            height=h,
            color=MEDIAN,
            label=clip(median_label, 50),
            zorder=2,
        )
    for r, uy, my in zip(rows, unit_y, med_y, strict=True):
        ax.text((r.unit or 0.0) + 0.8, uy, r.unit_text or "—", va="center", fontsize=8, zorder=3)
        if has_median:
            ax.text(
                (r.median or 0.0) + 0.8,
                my,
                r.median_text or "—",
                va="center",
                fontsize=8,
                color="#555555",
                zorder=3,
            )
    ax.set_yticks(ys, [clip(r.label, 42) for r in rows], fontsize=9)
    ax.set_xlim(0, 109)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel(nfc(xlabel), fontsize=9)
    ax.set_title(nfc(title), fontsize=11, loc="left")
    _style(ax)
    fig.tight_layout()
    axes_height_in = ax.get_position().height * fig.get_figheight()
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.5 / axes_height_in),
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    return _save(fig, path, ((r.label, r.unit_text, r.median_text) for r in rows))


def compact_board_chart(
    path: Path,
    bars: Sequence[Bar],
    *,
    title: str,
    scale: float,
) -> Path:
    """The phone chart: the highlighted unit and its neighbours (:func:`neighbours`) as a few
    thick bars with large labels, at most :data:`COMPACT_WIDTH_PX` wide, so a 390-pt phone
    shows it at nearly full size. The names go above each bar (not beside it) to leave the
    whole width to the bar and its value. The labels drawn are written into the PNG's
    ``Labels`` text chunk."""
    import matplotlib

    matplotlib.rcParams["font.family"] = FONT
    shown = neighbours(bars)
    n = len(shown)
    width_in = (COMPACT_WIDTH_PX - 10) / DPI
    fig = _figure(0.72 * n + 0.9, width_in)
    ax = fig.add_subplot(1, 1, 1)
    ys = [float(y) for y in range(n)][::-1]
    ax.barh(
        ys,
        [b.value for b in shown],
        color=[HIGHLIGHT if b.highlight else OTHERS for b in shown],
        height=0.42,
        zorder=2,
    )
    labels = [clip(b.label, COMPACT_LABEL) for b in shown]
    for y, b, label in zip(ys, shown, labels, strict=True):
        colour = HIGHLIGHT if b.highlight else "#222222"
        weight = "bold" if b.highlight else "normal"
        ax.text(0, y + 0.3, label, va="bottom", fontsize=13, color=colour, fontweight=weight)
        if b.text:
            ax.text(
                b.value + scale * 0.015,
                y,
                b.text,
                va="center",
                fontsize=13,
                color=colour,
                fontweight=weight,
            )
    ax.set_xlim(0, scale * 1.2)
    ax.set_ylim(-0.5, n - 0.1)
    ax.set_yticks([])
    ax.set_xticks([])
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(clip(title, 50), fontsize=13, loc="left")
    fig.tight_layout(pad=0.4)
    fig.savefig(
        path,
        format="png",
        facecolor="white",
        metadata={
            LABELS_KEY: "\n".join(labels),
            VALUES_KEY: _values((b.label, b.text) for b in shown),
        },
    )
    return path


class MatplotlibCharts:
    """The chart renderer the composition root passes to the core: the drawing functions above,
    unchanged (their signatures are the :class:`conversations.formats.ChartRenderer` protocol)."""

    board_chart = staticmethod(board_chart)
    compact_board_chart = staticmethod(compact_board_chart)
    fields_chart = staticmethod(fields_chart)
