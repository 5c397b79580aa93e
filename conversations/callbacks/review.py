"""/review buttons (rv): the appraisal queue, a unit, and the actions on one item.

rv:q · rv:u:<unit> · rv:g|n|ok|set|more|files|reply:<unit>:<item>. (The outbox keys
``rv:more:…``, ``rv:replied:…`` and ``rv:assign:…`` are row keys, not buttons.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, get_args

from conversations.callbacks.wire import Fixed, Numbered

ItemKind = Literal["g", "n", "ok", "set", "more", "files", "reply"]


@dataclass(frozen=True)
class ReviewQueue(Fixed):
    """The appraiser's queue of units: rv:q."""

    WIRE: ClassVar[str] = "rv:q"


@dataclass(frozen=True)
class ReviewUnit(Numbered):
    """The next item to appraise in one unit: rv:u:<unit>."""

    PREFIX = "rv:u"
    unit: int


@dataclass(frozen=True)
class ReviewItem(Numbered):
    """One item of a unit: open it (g), skip it (n), accept the self-score (ok), set points
    (set), ask for more evidence (more), send its files (files); and the unit officer's reply
    to a request for more evidence (reply): rv:<kind>:<unit>:<item>."""

    PREFIX = "rv"
    KINDS = get_args(ItemKind)
    kind: ItemKind
    unit: int
    item: int


ReviewButton = ReviewQueue | ReviewUnit | ReviewItem
REVIEW: tuple[type[ReviewButton], ...] = (ReviewQueue, ReviewUnit, ReviewItem)
