"""What every button codec shares: splitting the wire form, reading ids, the 64-byte check.

Button data comes back weeks later or forged, so reading it never raises: a field that is not
what the codec wrote makes the whole button None (answered as out of date), and a value that
could not come back is refused when the button is drawn, not when it is pressed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol, Self, TypeVar

from conversations.replies import MAX_CALLBACK_BYTES

MAX_ID = 2**31 - 1  # ids (INTEGER keys), option indexes, pages and revisions fit in 10 digits
# a criterion code as the catalog loader accepts it ("4", "10.1", "B_2"): never a ":"
CODE_RE = re.compile(r"\A[0-9A-Za-z][0-9A-Za-z._-]{0,31}\Z")


class Codec(Protocol):
    """A button family: a frozen dataclass that packs to its wire form and reads it back."""

    def pack(self) -> str: ...

    @classmethod
    def unpack(cls, data: str) -> Self | None: ...


C = TypeVar("C", bound=Codec)


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
