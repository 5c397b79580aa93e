"""PNG charts for /rank: the board as horizontal bars, and a unit's fields against the board median.

This module holds what a chart shows (bars, thresholds, the neighbours on the phone chart) and
where it is written; the drawing is a :class:`~conversations.formats.ChartRenderer` from the
composition root (``documents.charts``, matplotlib), so the core imports no plotting library.
"""

from __future__ import annotations

import contextlib
import time
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from conversations.markup import clip as markup_clip

COMPACT_NEIGHBOURS = 3  # units shown above and below the highlighted one
COMPACT_LABEL = 44  # characters of a unit's name on the compact chart
LABELS_KEY = "Labels"  # PNG text chunk: the y labels as drawn, one a line (checked by tests)
VALUES_KEY = "Values"
"""PNG text chunk: each bar's label and the figures printed on it, tab-separated, one a line —
the chart's data, so tests compare it with /rank and the sheets."""
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
    """A label on one line, cut at a word boundary with "…" (:func:`markup.clip`)."""
    return markup_clip(nfc(text), limit)


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


def neighbours(bars: Sequence[Bar], around: int = COMPACT_NEIGHBOURS) -> list[Bar]:
    """The highlighted bar and up to ``around`` bars either side of it (more on one side when
    it is near the top or bottom of the board); the first 2·around+1 bars if none is
    highlighted."""
    size = 2 * around + 1
    mine = next((k for k, b in enumerate(bars) if b.highlight), None)
    if mine is None or len(bars) <= size:
        return list(bars[:size])
    start = max(0, min(mine - around, len(bars) - size))
    return list(bars[start : start + size])
