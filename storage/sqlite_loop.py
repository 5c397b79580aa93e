"""SQLite for the async engine without a thread hop per statement (dialect ``sqlite+parbot``).

aiosqlite runs every cursor call in its own thread and wakes the event loop for each result:
3–4 hops of ~80 µs per statement, more than the statements themselves cost (tens of µs in WAL
with ``synchronous=NORMAL``).  This dialect runs the standard ``sqlite3`` module *in the event
loop thread* inside SQLAlchemy's greenlet, and moves work to a worker thread only where the loop
would otherwise stall:

* **locks**: the connection's own busy timeout is 0, so a statement that meets another
  connection's lock fails at once with SQLITE_BUSY (having done nothing); it is then re-run in a
  worker thread with the real busy timeout (``storage.db.SQLITE_BUSY_TIMEOUT_MS``), so waiting
  for a lock (another process, a backup, the CLI) never blocks the loop and behaves as before;
* **long reads**: a SELECT that has used :data:`INLINE_BUDGET_S` of CPU is interrupted by a
  progress handler (an interrupted SELECT leaves the transaction intact) and re-run in a worker
  thread; writes are never interrupted (SQLite would roll back the whole transaction);
* **bulk writes**: ``executemany`` with more than :data:`INLINE_MANY_ROWS` rows runs in a thread;
* **overlapped long reads**: a caller that knows a read is long starts it in a thread at once
  (:meth:`LoopConnection.start_in_thread`) and works on meanwhile, e.g. the cold ranking
  scores one run of grouped answers while SQLite reads the next;
* **long units of work**: before a statement, if the loop has not had control for
  :data:`YIELD_AFTER_S`, the greenlet yields once (an import of thousands of rows stays a series
  of short slices);
* **WAL checkpoints**: SQLite's automatic checkpoint would run inside the committing statement
  (copying up to 1,000 pages and an fsync in the loop thread); it is off on these connections
  and :class:`Checkpointer` runs a PASSIVE checkpoint in a worker thread once the WAL passes
  :data:`CHECKPOINT_WAL_BYTES`.

Transactions are SQLite's own (BEGIN … COMMIT on one connection), so atomicity and durability
are exactly those of the aiosqlite path; only the thread that calls into SQLite changes.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from greenlet import getcurrent  # type: ignore[import-untyped]
from sqlalchemy import pool
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.engine.interfaces import ConnectArgsType
from sqlalchemy.util.concurrency import await_, in_greenlet

T = TypeVar("T")
log = logging.getLogger(__name__)

INLINE_BUDGET_S = 0.02
"""A SELECT that has used this much CPU in the loop thread is interrupted and re-run in a thread."""
YIELD_AFTER_S = 0.01
"""Before a statement, yield to the event loop when this thread has used this much CPU since
the loop last ran."""
PROGRESS_EVERY = 20_000
"""SQLite virtual-machine steps between two checks of the inline budget (inline statements
only): a step is tens of nanoseconds, so a check every ~0.5 ms keeps the budget exact to a few
percent; checking every 1,000 steps cost 3 % of the bot's CPU under load (py-spy, 2026-12-07)."""

HANDOFF_WAIT_S = 0.005
"""At most this long the loop thread waits for a read started in a worker thread to begin
(:meth:`LoopConnection.start_in_thread`): the switch interval it would otherwise cost."""

OVERLAP_SWITCH_S = 0.0005
"""The interpreter's switch interval while a started statement runs (see :class:`_ShortSwitch`)."""

INLINE_MANY_ROWS = 32
"""``executemany`` with more rows than this runs in a worker thread."""
CHECKPOINT_WAL_BYTES = 4 * 1024 * 1024
"""WAL size that starts a background checkpoint (SQLite's own default is 1,000 pages ≈ 4 MB)."""
JOURNAL_SIZE_LIMIT = 1024 * 1024
"""The WAL is truncated to this size when it restarts after a checkpoint."""

_BUSY = sqlite3.SQLITE_BUSY
_BUSY_SNAPSHOT = 517  # a stale read snapshot: waiting cannot help, fail as before
_INTERRUPT = sqlite3.SQLITE_INTERRUPT
_NEVER = float("inf")
HOPS: collections.Counter[str] = collections.Counter()
"""Statements this process moved off the loop thread, by reason (diagnostics, bench)."""


def _is_select(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "SELECT"


class LoopCursor:
    """DBAPI cursor whose rows are fetched in the same call as ``execute`` (buffered)."""

    def __init__(self, conn: LoopConnection) -> None:
        self._conn = conn
        self._cursor = conn.raw.cursor()
        self._rows: collections.deque[Any] = collections.deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    def _step(self, run: Callable[[], Any]) -> None:
        cur = self._cursor
        run()
        self.description = cur.description
        self._rows = collections.deque(cur.fetchall() if cur.description else ())
        self.rowcount = cur.rowcount
        self.lastrowid = cur.lastrowid

    def execute(self, operation: str, parameters: Any = ()) -> LoopCursor:
        params = () if parameters is None else parameters
        self._conn.run(
            lambda: self._step(lambda: self._cursor.execute(operation, params)),
            interruptible=_is_select(operation),
        )
        return self

    def executemany(self, operation: str, seq_of_parameters: Sequence[Any]) -> LoopCursor:
        rows = list(seq_of_parameters)
        self._conn.run(
            lambda: self._step(lambda: self._cursor.executemany(operation, rows)),
            offload=len(rows) > INLINE_MANY_ROWS,
        )
        return self

    def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        n = self.arraysize if size is None else size
        rows = self._rows
        return [rows.popleft() for _ in range(min(n, len(rows)))]

    def fetchall(self) -> list[Any]:
        out = list(self._rows)
        self._rows.clear()
        return out

    def close(self) -> None:
        self._rows.clear()
        self._cursor.close()

    async def _async_soft_close(self) -> None:
        """Called by SQLAlchemy's async result: the rows are buffered already, so only the
        sqlite3 cursor is released (its statement reset)."""
        self._cursor.close()

    def setinputsizes(self, *sizes: Any) -> None:
        pass

    def setoutputsize(self, *args: Any) -> None:
        pass

    def __iter__(self) -> Any:
        while self._rows:
            yield self._rows.popleft()


class LoopConnection:
    """A ``sqlite3`` connection used from the event-loop thread (see the module docstring)."""

    def __init__(self, raw: sqlite3.Connection, checkpointer: Checkpointer | None) -> None:
        self.raw = raw
        self.busy_timeout_ms = 0
        self._checkpointer = checkpointer
        self._deadline = _NEVER
        self._slice_start = time.thread_time()
        self._loop_turned = True  # the event loop has run a callback since the slice started
        self._greenlet: object = None
        raw.set_progress_handler(self._progress, PROGRESS_EVERY)
        raw.execute("PRAGMA busy_timeout=0")
        if checkpointer is not None:
            raw.execute("PRAGMA wal_autocheckpoint=0")
            raw.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")

    def _progress(self) -> int:
        return 1 if time.thread_time() > self._deadline else 0

    def run(self, fn: Callable[[], T], *, interruptible: bool = False, offload: bool = False) -> T:
        """Run ``fn`` (one statement) in the loop thread, or in a worker thread when it must
        wait for a lock, outlives the inline budget (SELECTs only), or is a bulk write."""
        self._give_the_loop_a_turn()
        if offload:
            HOPS["bulk"] += 1
            return self._in_thread(fn, wait_for_locks=True)
        done, result = self._inline(fn, interruptible)
        return result if done else self._in_thread(fn, wait_for_locks=True)

    async def run_async(
        self, fn: Callable[[], T], *, interruptible: bool = False, offload: bool = False
    ) -> T:
        """:meth:`run` for plain async code (no SQLAlchemy greenlet): ``fn`` runs inline, and
        when it meets a lock or outlives the inline budget it is awaited in a worker thread;
        a bulk write (``offload``) is awaited there from the start."""
        if offload:
            HOPS["bulk"] += 1
            return await _run_to_end(self._thread_work(fn, wait_for_locks=True))
        done, result = self._inline(fn, interruptible)
        return result if done else await _run_to_end(self._thread_work(fn, wait_for_locks=True))

    def _inline(self, fn: Callable[[], T], interruptible: bool) -> tuple[bool, Any]:
        """``(True, result)`` of ``fn`` run here, or ``(False, None)`` when it did nothing and
        belongs in a worker thread (:meth:`_belongs_in_a_thread`)."""
        # CPU time of this thread, not wall time: on a loaded machine a short statement can
        # span 20 ms of wall time while the process waits for a core, and must not be redone
        self._deadline = time.thread_time() + INLINE_BUDGET_S if interruptible else _NEVER
        try:
            return True, fn()
        except sqlite3.OperationalError as e:
            if not self._belongs_in_a_thread(e, interruptible):
                raise
        finally:
            self._deadline = _NEVER
        return False, None

    def _belongs_in_a_thread(self, e: sqlite3.OperationalError, interruptible: bool) -> bool:
        """Whether the statement that raised ``e`` did nothing and should be re-run in a
        worker thread: interrupted after the inline budget (a SELECT), or it met a lock."""
        code = getattr(e, "sqlite_errorcode", None)
        if code == _INTERRUPT and interruptible and self._deadline != _NEVER:
            HOPS["long-read"] += 1
            return True
        if code is not None and code & 0xFF == _BUSY and code != _BUSY_SNAPSHOT:
            HOPS["lock"] += 1
            return True
        return False

    def _give_the_loop_a_turn(self) -> None:
        """Yield to the event loop when this thread has worked :data:`YIELD_AFTER_S` of CPU
        since the loop last ran (a long unit of work); whether it ran is known from a
        ``call_soon`` callback, one per slice."""
        now = time.thread_time()
        if self._loop_turned:
            self._slice_start = now
            self._watch_the_loop()
        elif now - self._slice_start > YIELD_AFTER_S and in_greenlet():
            HOPS["yield"] += 1
            await_(asyncio.sleep(0))
            self._slice_start = time.thread_time()
            self._watch_the_loop()
            return
        self._greenlet_switch_once()

    def _watch_the_loop(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop in this thread: nothing to starve
        self._loop_turned = False
        loop.call_soon(self._turned)

    def _turned(self) -> None:
        self._loop_turned = True

    def _greenlet_switch_once(self) -> None:
        """SQLAlchemy's ``AsyncConnection.execute`` insists that the driver switched to the
        event loop at least once per call (``AwaitRequired``); a completed coroutine per
        greenlet does that (~2 µs, without a loop iteration)."""
        current = getcurrent()
        if current is not self._greenlet and in_greenlet():
            await_(_done())
            self._greenlet = current

    def start_in_thread(self, fn: Callable[[], T]) -> Awaitable[T]:
        """Start ``fn`` (one long read) in a worker thread now and return what awaits its
        result: the loop thread works on meanwhile (SQLite releases the GIL while it runs a
        statement).  The caller must await it before this connection is used again.

        The loop thread waits (at most :data:`HANDOFF_WAIT_S`) until the worker is about to
        call ``fn``: until then the worker needs the GIL at every step (waking up, the busy
        timeout's PRAGMA), and while the loop thread runs Python it gets it only when the
        interpreter's switch interval (5 ms) forces a switch, once per step — measured on the
        cold ranking, the reads started only when the loop thread next awaited, one after
        the other instead of alongside its work.  From ``fn`` on the worker holds the GIL
        until SQLite runs the statement without it.  While it runs the switch interval is
        short (:data:`_SHORT_SWITCH`): the worker takes the GIL back within that when a
        statement ends, instead of up to 5 ms later."""
        HOPS["overlapped"] += 1
        begun = threading.Event()
        _SHORT_SWITCH.enter()
        try:
            work = self._thread_work(fn, wait_for_locks=True, begun=begun)
            running = _submit(_SHORT_SWITCH.around(work))
        except BaseException:
            _SHORT_SWITCH.leave()
            raise
        begun.wait(HANDOFF_WAIT_S)  # bounded: a busy executor must not stall the loop
        return _until_done(running)

    def _thread_work(
        self, fn: Callable[[], T], *, wait_for_locks: bool, begun: threading.Event | None = None
    ) -> Callable[[], T]:
        """``fn`` as a worker thread runs it: with the real busy timeout for its duration, and
        without the progress handler (it only interrupts inline statements, and each of its
        calls would wait for the GIL whenever the loop thread works alongside); ``begun`` is
        set just before ``fn`` is called."""

        def work() -> T:
            self._deadline = _NEVER
            raw = self.raw
            raw.set_progress_handler(None, 0)
            try:
                if wait_for_locks and self.busy_timeout_ms:
                    raw.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
                if begun is not None:
                    begun.set()
                try:
                    return fn()
                finally:
                    if wait_for_locks and self.busy_timeout_ms:
                        raw.execute("PRAGMA busy_timeout=0")
            finally:
                raw.set_progress_handler(self._progress, PROGRESS_EVERY)

        return work

    def _in_thread(self, fn: Callable[[], T], *, wait_for_locks: bool) -> T:
        work = self._thread_work(fn, wait_for_locks=wait_for_locks)
        if not in_greenlet():  # e.g. a pool reset outside any task: wait here, as sqlite3 would
            return work()
        return await_(_run_to_end(work))

    # DBAPI connection interface -------------------------------------------------------------

    def cursor(self) -> LoopCursor:
        return LoopCursor(self)

    begin_statement = "BEGIN"
    """The BEGIN of the next transaction (the engine's ``begin`` listener sets it)."""

    def begin(self) -> None:
        """Start a transaction with :attr:`begin_statement` straight on the connection: a
        full SQLAlchemy execution of BEGIN (events, context, result) cost ≈ 60 µs of CPU
        per unit of work; a lock met here is waited for in a worker thread, as always."""
        if self.defer_begin:
            return
        statement = self.begin_statement
        self.run(lambda: self.raw.execute(statement))

    defer_begin = False
    """Set while SQLAlchemy records a transaction whose BEGIN the caller sends itself
    (storage.loop_transaction: outside SQLAlchemy's greenlet)."""

    def commit(self) -> None:
        if self.raw.in_transaction:  # else committed already (storage.loop_transaction)
            self.run(self.raw.commit)
        if self._checkpointer is not None:
            self._checkpointer.after_commit()

    def rollback(self) -> None:
        if self.raw.in_transaction:  # the pool's reset after every commit: nothing to undo
            self.run(self.raw.rollback)

    def close(self) -> None:
        self.raw.set_progress_handler(None, 0)
        self.raw.close()

    @property
    def isolation_level(self) -> str | None:
        return self.raw.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: Any) -> None:
        self.raw.isolation_level = value

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    def create_function(self, *args: Any, **kw: Any) -> None:
        self.raw.create_function(*args, **kw)


class _ShortSwitch:
    """The interpreter's switch interval lowered to :data:`OVERLAP_SWITCH_S` while at least one
    statement started by :meth:`LoopConnection.start_in_thread` runs, and restored after the
    last.  A worker thread needs the GIL between statements (to bind the next one's values,
    to fetch a result); while the loop thread runs Python it gets it only when the switch
    interval forces a switch, 5 ms by default — for the cold ranking's ten statements of
    stored summaries, written while the loop thread ranks, up to 50 ms of waiting.  The
    interval matters only while another thread asks for the GIL."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._saved = 0.0

    def enter(self) -> None:
        with self._lock:
            if not self._running:
                self._saved = sys.getswitchinterval()
                sys.setswitchinterval(min(self._saved, OVERLAP_SWITCH_S))
            self._running += 1

    def leave(self) -> None:
        with self._lock:
            self._running -= 1
            if not self._running:
                sys.setswitchinterval(self._saved)

    def around(self, work: Callable[[], T]) -> Callable[[], T]:
        """``work``, then :meth:`leave` (in the thread that runs it)."""

        def run() -> T:
            try:
                return work()
            finally:
                self.leave()

        return run


_SHORT_SWITCH = _ShortSwitch()


async def _done() -> None:
    return None


async def _run_to_end(work: Callable[[], T]) -> T:
    """Run ``work`` in the default executor; if the awaiting task is cancelled, let the thread
    finish first (the connection must never be used by two threads at once), then re-raise."""
    return await _until_done(_submit(work))


def _submit(work: Callable[[], T]) -> asyncio.Future[T]:
    """``work`` handed to the default executor at once (it starts before the caller yields)."""
    return asyncio.get_running_loop().run_in_executor(None, work)


async def _until_done(fut: asyncio.Future[T]) -> T:
    """The result of a worker thread's ``fut``; see :func:`_run_to_end` on cancellation."""
    try:
        return await asyncio.shield(fut)
    except asyncio.CancelledError:
        while not fut.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait([fut])
        raise


class Checkpointer:
    """PASSIVE WAL checkpoints of one database file in a worker thread, at most one at a time.

    PASSIVE never waits for readers or writers; frames still in use stay for the next round."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.wal = path + "-wal"
        self._running = threading.Event()
        self.runs = 0

    def after_commit(self) -> None:
        if self._running.is_set():
            return
        try:
            size = os.stat(self.wal).st_size
        except OSError:
            return
        if size <= CHECKPOINT_WAL_BYTES:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.checkpoint()
            return
        self._running.set()
        loop.run_in_executor(None, self._background)

    def _background(self) -> None:
        try:
            self.checkpoint()
        except sqlite3.Error as e:  # e.g. the file went away; the next commit tries again
            log.info("background WAL checkpoint of %s failed: %s", self.path, e)
        finally:
            self._running.clear()

    def checkpoint(self) -> tuple[int, int, int]:
        """Run one PASSIVE checkpoint; returns SQLite's (busy, WAL frames, checkpointed)."""
        with contextlib.closing(sqlite3.connect(self.path, timeout=0)) as conn:
            row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        self.runs += 1
        return (int(row[0]), int(row[1]), int(row[2]))


_checkpointers: dict[str, Checkpointer] = {}
_checkpointers_lock = threading.Lock()


def checkpointer_for(path: str) -> Checkpointer:
    """One checkpointer per database file in this process (all engines and pools share it)."""
    with _checkpointers_lock:
        found = _checkpointers.get(path)
        if found is None:
            found = _checkpointers[path] = Checkpointer(path)
        return found


class SQLiteDialect_parbot(SQLiteDialect_pysqlite):
    """``sqlite+parbot``: the pysqlite dialect, async-capable through :class:`LoopConnection`."""

    driver = "parbot"
    is_async = True
    supports_statement_cache = True
    supports_server_side_cursors = False

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool

    def create_connect_args(self, url: URL) -> ConnectArgsType:
        args, opts = super().create_connect_args(url)
        opts["check_same_thread"] = False  # worker threads take over now and then
        return args, opts

    def connect(self, *cargs: Any, **cparams: Any) -> Any:
        raw = sqlite3.connect(*cargs, **cparams)
        filename = str(cargs[0]) if cargs else ":memory:"
        file_db = (
            filename != ":memory:" and not cparams.get("uri") and "mode=memory" not in filename
        )
        return LoopConnection(raw, checkpointer_for(filename) if file_db else None)

    def do_begin(self, dbapi_connection: Any) -> None:
        target = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)
        if isinstance(target, LoopConnection):
            target.begin()

    def get_driver_connection(self, connection: Any) -> Any:
        return connection.raw if isinstance(connection, LoopConnection) else connection


dialect = SQLiteDialect_parbot
