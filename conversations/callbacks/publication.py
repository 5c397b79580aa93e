"""/publish buttons (pub): publish the period's results, or leave them unpublished.

pub:ok:<year> · pub:no. (The outbox keys ``pub:<year>…`` are row keys, not buttons.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from conversations.callbacks.wire import Fixed, Numbered


@dataclass(frozen=True)
class Publish(Numbered):
    """Publish the results of this year (the year shown in the summary): pub:ok:<year>."""

    PREFIX = "pub:ok"
    year: int


@dataclass(frozen=True)
class PublishCancel(Fixed):
    """Leave the results unpublished: pub:no."""

    WIRE: ClassVar[str] = "pub:no"


PublishButton = Publish | PublishCancel
PUBLICATION: tuple[type[PublishButton], ...] = (Publish, PublishCancel)
