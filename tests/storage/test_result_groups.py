"""The cold ranking's storage side, on SQLite and PostgreSQL: the answers grouped by value
(ResultRepository.answer_groups, on SQLite read run by run in a worker thread while the caller
works on the run before) and the summaries stored in one executemany (ResultRepository.store,
on SQLite straight on the driver)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Text, cast, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conversations import assessment as A
from scoring.catalog import sample_catalog_paths
from storage import prepared, sqlite_loop
from storage.models import Answer, Appraisal, SurveyPoints
from storage.repositories import results
from storage.repositories.rows_catalog import NewResult
from storage.uow import UnitOfWork

Sm = async_sessionmaker[AsyncSession]
Groups = list[tuple[str, str, list[str]]]
UNITS = 12


async def _seeded(sm: Sm) -> tuple[int, list[int]]:
    """The sample catalog, ``UNITS`` communes and answers to most of its items (a few
    distinct values per item, so groups hold several units); the catalog id and unit ids."""
    lines = ["code,name,board"] + [f"X{n:02d},UBND xã {n},commune" for n in range(UNITS)]
    async with UnitOfWork(sm) as uow:
        await A.import_catalog(uow, sample_catalog_paths()["xa-mau-2024"].read_text("utf-8"), 2024)
        await A.import_units(uow, "\n".join(lines) + "\n", 2024)
        period = await A.get_period(uow, 2024)
        units = await uow.units.list_for_period(period.id)
        catalog_id = units[0].catalog_id
        assert catalog_id is not None
        items = sorted((await uow.catalogs.items_by_code(catalog_id)).values(), key=lambda i: i.id)
        now = datetime.now(UTC)
        rows: list[dict[str, Any]] = [
            {
                "unit_id": unit.id,
                "item_id": item.id,
                "value": {"number": str((n + k) % 3), "note": "Đạt ✓"},
                "points": Decimal("0.5"),
                "updated_at": now,
                "source": "import",
                "version": 1,
            }
            for n, unit in enumerate(units)
            for k, item in enumerate(items)
            if (n + k) % 5  # some items unanswered by some units
        ]
        await uow.session.execute(insert(Answer.__table__), rows)
    return catalog_id, [u.id for u in units]


async def _plain(sm: Sm, catalog_id: int) -> Groups:
    """The groups as a plain read of every answer of the catalog's items would make them."""
    async with UnitOfWork(sm, read_only=True) as uow:
        codes = {i.id: c for c, i in (await uow.catalogs.items_by_code(catalog_id)).items()}
        rows = await uow.session.execute(
            select(Answer.item_id, cast(Answer.value, Text), Answer.unit_id)
        )
        by_value: dict[tuple[str, str], list[str]] = {}
        for item_id, value, unit_id in rows:
            if item_id in codes:
                by_value.setdefault((codes[item_id], value), []).append(str(unit_id))
    return sorted((code, value, sorted(ids)) for (code, value), ids in by_value.items())


async def _grouped(
    sm: Sm, catalog_id: int, answerable: set[str] | None = None
) -> tuple[Groups, int]:
    """What answer_groups hands over (ids sorted), and in how many calls."""
    got: Groups = []
    calls = 0

    def consume(groups: list[tuple[str, str, str]]) -> None:
        nonlocal calls
        calls += 1
        got.extend((code, value, sorted(ids.split(","))) for code, value, ids in groups)

    async with UnitOfWork(sm, read_only=True) as uow:
        await uow.results.answer_groups(catalog_id, UNITS, consume, answerable)
    return sorted(got), calls


async def test_answer_groups_are_every_answer_grouped_by_value_run_by_run(
    sessionmaker: Sm, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog_id, _ = await _seeded(sessionmaker)
    monkeypatch.setattr(results, "GROUPED_ANSWERS", 3 * UNITS)  # runs of three items
    want = await _plain(sessionmaker, catalog_id)
    assert len(want) > 20 and any(len(ids) > 1 for _, _, ids in want)
    got, calls = await _grouped(sessionmaker, catalog_id)
    assert got == want
    assert calls > 3


async def test_answer_groups_of_some_items_are_theirs_alone(
    sessionmaker: Sm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the answerable items' groups, in runs counted over them (here of one item, with
    items between them that are not asked for)."""
    catalog_id, _ = await _seeded(sessionmaker)
    monkeypatch.setattr(results, "GROUPED_ANSWERS", UNITS)
    want = await _plain(sessionmaker, catalog_id)
    codes = sorted({code for code, _, _ in want})
    answerable = set(codes[1::3])
    got, calls = await _grouped(sessionmaker, catalog_id, answerable)
    assert got == [g for g in want if g[0] in answerable] and got
    assert calls == len(answerable)


async def test_a_value_holding_the_separator_is_read_row_by_row(
    sqlite_sm: Sm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite packs a run into one text with control characters between the fields; a value
    holding them anyway (JSON text never does unescaped) comes through as stored."""
    catalog_id, _ = await _seeded(sqlite_sm)
    monkeypatch.setattr(results, "GROUPED_ANSWERS", 3 * UNITS)
    async with UnitOfWork(sqlite_sm) as uow:
        await uow.session.execute(
            text("UPDATE answers SET value = :v WHERE id IN (SELECT MIN(id) FROM answers)"),
            {"v": '{"option": "a\x1fb\x1ec"}'},
        )
        await uow.session.execute(
            text("UPDATE answers SET value = :v WHERE id IN (SELECT MAX(id) FROM answers)"),
            {"v": '{"option": "d\x1fe"}'},
        )
    want = await _plain(sqlite_sm, catalog_id)
    assert {'{"option": "a\x1fb\x1ec"}', '{"option": "d\x1fe"}'} <= {v for _, v, _ in want}
    overlapped = sqlite_loop.HOPS["overlapped"]
    got, _ = await _grouped(sqlite_sm, catalog_id)
    assert got == want
    assert sqlite_loop.HOPS["overlapped"] > overlapped  # read in a worker thread


async def test_a_failing_consumer_leaves_the_unit_of_work_usable(
    sessionmaker: Sm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run read meanwhile finishes before the error leaves answer_groups: the next
    statement of the unit of work runs on a connection no thread uses any more."""
    catalog_id, unit_ids = await _seeded(sessionmaker)
    monkeypatch.setattr(results, "GROUPED_ANSWERS", 3 * UNITS)

    def consume(groups: list[tuple[str, str, str]]) -> None:
        raise RuntimeError("scoring failed")

    async with UnitOfWork(sessionmaker) as uow:
        with pytest.raises(RuntimeError, match="scoring failed"):
            await uow.results.answer_groups(catalog_id, UNITS, consume)
        assert await uow.results.answering_elsewhere(catalog_id) == set()
        stored = [
            NewResult(u, 1, "a" * 64, 1, Decimal("1"), Decimal("1"), Decimal("1"), "{}")
            for u in unit_ids
        ]
        assert await uow.results.store(stored)


async def _store(uow: UnitOfWork, started: bool, rows: list[NewResult], at: Any = None) -> bool:
    """ResultRepository.store, or store_started and its end awaited."""
    if not started:
        return await uow.results.store(rows, at)
    return await (await uow.results.store_started(rows, at))


@pytest.mark.parametrize("started", [False, True], ids=["store", "started"])
async def test_summaries_are_stored_in_one_executemany_and_read_back_exactly(
    sessionmaker: Sm, monkeypatch: pytest.MonkeyPatch, started: bool
) -> None:
    """Stored on SQLite straight on the driver (SQLAlchemy's bind processors per value), or
    started in a worker thread as statements of several rows (here of five: 12 rows in three,
    the last filled up with copies of its last row); a summary of a newer revision is never
    replaced by an older one."""
    _, unit_ids = await _seeded(sessionmaker)
    monkeypatch.setattr(results, "INLINE_MANY_ROWS", 0)
    monkeypatch.setattr(prepared, "VALUES_ROWS", 5)
    overlapped = sqlite_loop.HOPS["overlapped"]
    at = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)

    def rows(rev: int, index: str) -> list[NewResult]:
        return [
            NewResult(
                u,
                rev,
                f"{n:064x}",
                3,
                Decimal(index),
                Decimal("0.005"),
                Decimal("99.999"),
                f'{{"n":{n},"note":"Đạt ✓"}}',
            )
            for n, u in enumerate(unit_ids)
        ]

    async with UnitOfWork(sessionmaker) as uow:
        assert await _store(uow, started, rows(2, "71.25"), at)
    async with UnitOfWork(sessionmaker) as uow:
        assert await _store(uow, started, rows(1, "10.5")[:3] + rows(3, "80.125")[3:])
    on_driver = started and sessionmaker.kw["bind"].dialect.driver == "parbot"
    assert sqlite_loop.HOPS["overlapped"] == overlapped + (2 if on_driver else 0)
    async with UnitOfWork(sessionmaker, read_only=True) as uow:
        period = await A.get_period(uow, 2024)
        got = {u.id: r for u, r in await uow.results.units_with_results(period.id)}
        stamps = dict(
            (await uow.session.execute(text("SELECT unit_id, computed_at FROM unit_results"))).all()
        )
    for n, unit_id in enumerate(unit_ids):
        r = got[unit_id]
        want_rev, want_index = (2, Decimal("71.25")) if n < 3 else (3, Decimal("80.125"))
        assert (r.rev, r.index, r.index_low, r.index_high) == (
            want_rev,
            want_index,
            Decimal("0.005"),
            Decimal("99.999"),
        )
        assert all(isinstance(x, Decimal) for x in (r.index, r.index_low, r.index_high))
        assert (r.catalog_sha256, r.formula, r.summary) == (
            f"{n:064x}",
            3,
            f'{{"n":{n},"note":"Đạt ✓"}}',
        )
    assert len(stamps) == len(unit_ids)
    first = [stamps[u] for u in unit_ids[:3]]
    assert all(str(s).startswith("2024-05-06") for s in first)  # kept with the newer summary


async def test_points_on_a_catalog_are_the_points_of_each_of_its_units(sessionmaker: Sm) -> None:
    """appraised_on_catalog / survey_on_catalog (one statement, what the cold ranking reads)
    are appraised_points / survey_points of every unit on the catalog: appraisals without
    points left out, nothing for another catalog."""
    catalog_id, unit_ids = await _seeded(sessionmaker)
    now = datetime.now(UTC)
    async with UnitOfWork(sessionmaker) as uow:
        items = sorted((await uow.catalogs.items_by_code(catalog_id)).values(), key=lambda i: i.id)
        appraised = [
            {"unit_id": u, "item_id": items[k].id, "points": points, "status": status}
            for u, k, points, status in [
                (unit_ids[0], 0, Decimal("0.75"), "accepted"),
                (unit_ids[0], 2, Decimal("1"), "accepted"),
                (unit_ids[3], 0, None, "more_evidence"),  # a verdict without points
                (unit_ids[5], 1, Decimal("0"), "accepted"),
            ]
        ]
        for row in appraised:
            row.update(created_at=now, updated_at=now)
        await uow.session.execute(insert(Appraisal.__table__), appraised)
        survey = [
            {"unit_id": u, "item_id": items[k].id, "points": p, "imported_at": now}
            for u, k, p in [(unit_ids[1], 4, Decimal("2.5")), (unit_ids[1], 5, Decimal("0.125"))]
        ]
        await uow.session.execute(insert(SurveyPoints.__table__), survey)
    async with UnitOfWork(sessionmaker, read_only=True) as uow:
        got_appraised = await uow.results.appraised_on_catalog(catalog_id)
        got_survey = await uow.results.survey_on_catalog(catalog_id)
        assert got_appraised == await uow.results.appraised_points(unit_ids)
        assert got_survey == await uow.results.survey_points(unit_ids)
        assert await uow.results.appraised_on_catalog(catalog_id + 1000) == {}
        assert await uow.results.survey_on_catalog(catalog_id + 1000) == {}
    codes = [i.code for i in items]
    assert got_appraised == {
        unit_ids[0]: {codes[0]: Decimal("0.75"), codes[2]: Decimal("1")},
        unit_ids[5]: {codes[1]: Decimal("0")},
    }
    assert got_survey == {unit_ids[1]: {codes[4]: Decimal("2.5"), codes[5]: Decimal("0.125")}}
    assert all(isinstance(p, Decimal) for per in got_survey.values() for p in per.values())


@pytest.mark.parametrize("started", [False, True], ids=["store", "started"])
async def test_a_store_that_fails_stores_nothing_and_leaves_the_unit_of_work_usable(
    sessionmaker: Sm, monkeypatch: pytest.MonkeyPatch, started: bool
) -> None:
    """A summary of a unit that does not exist (a foreign key) fails the whole store: False,
    its savepoint rolled back, the unit of work goes on."""
    _, unit_ids = await _seeded(sessionmaker)
    monkeypatch.setattr(results, "INLINE_MANY_ROWS", 0)
    monkeypatch.setattr(prepared, "VALUES_ROWS", 5)
    d = Decimal("1")
    rows = [NewResult(u, 1, "a" * 64, 1, d, d, d, "{}") for u in [*unit_ids, max(unit_ids) + 99]]
    async with UnitOfWork(sessionmaker) as uow:
        assert not await _store(uow, started, rows)
        assert await uow.results.answering_elsewhere(0) == set()
        assert await _store(uow, started, rows[:3])
    async with UnitOfWork(sessionmaker, read_only=True) as uow:
        stored = (await uow.session.execute(text("SELECT unit_id FROM unit_results"))).all()
    assert sorted(u for (u,) in stored) == sorted(unit_ids[:3])
