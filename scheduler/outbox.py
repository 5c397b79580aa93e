"""The outbox's clock: the leader runs the dispatcher's drain (:mod:`delivery.outbox`) every
``interval`` seconds, never two drains at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler


def start_scheduler(
    drain: Callable[[], Awaitable[object]], interval: float = 1.0
) -> AsyncIOScheduler:
    """One interval job; max_instances=1 so a slow drain is never overlapped by the next."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        drain,
        "interval",
        seconds=interval,
        id="outbox",
        max_instances=1,
        coalesce=True,
        replace_existing=True,
        misfire_grace_time=None,
    )
    scheduler.start()
    return scheduler
