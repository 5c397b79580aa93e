"""Values read from the database, kept per process while the database's header revision holds.

``hot_revision.rev`` is bumped by triggers on every change to units, periods, catalogs,
milestones and submissions, whoever makes it (another worker, the CLI, hand-written SQL), and
each update reads it with the person (``Ctx.header_rev``). A value read with the revision in
the same statement is kept only when that revision is the update's own: one read after a change
this transaction made (perhaps to be rolled back), or after another worker's commit, is used
once and not kept. Kept per database engine, so two engines (two workers, two test databases)
never share values, and an engine that is gone takes its values with it.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from conversations.context import Ctx

K = TypeVar("K")
V = TypeVar("V")


class RevisionCache(Generic[K, V]):
    """``key → value`` per engine, valid at one header revision (see the module docstring)."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._by_engine: weakref.WeakKeyDictionary[Any, dict[K, tuple[int, V]]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, ctx: Ctx, key: K) -> V | None:
        """The value kept for ``key`` at the update's revision (None: none kept)."""
        kept = self._by_engine.get(ctx.uow.database_key, {}).get(key)
        if kept is None or ctx.header_rev is None or kept[0] != ctx.header_rev:
            return None
        return kept[1]

    def keep(self, ctx: Ctx, key: K, rev: int, value: V) -> None:
        """Keep ``value``, read at revision ``rev``, if that is the update's revision."""
        if rev != ctx.header_rev:
            return
        cache = self._by_engine.setdefault(ctx.uow.database_key, {})
        if len(cache) >= self._limit:
            cache.clear()
        cache[key] = (rev, value)

    async def read(
        self, ctx: Ctx, key: K, load: Callable[[], Awaitable[tuple[int, V] | None]]
    ) -> V | None:
        """The value kept for ``key``, else ``load()``'s ``(revision, value)``, kept when read
        at the update's revision (None: ``load`` found nothing)."""
        hit = self.get(ctx, key)
        if hit is not None:
            return hit
        found = await load()
        if found is None:
            return None
        rev, value = found
        self.keep(ctx, key, rev, value)
        return value

    def kept(self, engine: object) -> int:
        """How many values are kept for ``engine`` (diagnostics, tests)."""
        return len(self._by_engine.get(engine, {}))
