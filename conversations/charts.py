"""PNG charts for /rank: the board as horizontal bars, and a unit's fields against the board median.

Rendering is pure (data in, file out) and uses matplotlib's object API on the Agg canvas — no
pyplot global state, so charts can be drawn from worker threads. Labels are Vietnamese; the
font is DejaVu Sans (bundled with matplotlib), which has every Vietnamese letter with its
diacritics; :func:`missing_glyphs` checks that before a label ships.
"""

from __future__ import annotations

import contextlib
import time
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FONT = "DejaVu Sans"
HIGHLIGHT = "#d62728"  # the leader's own unit (RGB 214, 39, 40)
OTHERS = "#9ecae1"
MEDIAN = "#7f7f7f"
THRESHOLD_COLOURS = ("#2ca02c", "#1f77b4", "#ff7f0e", "#9467bd", "#8c564b")
DPI = 110
WIDTH_IN = 9.0
MAX_HEIGHT_IN = 75.0  # Telegram: width + height ≤ 10000 px
KEEP_SECONDS = 24 * 3600  # charts are sent right away; older files are pruned


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str = ""  # printed at the end of the bar ("86,55")
    highlight: bool = False


@dataclass(frozen=True)
class Threshold:
    label: str
    value: float


@dataclass(frozen=True)
class FieldBar:
    label: str
    unit: float | None
    median: float | None
    unit_text: str = ""
    median_text: str = ""


def nfc(text: str) -> str:
    """Vietnamese typed on some keyboards arrives decomposed; the font draws precomposed best."""
    return unicodedata.normalize("NFC", text)


def clip(text: str, limit: int = 40) -> str:
    text = nfc(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


def chart_path(data_dir: Path, kind: str) -> Path:
    """A fresh, unique file name under ``data_dir/charts``; charts older than a day are removed."""
    folder = Path(data_dir) / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.glob("*.png"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()
    return folder / f"{kind}-{uuid.uuid4().hex}.png"


def _figure(height_in: float):  # type: ignore[no-untyped-def]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, min(max(height_in, 3.2), MAX_HEIGHT_IN)), dpi=DPI)
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
    fig.savefig(path, format="png", facecolor="white", bbox_inches="tight", pad_inches=0.2)
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
    fig.savefig(path, format="png", facecolor="white", bbox_inches="tight", pad_inches=0.2)
    return path
