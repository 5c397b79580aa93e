"""Outbox: idempotent enqueue, due ordering, retries, claim exclusivity; processed updates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.types import utcnow
from storage.uow import UnitOfWork

SM = async_sessionmaker[AsyncSession]


async def test_enqueue_is_idempotent_by_key(sessionmaker: SM) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.outbox.enqueue("remind:2024:sa:1", 111, {"text": "một"}) is True
        assert await uow.outbox.enqueue("remind:2024:sa:1", 222, {"text": "hai"}) is False
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.outbox.enqueue("remind:2024:sa:1", 333, {"text": "ba"}) is False
        row = await uow.outbox.get_by_key("remind:2024:sa:1")
        assert row is not None
        assert (row.chat_id, row.payload, row.status, row.attempts) == (
            111,
            {"text": "một"},
            "pending",
            0,
        )
        assert await uow.outbox.status_counts() == {"pending": 1}


async def test_enqueue_after_rollback_is_possible(sessionmaker: SM) -> None:
    with pytest.raises(RuntimeError):
        async with UnitOfWork(sessionmaker) as uow:
            await uow.outbox.enqueue("k", 1, {"text": "x"})
            raise RuntimeError
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.outbox.enqueue("k", 1, {"text": "x"}) is True


async def test_claim_due_order_and_not_before(sessionmaker: SM) -> None:
    now = utcnow()
    async with UnitOfWork(sessionmaker) as uow:
        await uow.outbox.enqueue("a", 1, {"text": "a"}, not_before=now - timedelta(minutes=1))
        await uow.outbox.enqueue("later", 1, {"text": "l"}, not_before=now + timedelta(hours=1))
        await uow.outbox.enqueue("b", 2, {"text": "b"}, not_before=now - timedelta(hours=1))
        await uow.outbox.enqueue("c", 3, {"text": "c"}, kind="document")
    async with UnitOfWork(sessionmaker) as uow:
        claimed = await uow.outbox.claim_due(now + timedelta(seconds=1), limit=2)
        assert [m.key for m in claimed] == ["a", "b"]  # by id, not by not_before
        assert all(m.status == "sending" and m.attempts == 1 for m in claimed)
        rest = await uow.outbox.claim_due(now + timedelta(seconds=1), limit=10)
        assert [m.key for m in rest] == ["c"]
        assert await uow.outbox.claim_due(now + timedelta(seconds=1)) == []
        a, b = claimed
        assert await uow.outbox.mark_sent(a.id, telegram_message_id=9001)
        await uow.outbox.mark_retry(b.id, now + timedelta(seconds=30), "429 retry_after=30")
        await uow.outbox.mark_failed(rest[0].id, "400 Bad Request: file is empty")
        assert not await uow.outbox.mark_sent(10_000)  # no such row: nothing to finish
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.outbox.claim_due(now + timedelta(seconds=10)) == []
        due = await uow.outbox.claim_due(now + timedelta(hours=2))
        assert [m.key for m in due] == ["later", "b"]  # id order
        assert due[1].attempts == 2 and due[1].last_error == "429 retry_after=30"
        await uow.outbox.mark_unreachable(due[1].id, "403 Forbidden: bot was blocked by the user")
        counts = await uow.outbox.status_counts()
    assert counts == {"sent": 1, "unreachable": 1, "failed": 1, "sending": 1}
    async with UnitOfWork(sessionmaker) as uow:
        sent = await uow.outbox.get_by_key("a")
        assert sent is not None and sent.telegram_message_id == 9001 and sent.sent_at
        assert sent.acknowledged_at is None
        assert await uow.outbox.acknowledge(sent.id) is True
        acked = await uow.outbox.get_by_key("a")
        assert acked is not None and acked.acknowledged_at is not None
        assert await uow.outbox.acknowledge(sent.id, acked.acknowledged_at + timedelta(1)) is False
        again = await uow.outbox.get_by_key("a")
        assert again is not None and again.acknowledged_at == acked.acknowledged_at  # the first


async def test_release_stale_claims(sessionmaker: SM) -> None:
    now = utcnow()
    async with UnitOfWork(sessionmaker) as uow:
        await uow.outbox.enqueue("x", 1, {"text": "x"}, not_before=now - timedelta(hours=1))
        await uow.outbox.claim_due(now - timedelta(minutes=30))
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.outbox.release_stale(now - timedelta(minutes=40)) == 0
        assert await uow.outbox.release_stale(now - timedelta(minutes=5)) == 1
        assert [m.key for m in await uow.outbox.claim_due(now)] == ["x"]


async def test_two_workers_never_claim_the_same_row(sessionmaker: SM) -> None:
    now = utcnow()
    async with UnitOfWork(sessionmaker) as uow:
        for i in range(10):
            await uow.outbox.enqueue(f"m{i}", i, {"text": str(i)}, not_before=now)
    async with UnitOfWork(sessionmaker) as w1:
        first = await w1.outbox.claim_due(now, limit=4)
        await w1.commit()
        async with UnitOfWork(sessionmaker) as w2:
            second = await w2.outbox.claim_due(now, limit=100)
    assert [m.key for m in first] == ["m0", "m1", "m2", "m3"]
    assert [m.key for m in second] == [f"m{i}" for i in range(4, 10)]


async def test_broadcast_fan_out(sessionmaker: SM) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        admin = await uow.people.upsert(1, 1, "Phòng Nội vụ")
        bc = await uow.broadcasts.create(admin.id, "Họp giao ban", "all")
        assert bc.confirmed_at is None and bc.author_id == admin.id
        await uow.broadcasts.confirm(bc.id)
        for chat in (10, 11):
            await uow.outbox.enqueue(
                f"bc:{bc.id}:{chat}", chat, {"text": bc.text}, broadcast_id=bc.id
            )
    async with UnitOfWork(sessionmaker) as uow:
        assert [m.chat_id for m in await uow.outbox.list_for_broadcast(bc.id)] == [10, 11]
        assert await uow.outbox.status_counts(bc.id) == {"pending": 2}
        assert (await uow.broadcasts.list_recent())[0].confirmed_at is not None


async def test_processed_updates_claim(sessionmaker: SM) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.updates.claim(5_000_000_001) is True
        assert await uow.updates.claim(5_000_000_001) is False
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.updates.claim(5_000_000_001) is False
        assert await uow.updates.is_processed(5_000_000_001)
        assert await uow.updates.max_update_id() == 5_000_000_001
    # a failed handler rolls its claim back: the redelivered update is processed again
    with pytest.raises(RuntimeError):
        async with UnitOfWork(sessionmaker) as uow:
            assert await uow.updates.claim(42) is True
            raise RuntimeError
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.updates.claim(42) is True
        assert await uow.updates.prune(utcnow() + timedelta(seconds=1)) == 2
        assert await uow.updates.is_processed(42) is False


async def test_concurrent_claims_are_disjoint(sessionmaker: SM) -> None:
    import asyncio

    now = utcnow()
    async with UnitOfWork(sessionmaker) as uow:
        for i in range(10):
            await uow.outbox.enqueue(f"m{i}", i, {"text": str(i)}, not_before=now)
    claimed = asyncio.Event()

    async def worker1() -> list[str]:
        async with UnitOfWork(sessionmaker) as uow:
            rows = await uow.outbox.claim_due(now, limit=4)
            claimed.set()
            await asyncio.sleep(0.2)  # still uncommitted while worker2 claims
            return [m.key for m in rows]

    async def worker2() -> list[str]:
        await claimed.wait()
        async with UnitOfWork(sessionmaker) as uow:
            return [m.key for m in await uow.outbox.claim_due(now, limit=100)]

    first, second = await asyncio.gather(worker1(), worker2())
    assert first == ["m0", "m1", "m2", "m3"]
    assert second == [f"m{i}" for i in range(4, 10)]
