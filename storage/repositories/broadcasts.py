"""Broadcasts (notices from Nội vụ) before fan-out to the outbox."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select, update

from storage.models import Broadcast, Person, RoleGrant, Unit
from storage.repositories.base import Repository, ref
from storage.repositories.rows import PersonRow
from storage.repositories.rows_plan import BroadcastRow
from storage.types import utcnow

AUDIENCE_ROLES = ("officer", "leader")  # who a notice to a unit reaches

_T = cast(Table, Broadcast.__table__)


class BroadcastRepository(Repository):
    async def create(
        self,
        author: PersonRow | int,
        text: str,
        audience: str,
        period_id: int | None = None,
        document_path: str | None = None,
    ) -> BroadcastRow:
        author_id, now = ref(author), utcnow()
        row_id = await self.session.scalar(
            insert(_T)
            .values(
                author_id=author_id,
                text=text,
                audience=audience,
                period_id=period_id,
                document_path=document_path,
                created_at=now,
            )
            .returning(_T.c.id)
        )
        return BroadcastRow(
            int(row_id), period_id, author_id, text, audience, now, None, document_path
        )

    async def get(self, broadcast_id: int) -> BroadcastRow | None:
        row = (await self.session.execute(select(_T).where(_T.c.id == broadcast_id))).first()
        return BroadcastRow(**row._mapping) if row is not None else None

    async def confirm(self, broadcast_id: int, at: datetime | None = None) -> None:
        await self.session.execute(
            update(_T).where(_T.c.id == broadcast_id).values(confirmed_at=at or utcnow())
        )

    async def list_recent(self, limit: int = 20) -> list[BroadcastRow]:
        stmt = select(_T).order_by(_T.c.id.desc()).limit(limit)
        return [BroadcastRow(**r._mapping) for r in await self.session.execute(stmt)]

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
