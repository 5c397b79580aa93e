"""Stored result summaries: /rank reads them instead of re-scoring every answer, so they must
never show a result that is no longer true — whichever way the data changed."""

from __future__ import annotations

import json
from decimal import Decimal

import sqlalchemy as sa

from bot.app import Database
from conversations import assessment as A
from scoring.results import FORMULA_VERSION
from storage.models import UnitResultRow
from tests.results.helpers import STANDARD_ANSWERS, SURVEY, seed


async def _stored(db: Database) -> dict[str, tuple[int, int]]:
    """unit code → (summary's rev, unit's current rev)."""
    async with db.uow() as uow:
        rows = await uow.session.execute(
            sa.text(
                "SELECT u.code, r.rev, u.results_rev FROM unit_results r "
                "JOIN units u ON u.id = r.unit_id"
            )
        )
        return {code: (rev, cur) for code, rev, cur in rows}


async def _check_against_full_computation(db: Database) -> dict[str, Decimal]:
    """Every standing equals a from-scratch computation of the same unit; returns the indexes."""
    out = {}
    async with db.uow() as uow:
        for s in await A.standings(uow, 2024):
            pair = await A.unit_result(uow, s.unit)
            assert pair is not None
            assert s.result == pair[1].summary(), s.unit.code
            out[s.unit.code] = s.result.index
    return out


async def _unit_and_items(uow, code: str):
    period = await uow.periods.get_by_year(2024)
    unit = await uow.units.get_by_code(period.id, code)
    return unit, await uow.catalogs.items_by_code(unit.catalog_id)


async def test_first_standings_store_every_summary_and_later_ones_reuse_them(db):
    await seed(db, answers=STANDARD_ANSWERS)
    assert await _stored(db) == {}
    first = await _check_against_full_computation(db)
    stored = await _stored(db)
    assert set(stored) == {"X01", "X02", "X03", "X04"}
    assert all(rev == cur for rev, cur in stored.values())
    # a second call computes nothing: poison the inputs' cache-independent path by checking
    # the stored rows are untouched (same computed_at)
    async with db.uow() as uow:
        before = {
            uid: at
            for uid, at in await uow.session.execute(
                sa.text("SELECT unit_id, computed_at FROM unit_results")
            )
        }
        again = {s.unit.code: s.result.index for s in await A.standings(uow, 2024)}
        after = {
            uid: at
            for uid, at in await uow.session.execute(
                sa.text("SELECT unit_id, computed_at FROM unit_results")
            )
        }
    assert again == first
    assert after == before


async def test_an_answer_changed_in_the_same_transaction_shows_at_once(db):
    """The Unit objects of the session are stale after the trigger; the rev is read fresh."""
    await seed(db, answers=STANDARD_ANSWERS)
    await _check_against_full_computation(db)
    async with db.uow() as uow:
        x01_before = next(s for s in await A.standings(uow, 2024) if s.unit.code == "X01")
        unit, items = await _unit_and_items(uow, "X01")
        await uow.answers.set_answer(
            unit.id, items["1.2"].id, {"number": "0"}, Decimal(0), None, "chat"
        )
        x01_after = next(s for s in await A.standings(uow, 2024) if s.unit.code == "X01")
    assert x01_after.result.index < x01_before.result.index
    await _check_against_full_computation(db)


async def test_sql_written_behind_the_repositories_back_is_seen_too(db):
    """Triggers, not repository code, mark summaries stale: a hand-written fix in SQL counts."""
    await seed(db, answers=STANDARD_ANSWERS)
    before = await _check_against_full_computation(db)
    async with db.uow() as uow:
        unit, items = await _unit_and_items(uow, "X01")
        await uow.session.execute(
            sa.text("DELETE FROM answers WHERE unit_id = :u AND item_id = :i"),
            {"u": unit.id, "i": items["1.2"].id},
        )
    after = await _check_against_full_computation(db)
    assert after["X01"] < before["X01"]
    assert after["X02"] == before["X02"]


async def test_appraisals_and_survey_points_make_summaries_stale(db):
    await seed(db, answers=STANDARD_ANSWERS)
    before = await _check_against_full_computation(db)
    async with db.uow() as uow:
        unit, items = await _unit_and_items(uow, "X02")
        await uow.appraisals.set_appraisal(
            unit.id, items["1.2"].id, "adjusted", Decimal(0), "Thiếu văn bản"
        )
    appraised = await _check_against_full_computation(db)
    assert appraised["X02"] < before["X02"]
    async with db.uow() as uow:
        unit, items = await _unit_and_items(uow, "X03")
        for code, pts in SURVEY.items():
            await uow.survey.set_points(unit.id, items[code].id, pts)
    surveyed = await _check_against_full_computation(db)
    assert surveyed["X03"] != appraised["X03"]
    stored = await _stored(db)
    assert all(rev == cur for rev, cur in stored.values())


async def test_old_formula_other_catalog_or_old_revision_summaries_are_recomputed(db):
    await seed(db, answers=STANDARD_ANSWERS)
    truth = await _check_against_full_computation(db)
    async with db.uow() as uow:
        ids = {
            code: uid
            for uid, code in await uow.session.execute(sa.text("SELECT id, code FROM units"))
        }
        lie = {"catalog": "x", "index": ["1", "1", "1"], "class": [0, "x"], "fields": [],
               "totals": ["0", "0", "0", "0"], "counts": {}}  # fmt: skip
        await uow.session.execute(
            sa.update(UnitResultRow)
            .where(UnitResultRow.unit_id == ids["X01"])
            .values(formula=FORMULA_VERSION - 1, index=100, summary=json.dumps(lie))
        )
        await uow.session.execute(
            sa.update(UnitResultRow)
            .where(UnitResultRow.unit_id == ids["X02"])
            .values(catalog_sha256="0" * 64, index=100, summary=json.dumps(lie))
        )
        await uow.session.execute(
            sa.update(UnitResultRow)
            .where(UnitResultRow.unit_id == ids["X03"])
            .values(rev=UnitResultRow.rev - 1, index=100, summary=json.dumps(lie))
        )
    assert await _check_against_full_computation(db) == truth
    async with db.uow() as uow:
        rows = await uow.session.execute(
            sa.text("SELECT unit_id, formula, catalog_sha256 FROM unit_results")
        )
        shas = set()
        for _, formula, sha in rows:
            assert formula == FORMULA_VERSION
            shas.add(sha)
    assert "0" * 64 not in shas
