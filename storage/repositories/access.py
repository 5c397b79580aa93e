"""Who holds which role (as plain rows for listings), the audit history of roles, and the
durable count of wrong invite codes per person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select

from storage.models import AccessEvent, InviteFailure, Person, RoleGrant, Unit
from storage.repositories.base import Repository
from storage.repositories.rows_people import AccessEventRow, GrantRow

__all__ = ["AccessEventRow", "AccessRepository", "GrantRow"]


class AccessRepository(Repository):
    async def grants(
        self,
        *,
        period_id: int | None = None,
        unit_id: int | None = None,
        person_id: int | None = None,
        grant_id: int | None = None,
    ) -> list[GrantRow]:
        """Roles ordered by person then grant. ``period_id`` keeps that period's unit roles and
        the all-units roles; ``unit_id`` keeps only that unit's roles."""
        stmt = (
            select(RoleGrant, Person, Unit)
            .join(Person, Person.id == RoleGrant.person_id)
            .outerjoin(Unit, Unit.id == RoleGrant.unit_id)
        )
        if period_id is not None:
            stmt = stmt.where(or_(Unit.period_id == period_id, RoleGrant.unit_id.is_(None)))
        if unit_id is not None:
            stmt = stmt.where(RoleGrant.unit_id == unit_id)
        if person_id is not None:
            stmt = stmt.where(RoleGrant.person_id == person_id)
        if grant_id is not None:
            stmt = stmt.where(RoleGrant.id == grant_id)
        rows = await self.session.execute(stmt.order_by(Person.full_name, Person.id, RoleGrant.id))
        return [
            GrantRow(
                grant_id=g.id,
                person_id=p.id,
                telegram_user_id=p.telegram_user_id,
                full_name=p.full_name,
                username=p.username,
                role=g.role,
                unit_id=g.unit_id,
                unit_code=u.code if u is not None else None,
                unit_name=u.name if u is not None else None,
                granted_at=g.granted_at,
            )
            for g, p, u in rows.all()
        ]

    async def record(
        self,
        *,
        person_id: int,
        action: str,
        role: str,
        unit_id: int | None,
        unit_label: str | None,
        actor_id: int | None,
        actor_label: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.session.add(
            AccessEvent(
                person_id=person_id,
                action=action,
                role=role,
                unit_id=unit_id,
                unit_label=unit_label,
                actor_id=actor_id,
                actor_label=actor_label[:255],
                reason=reason,
                at=at,
            )
        )
        await self.session.flush()

    async def history(self, person_id: int | None = None, limit: int = 200) -> list[AccessEventRow]:
        """The newest events first (optionally of one person)."""
        stmt = select(AccessEvent, Person.full_name).join(
            Person, Person.id == AccessEvent.person_id
        )
        if person_id is not None:
            stmt = stmt.where(AccessEvent.person_id == person_id)
        stmt = stmt.order_by(AccessEvent.at.desc(), AccessEvent.id.desc()).limit(limit)
        return [
            AccessEventRow(
                e.person_id, name, e.action, e.role, e.unit_label, e.actor_label, e.reason, e.at
            )
            for e, name in (await self.session.execute(stmt)).all()
        ]

    # ------------------------------------------------------------ wrong invite codes

    async def note_wrong_code(self, person_id: int, at: datetime, keep_after: datetime) -> None:
        """Count one wrong code; the person's older entries (before ``keep_after``) go."""
        await self.session.execute(
            delete(InviteFailure).where(
                InviteFailure.person_id == person_id, InviteFailure.at < keep_after
            )
        )
        self.session.add(InviteFailure(person_id=person_id, at=at))
        await self.session.flush()

    async def wrong_codes_since(self, person_id: int, since: datetime) -> list[datetime]:
        """Times of the person's wrong codes after ``since``, oldest first."""
        stmt = (
            select(InviteFailure.at)
            .where(InviteFailure.person_id == person_id, InviteFailure.at > since)
            .order_by(InviteFailure.at)
        )
        return list(await self.session.scalars(stmt))

    async def count_wrong_codes(self) -> int:
        return int(await self.session.scalar(select(func.count(InviteFailure.id))) or 0)
