"""Per-process caches never serve stale data across workers (issue 19).

Two engines on one database stand for two webhook workers: a change made through worker A (a
unit renamed, a role revoked, a catalog re-imported) is seen by worker B on its next update,
because B's unit header cache is validated by ``hot_revision.rev`` (bumped by database
triggers) and roles are read with the person in the update's first statement."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from bot.app import open_database
from bot.settings import load_settings
from conversations import assessment as A
from conversations import unitview
from scoring.catalog import sample_catalog_paths
from storage import models as m
from tests.conversations.harness import Person, invite, make_engine


async def test_a_change_through_worker_a_is_seen_by_worker_b(db, clock, db_url, tmp_path: Path):
    settings = load_settings(database_url=db_url, data_dir=tmp_path / "data")
    async with open_database(settings, migrate=False) as other:
        worker_b = make_engine(other, clock)
        lan = Person(worker_b, 1001, "Lan")
        code = await invite(db, "X01", "officer", clock.now)
        await lan.text(f"/start {code}")
        await lan.text("/progress")
        assert "UBND xã A" in lan.reply.text
        cached = unitview._HEADERS.kept(other.engine.sync_engine)
        assert cached, "worker B caches the unit header"

        async with db.uow() as uow:  # worker A: the unit is renamed
            period = await uow.periods.get_by_year(2024)
            unit = await uow.units.get_by_code(period.id, "X01")
            await uow.session.execute(
                update(m.Unit).where(m.Unit.id == unit.id).values(name="UBND phường A mới")
            )
        await lan.text("/progress")
        assert "UBND phường A mới" in lan.reply.text

        async with db.uow() as uow:  # worker A: the catalog is re-imported with a new title
            yaml = sample_catalog_paths()["xa-mau-2024"].read_text("utf-8")
            old = "Nội dung Kế hoạch đầy đủ, có phân công nhiệm vụ"
            assert old in yaml
            await A.import_catalog(uow, yaml.replace(old, "Kế hoạch năm mới đầy đủ", 1), 2024)
        await lan.text("/score")
        assert "1.1.1.a" in lan.reply.text and "Kế hoạch năm mới đầy đủ" in lan.reply.text

        async with db.uow() as uow:  # worker A: an admin revokes Lan's access
            person = await uow.people.get_by_telegram_id(1001)
            assert await uow.people.revoke(person, "officer", unit.id)
        await lan.text("/progress")
        assert "UBND phường A mới" not in lan.reply.text
        await lan.text("/score")
        assert "1.1.1.a" not in lan.reply.text
