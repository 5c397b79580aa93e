"""Per-person update locks: one person's updates are handled one at a time, in arrival order.

A conversation is read-modify-write on the person's durable state, so two updates of one person
must never run concurrently, and a burst ("/score", then an answer) must be handled in the order
it arrived. Everyone else is independent. The engine asks a :class:`PersonLock` for two things:

* :meth:`PersonLock.hold` — wait for the person's turn *before* the update's transaction starts,
  so a waiting update holds no database connection;
* :meth:`PersonLock.in_transaction` — the first statement of the update's transaction.

Three implementations, chosen by the composition root (``bot.app.open_person_lock``):

* :class:`InProcessPersonLock` — an asyncio lock per person: one process (SQLite is
  single-process, and its write transactions are serial anyway).
* :class:`PostgresPersonLock` — the in-process lock, then a PostgreSQL transaction-scoped
  advisory lock keyed by the person (``UnitOfWork.lock_person``): correct across processes
  without any other service, but a waiter in another process waits *inside* its transaction,
  i.e. holding a pooled connection. The fallback when no Redis is configured (and the engine's
  default).
* :class:`storage.person_locks.RedisPersonLock` — a lease in Redis with a fair queue (waiters
  hold no database connection); it lives with the other service-backed code in ``storage``.

Every failure to get the lock is a :class:`PersonLockError` (defined beside the Redis lock,
which raises it): the engine turns it into "service busy, nothing saved" and, for a webhook, a
503 so that Telegram delivers the update again. An update is never handled unlocked.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from storage.person_locks import (
    PersonLockError,
    PersonLockTimeout,
    PersonLockUnavailable,
    advisory_key,
)
from storage.uow import UnitOfWork

__all__ = [
    "InProcessPersonLock",
    "PersonLock",
    "PersonLockError",
    "PersonLockTimeout",
    "PersonLockUnavailable",
    "PostgresPersonLock",
]


class PersonLock(Protocol):
    """Serialises one person's updates (see the module docstring for the two phases)."""

    def hold(self, person: int) -> AbstractAsyncContextManager[None]:
        """Wait for ``person``'s turn (raising :class:`PersonLockError` if it cannot be had);
        held for the whole update, including the file download before the transaction."""
        ...

    async def in_transaction(self, uow: UnitOfWork, person: int) -> None:
        """Called first inside the update's transaction."""
        ...

    def fence(self, person: int) -> tuple[int, int] | None:
        """The PostgreSQL advisory lock (namespace, key) that :meth:`in_transaction` would
        take, for repositories that take it inside their first statement instead (one round
        trip less per update); None when the lock takes none."""
        ...


class InProcessPersonLock:
    """One asyncio lock per person (FIFO), forgotten once nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, person: int) -> asyncio.Lock:
        lock = self._locks.get(person)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[person] = lock
        return lock

    @contextlib.asynccontextmanager
    async def hold(self, person: int) -> AsyncIterator[None]:
        async with self._lock(person):
            yield

    async def in_transaction(self, uow: UnitOfWork, person: int) -> None:
        return None

    def fence(self, person: int) -> tuple[int, int] | None:
        return None


class PostgresPersonLock(InProcessPersonLock):
    """The in-process lock (so one process sends at most one waiter per person to the
    database), then the advisory lock inside the transaction (across processes)."""

    async def in_transaction(self, uow: UnitOfWork, person: int) -> None:
        await uow.lock_person(person)

    def fence(self, person: int) -> tuple[int, int] | None:
        return advisory_key(person)
