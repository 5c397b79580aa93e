"""The per-person locks that need a service: PostgreSQL's advisory lock and a Redis lease.

The core's :class:`conversations.person_lock.PersonLock` protocol says what a person lock does
(and why); this module holds the implementations that talk to a database or to Redis, so the
core never imports SQLAlchemy or redis. The composition root (``bot.app.open_person_lock``)
picks one:

* :class:`~conversations.person_lock.PostgresPersonLock` (in the core): the in-process lock plus
  :func:`advisory_xact_lock` inside the transaction, through ``UnitOfWork.lock_person``;
* :class:`RedisPersonLock` — a lease in Redis with a fair queue: waiters from every process wait
  in one arrival-ordered queue and hold no database connection. On PostgreSQL the advisory lock
  is still taken inside the transaction, uncontended, as a fence: if a Redis lease is ever lost
  (a process stalled past its lease, a Redis failover dropped the key), the database still never
  runs two transactions of one person at once.

Every failure to get the lock (Redis unreachable, the bounded wait ran out) is a
:class:`PersonLockError`: the engine turns it into "service busy, nothing saved" and, for a
webhook, a 503 so that Telegram delivers the update again. An update is never handled unlocked.

Nothing here connects at import time, and ``redis`` is imported only when a Redis lock is built
(it is the optional ``parbot[redis]`` extra).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.commands.core import AsyncScript

log = logging.getLogger(__name__)

PERSON_LOCK_NAMESPACE = 0x7A11  # PostgreSQL advisory-lock namespace for per-person ordering


class Transaction(Protocol):
    """What a lock needs of the update's unit of work (``storage.uow.UnitOfWork``)."""

    async def lock_person(self, person: int) -> None: ...


class PersonLockError(RuntimeError):
    """The person's lock could not be taken; nothing was done and the update must be retried."""


class PersonLockTimeout(PersonLockError):
    """The person's other updates kept the lock longer than the bounded wait."""


class PersonLockUnavailable(PersonLockError):
    """The lock service (Redis) could not be reached."""


def advisory_key(person: int) -> tuple[int, int]:
    """The (namespace, key) of ``person``'s transaction-scoped advisory lock."""
    return PERSON_LOCK_NAMESPACE, person % 2_147_483_647


async def advisory_xact_lock(session: AsyncSession, person: int) -> None:
    """PostgreSQL transaction-scoped advisory lock on ``person`` (released at commit/rollback).
    A no-op on other databases: SQLite's write transactions are already serial."""
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:ns, :key)"),
            dict(zip(("ns", "key"), advisory_key(person), strict=True)),
        )


# ------------------------------------------------------------------------------------- Redis
#
# Keys of one person, all with the same hash tag so a Redis Cluster keeps them in one slot:
#   <ns>:person:{<id>}:owner        the lease: a random token, PX = lease
#   <ns>:person:{<id>}:queue        waiting tokens, scored by arrival number (FIFO)
#   <ns>:person:{<id>}:alive        waiting tokens, scored by "forget me after" (ms)
#   <ns>:person:{<id>}:seq          arrival counter
#   <ns>:person:{<id>}:wake:<token> a list the releaser pushes to, to wake the next waiter now
# Only the head of the queue may take a free lease, so one person's updates are handled in the
# order they reached Redis, whichever process they reached. A waiter that stops asking (its
# process died) is dropped from the queue after ``waiter_ttl``; the holder of a lease that is
# no longer extended (its process died) loses it after ``lease``. The queue keys expire when
# the person is idle.

_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local dead = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, w in ipairs(dead) do
  redis.call('ZREM', KEYS[2], w)
  redis.call('ZREM', KEYS[3], w)
end
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[4]), ARGV[1])
end
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), ARGV[1])
local acquired = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  local head = redis.call('ZRANGE', KEYS[2], 0, 0)
  if head[1] == ARGV[1] then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
    redis.call('ZREM', KEYS[2], ARGV[1])
    redis.call('ZREM', KEYS[3], ARGV[1])
    redis.call('DEL', KEYS[5])
    acquired = 1
  end
end
for i = 2, 4 do
  redis.call('PEXPIRE', KEYS[i], ARGV[4])
end
return acquired
"""

# Leave the queue, drop the lease if (and only if) it is still ours, and wake the next waiter.
_RELEASE = """
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
local released = 0
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  released = 1
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  local head = redis.call('ZRANGE', KEYS[2], 0, 0)
  if head[1] then
    local wake = ARGV[2] .. head[1]
    redis.call('RPUSH', wake, '1')
    redis.call('PEXPIRE', wake, ARGV[3])
  end
end
return released
"""

_EXTEND = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""


@dataclass(frozen=True)
class _Keys:
    owner: str
    queue: str
    alive: str
    seq: str
    wake_prefix: str

    def wake(self, token: str) -> str:
        return self.wake_prefix + token


class RedisPersonLock:
    """Per-person lease in Redis (``SET NX PX`` semantics, owner token, Lua compare-and-delete)
    with an arrival-ordered wait queue and a lease extended while the update runs.

    ``namespace`` keeps deployments apart on one Redis (the composition root derives it from the
    bot id and the database). ``lease``: how long a crashed holder blocks its person (extended
    every ``lease / 3`` while held, so a long handler keeps it). ``wait``: the bounded wait,
    after which :class:`PersonLockTimeout` is raised. ``poll``: how often a waiter re-checks
    if no wake-up came (a crashed holder or waiter); ``waiter_ttl``: after how long a waiter
    that stopped re-checking loses its place.
    """

    def __init__(
        self,
        client: Redis,
        namespace: str,
        *,
        lease: float = 15.0,
        wait: float = 25.0,
        poll: float = 0.5,
        waiter_ttl: float = 5.0,
        renew: bool = True,
        owns_client: bool = False,
    ) -> None:
        from redis.exceptions import RedisError

        if not 0 < poll < waiter_ttl:
            raise ValueError("poll must be positive and shorter than waiter_ttl")
        self.client = client
        self.namespace = namespace
        self.lease = lease
        self.wait = wait
        self.poll = poll
        self.waiter_ttl = waiter_ttl
        self.renew = renew  # False only in tests that simulate a holder whose process died
        self._owns_client = owns_client
        self._errors: tuple[type[BaseException], ...] = (RedisError, OSError)
        self._acquire: AsyncScript = client.register_script(_ACQUIRE)
        self._release: AsyncScript = client.register_script(_RELEASE)
        self._extend: AsyncScript = client.register_script(_EXTEND)

    @classmethod
    def from_url(cls, url: str, namespace: str, **options: Any) -> RedisPersonLock:
        """A lock with its own client (closed by :meth:`aclose`). Connects lazily, on first use.

        Timeouts and retries are short: an unreachable Redis must turn into "busy, try again"
        within seconds (under a second when the port is closed), not after the client's default
        ten retries."""
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import ExponentialWithJitterBackoff

        client = Redis.from_url(
            url,
            socket_connect_timeout=2.0,
            socket_timeout=5.0,  # longer than ``poll``: a waiter blocks that long on BLPOP
            retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), 2),
            health_check_interval=30,
        )
        return cls(client, namespace, owns_client=True, **options)

    async def aclose(self) -> None:
        if self._owns_client:
            await self.client.aclose()

    async def ping(self) -> bool:
        """True if Redis answers (for a start-up log line; the lock works without asking)."""
        try:
            return bool(await self.client.ping())
        except self._errors:
            return False

    def keys(self, person: int) -> _Keys:
        base = f"{self.namespace}:person:{{{person}}}:"
        return _Keys(base + "owner", base + "queue", base + "alive", base + "seq", base + "wake:")

    @contextlib.asynccontextmanager
    async def hold(self, person: int) -> AsyncIterator[None]:
        keys = self.keys(person)
        token = secrets.token_hex(16)
        await self.acquire(keys, token, person)
        renewal = asyncio.create_task(self._keep(keys, token, person)) if self.renew else None
        try:
            yield
        finally:
            if renewal is not None:
                renewal.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewal
            await self.release(keys, token, person)

    async def in_transaction(self, uow: Transaction, person: int) -> None:
        await uow.lock_person(person)  # the fence; uncontended while leases hold

    def fence(self, person: int) -> tuple[int, int] | None:
        return advisory_key(person)

    async def acquire(self, keys: _Keys, token: str, person: int) -> None:
        """Join the person's queue and wait until this token holds the lease.

        On any way out other than success (timeout, Redis error, cancellation) the token leaves
        the queue again, and a lease it may have got without hearing the answer is dropped."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.wait
        args: list[str | int] = [
            token,
            int(self.lease * 1000),
            int(self.waiter_ttl * 1000),
            self._idle_ms,
        ]
        try:
            while True:
                got = await self._acquire(
                    keys=[keys.owner, keys.queue, keys.alive, keys.seq, keys.wake(token)],
                    args=args,
                )
                if got == 1:
                    return
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise PersonLockTimeout(
                        f"person {person}: still busy after waiting {self.wait:g}s"
                    )
                # woken at once by the releaser if we are next; otherwise re-check (and stay
                # "alive" in the queue) every ``poll`` seconds
                # (never below 10 ms: Redis rounds to milliseconds, and 0 means "block forever")
                wait = max(0.01, min(self.poll, remaining))
                await self.client.blpop([keys.wake(token)], timeout=wait)
        except BaseException as exc:
            with contextlib.suppress(*self._errors):
                await self._release(
                    keys=[keys.owner, keys.queue, keys.alive],
                    args=[token, keys.wake_prefix, self._wake_ms],
                )
            if isinstance(exc, self._errors):
                raise PersonLockUnavailable(f"person lock service unreachable: {exc}") from exc
            raise

    async def release(self, keys: _Keys, token: str, person: int) -> bool:
        """Drop the lease if it is still ours and wake the next waiter. Never raises: the
        update is already committed, and an unreleased lease simply expires."""
        try:
            released = await self._release(
                keys=[keys.owner, keys.queue, keys.alive],
                args=[token, keys.wake_prefix, self._wake_ms],
            )
        except self._errors as exc:
            log.warning("person %s: lock not released (%s); it expires by itself", person, exc)
            return False
        if released != 1:
            log.warning("person %s: lock lease had expired before release", person)
        return bool(released == 1)

    async def extend(self, keys: _Keys, token: str) -> bool:
        """Push the lease's expiry ``lease`` ahead, if it is still ours."""
        return bool(await self._extend(keys=[keys.owner], args=[token, int(self.lease * 1000)]))

    async def _keep(self, keys: _Keys, token: str, person: int) -> None:
        """Extend the lease every ``lease / 3`` while the update runs (a long export or
        signature check must not let the person's next update in)."""
        while True:
            await asyncio.sleep(self.lease / 3)
            try:
                if not await self.extend(keys, token):
                    log.error("person %s: lock lease lost while handling an update", person)
                    return
            except Exception as exc:  # keep trying: the lease has two more periods to live
                log.warning("person %s: lock lease not extended (%s)", person, exc)

    @property
    def _wake_ms(self) -> int:
        """A wake-up nobody picks up (its waiter left) disappears soon."""
        return int(self.waiter_ttl * 1000)

    @property
    def _idle_ms(self) -> int:
        """Queue keys outlive every waiter and lease, then vanish with an idle person."""
        return int((self.lease + self.waiter_ttl + self.wait) * 1000) + 60_000
