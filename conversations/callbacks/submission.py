"""Submitting and withdrawing (s, w) and the pages of /progress (pg)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Self, get_args

from conversations.callbacks.wire import Numbered, check_numbers, fields, fits, number

DecisionKind = Literal["s", "w"]


@dataclass(frozen=True)
class Decision:
    """Confirm or cancel a submission (s) or withdrawal (w): s|w:<ok|no>:<unit>."""

    kind: DecisionKind
    ok: bool
    unit: int

    def pack(self) -> str:
        check_numbers(self.unit)
        return fits(f"{self.kind}:{'ok' if self.ok else 'no'}:{self.unit}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        kind = data.split(":", 1)[0]
        if kind not in get_args(DecisionKind):
            return None
        raw = fields(data, kind, 2, 2)
        if raw is None or raw[0] not in ("ok", "no") or (unit := number(raw[1])) is None:
            return None
        return cls(kind, raw[0] == "ok", unit)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ProgressPage(Numbered):
    """Another page of /progress: pg:<unit>:<page>."""

    PREFIX = "pg"
    unit: int
    page: int
