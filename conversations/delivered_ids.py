"""Where the live cards landed, written behind the replies instead of in a transaction of its own.

After an update's replies are sent, the ids of the messages its tagged replies became (the
item's live card) are added to the person's state, so a later update edits that message in
place. Writing them at once cost a second write transaction per update (on SQLite the write
lock again; ≈ 0.25 ms of the bot's CPU per update, measured 2026-12-07). They are kept here
instead and reach the database in one of two ways, whichever comes first:

* the person's next update in this process finds them (:meth:`UnwrittenIds.take`) and, if the
  stored state is still the version they patch, starts from the patched state; that update
  writes its state anyway;
* a flush :data:`FLUSH_AFTER_S` later writes every pending person's ids in one transaction,
  each only if the stored state is still the version it patches and, on PostgreSQL, the
  person's fence is free at once: an update of the person in flight (in any worker) is never
  overtaken and never waited for (a flush that waited for one person's update while holding
  the other people's fences made their next updates queue behind it: 30-90 ms per update at
  full load, bench/RESULTS.md).

If another worker saved the person's state in between, or the process dies before the flush,
the ids are lost: that card is then sent anew rather than edited in place — never a wrong
answer. A graceful stop flushes (:meth:`UnwrittenIds.flush`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass

from conversations.flow_state import FlowState
from conversations.person_lock import PersonLock
from storage.errors import OUTAGES
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

FLUSH_AFTER_S = 0.2
"""How long message ids may wait for the person's next update before they are written."""


@dataclass(frozen=True)
class Unwritten:
    """A person's state as this process stored it (``version``), plus the new message ids."""

    person_id: int
    state: FlowState
    version: int


class UnwrittenIds:
    """Message ids delivered but not yet written, per Telegram user (see the module docstring)."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], person_lock: PersonLock) -> None:
        self._uow_factory = uow_factory
        self._lock = person_lock
        self._pending: dict[int, Unwritten] = {}
        self._task: asyncio.Task[None] | None = None
        self.flush_after = FLUSH_AFTER_S

    def keep(self, user_id: int, pending: Unwritten) -> None:
        self._pending[user_id] = pending
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._flush_soon())

    def pending(self, user_id: int) -> Unwritten | None:
        """What is kept for ``user_id`` (left in place), to keep again if the update that
        takes it is not committed and is handled once more."""
        return self._pending.get(user_id)

    def take(self, user_id: int, person_id: int, stored_version: int | None) -> FlowState | None:
        """The person's state with their unwritten ids, if it patches the state now stored
        (``stored_version``); the ids are this update's to write from now on."""
        pending = self._pending.pop(user_id, None)
        if pending is None or pending.person_id != person_id:
            return None
        if pending.version != stored_version:
            return None  # saved elsewhere since: those ids are stale
        return FlowState.from_json(pending.state.to_json())  # a copy the flow may change

    async def _flush_soon(self) -> None:
        await asyncio.sleep(self.flush_after)
        try:
            await self.flush()
        except Exception:  # never let a background write fail silently or kill the loop
            log.exception("writing delivered message ids failed")

    async def flush(self) -> None:
        """Write every pending person's ids in one transaction; a person whose update is in
        flight is skipped (its fence is busy: that update saves the state)."""
        batch = sorted(self._pending.items())
        if not batch:
            return
        try:
            async with self._uow_factory() as uow:
                await uow.conversations.store_all_if_current(
                    [
                        (p.person_id, p.state.to_json(), p.version, self._lock.fence(user_id))
                        for user_id, p in batch
                    ]
                )
        except OUTAGES as exc:
            log.info("message ids of %d people not remembered: %s", len(batch), exc)
        for user_id, p in batch:  # written, or lost to an outage: either way done with
            if self._pending.get(user_id) is p:
                del self._pending[user_id]

    async def flushed(self) -> None:
        """Wait for the flush under way or scheduled, if any (tests, diagnostics)."""
        task = self._task
        if task is not None:
            await asyncio.shield(task)

    async def close(self) -> None:
        """Flush now and stop the pending flush (a graceful stop)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        try:
            await self.flush()
        except Exception:  # a stop must go on: at worst the cards are sent anew next time
            log.exception("writing delivered message ids at stop failed")
