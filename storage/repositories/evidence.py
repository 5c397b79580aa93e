"""Evidence files (tài liệu kiểm chứng) attached to items; content lives in EvidenceStore."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from storage.models import CatalogItem, Evidence, Person, SignatureStatus
from storage.repositories.base import Repository, ref
from storage.repositories.rows import PersonRow
from storage.types import utcnow


@dataclass(frozen=True)
class ItemEvidence:
    """A live evidence file with the catalog item it proves (code, title, position)."""

    evidence: Evidence
    item_code: str
    item_title: str
    item_position: int


class EvidenceRepository(Repository):
    async def add(
        self,
        unit_id: int,
        item_id: int,
        sha256: str,
        original_name: str,
        size: int,
        mime: str,
        signature_status: str,
        pages: int | None = None,
        signer: str | None = None,
        signed_at: datetime | None = None,
        signature_detail: dict[str, Any] | None = None,
        telegram_file_id: str | None = None,
        section_ref: str | None = None,
        uploaded_by: Person | PersonRow | int | None = None,
        at: datetime | None = None,
    ) -> tuple[Evidence, bool]:
        """Attach a stored file to an item; ``(row, created)``.

        The same content (sha256) on the same item is one row: uploading it again refreshes
        its metadata and un-removes it, and returns ``created=False``.
        """
        SignatureStatus(signature_status)
        row = await self.get_by_sha(unit_id, item_id, sha256)
        created = row is None
        if row is None:
            row = Evidence(unit_id=unit_id, item_id=item_id, sha256=sha256)
            self.session.add(row)
        row.original_name = original_name[:255]
        row.size = size
        row.mime = mime
        row.signature_status = signature_status
        row.pages = pages
        row.signer = signer
        row.signed_at = signed_at
        row.signature_detail = signature_detail
        row.telegram_file_id = telegram_file_id
        row.section_ref = section_ref
        row.uploaded_by = ref(uploaded_by)
        row.uploaded_at = at or utcnow()
        row.removed_at = None
        row.removed_by = None
        await self.session.flush()
        return row, created

    async def get(self, evidence_id: int) -> Evidence | None:
        return await self.session.get(Evidence, evidence_id)

    async def get_by_sha(self, unit_id: int, item_id: int, sha256: str) -> Evidence | None:
        return await self.session.scalar(
            select(Evidence).where(
                Evidence.unit_id == unit_id, Evidence.item_id == item_id, Evidence.sha256 == sha256
            )
        )

    async def list_for_item(
        self, unit_id: int, item_id: int, include_removed: bool = False
    ) -> list[Evidence]:
        stmt = select(Evidence).where(Evidence.unit_id == unit_id, Evidence.item_id == item_id)
        if not include_removed:
            stmt = stmt.where(Evidence.removed_at.is_(None))
        return list(await self.session.scalars(stmt.order_by(Evidence.id)))

    async def counts_for_unit(self, unit_id: int) -> dict[str, int]:
        """``{item code: number of files kept}`` (without loading the rows)."""
        stmt = (
            select(CatalogItem.code, func.count(Evidence.id))
            .join(CatalogItem, CatalogItem.id == Evidence.item_id)
            .where(Evidence.unit_id == unit_id, Evidence.removed_at.is_(None))
            .group_by(CatalogItem.code)
        )
        return {code: int(n) for code, n in await self.session.execute(stmt)}

    async def list_for_unit(
        self, unit_id: int, include_removed: bool = False
    ) -> dict[str, list[Evidence]]:
        """``{item code: [Evidence, …]}`` for one unit (upload order)."""
        stmt = (
            select(CatalogItem.code, Evidence)
            .join(CatalogItem, CatalogItem.id == Evidence.item_id)
            .where(Evidence.unit_id == unit_id)
        )
        if not include_removed:
            stmt = stmt.where(Evidence.removed_at.is_(None))
        out: dict[str, list[Evidence]] = {}
        for code, row in await self.session.execute(stmt.order_by(Evidence.id)):
            out.setdefault(code, []).append(row)
        return out

    async def remove(
        self,
        evidence: Evidence,
        by: Person | PersonRow | int | None = None,
        at: datetime | None = None,
    ) -> None:
        """Soft-delete (the file stays in the store; other rows may share it)."""
        evidence.removed_at = at or utcnow()
        evidence.removed_by = ref(by)
        await self.session.flush()

    async def is_referenced(self, sha256: str) -> bool:
        """True if any (even removed) evidence row uses this content."""
        stmt = select(Evidence.id).where(Evidence.sha256 == sha256).limit(1)
        return (await self.session.scalar(stmt)) is not None

    async def live_for_units(self, unit_ids: Sequence[int]) -> list[ItemEvidence]:
        """Every file not removed of ``unit_ids``, by unit, then catalog order, then upload."""
        if not unit_ids:
            return []
        rows = await self.session.execute(
            select(Evidence, CatalogItem.code, CatalogItem.title, CatalogItem.position)
            .join(CatalogItem, CatalogItem.id == Evidence.item_id)
            .where(Evidence.unit_id.in_(list(unit_ids)), Evidence.removed_at.is_(None))
            .order_by(Evidence.unit_id, CatalogItem.position, Evidence.id)
        )
        return [ItemEvidence(ev, code, title, position) for ev, code, title, position in rows]
