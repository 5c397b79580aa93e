"""Benchmark 3 — ranking: ``standings()`` for 5,000 units × 120 items on SQLite.

A synthetic catalog (8 fields × 15 leaves = 120 leaves of the choice, ratio, number and date
kinds; valid for ``scoring.catalog_loader.load_catalog``) is imported with
``conversations.assessment``; 5,000 commune units and their 600,000 answers are bulk-inserted
(seeding is not timed).

Timed, each the median of a few runs in fresh units of work:

* ``standings(uow, 2024)`` — every unit's result and rank on every board (what /rank, exports and
  publication call), in the three states the product meets:
  - *warm*: every unit's stored result summary is current (nothing changed since the last call);
  - *one unit changed*: one answer was written since (what /rank sees right after an officer
    answered): that unit is re-scored from its answers, the other 4,999 summaries are read;
  - *cold*: no stored summaries at all (first call after an import or a formula change): every
    unit is re-scored from its answers and the summaries are stored;
* the baseline: one SQL aggregate over the same answers,
  ``SELECT unit_id, SUM(points) FROM answers GROUP BY unit_id``;
* the pure domain alone, from answers already in memory: ``scoring.results.summarize`` unit by
  unit (one score memo shared by all units) + ``rank_boards``; and ``scoring.bulk.summarize_many``
  (what a cold ``standings()`` runs since issue 19) over the answers grouped by value;
* where the cold path goes: the statements that read the answers grouped by distinct value
  (``uow.results.answer_groups``, one per run of items; on its own here, while the cold
  ``standings()`` scores each run as the next one is read) and the bulk scoring of every unit.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.common import Config, Row, Table, say
from conversations import assessment as A
from scoring.answers import Answer, score_answer
from scoring.bulk import BulkUnit, summarize_many
from scoring.catalog import Catalog, Item
from scoring.catalog_loader import load_catalog
from scoring.ranking import Entry, rank_boards
from scoring.results import ScoreMemo, summarize
from storage import migrate
from storage import models as m
from storage.db import make_engine, make_sessionmaker
from storage.uow import UnitOfWork

# Core (not ORM) bulk inserts of answer rows: the table itself, typed as a Table
ANSWERS = m.Base.metadata.tables[m.Answer.__tablename__]

YEAR = 2024
FIELDS = 8
LEAVES_PER_FIELD = 15
KINDS = ("choice", "ratio", "number", "date")


def synthetic_catalog_yaml(fields: int = FIELDS, per_field: int = LEAVES_PER_FIELD) -> str:
    """A valid catalog with ``fields × per_field`` leaves of max 1 point each."""
    lines = [
        "catalog: bench-120",
        "title: Bộ chỉ số tổng hợp cho đo hiệu năng (120 tiêu chí)",
        "board: commune",
        "scale: 100",
        "classification:",
        "  - {label: Hoàn thành xuất sắc nhiệm vụ, min_index: 90, min_field_pct: 80}",
        "  - {label: Hoàn thành tốt nhiệm vụ, min_index: 80, min_field_pct: 70}",
        "  - {label: Hoàn thành nhiệm vụ, min_index: 65, min_field_pct: 50}",
        "  - {label: Không hoàn thành nhiệm vụ}",
        "items:",
    ]
    for f in range(1, fields + 1):
        lines += [
            f'  - code: "{f}"',
            f"    title: Lĩnh vực {f}",
            f"    max: {per_field}",
            "    items:",
        ]
        for n in range(1, per_field + 1):
            kind = KINDS[(f + n) % len(KINDS)]
            lines += [
                f'      - code: "{f}.{n}"',
                f"        title: Tiêu chí {f}.{n}",
                "        max: 1",
            ]
            if kind == "choice":
                lines.append(
                    "        answer: {kind: choice, options: [{id: a, label: Đạt, points: 1}, "
                    "{id: b, label: Đạt một phần, points: 0.5}, {id: c, label: Không đạt, "
                    "points: 0}]}"
                )
            elif kind == "ratio":
                lines.append(
                    '        answer: {kind: ratio, numerator: "đã xong", denominator: "tổng", '
                    "bands: [{min_pct: 100, points: 1}, {min_pct: 80, points: 0.5}, "
                    "{min_pct: 0, points: 0}]}"
                )
            elif kind == "number":
                lines.append(
                    '        answer: {kind: number, label: "Số văn bản", bands: [{min: 10, '
                    "points: 1}, {min: 5, points: 0.5}, {min: 0, points: 0}]}"
                )
            else:
                lines.append(
                    "        answer: {kind: date, deadline: 2023-12-20, on_time: 1, late: 0.5}"
                )
    return "\n".join(lines) + "\n"


def _random_answer(item: Item, rnd: random.Random) -> Answer:
    kind = item.kind
    if kind == "choice":
        return Answer(option=rnd.choice("aabbc"))
    if kind == "ratio":
        den = rnd.randint(5, 50)
        return Answer(num=Decimal(rnd.randint(den // 2, den)), den=Decimal(den))
    if kind == "number":
        return Answer(number=Decimal(rnd.randint(0, 15)))
    return Answer(on=date(2023, 12, 1) + timedelta(days=rnd.randint(0, 40)))


def _leaves(catalog: Catalog) -> list[Item]:
    return [leaf for f in catalog.fields for leaf in f.leaves()]


async def seed_ranking_db(url: str, units: int, *, chunk: int = 20_000) -> Catalog:
    """Migrated database with the synthetic catalog, ``units`` communes and all their answers."""
    await migrate.upgrade(url)
    engine = make_engine(url)
    sm = make_sessionmaker(engine)
    rnd = random.Random(8)
    try:
        async with UnitOfWork(sm) as uow:
            row, catalog, _ = await A.import_catalog(uow, synthetic_catalog_yaml(), YEAR)
            period = await A.get_period(uow, YEAR)
            now = datetime.now(UTC)
            await uow.session.execute(
                insert(m.Unit),
                [
                    {
                        "period_id": period.id,
                        "code": f"X{n:05d}",
                        "name": f"UBND xã số {n}",
                        "board": "commune",
                        "catalog_id": row.id,
                        "created_at": now,
                    }
                    for n in range(1, units + 1)
                ],
            )
            unit_ids = [u.id for u in await uow.units.list_for_period(period.id)]
            item_ids = await uow.catalogs.items_by_code(row.id)
        leaves = _leaves(catalog)
        scored: dict[tuple[str, str], tuple[dict[str, Any], Decimal]] = {}
        batch: list[dict[str, Any]] = []
        for unit_id in unit_ids:
            for leaf in leaves:
                answer = _random_answer(leaf, rnd)
                value = answer.to_json()
                key = (leaf.code, repr(sorted(value.items())))
                if key not in scored:
                    scored[key] = (value, score_answer(leaf, answer).points)
                value, points = scored[key]
                batch.append(
                    {
                        "unit_id": unit_id,
                        "item_id": item_ids[leaf.code].id,
                        "value": value,
                        "points": points,
                        "updated_at": now,
                        "source": "import",
                        "version": 1,
                    }
                )
                if len(batch) >= chunk:
                    async with UnitOfWork(sm) as uow:
                        await uow.session.execute(insert(ANSWERS), batch)
                    batch = []
        if batch:
            async with UnitOfWork(sm) as uow:
                await uow.session.execute(insert(ANSWERS), batch)
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    return catalog


async def ranking_db(cfg: Config, units: int) -> tuple[str, float]:
    """The seeded SQLite database for ``units`` units (made once per run and reused)."""
    path = cfg.workdir / f"ranking-{units}" / "parbot.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    marker = path.with_suffix(".ready")
    if marker.exists():
        return url, 0.0
    say(f"ranking: seeding {units:,} units × {FIELDS * LEAVES_PER_FIELD} answers (not timed)")
    t = time.perf_counter()
    await seed_ranking_db(url, units)
    marker.write_text("ok")
    return url, time.perf_counter() - t


async def _timed(fn: Callable[[], Awaitable[Any]], runs: int) -> tuple[list[float], Any]:
    """Wall times of ``runs`` calls (each in its own unit of work) and the last result."""
    times: list[float] = []
    result: Any = None
    for _ in range(runs):
        t = time.perf_counter()
        result = await fn()
        times.append(time.perf_counter() - t)
    return times, result


def _warm(times: list[float]) -> float:
    """Median of the runs after the first (the first alone if there is only one)."""
    return statistics.median(times[1:]) if len(times) > 1 else times[0]


@dataclass
class _Timings:
    """What ``run`` measured, in seconds (medians), and the counts its notes quote."""

    agg: float
    st: float
    one: float
    cold: float
    grouped: float
    domain: float
    bulk: float
    export: float
    cold_times: list[float]
    n_agg: int
    n_st: int
    n_groups: int


@dataclass
class _Database:
    """The timed calls against the database; ``groups`` keeps the answers grouped by value
    that the last ``do_groups`` read, for the bulk scoring timed after it."""

    sm: async_sessionmaker[AsyncSession]
    units: int
    groups: list[tuple[str, str, str]] = field(default_factory=list)

    async def do_standings(self) -> int:
        async with UnitOfWork(self.sm) as uow:
            return len(await A.standings(uow, YEAR))

    async def do_aggregate(self) -> int:
        async with UnitOfWork(self.sm, read_only=True) as uow:
            rows = await uow.session.execute(
                text("SELECT unit_id, SUM(points) FROM answers GROUP BY unit_id")
            )
            return len(rows.all())

    async def do_groups(self) -> int:
        async with UnitOfWork(self.sm, read_only=True) as uow:
            period = await A.get_period(uow, YEAR)
            cat_id = (await uow.catalogs.list_for_period(period.id))[0].id
            self.groups.clear()
            await uow.results.answer_groups(cat_id, self.units, self.groups.extend)
            return len(self.groups)

    async def do_export(self) -> int:
        """The ranking workbook of all boards, as /export and publication write it."""
        import tempfile

        from conversations import sheets
        from documents.xlsx import OpenpyxlSheets

        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "xep-hang.xlsx"
            async with UnitOfWork(self.sm, read_only=True) as uow:
                await sheets.write_ranking(uow, YEAR, None, out, OpenpyxlSheets())
            return out.stat().st_size

    async def do_cold(self) -> int:
        async with UnitOfWork(self.sm) as uow:
            await uow.session.execute(text("DELETE FROM unit_results"))
        return await self.do_standings()

    async def do_one_changed(self) -> int:
        async with UnitOfWork(self.sm) as uow:  # an officer's answer: the trigger bumps one unit
            await uow.session.execute(
                text(
                    "UPDATE answers SET version = version + 1 "
                    "WHERE id = (SELECT MIN(id) FROM answers)"
                )
            )
        return await self.do_standings()

    async def answers_in_memory(self) -> tuple[Catalog, dict[int, dict[str, Answer]]]:
        """Every unit's answers parsed, and the catalog: the pure domain's input."""
        async with UnitOfWork(self.sm, read_only=True) as uow:
            period = await A.get_period(uow, YEAR)
            per_unit = {
                unit_id: {code: Answer.from_json(a.value) for code, a in answers.items()}
                for unit_id, answers in (await uow.answers.list_for_period(period.id)).items()
            }
            cat_row = (await uow.catalogs.list_for_period(period.id))[0]
            return load_catalog(cat_row.source_yaml), per_unit


async def run(cfg: Config) -> list[Table]:
    units = 500 if cfg.quick else 5_000
    runs = 3  # cold standings(): each re-scores every unit
    leaves_n = FIELDS * LEAVES_PER_FIELD
    table = Table(
        f"3. Ranking — {units:,} units × {leaves_n} items ({units * leaves_n:,} answers), SQLite"
    )
    started = time.perf_counter()
    url, seeded = await ranking_db(cfg, units)
    engine = make_engine(url)
    try:
        timings = await _measure(_Database(make_sessionmaker(engine), units), runs)
    finally:
        await engine.dispose()
    _fill_table(table, timings)
    n_st, n_agg, n_groups, cold_times = (
        timings.n_st,
        timings.n_agg,
        timings.n_groups,
        timings.cold_times,
    )
    table.notes.append(
        f"{n_st:,} units ranked; the aggregate returned {n_agg:,} rows; answers seeded by bulk "
        f"insert{f' in {seeded:.1f} s' if seeded else ''} (not timed); cold standings() ran "
        f"{runs} times ({', '.join(f'{x:.2f}' for x in cold_times)} s; median), warm and "
        "one-changed 6 times each (median after the first), the aggregate 5 times (median after "
        "the first), the parts and the pure domain 3 times (median after the first); every call in "
        f"a fresh unit of work; the cold runs also store the {units:,} summaries, the "
        f"one-changed runs re-score and store one; {n_groups:,} distinct (item, value) groups."
    )
    table.seconds = time.perf_counter() - started
    return [table]


async def _measure(db: _Database, runs: int) -> _Timings:
    """Time the database calls, then the pure domain on the same answers in memory (the
    order matters: the bulk scoring uses the groups the last grouped read left)."""
    say("ranking: timing the SQL aggregate")
    agg_times, n_agg = await _timed(db.do_aggregate, 5)
    say(f"ranking: timing standings() x {runs}, cold (no stored summaries)")
    cold_times, n_st = await _timed(db.do_cold, runs)
    say("ranking: timing standings() x 5, warm, and x 5 with one unit changed")
    st_times, _ = await _timed(db.do_standings, 6)
    one_times, _ = await _timed(db.do_one_changed, 6)
    say("ranking: timing the parts (grouped answers, bulk scoring, pure domain)")
    group_times, n_groups = await _timed(db.do_groups, 3)
    catalog, per_unit = await db.answers_in_memory()

    async def do_domain() -> int:
        entries = []
        memo: ScoreMemo = {}
        for unit_id, answers in per_unit.items():
            res = summarize(catalog, answers, None, None, memo)
            entries.append(
                Entry("commune", str(unit_id), "", res.index, res.index_low, res.index_high)
            )
        return sum(len(b) for b in rank_boards(entries).values())

    dom_times, _ = await _timed(do_domain, 3)
    keys = [BulkUnit(str(unit_id)) for unit_id in per_unit]

    async def do_bulk() -> int:
        return len(summarize_many(catalog, db.groups, keys))

    bulk_times, _ = await _timed(do_bulk, 3)
    say("ranking: timing the ranking's .xlsx export, all boards")
    export_times, _ = await _timed(db.do_export, 1)
    return _Timings(
        agg=_warm(agg_times),
        st=_warm(st_times),
        one=_warm(one_times),
        cold=statistics.median(cold_times),
        grouped=_warm(group_times),
        domain=_warm(dom_times),
        bulk=_warm(bulk_times),
        export=export_times[0],
        cold_times=cold_times,
        n_agg=n_agg,
        n_st=n_st,
        n_groups=n_groups,
    )


def _fill_table(table: Table, t: _Timings) -> None:
    """The rows: the three standings() states against the SQL aggregate (the targets), the
    baseline, and the parts as ratios to it."""
    agg = t.agg

    def target_row(label: str, value: float) -> Row:
        ratio = value / agg if agg else None
        return Row(
            label,
            value,
            "s",
            agg,
            ratio,
            "< 1 s and ratio ≤ 3",
            value < 1.0 and ratio is not None and ratio <= 3,
            "SQL SUM … GROUP BY",
        )

    def part_row(label: str, value: float) -> Row:  # reported against the aggregate, no target
        return Row(
            label, value, "s", agg, value / agg if agg else None, baseline_label="SQL aggregate"
        )

    table.add(target_row("standings(), all boards, warm (summaries current)", t.st))
    table.add(target_row("standings(), one unit changed since the last call", t.one))
    table.add(target_row("standings(), cold (no stored summaries: re-score all)", t.cold))
    table.add(Row("baseline: SELECT unit_id, SUM(points) … GROUP BY unit_id", agg, "s"))
    table.add(
        Row(
            "pure domain: summarize() × units + rank_boards()",
            t.domain,
            "s",
            agg,
            t.domain / agg if agg else None,
            "< 1 s",
            t.domain < 1.0,
            "SQL aggregate",
        )
    )
    table.add(part_row("pure domain, bulk: summarize_many() over grouped answers", t.bulk))
    table.add(
        part_row(
            "  part of cold: answers grouped by value (a statement per run of items)", t.grouped
        )
    )
    table.add(
        part_row(
            "the ranking's .xlsx, all boards (standings, build, save; on a worker thread)",
            t.export,
        )
    )
