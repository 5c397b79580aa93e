"""The publication snapshot: what was announced, stored once and read forever after.

Published figures used to be recomputed on every read, so re-importing a catalog after
publication moved a commune from 63,79 (Không hoàn thành) to 74,75 (Hoàn thành).  Publishing
now writes every unit's index, range, rank, class (and the class reason when the scoring code
gives one), survey basis and per-item points — self, appraised, survey — with the catalogs'
YAML; the standings of a published period are rebuilt from that, never from live data
(:mod:`conversations.published` reads it back; this module only takes it).

Kept by unit code as well as id, so a later year can compare with it ("previous year").
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from conversations import assessment as A
from scoring.catalog import Catalog
from scoring.results import ResultSummary, UnitResult
from storage.repositories.rows import PeriodRow, PersonRow
from storage.repositories.rows_catalog import Snapshot, SnapshotUnit
from storage.uow import UnitOfWork

BATCH = 500  # units scored per round trip while taking a snapshot


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _class_reason(result: ResultSummary, catalog: Catalog) -> str | None:
    """The scoring code's reason for the class, as JSON, where it gives one."""
    explain = getattr(result, "class_reason", None)
    if explain is None:
        return None
    reason = explain(catalog)
    if dataclasses.is_dataclass(reason) and not isinstance(reason, type):
        reason = dataclasses.asdict(reason)
    return json.dumps(reason, ensure_ascii=False, default=str)


def _items(
    result: UnitResult, appraised: dict[str, Decimal], survey: dict[str, Decimal]
) -> dict[str, Any]:
    """``{code: [points, max, applicable max, source, self, appraised, survey]}``."""
    return {
        code: [
            str(leaf.points),
            str(leaf.max),
            str(leaf.applicable_max),
            leaf.source,
            _s(leaf.self_points),
            _s(appraised.get(code)),
            _s(survey.get(code)),
        ]
        for code, leaf in result.leaves.items()
    }


async def take(
    uow: UnitOfWork,
    period: PeriodRow,
    rows: Sequence[A.Standing],
    *,
    missing: dict[str, Any],
    forced: bool,
    reason: str | None,
    by: PersonRow | None,
    now: datetime,
) -> Snapshot:
    """Store a new snapshot of ``rows`` (the live standings) as the period's publication."""
    subs = await uow.submissions.list_for_period(period.id)
    with_survey = await uow.results.catalogs_with_survey(period.id)
    units: list[SnapshotUnit] = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        ids = [r.unit.id for r in batch]
        texts = await uow.results.answer_texts(ids)
        appraised = await uow.results.appraised_points(ids)
        survey = await uow.results.survey_points(ids)
        for r in batch:
            uid = r.unit.id
            filled, _ = A.survey_fill(r.catalog, survey.get(uid), r.unit.catalog_id in with_survey)
            full = A.compute_from_texts(
                r.catalog,
                texts.get(uid, {}),
                appraised.get(uid),
                filled,
                A.unit_tags(r.unit),
            )
            sub = subs.get(uid)
            units.append(
                SnapshotUnit(
                    unit_id=uid,
                    unit_code=r.unit.code,
                    unit_name=r.unit.name,
                    board=r.unit.board,
                    catalog_code=r.catalog.id,
                    status=sub.status if sub is not None else "draft",
                    index=full.index,
                    index_low=full.index_low,
                    index_high=full.index_high,
                    rank=r.ranked.rank,
                    of=r.ranked.of,
                    best_rank=r.ranked.best_rank,
                    worst_rank=r.ranked.worst_rank,
                    class_rank=full.class_rank,
                    classification=full.classification,
                    class_reason=_class_reason(full, r.catalog),
                    basis=r.basis,
                    summary=json.dumps(
                        {**full.summary().to_json(), "basis": r.basis},
                        ensure_ascii=False,
                        separators=(",", ":"),
                    ),
                    items=_items(full, appraised.get(uid, {}), survey.get(uid, {})),
                )
            )
    catalogs = [
        {
            "code": c.code,
            "sha256": c.sha256,
            "title": c.title,
            "boards": list(c.boards),
            "yaml": c.source_yaml,
        }
        for c in await uow.catalogs.list_for_period(period.id)
    ]
    return await uow.publications.create(
        period.id,
        units,
        catalogs=catalogs,
        missing=missing,
        forced=forced,
        reason=reason,
        by=by,
        at=now,
    )
