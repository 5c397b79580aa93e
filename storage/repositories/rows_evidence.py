"""Plain frozen rows of the self-assessment's evidence area (issue 13: repositories return
DTOs): answer history, evidence files, submission events, appraisals and survey points
(appraiser assignments are in :mod:`storage.repositories.rows_people`). SQLAlchemy-free, so
the conversation core can name them; the answer, explanation and submission rows of the hot
path live in :mod:`storage.repositories.rows`.

Attribute names are the ORM columns' names, so reading code is the same whichever it holds;
nothing is written by changing a row: writes are repository methods taking ids and values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class AnswerHistoryRow:
    """One change of an item's answer, appraisal or survey points (``source`` says which)."""

    id: int
    unit_id: int
    item_id: int
    old_value: dict[str, Any] | None
    new_value: dict[str, Any] | None
    old_points: Decimal | None
    new_points: Decimal | None
    changed_by: int | None
    changed_at: datetime
    reason: str | None
    source: str


@dataclass(frozen=True)
class EvidenceRow:
    """An evidence file attached to an item (its content lives in the evidence store)."""

    id: int
    unit_id: int
    item_id: int
    sha256: str
    original_name: str
    size: int
    pages: int | None
    mime: str
    signature_status: str
    signer: str | None
    signed_at: datetime | None
    signature_detail: dict[str, Any] | None
    telegram_file_id: str | None
    section_ref: str | None
    uploaded_by: int | None
    uploaded_at: datetime
    removed_at: datetime | None
    removed_by: int | None


@dataclass(frozen=True)
class ItemEvidence:
    """A live evidence file with the catalog item it proves (code, title, position)."""

    evidence: EvidenceRow
    item_code: str
    item_title: str
    item_position: int


@dataclass(frozen=True)
class SubmissionEventRow:
    id: int
    unit_id: int
    status: str
    created_at: datetime
    created_by: int | None
    note: str | None


@dataclass(frozen=True)
class AppraisalRow:
    """The council's verdict on one item of a unit."""

    id: int
    unit_id: int
    item_id: int
    points: Decimal | None
    status: str
    comment: str | None
    due_date: date | None
    appraiser_id: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class SurveyPointsRow:
    id: int
    unit_id: int
    item_id: int
    points: Decimal
    imported_at: datetime
