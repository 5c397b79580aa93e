"""The /rank chart buttons (rk): a unit's charts and a whole board's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, Self, get_args

from conversations.callbacks.wire import check_numbers, fields, fits, number
from scoring.catalog_loader import BOARD_RE

ChartKind = Literal["fields", "full", "yoy"]


@dataclass(frozen=True)
class UnitChart:
    """A /rank chart of one unit: rk:fields|full|yoy:<unit> (its fields against the board
    median, the whole board with the unit in red, its criteria against last year)."""

    HEAD: ClassVar[str] = "rk"
    kind: ChartKind
    unit: int

    def pack(self) -> str:
        check_numbers(self.unit)
        return fits(f"rk:{self.kind}:{self.unit}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = fields(data, cls.HEAD, 2, 2)
        if raw is None or raw[0] not in get_args(ChartKind) or (unit := number(raw[1])) is None:
            return None
        return cls(raw[0], unit)  # type: ignore[arg-type]


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
