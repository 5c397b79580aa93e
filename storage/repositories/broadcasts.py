"""Broadcasts (notices from Nội vụ) before fan-out to the outbox."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from storage.models import Broadcast, Person, RoleGrant, Unit
from storage.repositories.base import Repository, ref
from storage.repositories.rows import PersonRow
from storage.types import utcnow

AUDIENCE_ROLES = ("officer", "leader")  # who a notice to a unit reaches


class BroadcastRepository(Repository):
    async def create(
        self,
        author: Person | PersonRow | int,
        text: str,
        audience: str,
        period_id: int | None = None,
        document_path: str | None = None,
    ) -> Broadcast:
        row = Broadcast(
            author_id=ref(author),
            text=text,
            audience=audience,
            period_id=period_id,
            document_path=document_path,
            created_at=utcnow(),
        )
        self.session.add(row)
        await self.session.flush()
        return row

    async def get(self, broadcast_id: int) -> Broadcast | None:
        return await self.session.get(Broadcast, broadcast_id)

    async def confirm(self, broadcast: Broadcast, at: datetime | None = None) -> None:
        broadcast.confirmed_at = at or utcnow()
        await self.session.flush()

    async def list_recent(self, limit: int = 20) -> list[Broadcast]:
        stmt = select(Broadcast).order_by(Broadcast.id.desc()).limit(limit)
        return list(await self.session.scalars(stmt))

    async def unit_people(self, unit_ids: Sequence[int]) -> list[tuple[int, PersonRow]]:
        """(unit id, person) for every officer and leader of ``unit_ids``, by person then unit:
        the people a notice to those units reaches."""
        if not unit_ids:
            return []
        rows = await self.session.execute(
            select(RoleGrant.unit_id, Person)
            .join(Person, Person.id == RoleGrant.person_id)
            .where(
                RoleGrant.role.in_(AUDIENCE_ROLES),
                RoleGrant.unit_id.in_(list(unit_ids)),
            )
            .order_by(Person.id, RoleGrant.unit_id)
        )
        return [(unit_id, PersonRow.of(p)) for unit_id, p in rows if unit_id is not None]

    async def unit_names(
        self, person_ids: Sequence[int], period_id: int | None
    ) -> dict[int, list[str]]:
        """The names of the units each person acts for as officer or leader (in ``period_id``
        when given), by name, each once."""
        if not person_ids:
            return {}
        stmt = (
            select(RoleGrant.person_id, Unit.name)
            .join(Unit, Unit.id == RoleGrant.unit_id)
            .where(RoleGrant.person_id.in_(list(person_ids)), RoleGrant.role.in_(AUDIENCE_ROLES))
            .order_by(Unit.name)
        )
        if period_id is not None:
            stmt = stmt.where(Unit.period_id == period_id)
        out: dict[int, list[str]] = defaultdict(list)
        for pid, name in await self.session.execute(stmt):
            if name not in out[pid]:
                out[pid].append(name)
        return dict(out)
