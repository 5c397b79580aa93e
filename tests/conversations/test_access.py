"""Access can be taken away (issue 18, finding 4) and wrong invite codes are throttled (finding 9):
the conversation core on a real migrated database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from conversations import access
from conversations.review.assignment import assign_appraiser
from handlers.routes import build_registry
from storage import models as m
from tests.conversations.harness import Person, invite, make_engine


async def joined(db, clock, person, unit, role="officer", user_id=1001, name="Lan", lang="en"):
    p = person(user_id, name, lang)
    code = await invite(db, unit, role, clock.now)
    await p.text(f"/start {code}")
    assert "✅" in p.reply.text, p.reply.text
    return p


async def second_unit_invite(db, clock, unit="X02", allow=False) -> str:
    return await invite(db, unit, "officer", clock.now, second_unit=allow)


async def roles_of(db, user_id: int) -> list[tuple[str, str | None]]:
    async with db.uow() as uow:
        person = await uow.people.get_by_telegram_id(user_id)
        return sorted((g.role, g.unit_code) for g in await uow.access.grants(person_id=person.id))


async def events(db) -> list[m.AccessEvent]:
    async with db.uow() as uow:
        return list(await uow.session.scalars(select(m.AccessEvent).order_by(m.AccessEvent.id)))


async def pending_notices(db, clock, chat_id: int) -> list[dict]:
    async with db.uow() as uow:
        rows = await uow.outbox.claim_due(clock.now + timedelta(seconds=1))
        return [r.payload for r in rows if r.chat_id == chat_id]


def buttons(p: Person) -> list[str]:
    return [b.text for r in p.last.replies for row in r.buttons for b in row]


# ------------------------------------------------------------------ a second unit's invite


async def test_second_units_invite_asks_to_move_and_the_old_role_ends_on_confirmation(
    db, clock, person
):
    lan = await joined(db, clock, person, "X01")
    code = await second_unit_invite(db, clock)
    await lan.text(f"/start {code}")
    # the finding: the officer silently kept both units; now nothing changes before they answer
    assert "Anh/Chị đang là cán bộ đầu mối của UBND xã A" in lan.reply.text
    assert buttons(lan) == ["Chuyển sang đơn vị mới", "Hủy"]  # holding both is not offered
    assert await roles_of(db, 1001) == [("officer", "X01")]
    await lan.press("Chuyển sang đơn vị mới")
    assert "✅" in lan.reply.text and "UBND xã B" in lan.reply.text
    assert await roles_of(db, 1001) == [("officer", "X02")]
    assert [r for r in lan.reply.commands or () if r[0] == "submit"]  # menu sent with it
    history = [(e.action, e.unit_label, e.actor_label) for e in await events(db)]
    assert history == [
        ("grant", "X01 UBND xã A", "invite"),
        ("grant", "X02 UBND xã B", "invite"),
        ("revoke", "X01 UBND xã A", "Lan"),
    ]
    assert "UBND xã B" in (await events(db))[-1].reason
    await lan.text("/progress")
    assert "UBND xã B" in lan.reply.text and "UBND xã A" not in lan.reply.text


async def test_keeping_both_needs_the_admins_flag_and_cancel_keeps_the_invite(db, clock, person):
    lan = await joined(db, clock, person, "X01")
    code = await second_unit_invite(db, clock)
    await lan.text(f"/start {code}")
    data = [b.data for r in lan.last.replies for row in r.buttons for b in row]
    forged = data[0].replace("mv:move:", "mv:both:")
    await lan.press(data=forged)  # a forged "keep both" for an invite that does not allow it
    assert "không cho phép giữ hai đơn vị" in (lan.last.toast or "")
    assert await roles_of(db, 1001) == [("officer", "X01")]
    await lan.text(f"/start {code}")
    await lan.press("Hủy")
    assert "Mã mời vẫn dùng được" in lan.reply.text
    await lan.press(data=data[0])  # the old question's button does nothing now
    assert "Nút này đã cũ" in (lan.last.toast or "")
    assert await roles_of(db, 1001) == [("officer", "X01")]
    other = person(1002, "Mai", "en")
    await other.text(f"/start {code}")  # the cancelled invite still works for someone else
    assert "✅" in other.reply.text

    allowed = await second_unit_invite(db, clock, allow=True)
    await lan.text(f"/start {allowed}")
    assert buttons(lan) == ["Chuyển sang đơn vị mới", "Giữ cả hai", "Hủy"]
    await lan.press("Giữ cả hai")
    assert await roles_of(db, 1001) == [("officer", "X01"), ("officer", "X02")]


# ------------------------------------------------------------------ /access in chat


async def test_admin_revokes_a_departed_officer_who_is_told_and_loses_rights_at_once(
    db, clock, person
):
    admin = await joined(db, clock, person, None, "admin", 9001, "Chi", "vi")
    lan = await joined(db, clock, person, "X01", user_id=1001)
    await lan.text("/score")
    item = (await _state(db, 1001))["item"]
    async with db.uow() as uow:  # as if they had tapped "explain" on that card
        person_id = (await uow.people.get_by_telegram_id(1001)).id
        unit_id = await _unit_id(uow, "X01")
        await uow.conversations.save(
            person_id, {"mode": "explain", "unit_id": unit_id, "item": item}
        )

    await admin.text("/access")
    await admin.press("Lan")
    await admin.press("❌")
    assert (await _state(db, 9001)).get("mode") == "acc_reason"
    await admin.text("Chuyển công tác sang huyện khác")
    assert [b for b in buttons(admin)] == ["Thu hồi", "Hủy"]
    assert await roles_of(db, 1001) == [("officer", "X01")]  # nothing before confirming
    await admin.press("Thu hồi")
    assert "✅" in admin.reply.text
    assert await roles_of(db, 1001) == []
    revoked = (await events(db))[-1]
    assert (revoked.action, revoked.role, revoked.unit_label) == (
        "revoke",
        "officer",
        "X01 UBND xã A",
    )
    assert (revoked.actor_label, revoked.reason) == ("Chi", "Chuyển công tác sang huyện khác")
    # the half-typed explanation for the lost unit is gone: no dead end
    assert "mode" not in await _state(db, 1001) and "unit_id" not in await _state(db, 1001)
    (notice,) = await pending_notices(db, clock, 1001)
    assert (
        "Phòng Nội vụ đã thu hồi quyền của Anh/Chị" in notice["text"]
        and "UBND xã A" in notice["text"]
    )
    assert notice["keyboard"] == [["📅 Thời hạn", "❓ Hướng dẫn", "🌐 Ngôn ngữ"]]
    assert [c for c, _ in notice["commands"]] == ["deadlines", "whoami", "lang", "help"]
    # the very next update sees the change
    await lan.text("Đơn vị đã ban hành kế hoạch")  # was meant as the explanation
    await lan.text("/score")
    assert "chưa được đăng ký là cán bộ đầu mối" in lan.reply.text
    async with db.uow() as uow:
        assert not await uow.answers.explanations_for_unit(
            (await uow.units.get_by_code((await uow.periods.get_by_year(2024)).id, "X01")).id
        )
    await lan.text("/whoami")
    assert "chưa được đăng ký" in lan.reply.text


async def test_revoking_one_of_two_units_keeps_the_other_and_clears_only_the_lost_one(
    db, clock, person
):
    admin = await joined(db, clock, person, None, "admin", 9001, "Chi", "en")
    lan = await joined(db, clock, person, "X01")
    await lan.text(f"/start {await second_unit_invite(db, clock, allow=True)}")
    await lan.press("Giữ cả hai")
    async with db.uow() as uow:
        await uow.conversations.save(
            (await uow.people.get_by_telegram_id(1001)).id,
            {"mode": "walk", "unit_id": await _unit_id(uow, "X02"), "item": "1.1.1.a"},
        )
    await admin.text("/access X02")
    await admin.press("Lan")
    await admin.press("— X02")
    await admin.press("Left the job")
    await admin.press("Revoke")
    assert await roles_of(db, 1001) == [("officer", "X01")]
    assert await _state(db, 1001) == {}
    await lan.text("/progress")
    assert "UBND xã A" in lan.reply.text


async def test_a_revoked_appraiser_and_a_revoked_admin_lose_their_commands(db, clock, person):
    chi = await joined(db, clock, person, None, "admin", 9001, "Chi", "en")
    an = await joined(db, clock, person, None, "admin", 9002, "An", "en")
    tam = await joined(db, clock, person, None, "appraiser", 9003, "Tâm", "en")
    async with db.uow() as uow:
        await assign_appraiser(uow, 2024, "2", "commune", telegram_id=9003)
    await tam.text("/review")
    assert "/review is for appraisers" not in tam.reply.text
    await an.text("/broadcast")
    assert (await _state(db, 9002)).get("mode") == "bc_text"  # An is writing a notice
    for name in ("Tâm", "An"):
        await chi.text("/access")
        await chi.press(name)
        await chi.press("❌")
        await chi.press("Granted by mistake")
        await chi.press("Revoke")
        assert "✅" in chi.reply.text
    await tam.text("/review")
    assert "/review is for appraisers" in tam.reply.text
    assert await _state(db, 9002) == {}  # the half-written notice went with the role
    await an.text("Họp giao ban thứ Sáu")  # would have been the notice's text
    await an.text("/broadcast")
    async with db.uow() as uow:
        assert not await uow.broadcasts.list_recent(5)
    assert "only Phòng Nội vụ (administrators) can send notices" in an.reply.text


async def test_access_is_for_admins_and_buttons_need_the_admins_own_pending_choice(
    db, clock, person
):
    admin = await joined(db, clock, person, None, "admin", 9001, "Chi", "en")
    lan = await joined(db, clock, person, "X01")
    await lan.text("/access")
    assert "Chỉ quản trị viên Phòng Nội vụ" in lan.reply.text
    async with db.uow() as uow:
        grant = (await uow.access.grants(person_id=(await uow.people.get_by_telegram_id(9001)).id))[
            0
        ]
        lan_grant = (
            await uow.access.grants(person_id=(await uow.people.get_by_telegram_id(1001)).id)
        )[0]
    await lan.press(data=f"acc:ok:{grant.grant_id}")
    assert "Chỉ quản trị viên" in (lan.last.toast or "")
    await admin.press(data=f"acc:ok:{lan_grant.grant_id}")  # no reason chosen first: forged
    assert "out of date" in (admin.last.toast or "")
    await admin.press(data=f"acc:r:{grant.grant_id}")  # their own admin role
    assert "cannot remove your own administrator role" in admin.reply.text
    await admin.press(data=f"acc:r:{lan_grant.grant_id}")
    await admin.text("x" * 501)
    assert "1 to 500" in admin.reply.text
    await admin.press(data="acc:no")
    assert await roles_of(db, 1001) == [("officer", "X01")] and await roles_of(db, 9001) == [
        ("admin", None)
    ]
    assert [e.action for e in await events(db)] == ["grant", "grant"]


async def test_access_list_pages(db, clock, person):
    admin = await joined(db, clock, person, None, "admin", 9001, "Chi", "en")
    for i in range(10):
        await joined(db, clock, person, "X01" if i % 2 else "X02", "leader", 3000 + i, f"P{i:02d}")
    await admin.text("/access")
    assert "11 people" in admin.reply.text and "page 1/2" in admin.reply.text
    await admin.press("▶")
    assert "page 2/2" in admin.reply.text and admin.reply.edit
    await admin.press("P09")
    assert "leader — X01 UBND xã A" in admin.reply.text
    await admin.press("◀ Back")
    assert "page 2/2" in admin.reply.text
    await admin.text("/access X01")  # one unit: the filter holds through person and back
    assert "5 people" in admin.reply.text and "page 1/1" in admin.reply.text
    await admin.press("P03")
    await admin.press("◀ Back")
    assert "5 people" in admin.reply.text
    await admin.text("/access Z99")
    assert "There is no unit Z99" in admin.reply.text


async def test_a_revocation_waits_for_the_persons_update_in_flight(db, clock, person):
    """The person's own update, half-way (their lock held, a state pointing at X01 written but
    not committed), must not be overtaken: the revocation applies after it, so that state is
    cleared rather than left behind pointing at a unit they lost."""
    await joined(db, clock, person, "X01")
    started, release = asyncio.Event(), asyncio.Event()

    async def lans_update() -> None:
        async with db.uow() as uow:
            lan = await uow.people.get_by_telegram_id(1001)
            await uow.lock_person(1001)  # what the engine does first
            x01 = await _unit_id(uow, "X01")
            await uow.conversations.save(
                lan, {"mode": "explain", "unit_id": x01, "item": "1.1.1.a"}
            )
            started.set()
            await release.wait()

    async def cli_revoke() -> None:
        async with db.uow() as uow:
            lan = await uow.people.get_by_telegram_id(1001)
            grants = await uow.access.grants(person_id=lan.id)
            await access.revoke(
                uow,
                lan,
                grants,
                reason="Nghỉ việc",
                actor=access.Actor("cli"),
                now=clock.now,
                menus=build_registry(),
            )

    update = asyncio.create_task(lans_update())
    await started.wait()
    revocation = asyncio.create_task(cli_revoke())
    await asyncio.sleep(0.5)
    assert not revocation.done()  # waits for the update in flight
    release.set()
    await asyncio.wait_for(asyncio.gather(update, revocation), 30)
    assert await roles_of(db, 1001) == []
    assert await _state(db, 1001) == {}


# ------------------------------------------------------------------ wrong invite codes


async def test_wrong_codes_are_throttled_durably_and_right_codes_work_after_the_wait(
    db, clock, person
):
    code = await invite(db, "X01", "officer", clock.now, ttl=timedelta(days=30))
    guesser = person(4001, "Khách", "en")
    for i in range(5):
        await guesser.text(f"/start guess{i}")
        assert "not valid" in guesser.reply.text
    await guesser.text("/start guess5")
    assert "Too many wrong invite codes" in guesser.reply.text
    assert "10:10" in guesser.reply.text and "10 min" in guesser.reply.text  # 03:00 UTC + 10 min
    # a restart (a new engine on the same database) does not forget; right codes wait too
    again = Person(make_engine(db, clock), 4001, "Khách", "en")
    clock.now += timedelta(minutes=9)
    await again.text(f"/start {code}")
    assert "Too many wrong invite codes" in again.reply.text and "1 min" in again.reply.text
    assert await roles_of(db, 4001) == []
    clock.now += timedelta(minutes=1, seconds=1)
    await again.text(f"/start {code}")
    assert "✅" in again.reply.text
    async with db.uow() as uow:
        assert await uow.access.count_wrong_codes() == 5  # the refused tries were not counted


async def test_the_throttle_is_per_person(db, clock, person):
    guesser = person(4001, "Khách", "en")
    for i in range(6):
        await guesser.text(f"/start guess{i}")
    assert "Too many" in guesser.reply.text
    other = person(4002, "Mai", "en")
    await other.text("/start guess")
    assert "not valid" in other.reply.text


# ------------------------------------------------------------------ helpers


def _data(p: Person) -> list[str]:
    return [b.data for r in p.last.replies for row in r.buttons for b in row if b.data]


async def _state(db, user_id: int) -> dict:
    async with db.uow() as uow:
        person = await uow.people.get_by_telegram_id(user_id)
        return (await uow.conversations.load(person))[0]


async def _unit_id(uow, code: str) -> int:
    period = await uow.periods.get_by_year(2024)
    return (await uow.units.get_by_code(period.id, code)).id
