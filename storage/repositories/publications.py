"""Publication snapshots (frozen official results) and their audit history.

A period has at most one *current* publication: the highest version not withdrawn.  Nothing
here ever deletes or edits a snapshot's figures; unpublishing only stamps ``withdrawn_at``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from storage.models import Publication, PublicationEvent, PublishedUnit
from storage.repositories.base import Repository
from storage.repositories.rows import PersonRow
from storage.repositories.rows_catalog import AuditRow, Snapshot, SnapshotUnit
from storage.types import utcnow


def _snapshot(row: Publication) -> Snapshot:
    return Snapshot(
        row.id,
        row.period_id,
        row.version,
        row.published_at,
        row.published_by,
        row.forced,
        row.reason,
        dict(row.missing),
        list(row.catalogs),
        row.withdrawn_at,
    )


_UNIT_FIELDS = tuple(SnapshotUnit.__dataclass_fields__)


class PublicationRepository(Repository):
    async def create(
        self,
        period_id: int,
        units: Sequence[SnapshotUnit],
        *,
        catalogs: list[dict[str, Any]],
        missing: dict[str, Any],
        forced: bool,
        reason: str | None,
        by: PersonRow | None,
        at: datetime | None = None,
    ) -> Snapshot:
        """Store a new version of the period's snapshot (previous versions stay)."""
        last = await self.session.scalar(
            select(func.max(Publication.version)).where(Publication.period_id == period_id)
        )
        row = Publication(
            period_id=period_id,
            version=(last or 0) + 1,
            published_at=at or utcnow(),
            published_by=by.id if by is not None else None,
            forced=forced,
            reason=reason,
            missing=missing,
            catalogs=catalogs,
        )
        self.session.add(row)
        await self.session.flush()
        self.session.add_all(
            PublishedUnit(publication_id=row.id, **{f: getattr(u, f) for f in _UNIT_FIELDS})
            for u in units
        )
        await self.session.flush()
        return _snapshot(row)

    async def current(self, period_id: int) -> Snapshot | None:
        """The period's publication in force (the newest not withdrawn), if any."""
        row = await self.session.scalar(
            select(Publication)
            .where(Publication.period_id == period_id, Publication.withdrawn_at.is_(None))
            .order_by(Publication.version.desc())
            .limit(1)
        )
        return _snapshot(row) if row is not None else None

    async def versions(self, period_id: int) -> list[Snapshot]:
        """Every publication of the period, oldest first (withdrawn ones included)."""
        rows = await self.session.scalars(
            select(Publication)
            .where(Publication.period_id == period_id)
            .order_by(Publication.version)
        )
        return [_snapshot(r) for r in rows]

    async def units(self, publication_id: int, board: str | None = None) -> list[SnapshotUnit]:
        """A snapshot's units, board then rank then code (the order they were published in)."""
        stmt = select(PublishedUnit).where(PublishedUnit.publication_id == publication_id)
        if board is not None:
            stmt = stmt.where(PublishedUnit.board == board)
        rows = await self.session.scalars(
            stmt.order_by(PublishedUnit.id)  # inserted in board, rank order
        )
        return [SnapshotUnit(**{f: getattr(r, f) for f in _UNIT_FIELDS}) for r in rows]

    async def unit(self, publication_id: int, unit_id: int) -> SnapshotUnit | None:
        row = await self.session.scalar(
            select(PublishedUnit).where(
                PublishedUnit.publication_id == publication_id, PublishedUnit.unit_id == unit_id
            )
        )
        return SnapshotUnit(**{f: getattr(row, f) for f in _UNIT_FIELDS}) if row else None

    async def withdraw(self, publication_id: int, at: datetime | None = None) -> None:
        row = await self.session.get(Publication, publication_id)
        if row is not None and row.withdrawn_at is None:
            row.withdrawn_at = at or utcnow()
            await self.session.flush()

    # ------------------------------------------------------------------ audit history

    async def record(
        self,
        period_id: int,
        action: str,
        *,
        publication_id: int | None,
        by: PersonRow | None,
        reason: str | None,
        at: datetime | None = None,
    ) -> None:
        self.session.add(
            PublicationEvent(
                period_id=period_id,
                publication_id=publication_id,
                action=action,
                actor_id=by.id if by is not None else None,
                actor_label=by.full_name if by is not None else "cli",
                reason=reason,
                at=at or utcnow(),
            )
        )
        await self.session.flush()

    async def history(self, period_id: int) -> list[AuditRow]:
        """The period's publish/unpublish events, oldest first."""
        rows = await self.session.execute(
            select(
                PublicationEvent.action,
                Publication.version,
                PublicationEvent.actor_label,
                PublicationEvent.reason,
                PublicationEvent.at,
            )
            .outerjoin(Publication, Publication.id == PublicationEvent.publication_id)
            .where(PublicationEvent.period_id == period_id)
            .order_by(PublicationEvent.at, PublicationEvent.id)
        )
        return [AuditRow(*r) for r in rows]


__all__ = ["AuditRow", "PublicationRepository", "Snapshot", "SnapshotUnit"]
