"""/evidence buttons (ev): one file's actions, a page of the unit's files, and the criterion
picker for files waiting to be attached.

ev:d|r|rc|rx|sw:<evidence> · ev:ls:<unit>:<node>:<page> · ev:pk:<unit>:<item> ·
ev:pf:<unit>:[<field code>] · ev:px:<unit>.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, Self, get_args

from conversations.callbacks.wire import CODE_RE, Numbered, check_numbers, fields, fits, number

FileKind = Literal["d", "r", "rc", "rx", "sw"]


@dataclass(frozen=True)
class EvidenceFile(Numbered):
    """One file: send it back (d), remove it, asked first (r, then rc or rx), or count the
    whole PDF rather than a section (sw): ev:<kind>:<evidence>."""

    PREFIX = "ev"
    KINDS = get_args(FileKind)
    kind: FileKind
    evidence: int


@dataclass(frozen=True)
class EvidenceList(Numbered):
    """A page of a unit's files, under one criterion or section (node 0: the whole unit):
    ev:ls:<unit>:<node>:<page>."""

    PREFIX = "ev:ls"
    unit: int
    node: int
    page: int


@dataclass(frozen=True)
class EvidencePick(Numbered):
    """Attach the waiting files to this criterion: ev:pk:<unit>:<item>."""

    PREFIX = "ev:pk"
    unit: int
    item: int


@dataclass(frozen=True)
class EvidenceField:
    """The picker's criteria of one field, or its list of fields (an empty code):
    ev:pf:<unit>:[<field code>]."""

    HEAD: ClassVar[str] = "ev"
    unit: int
    field: str = ""

    def pack(self) -> str:
        if self.field and not CODE_RE.match(self.field):
            raise ValueError(f"not a field code: {self.field!r}")
        check_numbers(self.unit)
        return fits(f"ev:pf:{self.unit}:{self.field}")

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        raw = fields(data, cls.HEAD, 2, 3)
        if raw is None or raw[0] != "pf" or (unit := number(raw[1])) is None:
            return None
        code = raw[2] if len(raw) == 3 else ""
        return cls(unit, code) if not code or CODE_RE.match(code) else None


@dataclass(frozen=True)
class EvidenceDrop(Numbered):
    """Drop the waiting files, nothing attached: ev:px:<unit>."""

    PREFIX = "ev:px"
    unit: int


EvidenceButton = EvidenceFile | EvidenceList | EvidencePick | EvidenceField | EvidenceDrop
EVIDENCE: tuple[type[EvidenceButton], ...] = (
    EvidenceFile,
    EvidenceList,
    EvidencePick,
    EvidenceField,
    EvidenceDrop,
)
