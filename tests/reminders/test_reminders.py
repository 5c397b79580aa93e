"""The reminder job with a fixed clock on a real database (SQLite and PostgreSQL).

The self-assessment is due Friday 15/3/2024; the job is run for chosen days and the outbox
rows it writes are the observable result (the dispatcher is not running here).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bot.app import Database, open_database
from bot.settings import load_settings
from conversations import assessment as A
from scheduler import reminders as R
from scoring.catalog import sample_catalog_paths

DUE = date(2024, 3, 15)  # a Friday
NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
UNITS = (
    "code,name,board\n"
    "X01,UBND xã Canh Thuận,commune\n"
    "X02,UBND xã Canh Hiệp,commune\n"
    "P01,Phòng Tư pháp,department\n"
)


@pytest.fixture
async def db(db_url: str, tmp_path: Path):
    settings = load_settings(database_url=db_url, data_dir=tmp_path / "data")
    async with open_database(settings, migrate=False) as database:
        async with database.uow() as uow:
            for name in ("xa-mau-2024", "phong-mau-2024"):
                await A.import_catalog(uow, sample_catalog_paths()[name].read_text("utf-8"), 2024)
            await A.import_units(uow, UNITS, 2024)
        yield database


@pytest.fixture
async def world(db: Database):
    """Officers and leaders of three units (X02 has submitted), an admin, the plan."""
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        units = {u.code: u for u in await uow.units.list_for_period(period.id)}
        ids = {}

        async def person(tg: int, name: str, role: str, unit: str | None, lang: str | None):
            p = await uow.people.upsert(tg, tg, name, language=lang)
            await uow.people.grant(p, role, units[unit].id if unit else None)
            ids[name] = p.id
            return p

        await person(1, "officer_x01", "officer", "X01", "en")
        await person(2, "leader_x01", "leader", "X01", "en")
        await person(3, "officer_x02", "officer", "X02", "en")
        await person(4, "leader_x02", "leader", "X02", "en")
        await person(5, "officer_p01", "officer", "P01", None)  # default locale
        await person(6, "admin", "admin", None, "en")
        gone = await person(7, "blocked_x01", "officer", "X01", "en")
        await uow.people.mark_unreachable(gone, "Forbidden: bot was blocked by the user")
        await uow.submissions.set_status(units["X02"].id, "submitted", None)
        await uow.milestones.upsert(
            period.id,
            "self_assessment",
            "Tự đánh giá, chấm điểm và gửi tài liệu kiểm chứng",
            "self_assessment",
            DUE,
            title_en="Self-assessment and evidence",
            lead="Các cơ quan chuyên môn và UBND các xã, phường",
            source="Hoàn thành trước ngày 15/3/2024",
        )
        # the organisers' own steps: Nội vụ hears about them, the units do not
        await uow.milestones.upsert(
            period.id,
            "appraisal",
            "Thẩm định kết quả tự đánh giá",
            "appraisal",
            date(2024, 3, 29),
            audience="admins",
            lead="Phòng Nội vụ",
        )
        return SimpleNamespace(period=period, units=units, ids=ids)


async def run(db: Database, today: date, locale: str = "en") -> R.RunReport:
    return await R.run_reminders(db.uow, today=today, now=NOW, default_locale=locale)


async def outbox(db: Database) -> dict[str, tuple[str, str]]:
    """{key: (status, text)} of every outbox row."""
    from sqlalchemy import select

    from storage.models import OutboxMessage

    async with db.uow() as uow:
        rows = await uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return {r.key: (r.status, r.payload["text"]) for r in rows}


def key(kind: str, offset: int, w, person: str, unit: str | None = None) -> str:
    tail = f"{w.ids[person]}:{w.units[unit].id}" if unit else f"{w.ids[person]}"
    return f"remind:2024:{kind}:{offset}:{tail}"


@pytest.mark.parametrize(
    ("left", "expected"),
    [(9, None), (8, None), (7, 7), (5, 7), (3, 3), (2, 3), (1, 1), (0, 0), (-1, None)],
)
def test_latest_due_offset(left: int, expected: int | None) -> None:
    assert R.due_offset((7, 3, 1, 0), left) == expected


async def test_reminders_go_7_3_1_0_days_before_to_units_not_done(db, world):
    assert (await run(db, DUE - timedelta(days=8))).queued == []
    first = await run(db, DUE - timedelta(days=7))
    expected = {
        key("self_assessment", 7, world, "officer_x01", "X01"),
        key("self_assessment", 7, world, "leader_x01", "X01"),
        key("self_assessment", 7, world, "officer_p01", "P01"),
    }
    assert set(first.queued) == expected  # not X02 (submitted), not the blocked officer
    rows = await outbox(db)
    officer = rows[key("self_assessment", 7, world, "officer_x01", "X01")][1]
    assert "⏰ <b>Reminder: Self-assessment and evidence</b>" in officer
    assert "by 15 Mar 2024 — 7 days left" in officer
    assert "Unit: UBND xã Canh Thuận" in officer
    assert "Still to do: 53 criteria not scored." in officer
    assert "Plan: “Hoàn thành trước ngày 15/3/2024”" in officer
    assert "Tap 📝 Score to continue, then /submit." in officer
    leader = rows[key("self_assessment", 7, world, "leader_x01", "X01")][1]
    assert "📊 Progress" in leader and "Still to do: 53 criteria" in leader
    department = rows[key("self_assessment", 7, world, "officer_p01", "P01")][1]
    assert "15/3/2024" in department and "47" in department  # default locale (vi), its catalog

    again = await run(db, DUE - timedelta(days=7))
    assert again.queued == [] and again.already == 3
    assert (await run(db, DUE - timedelta(days=6))).queued == []  # nothing new until 3 days
    three = await run(db, DUE - timedelta(days=3))
    assert set(three.queued) == {k.replace(":7:", ":3:") for k in expected}
    assert three.superseded == 3  # the 7-day ones never left (no dispatcher): withdrawn
    rows = await outbox(db)
    assert all(rows[k][0] == "failed" for k in expected)
    assert "3 days left" in rows[key("self_assessment", 3, world, "officer_x01", "X01")][1]
    assert len((await run(db, DUE - timedelta(days=1))).queued) == 3
    assert (
        "tomorrow" in (await outbox(db))[key("self_assessment", 1, world, "officer_x01", "X01")][1]
    )
    assert len((await run(db, DUE)).queued) == 3
    assert (
        "by 15 Mar 2024 — today"
        in (await outbox(db))[key("self_assessment", 0, world, "officer_x01", "X01")][1]
    )
    assert (await run(db, DUE)).queued == []


async def test_after_downtime_only_the_latest_reminder_goes_out(db, world):
    report = await run(db, DUE - timedelta(days=2))  # the 7- and 3-day runs were missed
    assert sorted(report.queued) == sorted(
        key("self_assessment", 3, world, p, u)
        for p, u in (("officer_x01", "X01"), ("leader_x01", "X01"), ("officer_p01", "P01"))
    )
    text = (await outbox(db))[key("self_assessment", 3, world, "officer_x01", "X01")][1]
    assert "2 days left" in text  # the real count, not the missed offset's


async def test_sent_reminders_are_not_withdrawn(db, world):
    await run(db, DUE - timedelta(days=7))
    async with db.uow() as uow:
        for row in await uow.outbox.claim_due(NOW, 100):
            await uow.outbox.mark_sent(row.id, 1, NOW)
    report = await run(db, DUE - timedelta(days=3))
    assert len(report.queued) == 3 and report.superseded == 0
    assert {s for s, _ in (await outbox(db)).values()} == {"sent", "pending"}


async def test_what_the_unit_still_lacks(db, world):
    async with db.uow() as uow:
        await A.import_answers(
            uow,
            "unit,item,value,explanation\n"
            "X01,1.1.1.a,day_du,\n"
            "X01,1.4,day_du,\n"
            "X01,2.1,dung,Văn bản ban hành đúng thẩm quyền\n",
            2024,
            allow_missing_evidence=True,  # the reminder is about exactly these
        )
    await run(db, DUE - timedelta(days=3))
    text = (await outbox(db))[key("self_assessment", 3, world, "officer_x01", "X01")][1]
    assert "Still to do: 50 criteria not scored, 2 criteria without evidence or explanation." in (
        text
    )


async def test_overdue_goes_to_leaders_and_admins_once(db, world):
    await run(db, DUE - timedelta(days=1))
    monday = DUE + timedelta(days=3)
    report = await run(db, monday)
    assert set(report.queued) == {
        f"overdue:2024:self_assessment:{world.ids['leader_x01']}:{world.units['X01'].id}",
        f"overdue:2024:self_assessment:{world.ids['admin']}",
    }
    assert report.superseded == 3  # yesterday's reminders that never left are stale now
    rows = await outbox(db)
    leader = rows[
        f"overdue:2024:self_assessment:{world.ids['leader_x01']}:{world.units['X01'].id}"
    ][1]
    assert "⚠️ <b>Overdue: Self-assessment and evidence</b>" in leader
    assert "The deadline was 15 Mar 2024 and UBND xã Canh Thuận has not submitted" in leader
    assert "Still to do: 53 criteria not scored." in leader
    admin = rows[f"overdue:2024:self_assessment:{world.ids['admin']}"][1]
    assert "Deadline 15 Mar 2024: 2 units have not submitted:" in admin
    assert "• UBND xã Canh Thuận" in admin and "• Phòng Tư pháp" in admin
    assert "Canh Hiệp" not in admin  # X02 submitted
    assert (await run(db, monday + timedelta(days=1))).queued == []
    assert (await run(db, DUE + timedelta(days=30))).queued == []


async def test_organisers_steps_go_to_the_admins_as_one_to_do_list(db, world):
    """The admins' own steps reach only the admins, gathered into "Việc của Phòng Nội vụ";
    no unit hears of them, even a survey or a self-assessment-like step marked ``admins``."""
    appraisal = date(2024, 3, 29)
    async with db.uow() as uow:
        await uow.milestones.upsert(
            world.period.id,
            "survey",
            "In phiếu điều tra xã hội học",
            "survey",
            appraisal,
            audience="admins",
        )
        await uow.milestones.upsert(
            world.period.id,
            "compile",
            "Tổng hợp kết quả tự đánh giá",
            "self_assessment",
            date(2024, 3, 26),
            audience="admins",
        )
    report = await run(db, appraisal - timedelta(days=3))  # 26/3: compile due today
    todo = [k for k in report.queued if k.startswith("todo:")]
    assert len(todo) == 1 and todo[0].startswith(f"todo:{world.ids['admin']}:")
    assert not [k for k in report.queued if ":survey:" in k or ":appraisal:" in k]
    assert not [k for k in report.queued if ":compile:" in k]  # never to units
    text = (await outbox(db))[todo[0]][1]
    assert text.startswith("📋 <b>Phòng Nội vụ's to-do</b>")
    assert "• <b>Thẩm định kết quả tự đánh giá</b> — by 29 Mar 2024 (3 days left)" in text
    assert "Responsible: Phòng Nội vụ" in text
    assert "In phiếu điều tra xã hội học" in text and "Tổng hợp kết quả tự đánh giá" in text
    assert (await run(db, appraisal - timedelta(days=3))).queued == []  # idempotent
    assert (await run(db, appraisal - timedelta(days=2))).queued == []  # nothing new due
    last = await run(db, appraisal)
    assert [k.split(":")[0] for k in last.queued] == ["todo"] and last.queued != todo
    assert (await run(db, appraisal + timedelta(days=1))).queued == []  # no overdue for these
    assert (await run(db, date(2024, 3, 28))).queued == []


async def test_reminder_days_per_milestone_and_board_audience(db, world):
    async with db.uow() as uow:
        assert await uow.milestones.set_reminder_days(world.period.id, "self_assessment", [10])
        await uow.milestones.upsert(
            world.period.id,
            "report",
            "Các xã gửi báo cáo CCHC quý I",
            "other",
            date(2024, 3, 13),
            audience="commune",
            source="trước ngày 13/3/2024",
            reminder_days=[],
        )
        await uow.milestones.upsert(
            world.period.id,
            "report_dept",
            "Các phòng gửi báo cáo CCHC",
            "other",
            date(2024, 3, 13),
            audience="department",
        )
    report = await run(db, DUE - timedelta(days=10))
    assert sorted(report.queued) == sorted(
        key("self_assessment", 10, world, p, u)
        for p, u in (("officer_x01", "X01"), ("leader_x01", "X01"), ("officer_p01", "P01"))
    )
    # the self-assessment only 10 days before; "report" has reminders switched off;
    # "report_dept" (default days) reminds the department only
    report = await run(db, date(2024, 3, 10))
    assert report.queued == [key("report_dept", 3, world, "officer_p01", "P01")]
    text = (await outbox(db))[report.queued[0]][1]
    assert "Các phòng gửi báo cáo CCHC" in text and "Phòng Tư pháp" in text
    report = await run(db, date(2024, 3, 12))
    assert report.queued == [key("report_dept", 1, world, "officer_p01", "P01")]
    async with db.uow() as uow:
        assert await uow.milestones.set_reminder_days(world.period.id, "self_assessment", [])
    assert (await run(db, DUE + timedelta(days=3))).queued == []  # off: no overdue notices


async def test_locale_per_recipient(db, world):
    async with db.uow() as uow:
        person = await uow.people.get(world.ids["officer_x01"])
        await uow.people.set_language(person, None)
    await run(db, DUE - timedelta(days=7), locale="en")
    rows = await outbox(db)
    assert "15 Mar 2024" in rows[key("self_assessment", 7, world, "officer_x01", "X01")][1]
    officer_p01 = rows[key("self_assessment", 7, world, "officer_p01", "P01")][1]
    assert "15 Mar 2024" in officer_p01  # no language of their own: the default, English


class FakeScheduler:
    def __init__(self) -> None:
        self.jobs: list[tuple[object, object, dict]] = []

    def add_job(self, func, trigger, **kw) -> None:
        self.jobs.append((func, trigger, kw))


@pytest.mark.parametrize(
    ("local", "catch_up"),
    [
        (datetime(2024, 3, 11, 10, 0), True),  # Monday morning: catch up now
        (datetime(2024, 3, 11, 7, 0), False),  # before 08:00: the cron run will do it
        (datetime(2024, 3, 11, 21, 0), False),  # evening
        (datetime(2024, 3, 16, 10, 0), False),  # Saturday
    ],
)
async def test_install_schedules_working_days_at_8_and_a_catch_up(db, local, catch_up):
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    settings = load_settings(timezone="Asia/Ho_Chi_Minh", locale="vi")
    scheduler = FakeScheduler()
    R.install(scheduler, db.uow, settings, now=local.replace(tzinfo=tz))
    ids = [kw["id"] for _, _, kw in scheduler.jobs]
    assert ids == (["reminders", "reminders_catch_up"] if catch_up else ["reminders"])
    func, trigger, kw = scheduler.jobs[0]
    friday_noon = datetime(2024, 3, 15, 12, 0, tzinfo=tz)
    nxt = trigger.get_next_fire_time(None, friday_noon)
    assert nxt == datetime(2024, 3, 18, 8, 0, tzinfo=tz)  # Monday 08:00, not the weekend
    assert kw["max_instances"] == 1 and kw["coalesce"] is True
    await func()  # the job itself runs (nothing due in an empty plan) and never raises
