"""Open some of a PostgreSQL pool's connections at start and prepare the hot statements on each.

Why: the first officers after a start or a deploy otherwise pay for the pool's growth. Each new
connection is a server process start and SQLAlchemy's setup queries, and on each connection
every hot statement is prepared (one more round trip, and the planning of the unit's item
query, ~1.5 ms of server CPU) the first time it runs there. Measured 2026-12-07 (bench,
10 officers at once): p50 39 ms over the first 70 updates after start against 25 ms later at
the same load. Warmed here, the first updates run as the later ones do.

Only reads and a fenced UPDATE that matches no row run, each in a transaction rolled back:
nothing is written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.errors import OUTAGES
from storage.repositories.base import VersionConflict
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

WARM_CONNECTIONS = 10
"""Connections opened at start: the light load of a district's morning (a few officers at
once); the pool grows beyond them on demand as before."""

_NOBODY = -1  # no row has this id: every read finds nothing, the UPDATE matches nothing


_NOT_WARMED: tuple[type[Exception], ...] = (*OUTAGES, asyncio.BrokenBarrierError)


class _RollBack(Exception):
    """Leaves a warm-up unit of work without committing."""


async def warm_pool(sessionmaker: async_sessionmaker[AsyncSession], connections: int) -> int:
    """Hold ``connections`` pooled connections at once (so they are distinct), prepare the hot
    statements on each, and give them back; the number warmed (0 when the database failed:
    the bot starts anyway and the pool grows on demand)."""
    if connections < 1:
        return 0
    everyone_holds_one = asyncio.Barrier(connections)

    async def warm_one() -> None:
        try:
            async with UnitOfWork(sessionmaker) as uow:
                await uow.people.hot(_NOBODY)
                await uow.people.hot(_NOBODY, items_of=(_NOBODY, _NOBODY))  # with the items
                await uow.units.header(_NOBODY)
                await uow.answers.unit_items(_NOBODY, _NOBODY)
                with contextlib.suppress(VersionConflict):  # expected: nothing matched
                    await uow.conversations.store(_NOBODY, {}, 0)
                await everyone_holds_one.wait()
                raise _RollBack
        except _RollBack:
            pass
        except BaseException:
            await everyone_holds_one.abort()  # the others stop waiting for this one
            raise

    try:
        await asyncio.gather(*(warm_one() for _ in range(connections)))
    except _NOT_WARMED as exc:
        log.warning("database connections not warmed at start: %s", exc)
        return 0
    return connections
