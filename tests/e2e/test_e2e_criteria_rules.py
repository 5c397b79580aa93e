"""Issue 14's worked example through the chat on both runtimes: H1 answers a proportional, a
deduction, a zero_unless and an applies_to item and ends at 90.00, Xuất sắc; bad counts and
percentages over 100% are refused and the previous answer stays."""

from __future__ import annotations

from decimal import Decimal

from conversations import assessment as A
from tests.e2e.harness import answers_of
from tests.scoring.district_catalog import DISTRICT, UNITS_CSV


async def district(stack) -> None:
    async with stack.db.uow() as uow:
        await A.import_catalog(uow, DISTRICT, 2024)
        await A.import_units(uow, UNITS_CSV, 2024)


async def join(stack, user_id: int, unit: str):
    chat = stack.chat(user_id, "Lan")
    code = await stack.invite(unit, "officer")
    await chat.send(f"/start {code}", expect="✅")
    return chat


async def test_h1_walks_the_worked_example_to_90_and_excellent(stack):
    await district(stack)
    lan = await join(stack, 6701, "H1")
    card = await lan.send("/score", expect="Tiêu chí 1/7")
    assert "1.1 · Tỷ lệ hồ sơ đúng hạn" in card.plain
    assert "2 × số hồ sơ đúng hạn ÷ tổng số hồ sơ, làm tròn 3 chữ số thập phân" in card.plain
    await lan.send("120%", expect="vượt quá 100%")
    assert await answers_of(stack, "H1") == {}
    card = await lan.send("3/4", expect="1.2 ·")
    assert "1,5 điểm" in card.plain  # 2 × 3 ÷ 4
    assert "2, mỗi trường hợp trừ 0,5 (trừ tối đa 2)" in card.plain
    await lan.send("1", expect="1.3 ·")
    await lan.send("/score 1.2", expect="1.2 ·")
    await lan.send("1,5", expect="không phải số lượng")
    assert (await answers_of(stack, "H1"))["1.2"] == {"number": "1"}  # the answer stays
    await lan.send("/score 1.3", expect="1.3 ·")
    card = await lan.press("1. Có (1đ)", expect="1.4 ·")
    assert "0 điểm khi tiêu chí 1.3 đạt 0 điểm" in card.plain
    await lan.press("1. Có (1đ)", expect="2.1 ·")
    await lan.press("1. Có (0,125đ)", expect="2.2 ·")
    await lan.press("1. Có (1,875đ)", expect="2.3 ·")
    done = await lan.press("1. Có (2đ)", expect="Tất cả tiêu chí")
    assert "2 điểm" in done.plain
    progress = await lan.send("/progress", expect="Xuất sắc")
    assert "90" in progress.plain and "≥ 90, mọi lĩnh vực ≥ 80%" in progress.plain
    async with stack.db.uow() as uow:
        rows = await A.standings(uow, 2024, "district")
    h1 = next(r for r in rows if r.unit.code == "H1")
    assert (h1.result.index, h1.result.classification) == (Decimal("90.00"), "Xuất sắc")
    assert h1.result.points == Decimal("9")


async def test_an_item_that_does_not_apply_is_never_asked(stack):
    await district(stack)
    mai = await join(stack, 6702, "H2")
    await mai.send("/score", expect="Tiêu chí 1/6")
    await mai.send("#2.2", expect="không áp dụng với đơn vị của bạn")
    await mai.send("/score 2.1", expect="2.1 ·")
    nxt = await mai.press("1. Có (0,125đ)", expect="2.3 ·")
    assert "2.2 ·" not in nxt.plain
