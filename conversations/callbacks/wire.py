"""What every button codec shares: splitting the wire form, reading ids, the 64-byte check.

Button data comes back weeks later or forged, so reading it never raises: a field that is not
what the codec wrote makes the whole button None (answered as out of date), and a value that
could not come back is refused when the button is drawn, not when it is pressed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any, ClassVar, Protocol, Self, TypeVar

from conversations.replies import MAX_CALLBACK_BYTES

MAX_ID = 2**31 - 1  # ids (INTEGER keys), option indexes, pages and revisions fit in 10 digits
# a criterion code as the catalog loader accepts it ("4", "10.1", "B_2"): never a ":"
CODE_RE = re.compile(r"\A[0-9A-Za-z][0-9A-Za-z._-]{0,31}\Z")


class ButtonCodec(Protocol):
    """A button: a frozen dataclass that packs to its wire form and reads it back."""

    def pack(self) -> str: ...

    @classmethod
    def unpack(cls, data: str) -> Self | None: ...


C = TypeVar("C", bound=ButtonCodec)


def first(data: str, codecs: Iterable[type[C]]) -> C | None:
    """The button ``data`` stands for among ``codecs``; None if none reads it."""
    for codec in codecs:
        found = codec.unpack(data)
        if found is not None:
            return found
    return None


def fields(data: str, head: str, n_min: int, n_max: int) -> list[str] | None:
    """The fields after ``head`` if there are ``n_min``..``n_max`` of them."""
    parts = data.split(":")
    if parts[0] != head or not n_min <= len(parts) - 1 <= n_max:
        return None
    return parts[1:]


def number(raw: str) -> int | None:
    """A non-negative id as buttons carry it (digits only: no sign, space or underscore)."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10) or int(raw) > MAX_ID:
        return None
    return int(raw)


def numbers(raws: list[str] | None) -> list[int] | None:
    """Every field as an id, or None if one is not."""
    if raws is None:
        return None
    out = [number(r) for r in raws]
    return None if any(v is None for v in out) else [v for v in out if v is not None]


def check_numbers(*values: int | None) -> None:
    """Refuse to pack a number that could not come back (negative, or over MAX_ID)."""
    for v in values:
        if v is not None and not 0 <= v <= MAX_ID:
            raise ValueError(f"not a button number: {v}")


def fits(data: str) -> str:
    """``data`` itself, if it fits Telegram's 64 bytes."""
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data[:80]!r}")
    return data


def code_ok(code: str, limit: int) -> bool:
    """A short code of letters, digits and dots (a field code like "10.1", a language)."""
    return 0 < len(code) <= limit and code.isascii() and all(c.isalnum() or c == "." for c in code)


class Fixed:
    """A button that carries nothing but its wire form (a cancel, the queue): equal to any other
    of its kind; subclasses are frozen dataclasses naming their ``WIRE``."""

    WIRE: ClassVar[str]

    def pack(self) -> str:
        return fits(self.WIRE)

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        return cls() if data == cls.WIRE else None


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    """A button class's field names in order (read per button drawn: a card draws a dozen)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


class Numbered:
    """A button of ids: ``<prefix>[:<kind>]:<id>…``, its fields on the wire in their order.

    Subclasses are frozen dataclasses whose fields are ids (``int``; trailing ones typed
    ``int | None = None`` may be missing on the wire, as in buttons drawn before they existed),
    led by a ``kind`` field when ``KINDS`` names the kinds. With an empty ``PREFIX`` the kind
    is the head itself (the walk's "g:<unit>:<item>")."""

    __dataclass_fields__: ClassVar[dict[str, Any]]
    PREFIX: ClassVar[str]
    KINDS: ClassVar[tuple[str, ...]] = ()

    def pack(self) -> str:
        values = [getattr(self, name) for name in _field_names(type(self))]
        head = [self.PREFIX] if self.PREFIX else []
        if self.KINDS:
            kind = values.pop(0)
            if kind not in self.KINDS:
                raise ValueError(f"not a kind of {type(self).__name__}: {kind!r}")
            head.append(kind)
        check_numbers(*values)
        return fits(":".join([*head, *(str(v) for v in values if v is not None)]))

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        names = dataclasses.fields(cls)
        n_max = len(names) - bool(cls.KINDS)
        n_min = n_max - sum(1 for f in names if f.default is None)
        head = cls.PREFIX.split(":") if cls.PREFIX else []
        parts = data.split(":")
        if parts[: len(head)] != head:
            return None
        parts = parts[len(head) :]
        kind = parts[:1] if cls.KINDS else []
        if cls.KINDS and (not kind or kind[0] not in cls.KINDS):
            return None
        nums = numbers(parts[len(kind) :])
        if nums is None or not n_min <= len(nums) <= n_max:
            return None
        return cls(*kind, *nums)
