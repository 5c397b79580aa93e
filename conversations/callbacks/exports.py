"""/export buttons (ex): the ranking (every board, or one) and a unit's self-scoring sheet.

ex:ranking[:<board>] · ex:sheet:<unit>.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from conversations.callbacks.wire import Numbered, fields, fits
from scoring.catalog_loader import BOARD_RE


@dataclass(frozen=True)
class ExportRanking:
    """The ranking workbook, of every board (None) or one: ex:ranking[:<board>]."""

    HEAD: ClassVar[str] = "ex"
    board: str | None = None

    def pack(self) -> str:
        if self.board is not None and not BOARD_RE.match(self.board):
            raise ValueError(f"not a board code: {self.board!r}")
        return fits("ex:ranking" + ("" if self.board is None else f":{self.board}"))

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = fields(data, cls.HEAD, 1, 2)
        if raw is None or raw[0] != "ranking":
            return None
        if len(raw) == 1:
            return cls(None)
        return cls(raw[1]) if BOARD_RE.match(raw[1]) else None


@dataclass(frozen=True)
class ExportSheet(Numbered):
    """A unit's self-scoring sheet: ex:sheet:<unit>."""

    PREFIX = "ex:sheet"
    unit: int


ExportButton = ExportRanking | ExportSheet
EXPORTS: tuple[type[ExportButton], ...] = (ExportRanking, ExportSheet)
