"""Appraisal in the chat: the queue, accept / set points / ask for more evidence, the unit's reply
coming back to the queue, progress for admins, and what is refused."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from conversations.unitview import load_for_appraisal
from storage.files import EvidenceStore
from tests.results.helpers import STANDARD_ANSWERS, full_result, seed, standings, submit

FIELD1 = ["1.1.1.a", "1.1.1.b", "1.1.2", "1.2", "1.3", "1.4", "1.5.1", "1.5.2"]


async def unit_of(db, code: str):
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        return await uow.units.get_by_code(period.id, code)


async def appraisal_rows(db, code: str) -> dict:
    unit = await unit_of(db, code)
    async with db.uow() as uow:
        return await uow.appraisals.list_for_unit(unit.id)


async def outbox(db) -> dict[str, dict]:
    from sqlalchemy import select

    from storage.models import OutboxMessage

    async with db.uow() as uow:
        rows = (await uow.session.scalars(select(OutboxMessage))).all()
        return {r.key: r.payload for r in rows}


async def setup(db, user):
    await seed(db, answers=STANDARD_ANSWERS)
    admin = await user(8000, None, "admin", "Chị Hoa")
    officer = await user(8002, "X02", "officer", "Lan")
    appraiser = await user(8001, None, "appraiser", "Anh Tư")
    await admin.send("/review assign 8001 1 commune")
    assert "now appraises 1. Direction and management of PAR" in admin.text, admin.text
    await submit(db, "X02")
    return admin, officer, appraiser


async def test_appraisal_round_trip_with_more_evidence(db, user, clock, config):
    admin, officer, appraiser = await setup(db, user)
    before = next(r for r in await standings(db) if r.unit.code == "X02")
    await appraiser.send("/review")
    assert "UBND xã Canh Hiệp: 8 to appraise" in appraiser.text
    await appraiser.press("X02")
    card = appraiser.text
    assert "<b>1.1.1.a ·" in card and "self-score: 0.5" in card and "Declared:" in card
    assert "📏 Rule:" in card  # how the item is scored, next to what was declared
    assert "No evidence files." in card and "8 left to appraise here" in card
    await appraiser.press("✅ Accept (0.5)")
    assert "1.1.1.a accepted: 0.5" in appraiser.text and "<b>1.1.1.b ·" in appraiser.text
    # set points: refused inputs change nothing
    await appraiser.press("Set points")
    # a choice item has no step of its own: the prompt names none (was "in steps of 0.001")
    assert appraiser.text == "Type the appraised points for 1.1.1.b: 0 to 0.5.", appraiser.text
    for bad, why in (
        ("abc", "is not a number"),
        ("9", "between 0 and 0.5"),
        ("0.3333", "multiple of 0.001"),  # three decimals at most
    ):
        await appraiser.send(bad)
        assert why in appraiser.text and "Nothing was changed" in appraiser.text, appraiser.text
    await appraiser.send("0,25")  # other than the self-score: a reason first
    assert "Why 0.25 instead of the self-score 0.5?" in appraiser.text, appraiser.text
    assert "1.1.1.b" not in (await appraisal_rows(db, "X02"))
    await appraiser.send("ok")
    assert "at least 5 characters" in appraiser.text
    await appraiser.send("Kế hoạch ban hành thiếu phân công")
    assert "1.1.1.b: 0.25 points" in appraiser.text and "<b>1.1.2 ·" in appraiser.text
    # ask for more evidence on 1.1.2
    await appraiser.press("Ask for more evidence")
    assert "e.g. 15/12 or “thứ sáu tuần sau”" in appraiser.text  # one example, one format
    await appraiser.send("32/13/2024")
    assert "'32/13/2024' is not a real date." in appraiser.text
    await appraiser.send("1/1/2020")
    assert "has already passed" in appraiser.text
    due = (clock.now + timedelta(days=10)).date()
    await appraiser.send(f"{due.day}/{due.month}")  # day/month: the next such day
    assert "Now write what is missing" in appraiser.text
    await appraiser.send("x")
    assert "at least 5 characters" in appraiser.text
    await appraiser.send("Thiếu danh sách nhiệm vụ được giao")
    assert "Asked UBND xã Canh Hiệp for more evidence on 1.1.2" in appraiser.text
    assert "<b>1.2 ·" in appraiser.text
    rows = await appraisal_rows(db, "X02")
    assert rows["1.1.2"].status == "more_evidence" and rows["1.1.2"].due_date == due
    assert rows["1.1.1.a"].points == Decimal("0.5") and rows["1.1.1.b"].status == "adjusted"
    assert rows["1.1.1.b"].comment == "Kế hoạch ban hành thiếu phân công"
    async with db.uow() as uow:
        unit = await uow.units.get_by_code((await uow.periods.get_by_year(2024)).id, "X02")
        history = await uow.answers.history(unit.id)
    assert any(h.reason == "chat: Kế hoạch ban hành thiếu phân công" for h in history)
    notices = {k: v for k, v in (await outbox(db)).items() if k.startswith("rv:more:")}
    [payload] = notices.values()
    assert "Thiếu danh sách nhiệm vụ được giao" in payload["text"]
    reply_data = payload["buttons"][0][0]["data"]
    assert reply_data.startswith("rv:reply:")
    # appraised points replace self-scores in the results
    after = next(r for r in await standings(db) if r.unit.code == "X02")
    after_full = await full_result(db, "X02")
    assert after_full.summary() == after.result
    assert after_full.leaves["1.1.1.b"].source == "appraised"
    assert after_full.leaves["1.1.1.b"].points == Decimal("0.25")
    assert after.result.field("1").points == before.result.field("1").points - Decimal("0.25")
    assert after_full.leaves["1.1.2"].source == "self"  # more evidence asked: self-score meanwhile
    # the item is not in the queue while the unit has not replied
    await appraiser.send("/review")
    assert "5 to appraise (0 replied) · 1 waiting for evidence · 2 done" in appraiser.text
    # the officer replies with an explanation through the notice's button
    clock.advance(minutes=5)
    await officer.press(data=reply_data)
    assert "Write your explanation for 1.1.2" in officer.text
    await officer.send("ngắn")
    assert "too short" in officer.text
    await officer.send("Danh sách nhiệm vụ đã gửi kèm công văn số 12/UBND ngày 5/3")
    assert "was sent to the appraiser" in officer.text
    back = {k: v for k, v in (await outbox(db)).items() if k.startswith("rv:replied:")}
    assert len(back) == 1 and "công văn số 12" in next(iter(back.values()))["text"]
    await appraiser.send("/review")
    assert "6 to appraise (1 replied) · 0 waiting for evidence" in appraiser.text
    await appraiser.send("/review X02 1.1.2")
    assert "The unit has replied since" in appraiser.text and "công văn số 12" in appraiser.text
    await appraiser.press("✅ Accept")
    rows = await appraisal_rows(db, "X02")
    assert rows["1.1.2"].status == "accepted" and rows["1.1.2"].points == Decimal(1)
    # manual items are set in their own step
    await appraiser.send("/review X02 1.5.2")
    await appraiser.press("Set points")
    await appraiser.send("1.1")
    assert "multiple of 0.25" in appraiser.text
    await appraiser.send("1,25 đã đối chiếu hồ sơ")  # points and reason in one message
    assert (await appraisal_rows(db, "X02"))["1.5.2"].points == Decimal("1.25")
    # progress for the admin
    await admin.send("/review status")
    text = admin.text
    assert "Anh Tư — fields 1. Direction and management of PAR (communes): 4/8 appraised" in text
    assert "X02 UBND xã Canh Hiệp (submitted): 4/" in text
    # fields by their titles, never by internal keys ("8, bonus, penalty")
    assert "Fields nobody appraises: communes: 2. Institutional reform, " in text, text
    assert "Bonus points, Penalty points" in text and "bonus" not in text


async def test_not_applicable_answers_stay_out_of_the_max_when_accepted(db, user):
    await seed(db, answers=[*STANDARD_ANSWERS, "X04,1.5.1,na,"])
    appraiser = await user(8101, None, "appraiser")
    admin = await user(8100, None, "admin")
    await admin.send("/review assign 8101 1")
    await submit(db, "X04")
    before = next(r for r in await standings(db) if r.unit.code == "X04")
    await appraiser.send("/review X04 1.5.1")
    assert "not applicable (left out of the max)" in appraiser.text
    await appraiser.press("Accept (not applicable)")
    after = next(r for r in await standings(db) if r.unit.code == "X04")
    assert after.result.index == before.result.index
    assert (await appraisal_rows(db, "X04"))["1.5.1"].points is None


async def test_evidence_files_are_listed_and_sent_and_new_files_bring_items_back(
    db, user, clock, config
):
    _admin, _officer, appraiser = await setup(db, user)
    unit = await unit_of(db, "X02")
    store = EvidenceStore(config.data_dir / "evidence")
    sha, _ = store.put(b"%PDF-1.4 ke hoach")
    async with db.uow() as uow:
        items = await uow.catalogs.items_by_code(unit.catalog_id)
        await uow.evidence.add(
            unit.id, items["1.4"].id, sha, "ke-hoach.pdf", 17, "application/pdf", "signed_intact",
            signer="UBND xã Canh Hiệp", at=clock.now,
        )  # fmt: skip
    await appraiser.send("/review X02 1.4")
    assert "ke-hoach.pdf — ✅ signed, intact" in appraiser.text
    await appraiser.press("Send the files (1)")
    [doc] = [r for r in appraiser.last.replies if r.document is not None]
    assert doc.document.name == "ke-hoach.pdf"
    assert Path(doc.document.path).read_bytes() == b"%PDF-1.4 ke hoach"
    await appraiser.send("/review X02 1.4")
    await appraiser.press("Ask for more evidence")
    await appraiser.send((clock.now + timedelta(days=3)).strftime("%d/%m/%Y"))
    await appraiser.send("Cần bản có chữ ký số của Chủ tịch")
    async with db.uow() as uow:
        uf = await load_for_appraisal(uow, unit.id)
        assert uf.state("1.4") == "waiting"
    clock.advance(hours=1)
    sha2, _ = store.put(b"%PDF-1.4 ban ky so")
    async with db.uow() as uow:
        await uow.evidence.add(
            unit.id, items["1.4"].id, sha2, "ke-hoach-ky-so.pdf", 18, "application/pdf",
            "signed_intact", at=clock.now,
        )  # fmt: skip
        uf = await load_for_appraisal(uow, unit.id)
        assert uf.state("1.4") == "returned"


async def test_who_may_appraise_what(db, user):
    admin, officer, appraiser = await setup(db, user)
    x02, x03 = await unit_of(db, "X02"), await unit_of(db, "X03")
    async with db.uow() as uow:
        items = await uow.catalogs.items_by_code(x02.catalog_id)
    out = await appraiser.press(data=f"rv:ok:{x02.id}:{items['2.1'].id}")  # field 2: not theirs
    assert out.toast and not (await appraisal_rows(db, "X02"))
    out = await officer.press(data=f"rv:ok:{x02.id}:{items['1.4'].id}")
    assert out.toast_alert and "Only appraisers" in out.toast
    await appraiser.press(data=f"rv:u:{x03.id}")  # X03 has not submitted
    assert "has not submitted" in appraiser.text
    idle = await user(8009, None, "appraiser")
    await idle.send("/review")
    assert "not been assigned any field" in idle.text
    out = await idle.press(data=f"rv:ok:{x02.id}:{items['1.4'].id}")
    assert out.toast_alert and not (await appraisal_rows(db, "X02"))
    await officer.send("/review")
    assert "/review is for appraisers" in officer.text
    await officer.send("/review assign 8009 2")  # refused by the route's roles, before "assign"
    assert "/review is for appraisers" in officer.text and "assigns them fields" in officer.text
    await idle.send("/review")
    assert "not been assigned any field" in idle.text  # the officer's try assigned nothing
    await admin.send("/review assign 8009 99")
    assert "unknown field 99" in admin.text
    await admin.send("/review assign 424242 1")
    assert "nobody with Telegram id 424242" in admin.text


async def test_nothing_changes_after_publication(db, user):
    _admin, _officer, appraiser = await setup(db, user)
    x02 = await unit_of(db, "X02")
    async with db.uow() as uow:
        items = await uow.catalogs.items_by_code(x02.catalog_id)
        period = await uow.periods.get_by_year(2024)
        await uow.periods.publish(period.id)
    out = await appraiser.press(data=f"rv:ok:{x02.id}:{items['1.4'].id}")
    assert "are published (official), so nothing can change" in appraiser.text, out
    assert not await appraisal_rows(db, "X02")
    await appraiser.send("/review")
    assert "published" in appraiser.text


async def test_unit_becomes_appraised_when_every_item_has_a_verdict(db, user):
    await seed(db, answers=STANDARD_ANSWERS)
    admin = await user(8200, None, "admin")
    await submit(db, "X01")
    await admin.send("/review X01")
    for _ in range(200):
        if "Nothing left to appraise" in admin.text:
            break
        await admin.press("✅ Accept")
    else:
        raise AssertionError("the queue did not empty")
    async with db.uow() as uow:
        unit = await unit_of(db, "X01")
        assert (await uow.submissions.get(unit.id)).status == "appraised"
    x01 = next(r for r in await standings(db) if r.unit.code == "X01")
    assert x01.result.counts.get("self", 0) == 0 and x01.result.counts["appraised"] > 40


async def test_an_answer_changed_after_reopening_comes_back_to_the_queue(db, user):
    admin, officer, appraiser = await setup(db, user)
    await appraiser.send("/review X02 1.2")
    await appraiser.press("✅ Accept")
    await admin.send("/reopen X02")
    assert "1 items already have an appraisal" in admin.text
    await officer.send("/score 1.2")
    await officer.send("2")
    assert "Saved 1.2" in officer.text
    await officer.send("/submit")
    await officer.press("Confirm and submit")
    await appraiser.send("/review")
    assert "(1 replied)" in appraiser.text
    await appraiser.send("/review X02 1.2")
    assert "changed its answer after this verdict" in appraiser.text
    await appraiser.press("✅ Accept")
    rows = await appraisal_rows(db, "X02")
    assert rows["1.2"].points == (await full_result(db, "X02")).leaves["1.2"].self_points
