"""Plan import from the chat through the emulator, for both runtimes (aiogram and ptb).

Phòng Nội vụ sends a real plan (seed 000, Vân Canh 2021) with the caption /plan and gets the
review and the YAML back, nothing saved; sends the corrected YAML with the caption /plan and it
is imported as written. Others are refused, a broken YAML is explained, nothing is lost.
"""

from __future__ import annotations

from datetime import timedelta

from conversations.plan import extract_plan, load_plan
from tests.e2e.deadline_steps import join, today
from tests.shared_seeds import seed_path


async def stored(stack, year: int) -> dict[str, object]:
    async with stack.db.uow() as uow:
        period = await uow.periods.get_by_year(year)
        if period is None:
            return {}
        return {m.key: m for m in await uow.milestones.list_for_period(period.id)}


async def test_admin_reviews_the_plan_then_imports_the_corrected_yaml(stack):
    seed = seed_path("000")
    plan = extract_plan(seed.read_text(encoding="utf-8"))
    admin = await join(stack, 9101, None, "admin", "Nội vụ")
    await stack.emu.send_document(
        admin.user_id, "ke-hoach-van-canh.txt", seed.read_bytes(), "text/plain", caption="/plan"
    )
    review = await stack.emu.wait_for_text(admin.user_id, "📋 Kế hoạch năm 2021", 20)
    text = review.plain
    assert "ke-hoach-van-canh.txt: 8 mốc" in text
    assert "1. 10/2021 · Triển khai kế hoạch xác định chỉ số" in text
    assert "2. 30/11/2021 · Tổ chức tự đánh giá của các cơ quan, đơn vị, địa phương" in text
    assert (
        "chủ trì: Các cơ quan chuyên môn thuộc UBND huyện và UBND các xã, thị trấn · "
        "thực hiện: tất cả đơn vị" in text
    )
    assert "Hoàn thành trước ngày 30/11/2021”" in text  # a clipped quote keeps its date
    assert "chủ trì: Phòng Nội vụ · thực hiện: Phòng Nội vụ (cơ quan tổ chức)" in text
    assert (
        "“Thẩm định kết quả tự đánh giá, chấm điểm của các các cơ quan, đơn vị — Tháng 12" in text
    )

    doc = await stack.emu.wait_for(admin.user_id, lambda r: r.document is not None, 20)
    assert doc.document is not None and doc.document["file_name"] == "ke-hoach-2021.yaml"
    assert "Chưa lưu gì" in doc.plain and "/plan" in doc.plain
    yaml_text = stack.emu.core.files.get(doc.document["file_id"]).content.decode("utf-8")
    assert load_plan(yaml_text) == plan
    assert await stored(stack, 2021) == {}  # the review saves nothing

    corrected = yaml_text.replace(
        "title: Tổng hợp, xây dựng báo cáo kết quả chỉ số cải cách hành chính năm 2021",
        "title: Tổng hợp báo cáo kết quả Chỉ số CCHC",
    )
    assert corrected != yaml_text
    await stack.emu.send_document(
        admin.user_id,
        "ke-hoach-2021.yaml",
        corrected.encode("utf-8"),
        "application/yaml",
        caption="/plan",
    )
    done = await stack.emu.wait_for_text(admin.user_id, "✅ Đã nhập Kế hoạch năm 2021", 20)
    assert "thêm 8 mốc, cập nhật 0 mốc" in done.plain
    rows = await stored(stack, 2021)
    assert rows["m06"].title == "Tổng hợp báo cáo kết quả Chỉ số CCHC"
    assert (rows["survey_2"].lead, rows["survey_2"].audience) == ("Phòng Nội vụ", "admins")
    assert rows["self_assessment"].audience == "all"

    # the same YAML again updates in place; a broken one is explained and changes nothing
    await stack.emu.send_document(
        admin.user_id, "ke-hoach-2021.yaml", corrected.encode(), "application/yaml", caption="/plan"
    )
    await stack.emu.wait_for_text(admin.user_id, "thêm 0 mốc, cập nhật 8 mốc", 20)
    broken = corrected.replace("kind: survey", "kind: poll", 1)
    await stack.emu.send_document(
        admin.user_id, "sai.yaml", broken.encode(), "application/yaml", caption="/plan"
    )
    rec = await stack.emu.wait_for_text(admin.user_id, "Tệp YAML có lỗi", 20)
    assert "field 'kind'" in rec.plain and "chưa lưu gì" in rec.plain
    assert (await stored(stack, 2021))["survey"].kind == "survey"


async def test_only_admins_import_a_plan(stack):
    lan = await join(stack, 9201, "X01", "officer", "Lan", lang="en")
    seed = seed_path("001")
    await stack.emu.send_document(
        lan.user_id, "ke-hoach.txt", seed.read_bytes(), "text/plain", caption="/plan 2023"
    )
    rec = await stack.emu.wait_for_text(lan.user_id, "Only Phòng Nội vụ can import the plan.", 20)
    assert rec.document is None
    assert await stored(stack, 2023) == {}
    rec = await lan.send("/plan", expect="Only Phòng Nội vụ")
    admin = await join(stack, 9202, None, "admin", "Nội vụ", lang="en")
    rec = await admin.send("/plan", expect="caption /plan")
    assert "YAML" in rec.plain
    await stack.emu.send_document(
        admin.user_id, "ke-hoach.txt", seed.read_bytes(), "text/plain", caption="/plan năm nay"
    )
    rec = await stack.emu.wait_for_text(admin.user_id, "write only the assessed year", 20)
    assert "/plan 2024" in rec.plain and rec.document is None
    assert await stored(stack, 2023) == {}


async def test_admins_see_their_own_steps_as_a_to_do_list(stack):
    base = today()
    yaml_text = (
        "period: 2024\nmilestones:\n"
        "  - id: self_assessment\n    title: Tự đánh giá, chấm điểm\n    kind: self_assessment\n"
        f"    due: {(base + timedelta(days=10)).isoformat()}\n    audience: all\n"
        "  - id: survey\n    title: In phiếu điều tra xã hội học\n    kind: survey\n"
        f"    due: {(base + timedelta(days=20)).isoformat()}\n    audience: admins\n"
        "    lead: Phòng Nội vụ\n"
    )
    admin = await join(stack, 9301, None, "admin", "Nội vụ")
    await stack.emu.send_document(
        admin.user_id, "ke-hoach-2024.yaml", yaml_text.encode(), "application/yaml", caption="/plan"
    )
    await stack.emu.wait_for_text(admin.user_id, "thêm 2 mốc", 20)
    listing = (await admin.send("/deadlines", expect="Thời hạn")).plain
    units_part, todo_part = listing.split("📋 Việc của Phòng Nội vụ")
    assert "Tự đánh giá, chấm điểm" in units_part and "In phiếu" not in units_part
    assert "In phiếu điều tra xã hội học" in todo_part
    lan = await join(stack, 9302, "X01", "officer", "Lan")
    listing = (await lan.send("/deadlines", expect="Thời hạn")).plain
    assert "Việc của Phòng Nội vụ" not in listing and "Tự đánh giá, chấm điểm" in listing


def plan_docx() -> bytes:
    """A Word plan built here: the timeline table, and a duty whose lead is only in prose."""
    import io

    import docx

    doc = docx.Document()
    doc.add_paragraph("KẾ HOẠCH")
    doc.add_paragraph("Xác định Chỉ số cải cách hành chính năm 2024 của các phòng và UBND các xã")
    table = doc.add_table(rows=3, cols=4)
    rows = [
        ("TT", "Nhiệm vụ", "Thời gian thực hiện", "Cơ quan chủ trì"),
        ("1", "Tự đánh giá, chấm điểm", "Hoàn thành trước ngày 16/3/2025", "UBND các xã"),
        ("2", "In phiếu điều tra xã hội học", "Tháng 02/2025", ""),
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    doc.add_paragraph(
        "Phòng Nội vụ chủ trì, phối hợp với Văn phòng HĐND và UBND huyện công bố kết quả "
        "trước ngày 30/4/2025."
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


async def test_a_word_plan_with_the_year_in_the_caption(stack):
    admin = await join(stack, 9401, None, "admin", "Nội vụ", lang="en")
    await stack.emu.send_document(
        admin.user_id,
        "ke-hoach.docx",
        plan_docx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        caption="/plan 2024",
    )
    text = (await stack.emu.wait_for_text(admin.user_id, "Plan 2024 from ke-hoach.docx", 20)).plain
    assert "1. 2/2025 · In phiếu điều tra xã hội học" in text
    assert "lead: — · must act: Phòng Nội vụ (organisers)" in text
    assert "2. 16 Mar 2025 · Tự đánh giá, chấm điểm" in text
    assert "lead: UBND các xã · must act: the communes (board 2)" in text
    assert "3. 30 Apr 2025 · Công bố kết quả" in text
    assert "lead: Phòng Nội vụ · must act: Phòng Nội vụ (organisers)" in text
    assert "coordinating: Văn phòng HĐND và UBND huyện" in text
    doc = await stack.emu.wait_for(admin.user_id, lambda r: r.document is not None, 20)
    assert doc.document is not None and doc.document["file_name"] == "ke-hoach-2024.yaml"


async def test_organiser_steps_of_an_imported_plan_never_reach_the_units(stack):
    """Seed 000 imported from the chat (its dates moved to the stack's year 2024): the
    reminder job sends the officers the self-assessment only, and the admin one to-do list
    of Phòng Nội vụ's own steps (survey, appraisal, approval …)."""
    from datetime import UTC, date, datetime

    from conversations.plan.yaml_format import dump_plan
    from scheduler.reminders import run_reminders

    plan = extract_plan(seed_path("000").read_text(encoding="utf-8"))
    yaml_text = dump_plan(plan).replace("period: 2021", "period: 2024")
    yaml_text = yaml_text.replace("2022-", "2025-").replace("2021-", "2024-")
    admin = await join(stack, 9501, None, "admin", "Nội vụ", lang="en")
    lan = await join(stack, 9502, "X01", "officer", "Lan", lang="en")
    await stack.emu.send_document(
        admin.user_id, "ke-hoach-2024.yaml", yaml_text.encode(), "application/yaml", caption="/plan"
    )
    await stack.emu.wait_for_text(admin.user_id, "Plan 2024 imported: 8 steps created", 20)

    now = datetime.now(UTC)
    before_sa = await run_reminders(stack.db.uow, today=date(2024, 11, 23), now=now)
    assert [k for k in before_sa.queued if k.startswith("remind:2024:self_assessment:7:")]
    rec = await stack.emu.wait_for_text(lan.user_id, "Reminder: Tổ chức tự đánh giá", 20)
    assert "7 days left" in rec.plain

    year_end = await run_reminders(stack.db.uow, today=date(2024, 12, 28), now=now)
    assert [k.split(":")[0] for k in year_end.queued] == ["todo"]  # the admin, nobody else
    todo = await stack.emu.wait_for_text(admin.user_id, "Phòng Nội vụ's to-do", 20)
    for title in ("Triển khai điều tra xã hội học", "Thẩm định kết quả", "Trình Chủ tịch"):
        assert title in todo.plain
    assert "3 days left" in todo.plain and "Responsible: Phòng Nội vụ" in todo.plain
    seen = [r.plain for r in stack.emu.transcript(lan.user_id) if r.direction == "bot"]
    assert not [t for t in seen if "Thẩm định" in t or "điều tra" in t]
