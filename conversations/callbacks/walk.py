"""The self-scoring card's buttons: answer, mark, typed change, navigation, fields.

The wire forms are the ones buttons in chats already carry ("a:<unit>:<item>:<option>:<rev>"),
so old buttons still decode; a card revision missing from buttons drawn before revisions
existed decodes as None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, Self, get_args

from conversations.callbacks.wire import Numbered, check_numbers, code_ok, fields, fits, number

NavKind = Literal["g", "p", "n", "x", "e"]
MarkKind = Literal["na", "nd"]


@dataclass(frozen=True)
class WalkAnswer(Numbered):
    """An option button of a card: a:<unit>:<item>:<option>[:<card revision>]."""

    PREFIX = "a"
    unit: int
    item: int
    option: int
    rev: int | None = None


@dataclass(frozen=True)
class WalkMark(Numbered):
    """Not applicable / no data yet: na|nd:<unit>:<item>[:<card revision>]."""

    PREFIX = ""
    KINDS = get_args(MarkKind)
    kind: MarkKind
    unit: int
    item: int
    rev: int | None = None


@dataclass(frozen=True)
class WalkTyped(Numbered):
    """ "Change" under a typed answer waiting in the state: t:<unit>:<item>[:<card revision>]."""

    PREFIX = "t"
    unit: int
    item: int
    rev: int | None = None


@dataclass(frozen=True)
class WalkNav(Numbered):
    """Go to, previous, next, explain, evidence: g|p|n|x|e:<unit>:<item>."""

    PREFIX = ""
    KINDS = get_args(NavKind)
    kind: NavKind
    unit: int
    item: int


@dataclass(frozen=True)
class FieldList(Numbered):
    """The list of fields of the unit's criteria set: fl:<unit>."""

    PREFIX = "fl"
    unit: int


@dataclass(frozen=True)
class FieldOpen:
    """One field's first open card: f:<unit>:<field code> (a code like "2" or "10.1")."""

    HEAD: ClassVar[str] = "f"
    MAX_CODE: ClassVar[int] = 24
    unit: int
    field: str

    def pack(self) -> str:
        if not code_ok(self.field, self.MAX_CODE):
            raise ValueError(f"not a field code: {self.field!r}")
        check_numbers(self.unit)
        return fits(f"f:{self.unit}:{self.field}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = fields(data, cls.HEAD, 2, 2)
        if raw is None or (unit := number(raw[0])) is None or not code_ok(raw[1], cls.MAX_CODE):
            return None
        return cls(unit, raw[1])
