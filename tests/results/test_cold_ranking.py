"""The cold ranking (no stored summaries: every unit re-scored from its answers grouped by
value, scoring.bulk), the warm one (stored summaries), re-scoring a few stale units one by one
and the pure domain scorer give the same standings, on SQLite and PostgreSQL, for a generated
catalog with every answer kind and rule (tests/scoring/generated.py)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from bot.app import Database
from conversations import assessment as A
from scoring.answers import Answer
from scoring.catalog import Catalog, Item
from scoring.catalog_loader import load_catalog
from scoring.kinds import KIND_NAMES
from scoring.ranking import Entry, rank_boards
from scoring.results import ResultSummary
from storage import models as m
from tests.results.helpers import PHONG, without_locale
from tests.scoring import generated

UNITS = 2 * A.BULK_FROM + 5  # enough stale units for the bulk path


async def _seed(
    db: Database,
    rnd: random.Random | None = None,
    texts: Callable[[Catalog, random.Random], dict[str, str]] = generated.stored_texts,
    survey_missing: str = "zero",
) -> None:
    rnd = rnd or random.Random(19)
    cat = generated.catalog(survey_missing)
    lines = ["code,name,board,tags"]
    for n in range(1, UNITS + 1):
        tags = ";".join(sorted(generated.tags(rnd)))
        lines.append(f"X{n:03d},UBND xã {n},commune,{tags}")
    async with db.uow() as uow:
        await A.import_catalog(uow, generated.catalog_yaml(survey_missing), 2024)
        await A.import_units(uow, "\n".join(lines) + "\n", 2024)
        period = await A.get_period(uow, 2024)
        units = await uow.units.list_for_period(period.id)
        items = await uow.catalogs.items_by_code(units[0].catalog_id)
        rows = []
        for unit in units:
            for code, text in texts(cat, rnd).items():
                try:
                    value = json.loads(text)
                except ValueError:
                    continue  # the database stores JSON; unreadable JSON is the pure test's
                rows.append(
                    {
                        "unit_id": unit.id,
                        "item_id": items[code].id,
                        "value": value,
                        "points": None,
                        "updated_at": datetime.now(UTC),
                        "source": "import",
                        "version": 1,
                    }
                )
            for code, pts in generated.appraised(cat, rnd).items():
                await uow.appraisals.set_appraisal(unit.id, items[code].id, "adjusted", pts)
            if unit.code != "X001":  # X001 never has survey points: zero-filled ('zero')
                for code, pts in generated.survey(cat, rnd).items():
                    await uow.survey.set_points(unit.id, items[code].id, pts)
        await uow.session.execute(sa.insert(m.Answer.__table__), rows)
        await _moved_unit(uow, rnd)


async def _moved_unit(uow, rnd: random.Random) -> None:
    """D01 answered on the department catalog, then moved to the commune board: its answers
    are on the other catalog's items and count by item code (never through the grouped
    answers of the commune catalog)."""
    await A.import_catalog(uow, without_locale(PHONG), 2024)
    await A.import_units(uow, "code,name,board\nD01,Phòng Nội vụ,department\n", 2024)
    period = await A.get_period(uow, 2024)
    unit = await uow.units.get_by_code(period.id, "D01")
    phong = await uow.catalogs.items_by_code(unit.catalog_id)
    for code, text in generated.stored_texts(load_catalog(without_locale(PHONG)), rnd).items():
        if text.startswith("{") and text != "{}":
            await uow.answers.set_answer(
                unit.id, phong[code].id, json.loads(text), None, None, "import"
            )
    xa = await uow.units.get_by_code(period.id, "X001")
    await uow.units.update(unit.id, board="commune", catalog_id=xa.catalog_id)


def _view(standings: list[A.Standing]) -> list[tuple[object, ...]]:
    return [
        (
            s.unit.board,
            s.unit.code,
            s.ranked.rank,
            s.ranked.of,
            s.ranked.best_rank,
            s.ranked.worst_rank,
            s.basis,
            s.result,
        )
        for s in standings
    ]


async def _standings(db: Database) -> list[tuple[object, ...]]:
    async with db.uow() as uow:
        return _view(await A.standings(uow, 2024))


async def test_cold_warm_one_by_one_and_domain_standings_are_identical(db: Database) -> None:
    await _seed(db)
    cold = await _standings(db)  # nothing stored yet: every unit through scoring.bulk
    assert len(cold) == UNITS + 1  # and the moved D01
    warm = await _standings(db)  # read back from the stored summaries
    assert warm == cold
    async with db.uow() as uow:  # a few stale units: re-scored one by one
        await uow.session.execute(
            sa.text("UPDATE units SET results_rev = results_rev + 1 WHERE code < 'X006'")
        )
    assert await _standings(db) == cold
    async with db.uow() as uow:  # and the pure domain, unit by unit, from ORM rows
        for s in await A.standings(uow, 2024):
            pair = await A.unit_result(uow, s.unit)
            assert pair is not None
            assert pair[1].summary() == s.result, s.unit.code
    bases = {row[6] for row in cold}
    assert bases == {"full", "zero"}, bases  # X001 ranked with its survey points as 0


def _dec(text: str) -> Decimal:
    return Decimal(text)


def _edge_answer(item: Item, rnd: random.Random) -> Answer | None:
    """A value of the leaf's kind on or next to the edges of its rule: band thresholds hit
    exactly, zero and full denominators, proportions that round half up, the deadline itself,
    manual points off the step or above the max, "không áp dụng" where it is not declared."""
    spec = item.answer
    assert spec is not None
    roll = rnd.random()
    if roll < 0.08:
        return None
    if roll < 0.14:
        return Answer(na=True)  # allowed or not: both score as the domain says
    kind = spec.kind
    if kind == "choice":
        return Answer(option=rnd.choice([o.id for o in spec.options]))
    if kind in ("ratio", "proportional"):
        den = Decimal(rnd.choice([0, 1, 2, 3, 8, 40, 100, 1000]))
        if kind == "ratio" and den and spec.bands and rnd.random() < 0.5:
            num = rnd.choice(spec.bands).min * den / 100  # exactly on a band's threshold
            num = min(num.to_integral_value() if rnd.random() < 0.5 else num, den)
        else:
            num = Decimal(rnd.randint(0, int(den))) if den else Decimal(0)
        return Answer(num=num, den=den)
    if kind in ("number", "deduction"):
        mins = [b.min for b in spec.bands] or [Decimal(0)]
        base = rnd.choice(mins)
        return Answer(number=max(base + rnd.choice([-1, 0, 0, 1]), Decimal(0)))
    if kind == "date":
        assert spec.deadline is not None
        if rnd.random() < 0.1:
            return Answer(done=False)
        return Answer(on=spec.deadline + timedelta(days=rnd.choice([-1, 0, 0, 1, 30])))
    if kind == "manual":
        return Answer(points=item.max * _dec(rnd.choice(["0", "0.125", "0.5", "0.999", "1.5"])))
    return None  # survey


def _edge_texts(cat: Catalog, rnd: random.Random) -> dict[str, str]:
    return {
        leaf.code: json.dumps(answer.to_json())
        for leaf in cat.every_leaf
        if (answer := _edge_answer(leaf, rnd)) is not None
    }


@pytest.mark.parametrize(
    ("seed", "survey_missing", "texts"),
    [
        (1, "rescale", _edge_texts),
        (2, "zero", _edge_texts),
        (3, "rescale", generated.stored_texts),
    ],
)
async def test_cold_standings_equal_the_domain_unit_by_unit_for_random_answers(
    db: Database,
    seed: int,
    survey_missing: str,
    texts: Callable[[Catalog, random.Random], dict[str, str]],
) -> None:
    """Random answers of every kind (scoring.kinds), not-applicable ones, appraisals (some
    above the max), survey points for all, some or none: every unit's cold (bulk) result and
    its stored summary are the domain's, and so are the ranks."""
    await _seed(db, random.Random(seed), texts, survey_missing)
    async with db.uow() as uow:
        cold = await A.standings(uow, 2024)
        stored = dict(
            (await uow.session.execute(sa.text("SELECT unit_id, summary FROM unit_results"))).all()
        )
        want: dict[str, tuple[object, ...]] = {}
        entries = []
        for s in cold:
            pair = await A.unit_result(uow, s.unit)
            assert pair is not None
            cat, result = pair
            assert s.result == result.summary(), s.unit.code
            data = json.loads(stored[s.unit.id])
            assert data.pop("basis") == s.basis
            assert data["counts"] == dict(result.counts), s.unit.code
            assert ResultSummary.from_json(data, {f.code: f.title for f in cat.fields}) == (
                result.summary()
            )
            entries.append(
                Entry(
                    s.unit.board, s.unit.code, "", result.index, result.index_low, result.index_high
                )
            )
            want[s.unit.code] = (s.ranked.rank, s.ranked.best_rank, s.ranked.worst_rank)
    kinds = {leaf.kind for leaf in cat.every_leaf}
    assert kinds == set(KIND_NAMES)
    ranks = {
        r.entry.unit: (r.rank, r.best_rank, r.worst_rank)
        for board in rank_boards(entries).values()
        for r in board
    }
    assert ranks == want


async def test_units_answering_another_catalogs_items_are_found_with_or_without_a_run(
    db: Database,
) -> None:
    """answering_elsewhere seeks below and above the catalog's run of item ids, and reads
    every answer when the run has a gap (an item of another catalog inside it)."""
    await _seed(db)
    async with db.uow() as uow:
        period = await A.get_period(uow, 2024)
        d01 = await uow.units.get_by_code(period.id, "D01")
        assert d01 is not None and d01.catalog_id is not None
        cid = d01.catalog_id
        other = next(c.id for c in await uow.catalogs.list_for_period(period.id) if c.id != cid)
        assert await uow.results.answering_elsewhere(cid) == {d01.id}
        ids = sorted((await uow.catalogs.items_by_code(cid)).values(), key=lambda i: i.id)

        async def move(item_id: int) -> set[int]:
            """The item becomes the other catalog's: its answers are elsewhere now."""
            await uow.session.execute(
                sa.text("UPDATE catalog_items SET catalog_id = :c, code = :k WHERE id = :i"),
                {"c": other, "k": f"moved-{item_id}", "i": item_id},
            )
            got = await uow.session.scalars(
                sa.select(m.Answer.unit_id).where(m.Answer.item_id == item_id)
            )
            return set(got)

        want = {d01.id}
        for item in ids:  # up to the first answered item: below the run that is left
            want |= await move(item.id)
            if len(want) > 1:
                break
        assert await uow.results.answering_elsewhere(cid) == want
        for item in ids[len(ids) // 2 :]:  # a gap (an answered item): every answer is read
            if moved := await move(item.id):
                want |= moved
                break
        assert await uow.results.answering_elsewhere(cid) == want
