"""Broadcasts (notices from Nội vụ) before fan-out to the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage.models import Broadcast, Person
from storage.repositories.base import Repository, ref
from storage.repositories.rows import PersonRow
from storage.types import utcnow


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
