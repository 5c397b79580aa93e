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

:func:`execute_many` runs one write for thousands of parameter sets the same way (the cold
ranking's stored summaries), and :func:`start` starts a long read in a worker thread for a
caller that works on meanwhile (the cold ranking's grouped answers).

Only statements that compile to plain positional SQL qualify: none with Python-side column
defaults evaluated per execution, expanding ``IN`` parameters or escaped parameter names;
:func:`execute` returns ``None`` for the others and the caller runs them through SQLAlchemy.
On PostgreSQL :mod:`storage.prepared_pg` runs the same plans on asyncpg.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from typing import Any, Protocol, cast

from sqlalchemy import Executable
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import TypeEngine

from storage.sqlite_loop import INLINE_MANY_ROWS, LoopConnection

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class Plan:
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
    """SQLAlchemy's result processor of each column (SQLite; PostgreSQL's depend on the
    column types the server reports, :mod:`storage.prepared_pg` makes them per statement)."""
    result_types: tuple[TypeEngine[Any], ...]
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


_PLANS: dict[tuple[Executable, type[Dialect], frozenset[str]], Plan | None] = {}
"""Plans by statement, dialect (SQLite and PostgreSQL compile one statement differently) and
parameter names."""


def _compile(stmt: Executable, dialect: Dialect, names: frozenset[str]) -> Plan | None:
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
    return Plan(
        sql=compiled.string,
        names=order,
        constants=constants,
        binds=tuple(None if n in constants else processors.get(n) for n in order),
        row=row,
        results=tuple(
            rc[3]._cached_result_processor(dialect, None) for rc in compiled._result_columns
        )
        if dialect.name == "sqlite"
        else (),
        result_types=tuple(rc[3] for rc in compiled._result_columns),
        is_select=not (compiled.isinsert or compiled.isupdate or compiled.isdelete),
    )


def plan_for(stmt: Executable, dialect: Dialect, params: Mapping[str, Any]) -> Plan | None:
    key = (stmt, type(dialect), frozenset(params))
    try:
        return _PLANS[key]
    except KeyError:
        plan = _PLANS[key] = _compile(stmt, dialect, key[2])
        return plan


class _Run:
    """One statement on the loop-thread connection under ``sa`` (what :func:`execute`,
    :func:`start` and :func:`execute_many` share): its cursor, SQLAlchemy's cursor listeners
    around it, driver errors as SQLAlchemy's."""

    def __init__(self, sa: Connection, plan: Plan, args: Any, many: bool = False) -> None:
        self.sa, self.plan, self.args, self.many = sa, plan, args, many
        self.connection = cast(LoopConnection, sa.connection.dbapi_connection)
        self.cursor = self.connection.raw.cursor()
        self.listened = sa._has_events or sa.engine._has_events
        if self.listened:
            sa.dispatch.before_cursor_execute(sa, self.cursor, plan.sql, args, None, many)

    def step(self) -> DriverResult:
        """Run it and fetch its rows (in whichever thread the connection runs it)."""
        cursor = self.cursor
        if self.many:
            cursor.executemany(self.plan.sql, self.args)
        else:
            cursor.execute(self.plan.sql, self.args)
        if self.plan.row is None and cursor.description:  # rolled back with the unit of work
            raise TypeError(f"rows from a statement that declares no columns: {self.plan.sql[:80]}")
        fetched = cursor.fetchall() if cursor.description else []
        return DriverResult(rows(self.plan, fetched, self.plan.results), cursor.rowcount)

    async def finish(self, running: Awaitable[DriverResult]) -> DriverResult:
        """Await ``running`` (the connection running :meth:`step`), then tell the listeners."""
        sa, plan = self.sa, self.plan
        try:
            result = await running
        except sqlite3.Error as e:
            raise DBAPIError.instance(plan.sql, self.args, e, sqlite3.Error) from e
        finally:
            self.cursor.close()
        if self.listened:
            sa.dispatch.after_cursor_execute(sa, self.cursor, plan.sql, self.args, None, self.many)
        return result


async def execute(
    sa_connection: Connection, stmt: Executable, params: Mapping[str, Any]
) -> DriverResult | None:
    """Run ``stmt`` with ``params`` on the loop-thread SQLite connection under
    ``sa_connection`` (see the module docstring); ``None`` when the statement does not
    qualify and must go through SQLAlchemy.  SQLAlchemy's ``before_cursor_execute`` and
    ``after_cursor_execute`` listeners see it as any other statement (logging, counting)."""
    plan = plan_for(stmt, sa_connection.dialect, params)
    if plan is None:
        return None
    run = _Run(sa_connection, plan, arguments(plan, params))
    return await run.finish(run.connection.run_async(run.step, interruptible=plan.is_select))


def start(
    sa_connection: Connection, stmt: Executable, params: Mapping[str, Any]
) -> Awaitable[DriverResult] | None:
    """Start the long read ``stmt`` in a worker thread on the connection under
    ``sa_connection`` and return what awaits its result, so that the caller works on while
    SQLite reads (:meth:`storage.sqlite_loop.LoopConnection.start_in_thread`); otherwise as
    :func:`execute`.  The caller must await it before the connection is used again; ``None``
    when the statement does not qualify (nothing was started)."""
    plan = plan_for(stmt, sa_connection.dialect, params)
    if plan is None or not plan.is_select:
        return None
    run = _Run(sa_connection, plan, arguments(plan, params))
    return run.finish(run.connection.start_in_thread(run.step))


async def execute_many(
    sa_connection: Connection, stmt: Executable, rows: Sequence[Mapping[str, Any]]
) -> bool:
    """Run the write ``stmt`` once per parameter set of ``rows`` (all with the same names) as
    one ``executemany`` on the loop-thread SQLite connection, as :func:`execute` runs one:
    SQLAlchemy's bind processors per value, the transaction SQLAlchemy began, its errors and
    cursor listeners (told it is an executemany).  Through SQLAlchemy each row's parameters
    cost tens of µs of per-row handling (5,000 stored summaries: ≈ 45 ms); here a few.  More
    than :data:`storage.sqlite_loop.INLINE_MANY_ROWS` rows run in a worker thread, as every
    bulk write on that connection does.  ``False`` when the statement does not qualify (or
    the rows' names differ) and must go through SQLAlchemy; nothing was run then."""
    if not rows:
        return True
    names = frozenset(rows[0])
    plan = plan_for(stmt, sa_connection.dialect, rows[0])
    if plan is None or plan.is_select or any(frozenset(r) != names for r in rows):
        return False
    run = _Run(sa_connection, plan, _many_arguments(plan, rows), many=True)
    await run.finish(run.connection.run_async(run.step, offload=len(rows) > INLINE_MANY_ROWS))
    return True


VALUES_ROWS = 512
"""Rows per statement of :func:`start_values` (fewer where SQLite allows fewer parameters):
one statement shape, compiled once by SQLite (≈ 0.5 MB of it cached per connection)."""


def start_values(
    sa_connection: Connection, stmt: Executable, columns: Mapping[str, Sequence[Any]]
) -> Awaitable[DriverResult] | None:
    """Start the one-row upsert ``stmt`` for every row of ``columns`` (each parameter's values,
    all of one length: thousands of rows cost no mapping each) in a worker thread, as
    ``INSERT … VALUES (…), (…), …`` statements of :data:`VALUES_ROWS` rows, and return what
    awaits their end: the caller works on meanwhile and must await it before the connection
    is used again.  ``None`` when the statement does not qualify (nothing was started).

    Why not :func:`execute_many` in a thread: ``executemany`` takes the GIL back for every row,
    and while the loop thread runs Python each time waits for the interpreter's switch
    interval (5,000 rows behind 40 ms of Python: measured 70 ms instead of 9); a statement of
    many rows releases it once for all of them.  The last statement is filled up with copies
    of its last row, so that one statement shape serves every call: only for a statement that
    applies a row twice as once (an upsert whose update writes the row's own values)."""
    lengths = {len(values) for values in columns.values()}
    if len(lengths) != 1 or not (n := lengths.pop()):
        return None
    plan = plan_for(stmt, sa_connection.dialect, columns)
    if plan is None:
        return None
    connection = cast(LoopConnection, sa_connection.connection.dbapi_connection)
    limit = connection.raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = min(VALUES_ROWS, limit // max(len(plan.names), 1))
    multi = _values_plan(plan, per) if per > 1 else None
    if multi is None:
        return None
    one = _column_arguments(plan, columns, n)
    one += [one[-1]] * (-len(one) % per)  # the last statement filled up (see above)
    args = [tuple(chain.from_iterable(one[i : i + per])) for i in range(0, len(one), per)]
    run = _Run(sa_connection, multi, args, many=True)
    return run.finish(connection.start_in_thread(run.step))


_VALUES_PLANS: dict[tuple[int, int], tuple[Plan, Plan | None]] = {}
"""By the one-row plan's id (plans live as long as :data:`_PLANS`; the plan is kept beside
its multi-row form, so the id cannot be reused) and the rows per statement."""


def _values_plan(plan: Plan, per: int) -> Plan | None:
    """``plan`` (an ``INSERT … VALUES (?, …)`` of one row, nothing returned) with ``per``
    rows of values; ``None`` when its SQL is not of that form."""
    key = (id(plan), per)
    if key in _VALUES_PLANS:
        return _VALUES_PLANS[key][1]
    one = "VALUES (" + ", ".join("?" * len(plan.names)) + ")"
    multi = None
    if (
        plan.row is None
        and not plan.is_select
        and plan.sql.count("?") == len(plan.names)
        and plan.sql.count(one) == 1
    ):
        group = "(" + ",".join("?" * len(plan.names)) + ")"
        sql = plan.sql.replace(one, "VALUES " + ",".join([group] * per))
        multi = replace(plan, sql=sql, names=plan.names * per, binds=plan.binds * per)
    _VALUES_PLANS[key] = (plan, multi)
    return multi


def arguments(plan: Plan, params: Mapping[str, Any]) -> list[Any]:
    constants = plan.constants
    out = []
    for name, proc in zip(plan.names, plan.binds, strict=True):
        if name in constants:
            out.append(constants[name])
        else:
            value = params[name]
            out.append(proc(value) if proc is not None else value)
    return out


def _many_arguments(plan: Plan, rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """:func:`_arguments` of every row (see :func:`_column_arguments`)."""
    names = set(plan.names) - set(plan.constants)
    return _column_arguments(plan, {n: [r[n] for r in rows] for n in names}, len(rows))


def _column_arguments(
    plan: Plan, given: Mapping[str, Sequence[Any]], n: int
) -> list[tuple[Any, ...]]:
    """The arguments of ``n`` rows given column by column: a value that is the very object the
    row before had (a timestamp or hash shared by all rows) is bind-processed once."""
    columns: list[Sequence[Any]] = []
    for name, proc in zip(plan.names, plan.binds, strict=True):
        if name in plan.constants:
            columns.append([plan.constants[name]] * n)
            continue
        values = given[name]
        if proc is not None:
            out, last, done = [], _NOTHING, None
            for value in values:
                if value is not last:
                    last, done = value, proc(value)
                out.append(done)
            values = out
        columns.append(values)
    return list(zip(*columns, strict=True))


_NOTHING: Any = object()


def rows(plan: Plan, fetched: Sequence[Any], procs: Sequence[Processor]) -> list[Any]:
    """The fetched driver rows as the plan's named tuples, each column through its result
    processor (``procs``: :attr:`Plan.results` on SQLite)."""
    if plan.row is None or not fetched:
        return []
    make = plan.row._make  # type: ignore[attr-defined]
    if not any(procs):
        return [make(r) for r in fetched]
    return [
        make([p(v) if p is not None else v for p, v in zip(procs, r, strict=True)]) for r in fetched
    ]
