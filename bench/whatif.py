"""Opt-in diagnostics (``python -m bench --only updates --what-if``): the product changes this
benchmark recommends, applied *inside the benchmark's bot process only* by monkeypatching, to
measure what they would gain. Nothing here changes the product; the regular rows never use it.

* ``pin-responses`` — aiogram's ``BaseSession.check_response`` validates every Bot API answer
  with ``Response[method.__returning__]``, a parametrized pydantic generic. Pydantic (2.13) keeps
  parametrized generics in a ``WeakValueDictionary``: once nothing references ``Response[Message]``
  the next garbage collection frees it and the next call rebuilds the class (schema generation,
  several ms of CPU). In parbot, whose SQLAlchemy work triggers collections between any two Bot
  API calls, this happens on nearly every call. Holding one strong reference per method return
  type keeps them cached.
* ``sqlite-one-connection`` — on SQLite every read-write unit of work starts with ``BEGIN
  IMMEDIATE``; with a pool of up to 15 connections the waiting writers sit in SQLite's busy
  handler (sleep and retry, up to 100 ms between tries, 10 s timeout), which is unfair and leaves
  multi-second tails. A pool of one connection makes them queue in asyncio instead (FIFO).
* ``no-gc-freeze`` — the opposite direction: the runtime's ``settle_gc()`` (``gc.freeze()``
  after start-up) is skipped, to measure what it gains.
"""

from __future__ import annotations

from typing import Any

KNOWN = ("pin-responses", "sqlite-one-connection", "no-gc-freeze")
_PINNED: list[Any] = []


def pin_responses() -> int:
    import aiogram.methods as methods
    from aiogram.methods.base import Response, TelegramMethod

    for name in dir(methods):
        obj = getattr(methods, name)
        if isinstance(obj, type) and issubclass(obj, TelegramMethod) and obj is not TelegramMethod:
            returning = getattr(obj, "__returning__", None)
            if returning is not None:
                generic: Any = Response  # parametrised at run time by a value, not a type
                try:
                    _PINNED.append(generic[returning])
                except TypeError:
                    continue
    return len(_PINNED)


def sqlite_one_connection() -> None:
    import bot.app
    import storage.db as db

    original = db.make_engine

    def make_engine(url: Any, **kwargs: Any) -> Any:
        if db.is_sqlite(url):
            kwargs.setdefault("pool_size", 1)
            kwargs.setdefault("max_overflow", 0)
        return original(url, **kwargs)

    db.make_engine = make_engine
    bot.app.make_engine = make_engine  # type: ignore[attr-defined]  # the name bot.app imported


def apply(names: list[str]) -> None:
    for name in names:
        if name == "pin-responses":
            pin_responses()
        elif name == "sqlite-one-connection":
            sqlite_one_connection()
        elif name == "no-gc-freeze":
            import bot.runtime

            bot.runtime.settle_gc = lambda: None
        else:
            raise ValueError(f"unknown what-if {name!r}; known: {', '.join(KNOWN)}")
