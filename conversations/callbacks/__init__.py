"""Typed callback data: one codec per button family, within Telegram's 64 bytes.

A button's data is what comes back when it is pressed, maybe weeks later and maybe forged. Each
button is a frozen dataclass: ``pack()`` writes the wire form and ``unpack(data)`` reads it back
or returns None (an old or forged button, answered as out of date). The wire forms are the ones
buttons in chats already carry, so old buttons still decode. One module per family of routes
(``handlers/routes``), each with the tuple of its codecs for :func:`~.wire.first`; the shared
reading and checks are in :mod:`~conversations.callbacks.wire`.
"""

from __future__ import annotations

from conversations.callbacks.access import (
    ACCESS,
    AccessButton,
    AccessCancel,
    AccessGrant,
    AccessPage,
    AccessPerson,
    AccessReason,
)
from conversations.callbacks.broadcast import (
    BROADCAST,
    Ack,
    BroadcastAudience,
    BroadcastBack,
    BroadcastButton,
    BroadcastCancel,
    BroadcastReport,
    BroadcastSend,
)
from conversations.callbacks.evidence import (
    EVIDENCE,
    EvidenceButton,
    EvidenceDrop,
    EvidenceField,
    EvidenceFile,
    EvidenceList,
    EvidencePick,
)
from conversations.callbacks.exports import EXPORTS, ExportButton, ExportRanking, ExportSheet
from conversations.callbacks.onboarding import Language, UnitMove
from conversations.callbacks.publication import PUBLICATION, Publish, PublishButton, PublishCancel
from conversations.callbacks.review import REVIEW, ReviewButton, ReviewItem, ReviewQueue, ReviewUnit
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
    "ACCESS",
    "BROADCAST",
    "CODECS",
    "EVIDENCE",
    "EXPORTS",
    "MAX_ID",
    "PUBLICATION",
    "REVIEW",
    "AccessButton",
    "AccessCancel",
    "AccessGrant",
    "AccessPage",
    "AccessPerson",
    "AccessReason",
    "Ack",
    "BoardChart",
    "BroadcastAudience",
    "BroadcastBack",
    "BroadcastButton",
    "BroadcastCancel",
    "BroadcastReport",
    "BroadcastSend",
    "ChartKind",
    "Codec",
    "Decision",
    "DecisionKind",
    "EvidenceButton",
    "EvidenceDrop",
    "EvidenceField",
    "EvidenceFile",
    "EvidenceList",
    "EvidencePick",
    "ExportButton",
    "ExportRanking",
    "ExportSheet",
    "FieldList",
    "FieldOpen",
    "Language",
    "MarkKind",
    "NavKind",
    "ProgressPage",
    "Publish",
    "PublishButton",
    "PublishCancel",
    "ReviewButton",
    "ReviewItem",
    "ReviewQueue",
    "ReviewUnit",
    "UnitChart",
    "UnitMove",
    "WalkAnswer",
    "WalkMark",
    "WalkNav",
    "WalkTyped",
    "first",
    "unpack",
]

WalkButton = WalkAnswer | WalkMark | WalkTyped | WalkNav | FieldList | FieldOpen
Codec = (
    WalkButton
    | Decision
    | ProgressPage
    | Language
    | UnitMove
    | UnitChart
    | BoardChart
    | AccessButton
    | BroadcastButton
    | Ack
    | EvidenceButton
    | ExportButton
    | PublishButton
    | ReviewButton
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
    UnitMove,
    UnitChart,
    BoardChart,
    *ACCESS,
    *BROADCAST,
    Ack,
    *EVIDENCE,
    *EXPORTS,
    *PUBLICATION,
    *REVIEW,
)


def unpack(data: str) -> Codec | None:
    """The typed button ``data`` stands for, whatever its family; None if none reads it."""
    return first(data, CODECS)
