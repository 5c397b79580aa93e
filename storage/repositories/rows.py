"""Plain frozen rows the hot path of an update returns (issue 19; issue 13's "repositories
return DTOs").  They are read with SQLAlchemy Core, never tracked by a session, so they cost no
identity-map bookkeeping and are safe to keep in per-process caches."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

_Row = TypeVar("_Row")


_NAMES: dict[type, tuple[str, ...]] = {}  # field names per row class: read once, not per row


def from_orm(cls: type[_Row], obj: Any) -> _Row:
    """``cls`` filled from the same-named attributes of an ORM object: repositories convert
    what they read or wrote with the ORM, so no tracked object leaves storage (issue 13), and a
    field added to a row class is filled without touching its readers."""
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    return cls(**{name: getattr(obj, name) for name in names})


@dataclass(frozen=True)
class PersonRow:
    id: int
    telegram_user_id: int
    chat_id: int
    full_name: str
    username: str | None
    language: str | None
    unreachable_at: datetime | None
    unreachable_reason: str | None
    created_at: datetime

    @classmethod
    def of(cls, person: Any) -> PersonRow:
        """The plain row of a person the repository read or wrote with the ORM."""
        return from_orm(cls, person)


@dataclass(frozen=True)
class RoleRow:
    id: int
    person_id: int
    unit_id: int | None
    role: str
    granted_at: datetime | None = None
    granted_by: int | None = None

    @classmethod
    def of(cls, grant: Any) -> RoleRow:
        """The plain row of a role grant the repository read or wrote with the ORM."""
        return from_orm(cls, grant)


@dataclass(frozen=True)
class HotPerson:
    """Everything the start of an update needs, from one statement: the person, their roles,
    their conversation state (``state_version`` None when none is stored) and the database's
    header revision (:class:`HeaderRow` caches are valid while it is unchanged)."""

    person: PersonRow
    roles: tuple[RoleRow, ...]
    state: dict[str, Any]
    state_version: int | None
    header_rev: int


@dataclass(frozen=True)
class UnitRow:
    id: int
    period_id: int
    code: str
    name: str
    board: str
    catalog_id: int | None
    created_at: datetime
    tags: list[str] | None

    @classmethod
    def of(cls, unit: Any) -> UnitRow:
        """The plain row of a unit the repository read or wrote with the ORM (its tags copied,
        so the row shares no list with the session)."""
        row = from_orm(cls, unit)
        return replace(row, tags=list(row.tags)) if row.tags is not None else row


@dataclass(frozen=True)
class PeriodRow:
    """An assessment period (one per year); ``published_at`` set while its results are
    frozen.  Returned by every PeriodRepository read (issue 13)."""

    id: int
    year: int
    title: str
    published_at: datetime | None


@dataclass(frozen=True)
class SubmissionRow:
    id: int
    unit_id: int
    status: str
    submitted_at: datetime | None
    submitted_by: int | None
    index_at_submit: Decimal | None
    updated_at: datetime

    @classmethod
    def of(cls, sub: Any) -> SubmissionRow:
        """The plain row of a submission a repository just read or wrote."""
        return from_orm(cls, sub)


@dataclass(frozen=True)
class HeaderRow:
    """A unit's slowly changing part: unit, period, catalog version, self-assessment deadline
    and submission.  Cached per process while ``hot_revision.rev`` is unchanged."""

    unit: UnitRow
    period: PeriodRow
    catalog_id: int
    catalog_sha256: str
    deadline: date | None
    submission: SubmissionRow | None


@dataclass(frozen=True)
class AnswerRow:
    id: int | None
    """None only for an answer written in this update with its COMMIT (PostgreSQL: its id is
    assigned then); no flow needs it."""
    unit_id: int
    item_id: int
    value: dict[str, Any]
    points: Decimal | None
    updated_by: int | None
    updated_at: datetime
    source: str
    version: int

    @classmethod
    def of(cls, a: Any) -> AnswerRow:
        """The plain row of an answer a repository just read or wrote."""
        return cls(
            a.id,
            a.unit_id,
            a.item_id,
            dict(a.value),
            a.points,
            a.updated_by,
            a.updated_at,
            a.source,
            a.version,
        )


@dataclass(frozen=True)
class ExplanationRow:
    unit_id: int
    item_id: int
    text: str
    author_id: int | None
    id: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, e: Any) -> ExplanationRow:
        """The plain row of an explanation a repository just read or wrote."""
        return from_orm(cls, e)


@dataclass(frozen=True)
class UnitItems:
    """The unit's per-item data the walk shows, from one statement (code → row)."""

    answers: dict[str, AnswerRow]
    explanations: dict[str, ExplanationRow]
    evidence_counts: dict[str, int]
    appraised: dict[str, Decimal] = field(default_factory=dict)
    """Appraised points that are set (the council's figure replaces the self-score)."""
    survey: dict[str, Decimal] = field(default_factory=dict)
