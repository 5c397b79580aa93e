"""A new year started from the last: /rank shows how the unit moved since last year, and the
criteria that gained or lost points — through the Bot API emulator, aiogram and PTB."""

from __future__ import annotations

from datetime import UTC, datetime

from conversations import assessment as A
from conversations import newyear as N
from conversations.i18n import fmt_num
from tests.results.helpers import sheet


async def ranked(stack, year: int) -> dict[str, A.Standing]:
    async with stack.db.uow() as uow:
        return {r.unit.code: r for r in await A.standings(uow, year)}


async def test_rank_shows_last_year_in_vietnamese_and_the_criteria_that_moved(stack):
    async with stack.db.uow() as uow:
        rows = [*sheet("X01", B_1="cap_tinh"), *sheet("X02", **{"3_3_1": "50/100", "1_4": "khong"})]
        await A.import_answers(
            uow, "unit,item,value,explanation\n" + "\n".join(rows), 2024, allow_missing_evidence=True
        )
    boss = stack.chat(7901, "Thủ trưởng", lang="vi")
    await boss.send(f"/start {await stack.invite('X02', 'leader')}", expect="✅")
    async with stack.db.uow() as uow:
        report = await N.new_period(uow, 2025, 2024, now=datetime.now(UTC))
        assert (report.units, report.roles) == (2, 1)
        rows = [*sheet("X01", **{"1_4": "khong", "1_3": "0"}), *sheet("X02")]
        await A.import_answers(
            uow, "unit,item,value,explanation\n" + "\n".join(rows), 2025, allow_missing_evidence=True
        )
    before, now = await ranked(stack, 2024), await ranked(stack, 2025)
    assert (before["X02"].ranked.rank, now["X02"].ranked.rank) == (2, 1)
    delta = now["X02"].result.index - before["X02"].result.index
    assert delta > 0

    text = await boss.send("/rank", expect="So với năm trước")
    assert f"So với năm trước: +{fmt_num(delta, 'vi')} điểm, từ hạng 2 lên hạng 1" in text.plain
    assert f"Năm 2024: {before['X02'].result.classification}" in text.plain
    moved = await boss.press("📈 So với năm trước", expect="các tiêu chí so với năm trước")
    assert "Tăng điểm:" in moved.plain
    assert "1.4: +1 (0 → 1)" in moved.plain  # 1.4 answered "khong" in 2024, full in 2025
    assert "Giảm điểm:" not in moved.plain
