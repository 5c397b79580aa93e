"""The writes sent with BEGIN or COMMIT, prepared by name on each PostgreSQL connection.

The update's claim goes with BEGIN, and its answer and state writes with COMMIT, each in one
simple query (``storage.prepared_pg``): a simple query takes no parameters, so the values
are written as literals (``storage.sql_literals``). Written out in full, each such statement
is parsed and planned by PostgreSQL on every update; measured 2026-12-08 on the benchmark
machine: the answer's save with its history 187-197 µs of the server's CPU as a full
statement against 113-120 µs as ``EXECUTE`` of a statement prepared once; claim + state
write + COMMIT 383-387 µs against 283-313 µs. So the statements are prepared by name
(SQL ``PREPARE``) once per connection, the first time :func:`storage.prepared_pg.begin_with`
uses it, and the simple queries only ``EXECUTE`` them with literal arguments.

Each named statement is the repository's own SQLAlchemy statement, compiled here by the
asyncpg dialect (its ``$n`` parameters carry their casts, so ``PREPARE`` needs no type
list): the ordinary path (parameters through asyncpg) and the named one cannot drift apart.
A repository registers its statements at import with :func:`named`; importing any part of
``storage`` imports every repository (``storage/__init__.py``), so all are registered before
a connection first prepares them (``tests/storage/test_prepared_pg.py`` checks the four).

Prepared statements belong to the database session, not to a transaction (a rollback keeps
them), and their names (``parbot_…``) never meet asyncpg's own (``__asyncpg_…``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CTE, Select, literal_column, select
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.sql import ClauseElement

PREPARED_KEY = "parbot_statements"
"""Key in a pooled connection's ``info``: True once :func:`prepare_all_sql` ran on it, False
when it failed there (that connection then sends every statement the ordinary way)."""

_DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]


@dataclass(frozen=True, slots=True)
class NamedStatement:
    """A statement prepared as ``name`` on every connection; ``params``: its parameters'
    names in ``$n`` order."""

    name: str
    params: tuple[str, ...]
    body: str

    def execute_sql(self, arguments: Mapping[str, str]) -> str:
        """``EXECUTE name(…)`` with ``arguments`` (parameter name → a literal already
        written by ``storage.sql_literals``); every parameter exactly once."""
        if arguments.keys() != set(self.params):
            missing = set(self.params) - arguments.keys()
            extra = arguments.keys() - set(self.params)
            raise ValueError(f"{self.name}: missing {sorted(missing)}, unknown {sorted(extra)}")
        return f"EXECUTE {self.name}({', '.join(arguments[p] for p in self.params)})"


_NAMED: dict[str, NamedStatement] = {}


def named(name: str, statement: ClauseElement) -> NamedStatement:
    """``statement`` compiled for asyncpg and registered to be prepared as ``name``. Every
    parameter must come from the caller: a value the statement carries itself (``x + 1``
    as a bound parameter) is refused, since EXECUTE would have to repeat it."""
    compiled: Any = statement.compile(dialect=_DIALECT)  # a SQLCompiler
    params = tuple(compiled.positiontup or ())
    carried = [p for p in params if compiled.binds[p].value is not None]
    if carried:
        raise ValueError(f"{name}: parameters with values of their own {carried}")
    found = NamedStatement(name, params, compiled.string)
    if _NAMED.setdefault(name, found) != found:
        raise ValueError(f"{name} is registered with another statement")
    return found


def guarded(write: CTE, *also: CTE) -> Select[tuple[int]]:
    """The data-modifying ``write`` (a CTE whose statement RETURNs its rows) as one statement
    that fails when it wrote no row: sent with COMMIT in one simple query, PostgreSQL then
    skips the COMMIT, and :func:`storage.prepared_pg.commit` rolls back and raises
    ``GuardFailed``.  The failure is a division by the number of rows written (a constant
    1/0 would be folded at plan time).  ``also``: more data-modifying CTEs of the same
    ``WITH`` (the answer's history row reads the saved answer)."""
    count = f"1 / (SELECT count(*)::int FROM {write.name})"
    return select(literal_column(count)).add_cte(write, *also)


def prepare_all_sql() -> str:
    """One simple query that prepares every registered statement."""
    return "; ".join(f"PREPARE {n.name} AS {n.body}" for n in _NAMED.values())


def registered() -> tuple[NamedStatement, ...]:
    return tuple(_NAMED.values())
