"""Per-process memories with a size bound: a plain dict kept in insertion order, newest last."""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def put_newest(kept: dict[K, V], key: K, value: V, limit: int) -> None:
    """Set ``kept[key]`` as the newest entry; once ``limit`` entries are kept, the oldest goes
    first.  Why a dict and not ``functools.lru_cache``: the callers keep what they computed
    (or saw) themselves, keyed by a person or by a result's exact inputs, and read it back by
    that key without a call to wrap."""
    kept.pop(key, None)
    if len(kept) >= limit:
        kept.pop(next(iter(kept)))
    kept[key] = value
