"""Which stored contents the evidence rows need, for `parbot verify` and backups."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from storage.models import Evidence
from storage.repositories.base import Repository


@dataclass(frozen=True)
class EvidenceFileRef:
    """One evidence row (removed ones too: their content stays in the store)."""

    evidence_id: int
    sha256: str
    size: int
    original_name: str


class EvidenceAuditRepository(Repository):
    async def file_refs(self) -> list[EvidenceFileRef]:
        stmt = select(Evidence.id, Evidence.sha256, Evidence.size, Evidence.original_name)
        rows = await self.session.execute(stmt.order_by(Evidence.id))
        return [EvidenceFileRef(int(i), str(s), int(n), str(o)) for i, s, n, o in rows]
