"""Survey points (ĐTXHH) imported from a CSV of ``unit,item,points``: all rows or none, checked
against each unit's catalog. A use case of the CLI (``parbot survey import``).
"""

from __future__ import annotations

from decimal import Decimal

from conversations import assessment as A
from scoring.answers import AnswerError, parse_number
from scoring.catalog import THOUSANDTH, Item
from scoring.i18n import N_
from storage.repositories.rows import PersonRow, UnitRow
from storage.repositories.rows_catalog import CatalogItemRow
from storage.uow import UnitOfWork


async def import_survey(uow: UnitOfWork, text: str, year: int, by: PersonRow | None = None) -> int:
    """Import ``unit,item,points`` for survey items; all or nothing; returns rows stored."""
    rows = A.read_csv(text, ("unit", "item", "points"))
    period = await A.get_period(uow, year)
    A.refuse_published(period)
    problems: list[A.RowProblem] = []
    units: dict[str, UnitRow | None] = {}
    items: dict[int, dict[str, CatalogItemRow]] = {}
    seen: dict[tuple[str, str], int] = {}
    todo: list[tuple[int, int, Decimal]] = []
    for line, row in rows:
        ucode, code, raw = row["unit"], row["item"], row["points"]
        if ucode not in units:
            units[ucode] = await uow.units.get_by_code(period.id, ucode)
        unit = units[ucode]
        if unit is None:
            problems.append(A.RowProblem(line, N_("unknown unit %(unit)s"), {"unit": ucode}))
            continue
        pair = await A.unit_catalog(uow, unit)
        if pair is None:
            problems.append(
                A.RowProblem(
                    line, N_("unit %(unit)s has no catalog for its board yet"), {"unit": ucode}
                )
            )
            continue
        row_cat, cat = pair
        if row_cat.id not in items:
            items[row_cat.id] = await uow.catalogs.items_by_code(row_cat.id)
        item, db_item = cat.item(code), items[row_cat.id].get(code)
        where = f"{ucode} / {code}"
        if item is None or db_item is None:
            problems.append(
                A.RowProblem(
                    line,
                    N_("unknown item %(item)s in catalog %(catalog)s"),
                    {"item": code, "catalog": cat.id},
                )
            )
            continue
        if not item.is_leaf or not item.is_survey:
            problems.append(
                A.RowProblem(
                    line,
                    N_("item %(item)s is not a survey item; its points come from self-assessment"),
                    {"item": code},
                    where,
                )
            )
            continue
        if (ucode, code) in seen:
            problems.append(
                A.RowProblem(
                    line,
                    N_("%(unit)s / %(item)s is repeated (first on line %(first)s)"),
                    {"unit": ucode, "item": code, "first": seen[(ucode, code)]},
                )
            )
            continue
        seen[(ucode, code)] = line
        points = _points(line, raw, item, where)
        if isinstance(points, A.RowProblem):
            problems.append(points)
            continue
        todo.append((unit.id, db_item.id, points))
    if problems:
        raise A.RowsRejected(problems)
    for unit_id, item_id, points in todo:
        await uow.survey.set_points(unit_id, item_id, points, by)
    return len(todo)


def _points(line: int, raw: str, item: Item, where: str) -> Decimal | A.RowProblem:
    """The survey points of one row, or why they cannot be stored (0 to the item's max, at most
    three decimals)."""
    try:
        points = parse_number(raw)
    except AnswerError as err:
        return A.RowProblem(line, err.message, err.params, where)
    if points < 0:
        return A.RowProblem(line, N_("points cannot be negative"), {}, where)
    if points > item.max:
        return A.RowProblem(
            line,
            N_("%(points)s points are over the item's max of %(max)s"),
            {"points": points, "max": item.max},
            where,
        )
    if points != points.quantize(THOUSANDTH):
        return A.RowProblem(line, N_("points have at most three decimals"), {}, where)
    return points
