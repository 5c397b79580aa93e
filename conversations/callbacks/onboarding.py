"""The language buttons of /lang (l)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from conversations.callbacks.wire import code_ok, fields, fits


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
