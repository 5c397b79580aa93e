"""Plain frozen rows of the people area (issue 13: repositories return DTOs, never ORM objects):
invites, appraiser assignments, role listings and the access history.  Units, people and role
grants have theirs in :mod:`storage.repositories.rows` (the hot path fills them).  Nothing here
imports SQLAlchemy, so the conversation core can annotate with these classes; repositories fill
them with Core selects or :func:`storage.repositories.rows.from_orm`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class InviteRow:
    """A one-time invitation (its code is never stored, only the hash)."""

    id: int
    code_hash: str
    period_id: int | None
    unit_id: int | None
    role: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    used_by: int | None
    created_by: int | None
    allow_second_unit: bool


@dataclass(frozen=True)
class AssignmentRow:
    """An appraiser's field in a period (``board`` None = every board)."""

    id: int
    person_id: int
    period_id: int
    board: str | None
    field_code: str


@dataclass(frozen=True)
class GrantRow:
    """One role of one person, with what a listing shows about both."""

    grant_id: int
    person_id: int
    telegram_user_id: int
    full_name: str
    username: str | None
    role: str
    unit_id: int | None
    unit_code: str | None
    unit_name: str | None
    granted_at: datetime


@dataclass(frozen=True)
class AccessEventRow:
    """One grant or revocation of the access history, with the person's name."""

    person_id: int
    full_name: str
    action: str
    role: str
    unit_label: str | None
    actor_label: str
    reason: str
    at: datetime
