"""Hot statements compiled once by SQLAlchemy and run straight on asyncpg, in SQLAlchemy's
transaction.

The PostgreSQL twin of :mod:`storage.prepared`. A py-spy profile of the full-size updates
benchmark on PostgreSQL (2026-12-07) put SQLAlchemy's asyncpg adapter and the execution around
it (execution context, cursor, result, a greenlet per call) at ≈ 30 % of the bot's CPU, for
statements PostgreSQL itself answers from prepared plans. :func:`execute` runs such a
statement as the adapter's cursor would, without the rest: SQLAlchemy compiles it once per set
of parameter names (the SQL with ``$n`` parameters and the casts the asyncpg dialect renders),
its bind processors convert the values, and the statement is prepared through the adapter's
own prepared-statement cache and fetched on the adapter's asyncpg connection, under the
adapter's execute lock and inside the transaction the adapter keeps (begun here, as the
adapter begins it, when the statement is the first). Result processors come from the column
types PostgreSQL reports for the prepared statement, as SQLAlchemy picks them from the cursor
description. Errors come out as SQLAlchemy's (``IntegrityError``, ``OperationalError``, …) and a
dropped connection is invalidated, as SQLAlchemy's own execution would.

This leans on the adapter's internals (``_transaction``, ``_start_transaction``, ``_prepare``,
``_execute_mutex``, ``_handle_exception``): :func:`supported` checks they are there, and where
they are not (another SQLAlchemy version) every statement simply goes through SQLAlchemy.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError

from storage.pg_statements import PREPARED_KEY, prepare_all_sql
from storage.prepared import DriverResult, Plan, Processor, arguments, plan_for, rows

log = logging.getLogger(__name__)
_ADAPTER_PARTS = ("_transaction", "_start_transaction", "_prepare", "_execute_mutex")
_DIVISION_BY_ZERO = "22012"  # the SQLSTATE a guard (pg_statements.guarded) raises


class GuardFailed(Exception):
    """The write sent with COMMIT (:func:`commit`) matched no row: nothing was committed."""


_STATUS = re.compile(r"(?:SELECT|UPDATE|DELETE|INSERT \d+) (\d+)")
_RESULTS: dict[tuple[str, tuple[int, ...]], tuple[Processor, ...]] = {}


def supported(adapter: object) -> bool:
    """Whether ``adapter`` is SQLAlchemy's asyncpg connection adapter as this module knows it
    (SQLAlchemy 2.1: the asyncpg transaction alone says whether one is open)."""
    return all(hasattr(adapter, part) for part in _ADAPTER_PARTS) and not hasattr(
        adapter, "_started"
    )


def can_commit_with(sa_connection: Connection) -> bool:
    """Whether :func:`commit` can send a write with COMMIT on ``sa_connection``: its
    transaction was begun by :func:`begin_with` (a plain BEGIN that asyncpg does not track;
    one begun by asyncpg's own Transaction must end through it)."""
    if sa_connection.invalidated:
        return False
    adapter: Any = sa_connection.connection.dbapi_connection
    return supported(adapter) and isinstance(adapter._transaction, _SimpleTransaction)


async def commit(sa_connection: Connection, adapter: Any, with_writes: Sequence[str] = ()) -> None:
    """COMMIT the adapter's asyncpg transaction (if a statement began one), as the adapter's
    own commit would: the transaction is dropped whether or not COMMIT succeeded; a failure
    comes out as SQLAlchemy's error.  ``with_writes`` (guarded statements of
    :mod:`storage.pg_statements`, only where :func:`can_commit_with` said so) go in the same
    round trip, in order, before COMMIT."""
    if with_writes:
        await _commit_with(sa_connection, adapter, with_writes)
        return
    transaction = adapter._transaction
    if transaction is None:
        return
    try:
        await transaction.commit()
    except Exception as error:
        _raise_as_sqlalchemy(sa_connection, adapter, "COMMIT", [], error)
    finally:
        adapter._transaction = None


async def send_writes(sa_connection: Connection, adapter: Any, writes: Sequence[str]) -> None:
    """``writes`` (guarded, see :func:`commit`) in one round trip inside the open
    transaction, without COMMIT: the writes kept for COMMIT when another statement must run
    after them after all.  A failed guard raises :class:`GuardFailed` and leaves the
    transaction aborted: the caller rolls back."""
    if not isinstance(adapter._transaction, _SimpleTransaction):
        raise RuntimeError("kept writes need a transaction begun by begin_with")
    await _simple_query(sa_connection, adapter, "; ".join(writes), commits=False)


async def execute(
    sa_connection: Connection, stmt: Executable, params: dict[str, Any] | Any
) -> DriverResult | None:
    """Run ``stmt`` with ``params`` on the asyncpg connection under ``sa_connection``, in its
    transaction (see the module docstring); ``None`` when the statement does not qualify or
    the adapter is not the one this module knows: then it must go through SQLAlchemy.
    SQLAlchemy's ``before_cursor_execute`` and ``after_cursor_execute`` listeners see it (with
    no cursor) as any other statement."""
    adapter: Any = sa_connection.connection.dbapi_connection
    if not supported(adapter):
        return None
    dialect = sa_connection.dialect
    plan = plan_for(stmt, dialect, params)
    if plan is None:
        return None
    args = arguments(plan, params)
    listened = sa_connection._has_events or sa_connection.engine._has_events
    if listened:
        sa_connection.dispatch.before_cursor_execute(
            sa_connection, None, plan.sql, args, None, False
        )
    try:
        async with adapter._execute_mutex:
            if adapter._transaction is None:
                await adapter._start_transaction()
            prepared, attributes = await adapter._prepare(
                plan.sql, getattr(dialect, "_invalidate_schema_cache_asof", 0)
            )
            fetched = await prepared.fetch(*args)
            status = prepared.get_statusmsg()
    except Exception as error:
        _raise_as_sqlalchemy(sa_connection, adapter, plan.sql, args, error)
    if listened:
        sa_connection.dispatch.after_cursor_execute(
            sa_connection, None, plan.sql, args, None, False
        )
    matched = _STATUS.match(status or "")
    rowcount = int(matched.group(1)) if matched else -1
    if plan.row is None:
        if attributes:  # rolled back with the unit of work: a programming error, not data
            raise TypeError(f"rows from a statement that declares no columns: {plan.sql[:80]}")
        return DriverResult([], rowcount)
    procs = _result_processors(plan, dialect, tuple(a.type.oid for a in attributes))
    return DriverResult(rows(plan, fetched, procs), rowcount)


async def _commit_with(sa_connection: Connection, adapter: Any, writes: Sequence[str]) -> None:
    """``writes`` and COMMIT in one simple query (see :func:`commit`). When a write fails,
    PostgreSQL skips the rest and the COMMIT and the transaction is left aborted: it is rolled
    back here before the error comes out (:class:`GuardFailed` for a guard, else SQLAlchemy's)."""
    if not isinstance(adapter._transaction, _SimpleTransaction):
        raise RuntimeError("a write sent with COMMIT needs a transaction begun by begin_with")
    await _simple_query(sa_connection, adapter, "; ".join(writes), commits=True)


async def _simple_query(
    sa_connection: Connection, adapter: Any, sql: str, *, commits: bool
) -> None:
    """``sql`` (guarded writes, ``commits``: then COMMIT) as one simple query under the
    adapter's lock, seen by SQLAlchemy's cursor listeners as one statement.  With COMMIT the
    transaction is over either way (rolled back first when the query failed)."""
    listened = sa_connection._has_events or sa_connection.engine._has_events
    if listened:
        sa_connection.dispatch.before_cursor_execute(sa_connection, None, sql, (), None, False)
    try:
        async with adapter._execute_mutex:
            if not commits:
                await adapter._connection.execute(sql)
            else:
                try:
                    await adapter._connection.execute(sql + "; COMMIT")
                except Exception:
                    with contextlib.suppress(Exception):  # a dropped connection is reported below
                        await adapter._connection.execute("ROLLBACK")
                    raise
                finally:
                    adapter._transaction = None
    except Exception as error:
        if getattr(error, "sqlstate", None) == _DIVISION_BY_ZERO:  # no values in the message:
            raise GuardFailed("it matched no row") from error  # they may be an officer's text
        _raise_as_sqlalchemy(sa_connection, adapter, sql, [], error)
    if listened:
        sa_connection.dispatch.after_cursor_execute(sa_connection, None, sql, (), None, False)


class _SimpleTransaction:
    """A transaction begun by :func:`begin_with`'s simple query, as SQLAlchemy's adapter uses
    its asyncpg transaction: COMMIT or ROLLBACK on the connection, nothing else."""

    __slots__ = ("_connection",)

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    async def commit(self) -> None:
        await self._connection.execute("COMMIT")

    async def rollback(self) -> None:
        await self._connection.execute("ROLLBACK")


async def begin_with(sa_connection: Connection, sql: str) -> int | None:
    """BEGIN and ``sql`` in one round trip (one simple query, ``sql`` written with its values:
    the caller renders only integers and its own timestamps), as the first statement of the
    transaction SQLAlchemy's adapter keeps; the row count of ``sql``.  ``None`` (nothing sent)
    when a transaction is already open or the adapter is not the one this module knows or
    begins its transactions with options (isolation level, read only): run it otherwise.

    Why: every update's transaction starts with the id claim, and the adapter's own BEGIN is
    a round trip of its own; one round trip less per update is the bot's and PostgreSQL's
    CPU, and the pooled connection is held that much shorter (bench/RESULTS.md)."""
    adapter: Any = sa_connection.connection.dbapi_connection
    if (
        not supported(adapter)
        or adapter._transaction is not None
        or adapter.isolation_level is not None
        or adapter.readonly
        or adapter.deferrable
    ):
        return None
    if not await _statements_prepared(sa_connection, adapter):
        return None
    statement = "BEGIN; " + sql
    listened = sa_connection._has_events or sa_connection.engine._has_events
    if listened:
        sa_connection.dispatch.before_cursor_execute(sa_connection, None, sql, (), None, False)
    try:
        async with adapter._execute_mutex:
            # kept before the query: if the statement fails inside the transaction, the
            # adapter's rollback must still send ROLLBACK
            adapter._transaction = _SimpleTransaction(adapter._connection)
            status = await adapter._connection.execute(statement)
    except Exception as error:
        _raise_as_sqlalchemy(sa_connection, adapter, statement, [], error)
    if listened:
        sa_connection.dispatch.after_cursor_execute(sa_connection, None, sql, (), None, False)
    matched = _STATUS.match(status or "")
    return int(matched.group(1)) if matched else -1


async def _statements_prepared(sa_connection: Connection, adapter: Any) -> bool:
    """Whether the connection has :mod:`storage.pg_statements`' named statements, which the
    simple queries of :func:`begin_with` and :func:`commit` execute: prepared the first time
    it is asked (one round trip in a connection's life); where that fails, never again on
    this connection, which then sends every statement the ordinary way."""
    info = sa_connection.connection.info
    ready = info.get(PREPARED_KEY)
    if ready is None:
        try:
            async with adapter._execute_mutex:
                await adapter._connection.execute(prepare_all_sql())
            ready = True
        except Exception:  # the schema is not there yet, or the connection failed
            log.warning("named statements not prepared on this connection", exc_info=True)
            ready = False
        info[PREPARED_KEY] = ready
    return bool(ready)


def _result_processors(
    plan: Plan, dialect: Dialect, oids: tuple[int, ...]
) -> tuple[Processor, ...]:
    """SQLAlchemy's result processor of each column for the types PostgreSQL reported (its
    numeric processors differ by type oid), made once per statement and set of types."""
    key = (plan.sql, oids)
    found = _RESULTS.get(key)
    if found is None:
        found = _RESULTS[key] = tuple(
            kind._cached_result_processor(dialect, oid)
            for kind, oid in zip(plan.result_types, oids, strict=True)
        )
    return found


def _raise_as_sqlalchemy(
    sa_connection: Connection, adapter: Any, sql: str, args: list[Any], error: Exception
) -> Any:
    """Raise ``error`` as SQLAlchemy would have: translated by the adapter to its DBAPI error,
    then wrapped (``IntegrityError``, ``OperationalError`` …), the connection invalidated when
    the error says it is gone."""
    try:
        adapter._handle_exception(error)  # raises the adapter's DBAPI error
    except Exception as translated:
        dbapi = sa_connection.dialect.loaded_dbapi
        if not isinstance(translated, dbapi.Error):
            raise
        disconnect = sa_connection.dialect.is_disconnect(translated, adapter, None)
        wrapped = DBAPIError.instance(
            sql,
            args,
            translated,
            dbapi.Error,
            connection_invalidated=disconnect,
            dialect=sa_connection.dialect,
        )
        if disconnect and not sa_connection.invalidated:
            sa_connection.invalidate(wrapped)
        raise wrapped from error
    raise error  # the adapter always raises; kept for the type checker
