"""Evidence files (tài liệu kiểm chứng) attached to items; content lives in EvidenceStore."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, update

from storage.models import CatalogItem, Evidence, SignatureStatus
from storage.repositories.base import Repository, ref
from storage.repositories.rows import PersonRow, from_orm
from storage.repositories.rows_evidence import EvidenceRow, ItemEvidence
from storage.types import utcnow

__all__ = ["EvidenceRepository", "ItemEvidence"]

_T = cast(Table, Evidence.__table__)


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
        uploaded_by: PersonRow | int | None = None,
        at: datetime | None = None,
    ) -> tuple[EvidenceRow, bool]:
        """Attach a stored file to an item; ``(row, created)``.

        The same content (sha256) on the same item is one row: uploading it again refreshes
        its metadata and un-removes it, and returns ``created=False``.
        """
        SignatureStatus(signature_status)
        row = await self.session.scalar(
            select(Evidence).where(
                Evidence.unit_id == unit_id, Evidence.item_id == item_id, Evidence.sha256 == sha256
            )
        )
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
        return from_orm(EvidenceRow, row), created

    async def get(self, evidence_id: int) -> EvidenceRow | None:
        r = (await self.session.execute(select(_T).where(_T.c.id == evidence_id))).first()
        return from_orm(EvidenceRow, r) if r is not None else None

    async def get_by_sha(self, unit_id: int, item_id: int, sha256: str) -> EvidenceRow | None:
        stmt = select(_T).where(
            _T.c.unit_id == unit_id, _T.c.item_id == item_id, _T.c.sha256 == sha256
        )
        r = (await self.session.execute(stmt)).first()
        return from_orm(EvidenceRow, r) if r is not None else None

    async def list_for_item(
        self, unit_id: int, item_id: int, include_removed: bool = False
    ) -> list[EvidenceRow]:
        stmt = select(_T).where(_T.c.unit_id == unit_id, _T.c.item_id == item_id)
        if not include_removed:
            stmt = stmt.where(_T.c.removed_at.is_(None))
        rows = await self.session.execute(stmt.order_by(_T.c.id))
        return [from_orm(EvidenceRow, r) for r in rows]

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
    ) -> dict[str, list[EvidenceRow]]:
        """``{item code: [EvidenceRow, …]}`` for one unit (upload order)."""
        stmt = (
            select(CatalogItem.code.label("item_code"), _T)
            .join(CatalogItem, CatalogItem.id == _T.c.item_id)
            .where(_T.c.unit_id == unit_id)
        )
        if not include_removed:
            stmt = stmt.where(_T.c.removed_at.is_(None))
        out: dict[str, list[EvidenceRow]] = {}
        for r in await self.session.execute(stmt.order_by(_T.c.id)):
            out.setdefault(r.item_code, []).append(from_orm(EvidenceRow, r))
        return out

    async def remove(
        self,
        evidence_id: int,
        by: PersonRow | int | None = None,
        at: datetime | None = None,
    ) -> None:
        """Soft-delete (the file stays in the store; other rows may share it)."""
        await self._update(evidence_id, removed_at=at or utcnow(), removed_by=ref(by))

    async def set_section(self, evidence_id: int, section_ref: str | None) -> None:
        """Point the file at the part of a document that proves its item (a section or
        page reference), or at the whole document (None)."""
        await self._update(evidence_id, section_ref=section_ref)

    async def _update(self, evidence_id: int, **values: Any) -> None:
        await self.session.execute(
            update(Evidence).where(Evidence.id == evidence_id).values(**values)
        )

    async def is_referenced(self, sha256: str) -> bool:
        """True if any (even removed) evidence row uses this content."""
        stmt = select(Evidence.id).where(Evidence.sha256 == sha256).limit(1)
        return (await self.session.scalar(stmt)) is not None

    async def live_for_units(self, unit_ids: Sequence[int]) -> list[ItemEvidence]:
        """Every file not removed of ``unit_ids``, by unit, then catalog order, then upload."""
        if not unit_ids:
            return []
        rows = await self.session.execute(
            select(
                _T,
                CatalogItem.code.label("item_code"),
                CatalogItem.title.label("item_title"),
                CatalogItem.position.label("item_position"),
            )
            .join(CatalogItem, CatalogItem.id == _T.c.item_id)
            .where(_T.c.unit_id.in_(list(unit_ids)), _T.c.removed_at.is_(None))
            .order_by(_T.c.unit_id, CatalogItem.position, _T.c.id)
        )
        return [
            ItemEvidence(from_orm(EvidenceRow, r), r.item_code, r.item_title, r.item_position)
            for r in rows
        ]
