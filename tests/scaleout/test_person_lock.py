"""The per-person lock in Redis, against the real local Redis, and the engine's outage path.

Each Redis test runs in its own key namespace (the ``redis_target`` fixture deletes its keys).
Two ``RedisPersonLock`` objects with two separate clients stand for two worker processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import secrets
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.app import Database
from conversations.engine import BUSY, ChatEngine, ServiceUnavailable
from conversations.i18n import t
from conversations.person_lock import InProcessPersonLock
from conversations.replies import Event
from handlers.routes import build_registry
from storage.db import make_engine, make_sessionmaker
from storage.person_locks import PersonLockTimeout, PersonLockUnavailable, RedisPersonLock
from tests.conftest import RedisTarget
from tests.conversations.harness import command_event
from tests.ports import free_port

LockFactory = Callable[..., RedisPersonLock]


@pytest.fixture
async def locks(redis_target: RedisTarget) -> AsyncIterator[LockFactory]:
    """``locks(**options)`` → a lock with its own client ("another process"), same namespace."""
    made: list[RedisPersonLock] = []

    def factory(**options: Any) -> RedisPersonLock:
        options = {"lease": 5.0, "wait": 10.0, "poll": 0.1, "waiter_ttl": 1.0, **options}
        lock = RedisPersonLock.from_url(redis_target.url, redis_target.namespace, **options)
        made.append(lock)
        return lock

    yield factory
    for lock in made:
        await lock.aclose()


async def queue_length(lock: RedisPersonLock, person: int) -> int:
    return int(await lock.client.zcard(lock.keys(person).queue))


async def until(predicate: Callable[[], Any], timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await predicate():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


# ------------------------------------------------------------------------ the lock on its own


@pytest.mark.redis
async def test_two_clients_never_hold_one_person_at_once(locks: LockFactory):
    a, b = locks(), locks()
    inside: dict[int, int] = {1: 0, 2: 0}
    most: dict[int, int] = {1: 0, 2: 0}
    both_persons_at_once = asyncio.Event()
    done = {1: 0, 2: 0}

    async def job(lock: RedisPersonLock, person: int) -> None:
        async with lock.hold(person):
            inside[person] += 1
            most[person] = max(most[person], inside[person])
            if inside[1] and inside[2]:
                both_persons_at_once.set()
            await asyncio.sleep(random.uniform(0, 0.01))
            inside[person] -= 1
            done[person] += 1

    jobs = [job(random.choice((a, b)), random.choice((1, 2))) for _ in range(60)]
    await asyncio.gather(*jobs)
    assert most == {1: 1, 2: 1}  # one person: never two at once, whichever client
    assert sum(done.values()) == 60
    assert both_persons_at_once.is_set()  # different people do not wait for each other
    assert await queue_length(a, 1) == 0 and await queue_length(a, 2) == 0


@pytest.mark.redis
async def test_waiters_from_two_clients_get_the_lock_in_arrival_order(locks: LockFactory):
    a, b, holder = locks(), locks(), locks()
    order: list[int] = []
    held = asyncio.Event()
    let_go = asyncio.Event()

    async def hold_first() -> None:
        async with holder.hold(42):
            held.set()
            await let_go.wait()

    async def job(lock: RedisPersonLock, n: int) -> None:
        async with lock.hold(42):
            order.append(n)
            await asyncio.sleep(0.005)

    first = asyncio.create_task(hold_first())
    await held.wait()
    tasks = []
    for n in range(10):
        tasks.append(asyncio.create_task(job(a if n % 3 else b, n)))
        await until(lambda n=n: _queued(a, 42, n + 1))  # n+1 waiters queued, in this order
    let_go.set()
    await asyncio.gather(first, *tasks)
    assert order == list(range(10))


async def _queued(lock: RedisPersonLock, person: int, n: int) -> bool:
    return await queue_length(lock, person) == n


@pytest.mark.redis
async def test_only_the_owner_releases(locks: LockFactory):
    a, b = locks(), locks()
    keys = a.keys(7)
    mine = secrets.token_hex(16)
    await a.acquire(keys, mine, 7)
    assert await b.release(keys, "somebody-else", 7) is False
    assert await b.client.get(keys.owner) == mine.encode()  # still held by its owner
    assert await a.release(keys, mine, 7) is True
    assert await b.client.exists(keys.owner) == 0
    assert await a.release(keys, mine, 7) is False  # a second release changes nothing


@pytest.mark.redis
async def test_an_expired_lease_is_taken_over_and_the_old_owner_cannot_release_it(
    locks: LockFactory,
):
    dead = locks(lease=0.3, renew=False)  # a holder whose process died: nobody extends it
    b = locks(wait=3.0)
    keys = dead.keys(8)
    old = secrets.token_hex(16)
    await dead.acquire(keys, old, 8)
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with b.hold(8):
        assert loop.time() - started >= 0.2  # had to wait for the lease to run out
        assert await dead.release(keys, old, 8) is False  # late owner: no effect on b's lease
        assert await b.client.exists(keys.owner) == 1


@pytest.mark.redis
async def test_a_long_update_keeps_its_lease_by_renewal(locks: LockFactory):
    a = locks(lease=0.3)  # renewed every 0.1 s while held
    b = locks(wait=0.8)
    async with a.hold(9):
        await asyncio.sleep(0.1)
        with pytest.raises(PersonLockTimeout):
            async with b.hold(9):  # 0.8 s of waiting, well past the 0.3 s lease
                pytest.fail("the lease of a running update was taken over")
        ttl = await a.client.pttl(a.keys(9).owner)
        assert 0 < ttl <= 300
    async with b.hold(9):  # released at the end: the next one gets it at once
        pass


@pytest.mark.redis
async def test_a_waiter_that_gives_up_leaves_the_queue(locks: LockFactory):
    a, b, c = locks(), locks(wait=0.3), locks(wait=2.0)
    async with a.hold(10):
        with pytest.raises(PersonLockTimeout, match="still busy"):
            async with b.hold(10):
                pytest.fail("got a held lock")
        assert await queue_length(a, 10) == 0
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with c.hold(10):
        assert loop.time() - started < 0.3  # nobody ahead of it any more


@pytest.mark.redis
async def test_a_cancelled_waiter_leaves_the_queue(locks: LockFactory):
    a, b = locks(), locks()
    async with a.hold(11):
        waiter = asyncio.create_task(b.hold(11).__aenter__())
        await until(lambda: _queued(a, 11, 1))
        waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiter
        assert await queue_length(a, 11) == 0


@pytest.mark.redis
async def test_a_dead_waiter_loses_its_place(locks: LockFactory):
    a = locks(waiter_ttl=0.3, poll=0.05)
    keys = a.keys(12)
    holder = secrets.token_hex(16)
    await a.acquire(keys, holder, 12)
    # a waiter queues once behind the holder, then its process dies: it never asks again
    ghost = secrets.token_hex(16)
    args = [ghost, 5000, 300, 60_000]
    assert (
        await a._acquire(
            keys=[keys.owner, keys.queue, keys.alive, keys.seq, keys.wake(ghost)], args=args
        )
        == 0
    )
    await a.release(keys, holder, 12)  # the ghost is now at the head of the queue
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with locks(wait=3.0, poll=0.05).hold(12):
        waited = loop.time() - started
    assert 0.15 <= waited < 2.0  # blocked only until the ghost missed its re-check deadline


async def test_unreachable_redis_is_unavailable_not_unlocked():
    lock = RedisPersonLock.from_url(f"redis://127.0.0.1:{free_port()}/0", "nowhere")
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(PersonLockUnavailable):
            async with lock.hold(1):
                pytest.fail("ran without the lock")
        assert loop.time() - started < 5  # short retries: "busy" quickly, not after minutes
        assert await lock.ping() is False
    finally:
        await lock.aclose()


# ------------------------------------------------------------------------- through the engine


def event(update_id: int, user_id: int) -> Event:
    return command_event(update_id, user_id, "/help")


@pytest.fixture
async def database(db_url: str) -> AsyncIterator[Database]:
    engine = make_engine(db_url)
    yield Database(engine, make_sessionmaker(engine))
    await engine.dispose()


async def test_engine_without_the_lock_stores_nothing_and_asks_for_redelivery(
    database: Database,
):
    down = RedisPersonLock.from_url(f"redis://127.0.0.1:{free_port()}/0", "nowhere")
    try:
        engine = ChatEngine(database.uow, person_lock=down, routes=build_registry())
        with pytest.raises(ServiceUnavailable):  # webhook: 503, Telegram delivers it again
            await engine.handle(event(501, 77), raise_unavailable=True)
        polite = await engine.handle(event(501, 77))  # polling: the user is told
        assert polite is not None and polite.replies[0].text == t("en", BUSY)
    finally:
        await down.aclose()
    async with database.uow() as uow:
        assert await uow.people.get_by_telegram_id(77) is None  # nothing was stored
    later = ChatEngine(database.uow, person_lock=InProcessPersonLock(), routes=build_registry())
    assert await later.handle(event(501, 77)) is not None  # the redelivery is handled, once
    assert await later.handle(event(501, 77)) is None


@pytest.mark.redis
async def test_engine_busy_person_times_out_into_the_busy_path(
    database: Database, locks: LockFactory
):
    holder, lock = locks(), locks(wait=0.3)
    engine = ChatEngine(database.uow, person_lock=lock, routes=build_registry())
    async with holder.hold(78):
        with pytest.raises(ServiceUnavailable, match="still busy"):
            await engine.handle(event(601, 78), raise_unavailable=True)
    out = await engine.handle(event(601, 78), raise_unavailable=True)
    assert out is not None and out.replies


@pytest.mark.redis
async def test_engine_keeps_a_committed_update_when_redis_fails_at_release(
    database: Database, locks: LockFactory
):
    lock = locks(lease=0.5)  # the unreleased lease then simply runs out
    engine = ChatEngine(database.uow, person_lock=lock, routes=build_registry())
    real_release = lock._release

    async def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise RedisConnectionError("Redis went away")

    lock._release = unreachable  # type: ignore[assignment]
    out = await engine.handle(event(701, 79), raise_unavailable=True)
    assert out is not None and out.replies  # committed: the replies still go out
    lock._release = real_release
    assert await engine.handle(event(701, 79)) is None  # and it counts as handled


@pytest.mark.postgres
@pytest.mark.redis
async def test_waiting_for_a_person_holds_no_database_connection(
    pg_server: Any, locks: LockFactory
):
    from tests.conftest import _PostgresBackend

    backend = _PostgresBackend(pg_server)
    url = await backend.create(migrated=True)
    engine = make_engine(url, pool_size=1, max_overflow=0, pool_timeout=3)
    try:
        db = Database(engine, make_sessionmaker(engine))
        holder, lock = locks(), locks()
        chat = ChatEngine(db.uow, person_lock=lock, routes=build_registry())
        async with holder.hold(80):
            waiting = asyncio.create_task(chat.handle(event(801, 80), raise_unavailable=True))
            await until(lambda: _queued(holder, 80, 1))
            # the pool's only connection is free: another person is served meanwhile
            other = await asyncio.wait_for(chat.handle(event(802, 81)), 5)
            assert other is not None and other.replies
            assert not waiting.done()
        assert (await asyncio.wait_for(waiting, 5)) is not None
    finally:
        await engine.dispose()
        await backend.cleanup()


async def test_redis_lock_is_not_built_without_a_url(tmp_path):
    from bot.app import open_person_lock
    from bot.settings import load_settings

    sqlite = load_settings(data_dir=tmp_path, redis_url="")
    async with open_person_lock(sqlite) as lock:
        assert type(lock) is InProcessPersonLock
    pg = load_settings(database_url="postgresql+asyncpg://u@h/db", redis_url="")
    async with open_person_lock(pg) as lock:
        assert type(lock).__name__ == "PostgresPersonLock"


def test_lock_namespace_separates_deployments():
    from bot.app import lock_namespace
    from bot.settings import load_settings

    def ns(token: str, db: str) -> str:
        return lock_namespace(load_settings(bot_token=token, database_url=db))

    prod = ns("111:secret", "postgresql+asyncpg://parbot:pw@db:5432/parbot")
    assert prod.startswith("parbot:111:") and "secret" not in prod and "pw" not in prod
    assert ns("111:other-secret", "postgresql+asyncpg://x:y@db:5432/parbot") == prod  # same one
    assert ns("222:secret", "postgresql+asyncpg://parbot:pw@db:5432/parbot") != prod
    assert ns("111:secret", "postgresql+asyncpg://parbot:pw@db:5432/staging") != prod
    socket = ns("111:secret", "postgresql+asyncpg://parbot@/parbot?host=/run/postgresql")
    assert socket != ns("111:secret", "postgresql+asyncpg://parbot@/parbot?host=/other/run")
    assert socket != prod
