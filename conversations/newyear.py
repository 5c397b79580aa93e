"""`parbot period new 2026 --from 2025`: start a year from the last one instead of from nothing.

Copies the units (code, name, board), their officers' and leaders' roles, the appraiser
assignments and the catalog(s) — or imports the new catalog given instead, with the criteria
mapping the admin checked.  Roles *move* to the new year's units (the old grants end, both
recorded in the access history): the chat acts on a person's unit, and after the copy that
must be this year's.  Invites are not copied: a used invite stays used, an unused one still
points at last year's unit.  Evidence and answers are never copied.

Refuses (nothing written) when the target year already has units or a catalog, so running it
twice cannot double anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from conversations import assessment as A
from scoring import catalog_diff as D
from scoring.catalog import Catalog
from scoring.i18n import N_
from storage.repositories.rows import PeriodRow, UnitRow
from storage.uow import UnitOfWork


class PeriodNotEmpty(ValueError):
    def __init__(self, year: int, units: int, catalogs: int) -> None:
        self.message = N_(
            "%(year)s already has %(units)s units and %(catalogs)s catalogs; nothing was copied"
        )
        self.params: dict[str, object] = {"year": year, "units": units, "catalogs": catalogs}
        super().__init__(self.message % self.params)


@dataclass
class CopyReport:
    year: int
    from_year: int
    catalogs_copied: list[str] = field(default_factory=list)
    catalog_imported: str | None = None
    units: int = 0
    roles: int = 0
    people: int = 0
    assignments: int = 0
    mapping: str = "identity"  # identity | computed | imported


async def new_period(
    uow: UnitOfWork,
    year: int,
    from_year: int,
    *,
    now: datetime,
    catalog_text: str | None = None,
    mapping_text: str | None = None,
) -> CopyReport:
    """Create ``year`` from ``from_year``; raises ``A.NotFound``, :class:`PeriodNotEmpty`,
    ``CatalogError``, ``A.RowsRejected`` or ``MappingError`` with nothing written."""
    if year <= from_year:
        raise A.NotFound(N_("the new year must come after %(year)s"), year=from_year)
    src = await A.get_period(uow, from_year)
    target = await uow.periods.get_by_year(year)
    if target is not None:
        units = await uow.units.list_for_period(target.id)
        cats = await uow.catalogs.list_for_period(target.id)
        if units or cats:
            raise PeriodNotEmpty(year, len(units), len(cats))
    period = await A.ensure_period(uow, year)
    report = CopyReport(year, from_year)
    await _catalogs(uow, src, period, catalog_text, report)
    old_units = await uow.units.list_for_period(src.id)
    new_ids: dict[int, UnitRow] = {}
    for u in old_units:
        cat = await uow.catalogs.for_board(period.id, u.board)
        new_ids[u.id] = await uow.units.create(
            period.id, u.code, u.name, u.board, cat.id if cat is not None else None
        )
    report.units = len(new_ids)
    await _move_roles(uow, new_ids, year, now, report)
    for a in await uow.years.assignments(src.id):
        await uow.appraisals.assign(a.person_id, period.id, a.field_code, a.board)
        report.assignments += 1
    if mapping_text is not None:
        await import_mapping(uow, year, mapping_text)
        report.mapping = "imported"
    elif catalog_text is not None:
        report.mapping = "computed"
    return report


async def _catalogs(
    uow: UnitOfWork,
    src: PeriodRow,
    period: PeriodRow,
    catalog_text: str | None,
    report: CopyReport,
) -> None:
    covered: set[str] = set()
    if catalog_text is not None:
        _row, cat, _created = await A.import_catalog(uow, catalog_text, period.year)
        report.catalog_imported = cat.id
        covered = set(cat.boards)
    for c in await uow.catalogs.list_for_period(src.id):
        if covered & set(c.boards):
            continue  # the new catalog replaces it; a board it does not cover keeps last year's
        parsed = A.catalog_of(c)
        await uow.catalogs.create(
            period.id, c.code, c.title, c.boards, c.source_yaml, A.item_specs(parsed)
        )
        report.catalogs_copied.append(c.code)


async def _move_roles(
    uow: UnitOfWork, new_units: dict[int, UnitRow], year: int, now: datetime, report: CopyReport
) -> None:
    """Grant each unit role on the new year's unit and end it on last year's."""
    people: set[int] = set()
    reason = f"năm {year} / year {year}"
    for g in await uow.years.unit_grants(list(new_units)):
        new = new_units[g.unit_id]
        await uow.people.grant(g.person_id, g.role, new.id)
        await uow.people.revoke(g.person_id, g.role, g.unit_id)
        for action, unit_id in (("grant", new.id), ("revoke", g.unit_id)):
            await uow.access.record(
                person_id=g.person_id,
                action=action,
                role=g.role,
                unit_id=unit_id,
                unit_label=f"{new.code} {new.name}",
                actor_id=None,
                actor_label="cli: period new",
                reason=reason,
                at=now,
            )
        people.add(g.person_id)
        report.roles += 1
    report.people = len(people)


# ------------------------------------------------------------------ the mapping


async def period_catalogs(uow: UnitOfWork, period: PeriodRow) -> dict[str, Catalog]:
    return {c.code: A.catalog_of(c) for c in await uow.catalogs.list_for_period(period.id)}


async def previous_period(uow: UnitOfWork, period: PeriodRow) -> PeriodRow | None:
    """The latest period before ``period`` (the year compared with)."""
    earlier = [p for p in await uow.periods.list_all() if p.year < period.year]
    return earlier[-1] if earlier else None


async def import_mapping(uow: UnitOfWork, year: int, text: str) -> list[D.PairMapping]:
    """Check a mapping file against the year's and the previous year's catalogs and store it."""
    period = await A.get_period(uow, year)
    prev = await previous_period(uow, period)
    if prev is None:
        raise A.NotFound(N_("there is no year before %(year)s to map from"), year=year)
    pairs = D.load(text, await period_catalogs(uow, prev), await period_catalogs(uow, period))
    await uow.years.set_mapping(period.id, prev.id, text)
    return pairs


async def mapping_for(uow: UnitOfWork, period: PeriodRow, prev: PeriodRow) -> list[D.PairMapping]:
    """The mapping the admin imported, or the one worked out from the two years' catalogs."""
    old, new = await period_catalogs(uow, prev), await period_catalogs(uow, period)
    stored = await uow.years.mapping(period.id)
    if stored is not None and stored.from_period_id == prev.id:
        try:
            return D.load(stored.source_yaml, old, new)
        except D.MappingError:
            pass  # a catalog re-imported since: fall back to the computed mapping
    return [D.diff(o, n) for o, n in D.pair_by_board(list(old.values()), list(new.values()))]


async def mapping_text(uow: UnitOfWork, year: int) -> str:
    """The mapping file in use for ``year``: as imported, or the computed one written out."""
    period = await A.get_period(uow, year)
    prev = await previous_period(uow, period)
    if prev is None:
        raise A.NotFound(N_("there is no year before %(year)s to map from"), year=year)
    stored = await uow.years.mapping(period.id)
    if stored is not None and stored.from_period_id == prev.id:
        return stored.source_yaml
    pairs = await mapping_for(uow, period, prev)
    old, new = await period_catalogs(uow, prev), await period_catalogs(uow, period)
    return D.dump(pairs, old, new, from_year=prev.year, to_year=period.year)
