"""The self-scoring card's buttons: answer, mark, typed change, navigation, fields.

The wire forms are the ones buttons in chats already carry ("a:<unit>:<item>:<option>:<rev>"),
so old buttons still decode; a card revision missing from buttons drawn before revisions
existed decodes as None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, Self, get_args

from conversations.callbacks.wire import check_numbers, code_ok, fields, fits, number, numbers

NavKind = Literal["g", "p", "n", "x", "e"]
MarkKind = Literal["na", "nd"]


@dataclass(frozen=True)
class WalkAnswer:
    """An option button of a card: a:<unit>:<item>:<option>[:<card revision>]."""

    HEAD: ClassVar[str] = "a"
    unit: int
    item: int
    option: int
    rev: int | None = None

    def pack(self) -> str:
        check_numbers(self.unit, self.item, self.option, self.rev)
        tail = "" if self.rev is None else f":{self.rev}"
        return fits(f"a:{self.unit}:{self.item}:{self.option}{tail}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = fields(data, cls.HEAD, 3, 4)
        nums = numbers(raw)
        if nums is None:
            return None
        return cls(nums[0], nums[1], nums[2], nums[3] if len(nums) == 4 else None)


@dataclass(frozen=True)
class WalkMark:
    """Not applicable / no data yet: na|nd:<unit>:<item>[:<card revision>]."""

    kind: MarkKind
    unit: int
    item: int
    rev: int | None = None

    def pack(self) -> str:
        check_numbers(self.unit, self.item, self.rev)
        tail = "" if self.rev is None else f":{self.rev}"
        return fits(f"{self.kind}:{self.unit}:{self.item}{tail}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        kind = data.split(":", 1)[0]
        if kind not in get_args(MarkKind):
            return None
        raw = fields(data, kind, 2, 3)
        nums = numbers(raw)
        if nums is None:
            return None
        rev = nums[2] if len(nums) == 3 else None
        return cls(kind, nums[0], nums[1], rev)  # type: ignore[arg-type]


@dataclass(frozen=True)
class WalkTyped:
    """ "Change" under a typed answer waiting in the state: t:<unit>:<item>[:<card revision>]."""

    HEAD: ClassVar[str] = "t"
    unit: int
    item: int
    rev: int | None = None

    def pack(self) -> str:
        check_numbers(self.unit, self.item, self.rev)
        tail = "" if self.rev is None else f":{self.rev}"
        return fits(f"t:{self.unit}:{self.item}{tail}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = fields(data, cls.HEAD, 2, 3)
        nums = numbers(raw)
        if nums is None:
            return None
        return cls(nums[0], nums[1], nums[2] if len(nums) == 3 else None)


@dataclass(frozen=True)
class WalkNav:
    """Go to, previous, next, explain, evidence: g|p|n|x|e:<unit>:<item>."""

    kind: NavKind
    unit: int
    item: int

    def pack(self) -> str:
        check_numbers(self.unit, self.item)
        return fits(f"{self.kind}:{self.unit}:{self.item}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        kind = data.split(":", 1)[0]
        if kind not in get_args(NavKind):
            return None
        raw = fields(data, kind, 2, 2)
        nums = numbers(raw)
        return None if nums is None else cls(kind, nums[0], nums[1])  # type: ignore[arg-type]


@dataclass(frozen=True)
class FieldList:
    """The list of fields of the unit's criteria set: fl:<unit>."""

    HEAD: ClassVar[str] = "fl"
    unit: int

    def pack(self) -> str:
        check_numbers(self.unit)
        return fits(f"fl:{self.unit}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = fields(data, cls.HEAD, 1, 1)
        nums = numbers(raw)
        return None if nums is None else cls(nums[0])


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
