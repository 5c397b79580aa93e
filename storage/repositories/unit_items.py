"""The unit's per-item data the walk shows (:class:`UnitItems`): one statement, and its rows
made plain.

``AnswerRepository.unit_items`` runs it alone; on PostgreSQL ``PersonRepository.hot`` may run it
in the same statement as the person (``storage.repositories.hot_read``), so both read it here.
"""

from __future__ import annotations

import collections
import functools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    bindparam,
    func,
    null,
    select,
    union_all,
)
from sqlalchemy import cast as cast_

from storage.models import Answer, Appraisal, CatalogItem, Evidence, Explanation, SurveyPoints
from storage.repositories.base import table_of
from storage.repositories.rows import AnswerRow, ExplanationRow, UnitItems


@functools.cache
def unit_items_statement() -> CompoundSelect[Any]:
    """:func:`unit_items_for` the unit and catalog given as parameters (``unit_id``,
    ``catalog_id``), built once."""
    return unit_items_for(bindparam("unit_id"), bindparam("catalog_id"))


def unit_items_for(
    unit_id: ColumnElement[int], catalog_id: ColumnElement[int]
) -> CompoundSelect[Any]:
    """The one statement behind ``AnswerRepository.unit_items``: the unit's answers (each
    with its explanation), its explanations without an answer, evidence counts, appraised and
    survey points on the catalog's items, one branch each; an item may come in several rows.

    Each branch starts from the unit's own rows (the ``(unit_id, item_id)`` unique indexes),
    so a unit that has answered a few items costs a few index probes; the earlier form
    outer-joined every catalog item to the five tables, five probes per item whatever the
    unit had filled (measured 2026-12-07 on SQLite with 83 items: 3 answers 84 → 22-67 µs;
    40 answers the same; the extreme of every item both answered and explained 1.5-1.7×
    slower).  ``unit_id`` and ``catalog_id``: parameters, or scalar subqueries (the hot read
    guessing the person's own unit); the caller builds it once."""
    ci = table_of(CatalogItem)
    a = table_of(Answer).alias("a")
    e = table_of(Explanation).alias("e")
    ev = table_of(Evidence).alias("ev")
    ap = table_of(Appraisal).alias("ap")
    sp = table_of(SurveyPoints).alias("sp")
    # every branch's empty columns are CAST to the real types: PostgreSQL matches the
    # branches' types, and a row's values (JSON, UTC datetimes, Decimal points) are converted
    # by the column types of the union's first branch
    types = {n: a.c[n].type for n in _ANSWER_COLUMNS} | {
        k: v.type for k, v in _explanation_of(e).items()
    }
    types |= {"n": Integer(), "ap_points": ap.c.points.type, "sp_points": sp.c.points.type}

    def row(**given: Any) -> list[Any]:
        return [ci.c.code, ci.c.id.label("item_id")] + [
            (given[name] if name in given else cast_(null(), types[name])).label(name)
            for name in _VALUE_COLUMNS
        ]

    def on_catalog(table: Any) -> Any:
        return ci.c.id == table.c.item_id

    answered = (
        select(*row(**{n: a.c[n] for n in _ANSWER_COLUMNS}, **_explanation_of(e)))
        .select_from(
            a.join(ci, on_catalog(a)).outerjoin(
                e, (e.c.unit_id == a.c.unit_id) & (e.c.item_id == a.c.item_id)
            )
        )
        .where(a.c.unit_id == unit_id, ci.c.catalog_id == catalog_id)
    )
    a2 = table_of(Answer).alias("a2")
    explained_only = (
        select(*row(**_explanation_of(e)))
        .select_from(e.join(ci, on_catalog(e)))
        .where(e.c.unit_id == unit_id, ci.c.catalog_id == catalog_id)
        .where(
            ~select(a2.c.id)
            .where(a2.c.unit_id == e.c.unit_id, a2.c.item_id == e.c.item_id)
            .exists()
        )
    )
    evidenced = (
        select(*row(n=func.count(ev.c.id)))
        .select_from(ev.join(ci, on_catalog(ev)))
        .where(ev.c.unit_id == unit_id, ev.c.removed_at.is_(None))
        .where(ci.c.catalog_id == catalog_id)
        .group_by(ci.c.id, ci.c.code)
    )
    appraised = (
        select(*row(ap_points=ap.c.points))
        .select_from(ap.join(ci, on_catalog(ap)))
        .where(ap.c.unit_id == unit_id, ap.c.points.is_not(None), ci.c.catalog_id == catalog_id)
    )
    surveyed = (
        select(*row(sp_points=sp.c.points))
        .select_from(sp.join(ci, on_catalog(sp)))
        .where(sp.c.unit_id == unit_id, ci.c.catalog_id == catalog_id)
    )
    return union_all(answered, explained_only, evidenced, appraised, surveyed)


_ANSWER_COLUMNS = ("id", "value", "points", "updated_by", "updated_at", "source", "version")
_VALUE_COLUMNS = (
    *_ANSWER_COLUMNS,
    "e_id",
    "text",
    "author_id",
    "e_created",
    "e_updated",
    "n",
    "ap_points",
    "sp_points",
)


def _explanation_of(e: Any) -> dict[str, Any]:
    return {
        "e_id": e.c.id,
        "text": e.c.text,
        "author_id": e.c.author_id,
        "e_created": e.c.created_at,
        "e_updated": e.c.updated_at,
    }


COLUMNS = ("code", "item_id", *_VALUE_COLUMNS)
"""The statement's columns, in order."""

ItemRow = collections.namedtuple("ItemRow", COLUMNS)  # type: ignore[misc]
"""A row of the statement taken out of a wider one (``ItemRow._make(row[k:])``)."""


def unit_items_of(unit_id: int, rows: Sequence[Any]) -> UnitItems:
    """The :class:`UnitItems` of the statement's rows (an item may come in several)."""
    answers: dict[str, AnswerRow] = {}
    explanations: dict[str, ExplanationRow] = {}
    counts: dict[str, int] = {}
    appraised: dict[str, Decimal] = {}
    survey: dict[str, Decimal] = {}
    for r in rows:
        if r.ap_points is not None:
            appraised[r.code] = Decimal(r.ap_points)
        if r.sp_points is not None:
            survey[r.code] = Decimal(r.sp_points)
        if r.id is not None:
            answers[r.code] = AnswerRow(
                r.id,
                unit_id,
                r.item_id,
                r.value,
                r.points,
                r.updated_by,
                r.updated_at,
                r.source,
                r.version,
            )
        if r.e_id is not None:
            explanations[r.code] = ExplanationRow(
                unit_id, r.item_id, r.text, r.author_id, r.e_id, r.e_created, r.e_updated
            )
        if r.n is not None:
            counts[r.code] = int(r.n)
    return UnitItems(answers, explanations, counts, appraised, survey)
