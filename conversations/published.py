"""A published period's figures, read back from its publication snapshot (which
:mod:`conversations.snapshot` takes when the period is published): the standings and each unit's
result as they were announced, never recomputed from live data.

Apart from the snapshot's writer, so that :mod:`conversations.assessment` — whose standings and
unit results of a published period come from here — imports this module and nothing here
imports it back.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scoring.catalog import Catalog
from scoring.catalog_loader import load_catalog
from scoring.ranking import Entry, Ranked
from scoring.results import LeafScore, ResultSummary, UnitResult
from storage.repositories.publications import Snapshot
from storage.repositories.rows import PeriodRow, UnitRow
from storage.uow import UnitOfWork

_CATALOGS: dict[str, Catalog] = {}


def _catalog(entry: dict[str, Any]) -> Catalog:
    """The catalog as published (parsed once per content hash)."""
    sha = str(entry["sha256"])
    cat = _CATALOGS.get(sha)
    if cat is None:
        cat = load_catalog(str(entry["yaml"]))
        if len(_CATALOGS) > 32:
            _CATALOGS.clear()
        _CATALOGS[sha] = cat
    return cat


def _catalogs(snap: Snapshot) -> dict[str, Catalog]:
    return {str(c["code"]): _catalog(c) for c in snap.catalogs}


@dataclass(frozen=True)
class PublishedStanding:
    """One unit's published place on its board (``assessment.Standing`` is built from it)."""

    unit: UnitRow
    catalog: Catalog
    ranked: Ranked
    summary_json: str
    basis: str
    class_reason: str | None


async def published_standings(
    uow: UnitOfWork, period: PeriodRow, board: str | None
) -> list[PublishedStanding] | None:
    """The official standings of a published period, or None when it has no snapshot (a
    period published before snapshots existed is still computed)."""
    snap = await uow.publications.current(period.id)
    if snap is None:
        return None
    cats = _catalogs(snap)
    live = {u.id: u for u in await uow.units.list_for_period(period.id)}
    out: list[PublishedStanding] = []
    for su in await uow.publications.units(snap.id, board):
        unit = live.get(su.unit_id) if su.unit_id is not None else None
        if unit is None:  # deleted since: shown as published
            unit = UnitRow(
                0, period.id, su.unit_code, su.unit_name, su.board, None, snap.published_at, None
            )
        entry = Entry(su.board, su.unit_code, su.unit_name, su.index, su.index_low, su.index_high)
        ranked = Ranked(entry, su.rank, su.of, su.best_rank, su.worst_rank)
        out.append(
            PublishedStanding(
                unit, cats[su.catalog_code], ranked, su.summary, su.basis, su.class_reason
            )
        )
    return out


async def published_unit_result(
    uow: UnitOfWork, period: PeriodRow, unit: UnitRow
) -> tuple[Catalog, UnitResult] | None:
    """A unit's published result with every item, or None when there is none."""
    snap = await uow.publications.current(period.id)
    if snap is None:
        return None
    su = await uow.publications.unit(snap.id, unit.id)
    if su is None:
        return None
    cat = _catalogs(snap)[su.catalog_code]
    summary = ResultSummary.from_json(json.loads(su.summary), {f.code: f.title for f in cat.fields})
    leaves = {
        code: LeafScore(
            code,
            Decimal(pts),
            Decimal(mx),
            Decimal(app),
            src,
            Decimal(own) if own is not None else None,
        )
        for code, (pts, mx, app, src, own, *_rest) in su.items.items()
    }
    parts = {f.name: getattr(summary, f.name) for f in dataclasses.fields(ResultSummary)}
    return cat, UnitResult(**parts, leaves=leaves)
