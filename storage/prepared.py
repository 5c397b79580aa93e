"""Hot statements compiled once by SQLAlchemy and run straight on the loop-thread SQLite driver.

An officer's update runs a handful of statements (storage/README.md, "The hot path of an
update"). Through SQLAlchemy each costs ≈ 80 µs of CPU even prebuilt (execution context,
events, result metadata, a greenlet per call) while SQLite runs it in 10–40 µs. On the
``sqlite+parbot`` dialect (:mod:`storage.sqlite_loop`) :func:`execute` therefore runs such a
statement itself: SQLAlchemy compiles it once per set of parameter names, and the SQL text, the
order of its parameters and SQLAlchemy's own bind and result processors for its columns (JSON,
UTC datetimes, Decimal points) are kept, so values are converted exactly as SQLAlchemy would.
The statement runs on the transaction's own connection (inside the transaction SQLAlchemy
began), inline, or in a worker thread when it meets a lock or runs long, as every statement on
that connection does. Driver errors come out as SQLAlchemy's (``OperationalError``,
``IntegrityError``), so the layers above see one kind of error.

Only statements that compile to plain positional SQL qualify: none with Python-side column
defaults evaluated per execution, expanding ``IN`` parameters or escaped parameter names;
:func:`execute` returns ``None`` for the others and the caller runs them through SQLAlchemy.
PostgreSQL keeps SQLAlchemy's execution: asyncpg's round trip outweighs the overhead there,
and SQLAlchemy's asyncpg adapter starts its transaction lazily at the first statement.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy import Executable
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from storage.sqlite_loop import LoopConnection

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Plan:
    """One statement compiled for one set of parameter names."""

    sql: str
    names: tuple[str, ...]
    """The parameter name at each position (a name may repeat)."""
    constants: Mapping[str, Any]
    """Values of the statement's own literals (``id = 1``), bind-processed once."""
    binds: tuple[Processor, ...]
    row: type[tuple[Any, ...]] | None
    """A named tuple of the result columns (``None``: no rows come back)."""
    results: tuple[Processor, ...]
    is_select: bool


class StatementResult(Protocol):
    """What the hot path reads of a statement's result: SQLAlchemy's ``CursorResult`` and
    :class:`DriverResult` both are one."""

    @property
    def rowcount(self) -> int: ...

    def all(self) -> Sequence[Any]: ...

    def first(self) -> Any: ...

    def scalar(self) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...


class DriverResult:
    """The rows of one statement (already fetched) and its row count: the subset of
    SQLAlchemy's result the repositories use."""

    __slots__ = ("rowcount", "rows")

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self.rows = rows
        self.rowcount = rowcount

    def all(self) -> list[Any]:
        return self.rows

    def first(self) -> Any:
        return self.rows[0] if self.rows else None

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)


_PLANS: dict[tuple[Executable, frozenset[str]], _Plan | None] = {}


def _compile(stmt: Executable, dialect: Dialect, names: frozenset[str]) -> _Plan | None:
    compiled = cast(ClauseElement, stmt).compile(dialect=dialect, column_keys=sorted(names))
    if not isinstance(compiled, SQLCompiler) or not compiled.positional:
        return None
    if (
        compiled.insert_prefetch
        or compiled.update_prefetch
        or compiled.literal_execute_params
        or compiled.post_compile_params
        or compiled.escaped_bind_names
    ):
        return None
    order = tuple(compiled.positiontup or ())
    processors = cast(dict[str, Processor], compiled._bind_processors)  # one callable per name
    constants = {}
    for name in set(order) - names:
        value = compiled.binds[name].effective_value
        proc = processors.get(name)
        constants[name] = proc(value) if proc else value
    keys = [rc[0] for rc in compiled._result_columns]
    if len(set(keys)) != len(keys) or not all(k.isidentifier() for k in keys):
        return None
    row = collections.namedtuple("DriverRow", keys) if keys else None
    return _Plan(
        sql=compiled.string,
        names=order,
        constants=constants,
        binds=tuple(None if n in constants else processors.get(n) for n in order),
        row=row,
        results=tuple(
            rc[3]._cached_result_processor(dialect, None) for rc in compiled._result_columns
        ),
        is_select=not (compiled.isinsert or compiled.isupdate or compiled.isdelete),
    )


def _plan(stmt: Executable, dialect: Dialect, params: Mapping[str, Any]) -> _Plan | None:
    key = (stmt, frozenset(params))
    try:
        return _PLANS[key]
    except KeyError:
        plan = _PLANS[key] = _compile(stmt, dialect, key[1])
        return plan


async def execute(
    sa_connection: Connection, stmt: Executable, params: Mapping[str, Any]
) -> DriverResult | None:
    """Run ``stmt`` with ``params`` on the loop-thread SQLite connection under
    ``sa_connection`` (see the module docstring); ``None`` when the statement does not
    qualify and must go through SQLAlchemy.  SQLAlchemy's ``before_cursor_execute`` and
    ``after_cursor_execute`` listeners see it as any other statement (logging, counting)."""
    plan = _plan(stmt, sa_connection.dialect, params)
    if plan is None:
        return None
    args = _arguments(plan, params)
    connection = cast(LoopConnection, sa_connection.connection.dbapi_connection)
    cursor = connection.raw.cursor()
    listened = sa_connection._has_events or sa_connection.engine._has_events
    if listened:
        sa_connection.dispatch.before_cursor_execute(
            sa_connection, cursor, plan.sql, args, None, False
        )

    def step() -> DriverResult:
        cursor.execute(plan.sql, args)
        fetched = cursor.fetchall() if cursor.description else []
        return DriverResult(_rows(plan, fetched), cursor.rowcount)

    try:
        result = await connection.run_async(step, interruptible=plan.is_select)
    except sqlite3.Error as e:
        raise DBAPIError.instance(plan.sql, args, e, sqlite3.Error) from e
    finally:
        cursor.close()
    if listened:
        sa_connection.dispatch.after_cursor_execute(
            sa_connection, cursor, plan.sql, args, None, False
        )
    return result


def _arguments(plan: _Plan, params: Mapping[str, Any]) -> list[Any]:
    constants = plan.constants
    out = []
    for name, proc in zip(plan.names, plan.binds, strict=True):
        if name in constants:
            out.append(constants[name])
        else:
            value = params[name]
            out.append(proc(value) if proc is not None else value)
    return out


def _rows(plan: _Plan, fetched: Sequence[Any]) -> list[Any]:
    if plan.row is None or not fetched:
        return []
    make = plan.row._make  # type: ignore[attr-defined]
    procs = plan.results
    if not any(procs):
        return [make(r) for r in fetched]
    return [
        make([p(v) if p is not None else v for p, v in zip(procs, r, strict=True)]) for r in fetched
    ]
