"""What anyone may press, joined or not: the language buttons of /lang (l) and the move-or-keep
question of a second unit's invite (mv)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, Self, get_args

from conversations.callbacks.wire import Numbered, code_ok, fields, fits

MoveChoice = Literal["move", "both", "no"]


@dataclass(frozen=True)
class Language:
    """The language buttons of /lang: l:<vi|en>."""

    HEAD: ClassVar[str] = "l"
    code: str

    def pack(self) -> str:
        if not code_ok(self.code, 8):
            raise ValueError(f"not a language code: {self.code!r}")
        return fits(f"l:{self.code}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = fields(data, cls.HEAD, 1, 1)
        return None if raw is None or not code_ok(raw[0], 8) else cls(raw[0])


@dataclass(frozen=True)
class UnitMove(Numbered):
    """Move to the invite's unit, keep both units, or cancel: mv:<move|both|no>:<invite> (the
    invite waiting in the person's own state is the key)."""

    PREFIX = "mv"
    KINDS = get_args(MoveChoice)
    choice: MoveChoice
    invite: int
