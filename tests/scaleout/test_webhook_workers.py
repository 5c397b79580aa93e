"""Scale-out: two webhook worker processes on PostgreSQL behind one port.

Both workers serve updates, every reply arrives exactly once, and only one process runs the
scheduler; when that process is gone another takes over. One person's burst of updates, sent
concurrently to both workers (duplicates included), is handled one update at a time and each
update once. Run twice: with the per-person lock in PostgreSQL (no PARBOT_REDIS_URL) and in
Redis, where the burst is also handled exactly in the order it arrived across both workers.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.app import lock_namespace
from bot.settings import load_settings
from emulator.server import BotApiEmulator
from storage.person_locks import PERSON_LOCK_NAMESPACE, RedisPersonLock
from tests.conftest import RedisTarget, _PostgresBackend
from tests.ports import free_port
from tests.scaleout.workers import SECRET, log_shows, message_update, seed, worker_env

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg_url(pg_server):
    backend = _PostgresBackend(pg_server)
    url = await backend.create(migrated=True)
    yield url
    await backend.cleanup()


@pytest.fixture(
    params=[
        pytest.param("postgres", id="pg-locks"),
        pytest.param("redis", id="redis-locks", marks=pytest.mark.redis),
    ]
)
def person_locks(request: pytest.FixtureRequest) -> RedisTarget | None:
    """Where the workers keep per-person locks: None = PostgreSQL, else the test's Redis."""
    if request.param == "postgres":
        return None
    target: RedisTarget = request.getfixturevalue("redis_target")
    return target


class PersonHold:
    """Holds one person's lock from the test process exactly as the workers take it, so a
    burst of that person's updates piles up in the workers and is let go at once."""

    def __init__(self, redis: RedisPersonLock | None, pg_url: str, person: int) -> None:
        self.redis = redis
        self.pg_dsn = make_url(pg_url).set(drivername="postgresql").render_as_string(False)
        self.person = person
        self._token = "test-holds-this-person"
        self._conn: asyncpg.Connection | None = None

    async def take(self) -> None:
        if self.redis is not None:
            await self.redis.acquire(self.redis.keys(self.person), self._token, self.person)
        else:
            self._conn = await asyncpg.connect(self.pg_dsn)
            await self._conn.execute(
                "SELECT pg_advisory_lock($1, $2)", PERSON_LOCK_NAMESPACE, self.person
            )

    async def waiting(self) -> int:
        """How many updates wait in the Redis queue (the PostgreSQL wait is not observable
        this way: there each worker sends only its first waiter to the database)."""
        assert self.redis is not None
        return int(await self.redis.client.zcard(self.redis.keys(self.person).queue))

    async def give(self) -> None:
        if self.redis is not None:
            assert await self.redis.release(self.redis.keys(self.person), self._token, self.person)
        elif self._conn is not None:
            await self._conn.close()  # ends the session: its advisory lock is released


async def burst_of_one_person(
    port: int, hold: PersonHold, update_ids: list[int], ordered: bool
) -> list[int]:
    """POST one person's updates concurrently, each on a fresh connection (so both workers
    get some), while the person's lock is held; then let them run. Returns the HTTP statuses.

    With Redis the next update is sent only once the previous one is queued, so the arrival
    order is known; with PostgreSQL they are spaced out a little."""
    url = f"http://127.0.0.1:{port}/telegram"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def post(update_id: int) -> int:
            body = message_update(update_id, hold.person, "/help")
            async with session.post(url, json=body, headers=headers) as resp:
                return resp.status

        await hold.take()
        posts = []
        try:
            for n, update_id in enumerate(update_ids, start=1):
                posts.append(asyncio.create_task(post(update_id)))
                if ordered:
                    await until(lambda n=n: _at_least(hold, n))
                else:
                    await asyncio.sleep(0.1)
        finally:
            await hold.give()
        return list(await asyncio.gather(*posts))


async def _at_least(hold: PersonHold, n: int) -> bool:
    return await hold.waiting() >= n


async def until(predicate, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await predicate():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def _checked_burst(
    emu: BotApiEmulator,
    log_path: Path,
    port: int,
    hold: PersonHold,
    person: int,
    first: int,
    ordered: bool,
) -> set[str]:
    """One burst of ten updates of ``person`` from ``first`` on, two delivered twice: each is
    answered once, never two at once, duplicates found already handled; the workers' pids."""
    before = len([r for r in emu.transcript(person) if r.direction == "bot"])
    distinct = list(range(first, first + 10))
    sent = [distinct[0], distinct[0], *distinct[1:4], distinct[3], *distinct[4:]]
    statuses = await burst_of_one_person(port, hold, sent, ordered=ordered)
    assert statuses == [200] * len(sent)

    async def replied() -> bool:
        bot = [r for r in emu.transcript(person) if r.direction == "bot"]
        return len(bot) >= before + len(distinct)

    await until(replied, timeout=30)
    await asyncio.sleep(0.5)  # nothing more may arrive: one reply per distinct update
    bot_msgs = [r for r in emu.transcript(person) if r.direction == "bot"]
    assert len(bot_msgs) == before + len(distinct)
    text = log_path.read_text()
    marks = [
        m
        for m in re.findall(
            rf" (\d+) DEBUG conversations.engine: person {person} update (\d+): (begin|end)",
            text,
        )
        if int(m[1]) in sent
    ]
    # never concurrently: each begin is followed by the end of the same update
    assert [m[2] for m in marks] == ["begin", "end"] * len(sent), marks
    assert all(b[1] == e[1] for b, e in zip(marks[::2], marks[1::2], strict=True))
    handled = [int(m[1]) for m in marks[::2]]
    assert sorted(handled) == sorted(sent)
    if ordered:
        assert handled == sent  # in arrival order, whichever worker got each
    # each update once: the second delivery of a duplicate found it already handled
    again = [int(u) for u in re.findall(r"update (\d+): already handled", text)]
    assert sorted(u for u in again if u in distinct) == [distinct[0], distinct[3]]
    return {m[0] for m in marks}


@pytest.mark.timeout(300)  # two worker processes start, and one is killed and replaced
async def test_two_webhook_workers_serve_and_schedule_once(
    pg_url: str, tmp_path: Path, person_locks: RedisTarget | None
):
    codes = await seed(pg_url, 8)
    port = free_port()
    log_path = tmp_path / "workers.log"
    async with BotApiEmulator(rate_limits=False) as emu:
        redis_lock = None
        if person_locks is not None:
            namespace = lock_namespace(load_settings(bot_token=emu.token, database_url=pg_url))
            person_locks.prefixes.append(namespace)  # the workers' keys are deleted afterwards
            redis_lock = RedisPersonLock.from_url(person_locks.url, namespace)
        # each lock backend with the other runtime: both serve webhooks from several workers
        env = worker_env(
            emu,
            pg_url,
            tmp_path / "data",
            port,
            person_locks.url if person_locks else "",
            runtime="aiogram" if person_locks else "ptb",
        )
        with log_path.open("w") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run", "--webhook", "--workers", "2"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            # generous: importing aiogram alone takes many seconds on a busy CI machine
            await log_shows(
                log_path, lambda t: t.count("webhook worker listening") == 2, timeout=120
            )
            await log_shows(log_path, lambda t: "scheduler: this process is the leader" in t)
            in_redis = log_path.read_text().count("person locks: redis at")
            assert in_redis == (2 if person_locks else 0)
            users = list(range(8101, 8101 + len(codes)))
            for uid in users:
                emu.user(uid, first_name=f"Cán bộ {uid}")
            await asyncio.gather(
                *(
                    emu.send_text(uid, f"/start {code}")
                    for uid, code in zip(users, codes, strict=True)
                )
            )
            for uid in users:
                await emu.wait_for_text(uid, "UBND xã A", timeout=30)
            await asyncio.gather(*(emu.send_text(uid, "/score") for uid in users))
            for uid in users:
                await emu.wait_for_text(uid, "1.1.1.a", timeout=30)
            # every reply exactly once
            for uid in users:
                bot_msgs = [r for r in emu.transcript(uid) if r.direction == "bot"]
                assert len(bot_msgs) == 2, [r.plain for r in bot_msgs]
            text = log_path.read_text()
            pids = set(re.findall(r"handled by worker (\d+)", text))
            assert len(pids) == 2, f"both workers should serve updates: {pids}"

            # one person's burst, two updates delivered twice, sent to both workers at once;
            # which worker gets a connection is the kernel's pick (SO_REUSEPORT hashes each
            # one), so a burst that reached only one is checked and followed by another
            person = users[0]
            hold = PersonHold(redis_lock, pg_url, person)
            workers_reached: set[str] = set()
            for attempt in range(3):
                first = 9_000_001 + attempt * 100
                workers_reached |= await _checked_burst(
                    emu, log_path, port, hold, person, first, ordered=redis_lock is not None
                )
                if len(workers_reached) == 2:
                    break
            assert len(workers_reached) == 2, "the bursts should reach both workers"
            leaders = re.findall(
                r" (\d+) INFO scheduler.leader: scheduler: this process is the leader", text
            )
            assert len(leaders) == 1  # the scheduler runs in exactly one process
            # the leader dies hard: the other worker takes the scheduler over
            os.kill(int(leaders[0]), signal.SIGKILL)
            pattern = re.compile(
                r" (\d+) INFO scheduler.leader: scheduler: this process is the leader"
            )
            await log_shows(log_path, lambda t: len(pattern.findall(t)) == 2)
            assert pattern.findall(log_path.read_text())[1] != leaders[0]
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
            if redis_lock is not None:
                await redis_lock.aclose()
