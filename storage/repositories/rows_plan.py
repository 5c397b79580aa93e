"""Plain frozen rows of the plan and the messaging (issue 13: repositories return DTOs).

Milestones, the plan's text and the questions it left open, broadcasts and outbox messages
leave storage as these rows, never as ORM objects: the core annotates with them and changes
the database only through the repositories' write methods (which take ids), so nothing
relies on a session flushing an object someone mutated.  SQLAlchemy-free on purpose: the
core imports this module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class MilestoneRow:
    """A stored milestone of a period's plan (``storage.models.Milestone``'s columns)."""

    id: int
    period_id: int
    key: str
    title: str
    title_en: str | None
    kind: str
    due_start: date | None
    due_end: date
    precision: str
    lead: str | None
    coordinate: str | None
    audience: str
    source: str | None
    reminder_days: list[int] | None


@dataclass(frozen=True)
class SectionRow:
    """One stored section: its number as written ("IV.1"), heading and sentences."""

    number: str
    heading: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class AskedRow:
    """An unanswered question: what was asked, by whom (None: unknown), when, and why it
    went unanswered (``outcome``: not_in_plan, rule_not_in_plan …)."""

    text: str
    outcome: str
    asked_at: datetime
    asker: str | None


@dataclass(frozen=True)
class BroadcastRow:
    """A notice an admin wrote (``storage.models.Broadcast``'s columns)."""

    id: int
    period_id: int | None
    author_id: int
    text: str
    audience: str
    created_at: datetime
    confirmed_at: datetime | None
    document_path: str | None


@dataclass(frozen=True)
class OutboxRow:
    """A message of the outbox as read or claimed (``storage.models.OutboxMessage``'s
    columns); finish it with the repository's ``mark_*`` methods, by ``id``."""

    id: int
    key: str
    person_id: int | None
    chat_id: int
    kind: str
    payload: dict[str, Any]
    status: str
    attempts: int
    not_before: datetime
    last_error: str | None
    created_at: datetime
    claimed_at: datetime | None
    sent_at: datetime | None
    telegram_message_id: int | None
    broadcast_id: int | None
    acknowledged_at: datetime | None
