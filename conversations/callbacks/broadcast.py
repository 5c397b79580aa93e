"""/broadcast buttons (bc) and the recipients' "received" button (ack).

bc:aud:<audience> · bc:back · bc:cancel · bc:send:<nonce> · bc:report|remind:<notice> ·
ack:<notice>. (The outbox keys ``bc:<notice>:<person>…`` are row keys, not buttons.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, Self, get_args

from conversations.callbacks.wire import Fixed, Numbered, fields, fits

Audience = Literal["all", "department", "commune", "pending"]
ReportKind = Literal["report", "remind"]
MAX_NONCE = 16


@dataclass(frozen=True)
class BroadcastAudience:
    """Who receives the notice being composed: bc:aud:<all|department|commune|pending>."""

    HEAD: ClassVar[str] = "bc"
    audience: Audience

    def pack(self) -> str:
        if self.audience not in get_args(Audience):
            raise ValueError(f"not an audience: {self.audience!r}")
        return fits(f"bc:aud:{self.audience}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = fields(data, cls.HEAD, 2, 2)
        if raw is None or raw[0] != "aud" or raw[1] not in get_args(Audience):
            return None
        return cls(raw[1])  # type: ignore[arg-type]


@dataclass(frozen=True)
class BroadcastBack(Fixed):
    """Back to choosing the audience: bc:back."""

    WIRE: ClassVar[str] = "bc:back"


@dataclass(frozen=True)
class BroadcastCancel(Fixed):
    """Drop the notice being composed: bc:cancel."""

    WIRE: ClassVar[str] = "bc:cancel"


@dataclass(frozen=True)
class BroadcastSend:
    """Send the confirmed notice: bc:send:<nonce> (the nonce waits in the admin's state, so a
    second tap, or the tap of an older confirmation, sends nothing)."""

    HEAD: ClassVar[str] = "bc"
    nonce: str

    def pack(self) -> str:
        if not _nonce_ok(self.nonce):
            raise ValueError(f"not a nonce: {self.nonce!r}")
        return fits(f"bc:send:{self.nonce}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = fields(data, cls.HEAD, 2, 2)
        return None if raw is None or raw[0] != "send" or not _nonce_ok(raw[1]) else cls(raw[1])


def _nonce_ok(nonce: str) -> bool:
    return 0 < len(nonce) <= MAX_NONCE and nonce.isascii() and nonce.isalnum()


@dataclass(frozen=True)
class BroadcastReport(Numbered):
    """A sent notice's report refreshed (report), or its silent recipients reminded (remind):
    bc:report|remind:<notice>."""

    PREFIX = "bc"
    KINDS = get_args(ReportKind)
    kind: ReportKind
    broadcast: int


@dataclass(frozen=True)
class Ack(Numbered):
    """A recipient's "✅ Đã nhận / Received" under a notice: ack:<notice>."""

    PREFIX = "ack"
    broadcast: int


BroadcastButton = (
    BroadcastAudience | BroadcastBack | BroadcastCancel | BroadcastSend | BroadcastReport
)
BROADCAST: tuple[type[BroadcastButton], ...] = (
    BroadcastAudience,
    BroadcastBack,
    BroadcastCancel,
    BroadcastSend,
    BroadcastReport,
)
