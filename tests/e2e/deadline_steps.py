"""Steps shared by the deadline and plan e2e tests: today in Vietnam, a user joining in a given
language, and a seeded plan with deadlines around today.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from conversations import assessment as A

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> date:
    return datetime.now(TZ).date()


async def join(stack, user_id: int, unit: str | None, role: str, name: str, lang: str = "vi"):
    chat = stack.chat(user_id, name, lang=lang)
    code = await stack.invite(unit, role)
    await chat.send(f"/start {code}", expect="✅")
    return chat


async def seed_plan(stack, base: date) -> dict[str, date]:
    """A plan around ``base``: a passed step, the self-assessment, one step per board, the
    survey (a range) and the appraisal (a month)."""
    month = base + timedelta(days=45)
    month_end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    due = {
        "deploy": base - timedelta(days=30),
        "self_assessment": base + timedelta(days=10),
        "commune_stats": base + timedelta(days=15),
        "dept_stats": base + timedelta(days=16),
        "survey": base + timedelta(days=30),
        "appraisal": month_end,
    }
    async with stack.db.uow() as uow:
        await A.import_units(uow, "code,name,board\nP01,Phòng Tư pháp,department\n", 2024)
        period = await uow.periods.get_by_year(2024)
        up = uow.milestones.upsert
        d = due["self_assessment"]
        await up(
            period.id,
            "deploy",
            "Triển khai Kế hoạch xác định Chỉ số CCHC; hướng dẫn các đơn vị",
            "other",
            due["deploy"],
            audience="admins",
            lead="Phòng Nội vụ",
        )
        await up(
            period.id,
            "self_assessment",
            "Tự đánh giá, chấm điểm và gửi tài liệu kiểm chứng",
            "self_assessment",
            d,
            title_en="Self-assessment and evidence",
            lead="Các cơ quan chuyên môn và UBND các xã, phường",
            coordinate="Phòng Nội vụ",
            source=f"Hoàn thành trước ngày {d.day}/{d.month}/{d.year}",
        )
        await up(
            period.id,
            "commune_stats",
            "Các xã gửi báo cáo thống kê số liệu CCHC",
            "other",
            due["commune_stats"],
            audience="commune",
            lead="UBND các xã, phường",
        )
        await up(
            period.id,
            "dept_stats",
            "Các phòng chuyên môn gửi báo cáo thống kê số liệu CCHC",
            "other",
            due["dept_stats"],
            audience="department",
            lead="Các cơ quan chuyên môn",
        )
        await up(
            period.id,
            "survey",
            "Điều tra xã hội học lấy ý kiến người dân",
            "survey",
            due["survey"],
            precision="range",
            due_start=base + timedelta(days=20),
            audience="admins",
            lead="Phòng Nội vụ",
        )
        await up(
            period.id,
            "appraisal",
            "Thẩm định kết quả tự đánh giá, chấm điểm",
            "appraisal",
            month_end,
            precision="month",
            due_start=month_end.replace(day=1),
            audience="admins",
            lead="Hội đồng thẩm định",
        )
    return due
