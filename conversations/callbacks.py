"""Typed callback data: one codec per button family, within Telegram's 64 bytes.

A button's data is what comes back when it is pressed, maybe weeks later and maybe forged. Each
family is a frozen dataclass: ``pack()`` writes the wire form and ``unpack(data)`` reads it back
or returns None (an old or forged button, answered as out of date). The wire forms are the ones
buttons in chats already carry ("a:<unit>:<item>:<option>:<rev>"), so old buttons still decode;
a card revision missing from buttons drawn before revisions existed decodes as None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, Self, get_args

from conversations.replies import MAX_CALLBACK_BYTES
from scoring.catalog_loader import BOARD_RE

NavKind = Literal["g", "p", "n", "x", "e"]
MarkKind = Literal["na", "nd"]
DecisionKind = Literal["s", "w"]
ChartKind = Literal["fields", "full", "yoy"]
MAX_ID = 2**31 - 1  # ids (INTEGER keys), option indexes, pages and revisions fit in 10 digits


def _fields(data: str, head: str, n_min: int, n_max: int) -> list[str] | None:
    """The fields after ``head`` if there are ``n_min``..``n_max`` of them."""
    parts = data.split(":")
    if parts[0] != head or not n_min <= len(parts) - 1 <= n_max:
        return None
    return parts[1:]


def _int(raw: str) -> int | None:
    """A non-negative id as buttons carry it (digits only: no sign, space or underscore)."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10) or int(raw) > MAX_ID:
        return None
    return int(raw)


def _nums(*values: int | None) -> None:
    """Refuse to pack a number that could not come back (negative, or over MAX_ID)."""
    for v in values:
        if v is not None and not 0 <= v <= MAX_ID:
            raise ValueError(f"not a button number: {v}")


def _ints(raws: list[str]) -> list[int] | None:
    out = [_int(r) for r in raws]
    return None if any(v is None for v in out) else [v for v in out if v is not None]


def _check(data: str) -> str:
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data[:80]!r}")
    return data


@dataclass(frozen=True)
class WalkAnswer:
    """An option button of a card: a:<unit>:<item>:<option>[:<card revision>]."""

    HEAD: ClassVar[str] = "a"
    unit: int
    item: int
    option: int
    rev: int | None = None

    def pack(self) -> str:
        _nums(self.unit, self.item, self.option, self.rev)
        tail = "" if self.rev is None else f":{self.rev}"
        return _check(f"a:{self.unit}:{self.item}:{self.option}{tail}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = _fields(data, cls.HEAD, 3, 4)
        nums = _ints(raw) if raw is not None else None
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
        _nums(self.unit, self.item, self.rev)
        tail = "" if self.rev is None else f":{self.rev}"
        return _check(f"{self.kind}:{self.unit}:{self.item}{tail}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        kind = data.split(":", 1)[0]
        if kind not in get_args(MarkKind):
            return None
        raw = _fields(data, kind, 2, 3)
        nums = _ints(raw) if raw is not None else None
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
        _nums(self.unit, self.item, self.rev)
        tail = "" if self.rev is None else f":{self.rev}"
        return _check(f"t:{self.unit}:{self.item}{tail}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = _fields(data, cls.HEAD, 2, 3)
        nums = _ints(raw) if raw is not None else None
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
        _nums(self.unit, self.item)
        return _check(f"{self.kind}:{self.unit}:{self.item}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        kind = data.split(":", 1)[0]
        if kind not in get_args(NavKind):
            return None
        raw = _fields(data, kind, 2, 2)
        nums = _ints(raw) if raw is not None else None
        return None if nums is None else cls(kind, nums[0], nums[1])  # type: ignore[arg-type]


@dataclass(frozen=True)
class FieldList:
    """The list of fields of the unit's criteria set: fl:<unit>."""

    HEAD: ClassVar[str] = "fl"
    unit: int

    def pack(self) -> str:
        _nums(self.unit)
        return _check(f"fl:{self.unit}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = _fields(data, cls.HEAD, 1, 1)
        nums = _ints(raw) if raw is not None else None
        return None if nums is None else cls(nums[0])


@dataclass(frozen=True)
class FieldOpen:
    """One field's first open card: f:<unit>:<field code> (a code like "2" or "10.1")."""

    HEAD: ClassVar[str] = "f"
    MAX_CODE: ClassVar[int] = 24
    unit: int
    field: str

    def pack(self) -> str:
        if not _code_ok(self.field, self.MAX_CODE):
            raise ValueError(f"not a field code: {self.field!r}")
        _nums(self.unit)
        return _check(f"f:{self.unit}:{self.field}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = _fields(data, cls.HEAD, 2, 2)
        if raw is None or (unit := _int(raw[0])) is None or not _code_ok(raw[1], cls.MAX_CODE):
            return None
        return cls(unit, raw[1])


def _code_ok(code: str, limit: int) -> bool:
    return 0 < len(code) <= limit and code.isascii() and all(c.isalnum() or c == "." for c in code)


@dataclass(frozen=True)
class Decision:
    """Confirm or cancel a submission (s) or withdrawal (w): s|w:<ok|no>:<unit>."""

    kind: DecisionKind
    ok: bool
    unit: int

    def pack(self) -> str:
        _nums(self.unit)
        return _check(f"{self.kind}:{'ok' if self.ok else 'no'}:{self.unit}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        kind = data.split(":", 1)[0]
        if kind not in get_args(DecisionKind):
            return None
        raw = _fields(data, kind, 2, 2)
        if raw is None or raw[0] not in ("ok", "no") or (unit := _int(raw[1])) is None:
            return None
        return cls(kind, raw[0] == "ok", unit)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ProgressPage:
    """Another page of /progress: pg:<unit>:<page>."""

    HEAD: ClassVar[str] = "pg"
    unit: int
    page: int

    def pack(self) -> str:
        _nums(self.unit, self.page)
        return _check(f"pg:{self.unit}:{self.page}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = _fields(data, cls.HEAD, 2, 2)
        nums = _ints(raw) if raw is not None else None
        return None if nums is None else cls(nums[0], nums[1])


@dataclass(frozen=True)
class Language:
    """The language buttons of /lang: l:<vi|en>."""

    HEAD: ClassVar[str] = "l"
    code: str

    def pack(self) -> str:
        if not _code_ok(self.code, 8):
            raise ValueError(f"not a language code: {self.code!r}")
        return _check(f"l:{self.code}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = _fields(data, cls.HEAD, 1, 1)
        return None if raw is None or not _code_ok(raw[0], 8) else cls(raw[0])


@dataclass(frozen=True)
class UnitChart:
    """A /rank chart of one unit: rk:fields|full|yoy:<unit> (its fields against the board
    median, the whole board with the unit in red, its criteria against last year)."""

    HEAD: ClassVar[str] = "rk"
    kind: ChartKind
    unit: int

    def pack(self) -> str:
        _nums(self.unit)
        return _check(f"rk:{self.kind}:{self.unit}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = _fields(data, cls.HEAD, 2, 2)
        if raw is None or raw[0] not in get_args(ChartKind) or (unit := _int(raw[1])) is None:
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
        return _check(f"rk:board:{self.board}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = _fields(data, cls.HEAD, 2, 2)
        if raw is None or raw[0] != "board" or not BOARD_RE.match(raw[1]):
            return None
        return cls(raw[1])


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
    for codec in CODECS:
        found = codec.unpack(data)
        if found is not None:
            return found
    return None
