"""Typed callback data: one codec per button family, within Telegram's 64 bytes.

A button's data is what comes back when it is pressed, maybe weeks later and maybe forged. Each
family is a frozen dataclass: ``pack()`` writes the wire form and ``unpack(data)`` reads it back
or returns None (an old or forged button, answered as out of date). The wire forms are the ones
buttons in chats already carry, so old buttons still decode. One module per family of routes
(``handlers/routes``); the shared reading and checks are in :mod:`~conversations.callbacks.wire`.
"""

from __future__ import annotations

from conversations.callbacks.onboarding import Language
from conversations.callbacks.standing import BoardChart, ChartKind, UnitChart
from conversations.callbacks.submission import Decision, DecisionKind, ProgressPage
from conversations.callbacks.walk import (
    FieldList,
    FieldOpen,
    MarkKind,
    NavKind,
    WalkAnswer,
    WalkMark,
    WalkNav,
    WalkTyped,
)
from conversations.callbacks.wire import MAX_ID, first

__all__ = [
    "CODECS",
    "MAX_ID",
    "BoardChart",
    "ChartKind",
    "Codec",
    "Decision",
    "DecisionKind",
    "FieldList",
    "FieldOpen",
    "Language",
    "MarkKind",
    "NavKind",
    "ProgressPage",
    "UnitChart",
    "WalkAnswer",
    "WalkMark",
    "WalkNav",
    "WalkTyped",
    "unpack",
]

Codec = (
    WalkAnswer
    | WalkMark
    | WalkTyped
    | WalkNav
    | FieldList
    | FieldOpen
    | Decision
    | ProgressPage
    | Language
    | UnitChart
    | BoardChart
)
CODECS: tuple[type[Codec], ...] = (
    WalkAnswer,
    WalkMark,
    WalkTyped,
    WalkNav,
    FieldList,
    FieldOpen,
    Decision,
    ProgressPage,
    Language,
    UnitChart,
    BoardChart,
)


def unpack(data: str) -> Codec | None:
    """The typed button ``data`` stands for, whatever its family; None if none reads it."""
    return first(data, CODECS)
