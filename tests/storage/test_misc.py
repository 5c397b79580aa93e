"""Engine settings, portable types, and the smaller repositories."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from storage.db import make_engine, normalize_url
from storage.repositories import VersionConflict
from storage.types import UTCDateTime
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from conftest import World

SM = async_sessionmaker[AsyncSession]


def test_normalize_url() -> None:
    assert normalize_url("sqlite:///x.db").drivername == "sqlite+aiosqlite"
    assert normalize_url("postgres://u@h/db").drivername == "postgresql+asyncpg"
    assert normalize_url("postgresql+asyncpg://u@h/db").drivername == "postgresql+asyncpg"


async def test_sqlite_pragmas_and_parent_dir(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "a" / "b" / "parbot.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        async with engine.connect() as conn:
            pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}")  # noqa: E731
            assert (await pragma("foreign_keys")).scalar() == 1
            assert (await pragma("journal_mode")).scalar() == "wal"
            # locks are waited for up to 10 s, in a worker thread (the loop thread never waits)
            assert (await pragma("busy_timeout")).scalar() == 0
            raw = await conn.get_raw_connection()
            assert raw.dbapi_connection.busy_timeout_ms == 10_000
            assert (await pragma("wal_autocheckpoint")).scalar() == 0  # checkpoints off the loop
    finally:
        await engine.dispose()
    assert path.is_file()


async def test_sqlite_pragmas_with_aiosqlite(tmp_path: object, monkeypatch) -> None:
    from pathlib import Path

    monkeypatch.setenv("PARBOT_SQLITE_DRIVER", "aiosqlite")
    engine = make_engine(f"sqlite:///{Path(str(tmp_path)) / 'parbot.db'}")
    try:
        assert engine.dialect.driver == "aiosqlite"
        async with engine.connect() as conn:
            pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}")  # noqa: E731
            assert (await pragma("foreign_keys")).scalar() == 1
            assert (await pragma("journal_mode")).scalar() == "wal"
            assert (await pragma("busy_timeout")).scalar() == 10_000
    finally:
        await engine.dispose()


async def test_foreign_keys_enforced(sessionmaker: SM) -> None:
    with pytest.raises(IntegrityError):
        async with UnitOfWork(sessionmaker) as uow:
            await uow.units.create(period_id=999, code="x", name="x", board="commune")


async def test_datetimes_are_aware_utc(sessionmaker: SM) -> None:
    ict = timezone(timedelta(hours=7))
    local = datetime(2024, 3, 16, 8, 30, tzinfo=ict)
    async with UnitOfWork(sessionmaker) as uow:
        period = await uow.periods.create(2024, "x")
        await uow.periods.publish(period.id, at=local)
    async with UnitOfWork(sessionmaker) as uow:
        stored = await uow.periods.get_by_year(2024)
        assert stored is not None and stored.published_at is not None
        assert stored.published_at.tzinfo is not None
        assert stored.published_at.utcoffset() == timedelta(0)
        assert stored.published_at == datetime(2024, 3, 16, 1, 30, tzinfo=UTC)
    with pytest.raises(StatementError):  # naive datetimes are refused
        async with UnitOfWork(sessionmaker) as uow:
            p = await uow.periods.get_by_year(2024)
            assert p is not None
            await uow.periods.publish(p.id, datetime(2024, 1, 1))


async def test_rows_sharing_a_timestamp_and_not_read_back_each_their_own(
    sessionmaker: SM,
) -> None:
    """UTCDateTime remembers the last value it read (rows written together share one): runs
    of one timestamp, others between them, and NULLs read back as written, aware UTC."""
    at = [datetime(2024, 3, 16, 1, 30, s, 250, tzinfo=UTC) for s in (1, 1, 1, 2, 1, 1, 3, 3)]
    at[5] = None  # type: ignore[call-overload]
    table = sa.table("periods", sa.column("id"), sa.column("published_at"))
    async with UnitOfWork(sessionmaker) as uow:
        ids = [(await uow.periods.create(2000 + n, "x")).id for n in range(len(at))]
        for period_id, when in zip(ids, at, strict=True):
            if when is not None:
                await uow.periods.publish(period_id, at=when)
    async with UnitOfWork(sessionmaker) as uow:
        got = [(await uow.periods.get(i)) for i in ids]
        raw = await uow.session.execute(
            sa.select(sa.literal_column("published_at", UTCDateTime))
            .select_from(table)
            .order_by(sa.literal_column("id"))
        )
    assert [p.published_at if p else "gone" for p in got] == at
    assert list(raw.scalars()) == at
    assert all(w is None or w.utcoffset() == timedelta(0) for w in at)


async def test_numeric_points_are_exact_decimals(sessionmaker: SM, world: World) -> None:
    values = ["0.01", "0.1", "0.25", "8.25", "999999.99", "0.33"]
    async with UnitOfWork(sessionmaker) as uow:
        for i, v in enumerate(values):
            await uow.survey.set_points(world.unit_id, world.items["1.1.1"], v)
            row = await uow.survey.get(world.unit_id, world.items["1.1.1"])
            assert row is not None  # read back from the database, not a cached object
            assert row.points == Decimal(v), i


async def test_conversation_state_versions(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.conversations.load(world.person_id) == ({}, None)
        row = await uow.conversations.save(world.person_id, {"step": "menu"})
        assert row.version == 1
    async with UnitOfWork(sessionmaker) as uow:
        state, version = await uow.conversations.load(world.person_id)
        assert (state, version) == ({"step": "menu"}, 1)
        state["step"] = "answer"
        state["item"] = "1.1.1"
        row = await uow.conversations.save(world.person_id, state, expected_version=version)
        assert row.version == 2
    with pytest.raises(VersionConflict):
        async with UnitOfWork(sessionmaker) as uow:
            await uow.conversations.save(world.person_id, {"step": "x"}, expected_version=1)
    async with UnitOfWork(sessionmaker) as uow:
        assert (await uow.conversations.load(world.person_id))[0]["item"] == "1.1.1"
        await uow.conversations.clear(world.person_id)
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.conversations.get(world.person_id) is None


async def test_conversation_lost_update_detected(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        await uow.conversations.save(world.person_id, {"n": 0})
    with pytest.raises(StaleDataError):
        async with UnitOfWork(sessionmaker) as a:
            row = await a.conversations.get(world.person_id)
            assert row is not None
            await a.commit()  # keeps the loaded version 1 (expire_on_commit=False)
            async with UnitOfWork(sessionmaker) as b:
                await b.conversations.save(world.person_id, {"n": 1})
            row.state = {"n": 2}
            await a.flush()


async def test_milestones(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        await uow.milestones.upsert(
            world.period_id,
            "self_assessment",
            "Tự đánh giá",
            "self_assessment",
            date(2024, 3, 15),
            reminder_days=[7, 3, 1],
            lead="Phòng Nội vụ",
        )
        await uow.milestones.upsert(
            world.period_id,
            "survey",
            "Điều tra XHH",
            "survey",
            date(2024, 4, 30),
            precision="month",
            due_start=date(2024, 4, 1),
        )
        # re-import replaces
        await uow.milestones.upsert(
            world.period_id,
            "self_assessment",
            "Tự đánh giá (sửa)",
            "self_assessment",
            date(2024, 3, 16),
            audience="commune",
        )
        with pytest.raises(ValueError):
            await uow.milestones.upsert(world.period_id, "x", "x", "party", date(2024, 1, 1))
    async with UnitOfWork(sessionmaker) as uow:
        rows = await uow.milestones.list_for_period(world.period_id)
        assert [(m.key, m.due_end, m.audience) for m in rows] == [
            ("self_assessment", date(2024, 3, 16), "commune"),
            ("survey", date(2024, 4, 30), "all"),
        ]
        assert rows[0].reminder_days is None and rows[0].title == "Tự đánh giá (sửa)"
        assert [
            m.key for m in await uow.milestones.due_between(date(2024, 4, 1), date(2024, 5, 1))
        ] == ["survey"]
        assert await uow.milestones.delete(world.period_id, "survey")


async def test_submissions(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        sub = await uow.submissions.get_or_create(world.unit_id)
        assert sub.status == "draft"
        await uow.submissions.set_status(
            world.unit_id, "submitted", world.person_id, index_at_submit="87.35"
        )
        await uow.submissions.set_status(world.unit_id, "reopened", None, note="bổ sung TLKC")
        with pytest.raises(ValueError):
            await uow.submissions.set_status(world.unit_id, "lost")
    async with UnitOfWork(sessionmaker) as uow:
        sub = await uow.submissions.get(world.unit_id)
        assert sub is not None
        assert (sub.status, sub.index_at_submit, sub.submitted_by) == (
            "reopened",
            Decimal("87.35"),
            world.person_id,
        )
        assert [e.status for e in await uow.submissions.events(world.unit_id)] == [
            "submitted",
            "reopened",
        ]
        assert set(await uow.submissions.list_for_period(world.period_id)) == {world.unit_id}


async def test_evidence_rows(sessionmaker: SM, world: World) -> None:
    item = world.items["1.1.1"]
    sha = "ab" * 32
    async with UnitOfWork(sessionmaker) as uow:
        row, created = await uow.evidence.add(
            world.unit_id,
            item,
            sha,
            "Kế hoạch 2024.pdf",
            1234,
            "application/pdf",
            "signed_intact",
            pages=3,
            signer="UBND xã An Bình",
            signed_at=datetime(2024, 1, 5, tzinfo=UTC),
            signature_detail={"certs": 1},
            uploaded_by=world.person_id,
        )
        assert created
        await uow.evidence.remove(row.id, by=world.person_id)
        assert await uow.evidence.list_for_item(world.unit_id, item) == []
        again, created = await uow.evidence.add(
            world.unit_id, item, sha, "KH.pdf", 1234, "application/pdf", "signed_intact"
        )
        assert not created and again.id == row.id and again.removed_at is None
        with pytest.raises(ValueError):
            await uow.evidence.add(world.unit_id, item, "cd" * 32, "x", 1, "x", "forged")
    async with UnitOfWork(sessionmaker) as uow:
        by_code = await uow.evidence.list_for_unit(world.unit_id)
        assert [e.original_name for e in by_code["1.1.1"]] == ["KH.pdf"]
        assert await uow.evidence.is_referenced(sha)


async def test_check_constraints(engine: AsyncEngine, world: World) -> None:
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(
                sa.text("UPDATE submissions SET status = 'bogus'")  # no rows: no error
            )
            await conn.execute(
                sa.text(
                    "INSERT INTO roles (person_id, unit_id, role, granted_at) "
                    "VALUES (:p, NULL, 'king', CURRENT_TIMESTAMP)"
                ),
                {"p": world.person_id},
            )
