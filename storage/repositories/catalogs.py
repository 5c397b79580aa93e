"""Catalogs (bộ chỉ số) and their item trees, per period."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy import select

from scoring.kinds import KIND_NAMES
from storage.models import Board, Catalog, CatalogItem, ItemSection
from storage.repositories.base import Repository, to_decimal
from storage.repositories.rows import from_orm
from storage.repositories.rows_catalog import CatalogItemRow, CatalogRow, ItemSpec
from storage.types import utcnow


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check(spec: ItemSpec) -> None:
    if spec.kind is not None and spec.kind not in KIND_NAMES:
        raise ValueError(f"unknown answer kind {spec.kind!r}")
    ItemSection(spec.section)


def _row(catalog: Catalog) -> CatalogRow:
    return replace(from_orm(CatalogRow, catalog), boards=list(catalog.boards or []))  # a copy


class CatalogRepository(Repository):
    async def create(
        self,
        period_id: int,
        code: str,
        title: str,
        boards: Sequence[str],
        source_yaml: str,
        items: Iterable[ItemSpec] = (),
        sha256: str | None = None,
    ) -> CatalogRow:
        """Store a catalog for a period and its items (``sha256`` defaults to the YAML's)."""
        catalog = Catalog(
            period_id=period_id,
            code=code,
            title=title,
            boards=list(boards),
            source_yaml=source_yaml,
            sha256=sha256 or sha256_text(source_yaml),
            imported_at=utcnow(),
        )
        self.session.add(catalog)
        await self.session.flush()
        await self._sync_items(catalog, items)
        return _row(catalog)

    async def replace(
        self,
        catalog_id: int,
        title: str,
        boards: Sequence[str],
        source_yaml: str,
        items: Iterable[ItemSpec],
        sha256: str | None = None,
    ) -> CatalogRow:
        """Re-import a catalog in place: items are matched by code and keep their ids (so
        answers stay attached); items no longer present are deleted, which fails with
        ``IntegrityError`` at flush if answers/evidence still reference them."""
        catalog = await self._orm(catalog_id)
        catalog.title = title
        catalog.boards = list(boards)
        catalog.source_yaml = source_yaml
        catalog.sha256 = sha256 or sha256_text(source_yaml)
        catalog.imported_at = utcnow()
        await self._sync_items(catalog, items)
        return _row(catalog)

    async def _orm(self, catalog_id: int) -> Catalog:
        catalog = await self.session.get(Catalog, catalog_id)
        if catalog is None:
            raise LookupError(f"catalog {catalog_id} is gone")
        return catalog

    async def _sync_items(self, catalog: Catalog, items: Iterable[ItemSpec]) -> None:
        stmt = select(CatalogItem).where(CatalogItem.catalog_id == catalog.id)
        existing = {item.code: item for item in await self.session.scalars(stmt)}
        seen: set[str] = set()
        for index, spec in enumerate(items):
            _check(spec)
            if spec.code in seen:
                raise ValueError(f"duplicate item code {spec.code!r} in catalog {catalog.code!r}")
            seen.add(spec.code)
            item = existing.get(spec.code)
            if item is None:
                item = CatalogItem(catalog_id=catalog.id, code=spec.code)
                self.session.add(item)
            item.parent_code = spec.parent_code
            item.title = spec.title
            item.max_points = to_decimal(spec.max_points)  # type: ignore[assignment]
            item.kind = spec.kind
            item.section = spec.section
            item.is_leaf = spec.is_leaf
            item.position = spec.position if spec.position is not None else index
        for code, item in existing.items():
            if code not in seen:
                await self.session.delete(item)
        await self.session.flush()

    async def ensure_boards(self, codes: Iterable[str]) -> None:
        """Create the board rows a catalog declares (district, branch…) that do not exist yet;
        named after their code until someone names them otherwise."""
        for code in codes:
            if await self.session.get(Board, code) is None:
                self.session.add(Board(code=code, name_vi=f"Bảng {code}", name_en=f"Board {code}"))
        await self.session.flush()

    async def get(self, catalog_id: int) -> CatalogRow | None:
        catalog = await self.session.get(Catalog, catalog_id)
        return _row(catalog) if catalog is not None else None

    async def get_by_code(self, period_id: int, code: str) -> CatalogRow | None:
        catalog = await self.session.scalar(
            select(Catalog).where(Catalog.period_id == period_id, Catalog.code == code)
        )
        return _row(catalog) if catalog is not None else None

    async def list_for_period(self, period_id: int) -> list[CatalogRow]:
        stmt = select(Catalog).where(Catalog.period_id == period_id).order_by(Catalog.id)
        return [_row(c) for c in await self.session.scalars(stmt)]

    async def for_board(self, period_id: int, board: str) -> CatalogRow | None:
        """The (latest imported) catalog of a period that covers ``board``."""
        catalogs = await self.list_for_period(period_id)
        matching = [c for c in catalogs if board in (c.boards or [])]
        return max(matching, key=lambda c: (c.imported_at, c.id)) if matching else None

    async def delete(self, catalog_id: int) -> None:
        """Delete a catalog and (cascade) its items; fails if units/answers reference them."""
        await self.session.delete(await self._orm(catalog_id))
        await self.session.flush()

    # ---------------------------------------------------------------- items

    async def items(self, catalog_id: int) -> list[CatalogItemRow]:
        """All items of a catalog in document order."""
        stmt = (
            select(CatalogItem)
            .where(CatalogItem.catalog_id == catalog_id)
            .order_by(CatalogItem.position, CatalogItem.id)
        )
        return [from_orm(CatalogItemRow, i) for i in await self.session.scalars(stmt)]

    async def items_by_code(self, catalog_id: int) -> dict[str, CatalogItemRow]:
        return {item.code: item for item in await self.items(catalog_id)}

    async def item(self, catalog_id: int, code: str) -> CatalogItemRow | None:
        item = await self.session.scalar(
            select(CatalogItem).where(
                CatalogItem.catalog_id == catalog_id, CatalogItem.code == code
            )
        )
        return from_orm(CatalogItemRow, item) if item is not None else None

    async def get_item(self, item_id: int) -> CatalogItemRow | None:
        item = await self.session.get(CatalogItem, item_id)
        return from_orm(CatalogItemRow, item) if item is not None else None


__all__ = ["CatalogRepository", "ItemSpec", "sha256_text"]
