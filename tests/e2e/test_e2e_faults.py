"""Telegram's failures, injected in the emulator: 429 flood control, 403 unreachable, 5xx."""

from __future__ import annotations

from tests.e2e.harness import eventually


async def test_429_retry_after_is_honoured_and_nothing_is_lost(stack):
    lan = await stack.join(7001)
    stack.emu.rate_limit(True, chat_rate=1, global_rate=30, window=1.0)
    for cmd in ("/help", "/whoami", "/deadlines"):
        await stack.emu.send_text(lan.user_id, cmd)
    await stack.emu.wait_until(
        lambda: len([r for r in stack.emu.transcript(lan.user_id) if r.direction == "bot"]) >= 4,
        20,
        what="all three replies",
    )
    texts = [r.plain for r in stack.emu.transcript(lan.user_id) if r.direction == "bot"]
    assert any("/score" in t for t in texts)  # help
    assert any("cán bộ đầu mối" in t for t in texts)  # whoami
    assert stack.emu.stats.rate_limited >= 1  # the bot was told to slow down … and obeyed


async def test_5xx_is_retried_with_backoff(stack):
    lan = await stack.join(7101)
    stack.emu.inject_error("sendMessage", status=502, count=2)
    await lan.send("/whoami", expect="cán bộ đầu mối", timeout=20)
    assert stack.emu.stats.injected_errors == 2


async def test_403_marks_people_unreachable_without_retry_storms(stack):
    # a leader granted by Nội vụ who never pressed Start, and one who blocked the bot
    async with stack.db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        unit = await uow.units.get_by_code(period.id, "X01")
        silent = await uow.people.upsert(7301, 7301, "Chưa bấm Start")
        await uow.people.grant(silent, "leader", unit.id)
    blocked = await stack.join(7302, role="leader", name="Đã chặn bot")
    stack.emu.block(blocked.user_id)
    lan = await stack.join(7303)
    await lan.send("/score 4.3", expect="4.3 ·")
    await lan.press(lan.buttons()[0], expect="Đã lưu")
    await lan.send("/submit", expect="Chỉ số sơ bộ")
    await lan.press("✅ Xác nhận nộp", expect="Đã nộp")

    async def unreachable() -> set[int]:
        async with stack.db.uow() as uow:
            return {
                p.telegram_user_id
                for p in await uow.people.with_role("leader", unit.id)
                if p.unreachable_at is not None
            }

    await eventually(lambda: unreachable(), {7301, 7302})
    refused = [
        c
        for c in stack.emu.calls_to("sendMessage")
        if c.params.get("chat_id") in (7301, 7302, "7301", "7302") and c.status != 200
    ]
    assert sorted(c.status for c in refused) == [400, 403]  # chat not found; blocked
    assert len(refused) == 2  # one attempt each: neither is retried
    async with stack.db.uow() as uow:
        counts = await uow.outbox.status_counts()
    assert counts.get("unreachable") == 2
