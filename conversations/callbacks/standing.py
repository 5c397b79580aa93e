"""The /rank chart buttons (rk): a unit's charts and a whole board's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, Self, get_args

from conversations.callbacks.wire import Numbered, fields, fits
from scoring.catalog_loader import BOARD_RE

ChartKind = Literal["fields", "full", "yoy"]


@dataclass(frozen=True)
class UnitChart(Numbered):
    """A /rank chart of one unit: rk:fields|full|yoy:<unit> (its fields against the board
    median, the whole board with the unit in red, its criteria against last year)."""

    PREFIX = "rk"
    KINDS = get_args(ChartKind)
    kind: ChartKind
    unit: int


@dataclass(frozen=True)
class BoardChart:
    """The chart of a whole board (admins): rk:board:<board code>."""

    HEAD: ClassVar[str] = "rk"
    board: str

    def pack(self) -> str:
        if not BOARD_RE.match(self.board):
            raise ValueError(f"not a board code: {self.board!r}")
        return fits(f"rk:board:{self.board}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = fields(data, cls.HEAD, 2, 2)
        if raw is None or raw[0] != "board" or not BOARD_RE.match(raw[1]):
            return None
        return cls(raw[1])
