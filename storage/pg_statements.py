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

Prepared statements belong to the database session, not to a transaction (a rollback keeps
them), and their names (``parbot_…``) never meet asyncpg's own (``__asyncpg_…``)."""

from __future__ import annotations

from collections.abc import Sequence

PREPARED_KEY = "parbot_statements"
"""Key in a pooled connection's ``info``: True once :data:`PREPARE_ALL` ran on it, False
when it failed there (that connection then sends every statement the ordinary way)."""


def guarded_write_sql(write: str, *also: str) -> str:
    """``write`` (an INSERT/UPDATE … RETURNING) as one statement that fails when it matched
    no row: sent with COMMIT in one simple query, PostgreSQL then skips the COMMIT, and
    :func:`storage.prepared_pg.commit` rolls back and raises ``GuardFailed``.  The failure is
    a division by the number of rows written (a constant 1/0 would be folded at plan time).
    ``also``: more data-modifying ``name AS (…)`` parts of the same ``WITH``, which may read
    what ``write`` returned as ``written`` (the answer's history row reads the saved answer)."""
    parts = ", ".join((f"written AS ({write})", *also))
    return f"WITH {parts} SELECT 1 / (SELECT count(*)::int FROM written)"


_ANSWER_TYPES = ("int", "int", "json", "numeric", "int", "timestamptz", "text", "int")
"""unit, item, value, points, by, at, source, version: the answer's columns, in this order."""
_HISTORY_TYPES = ("json", "numeric", "text")
"""old value, old points, the history's source ($9-$11); the new ones are the answer's."""
_HISTORY = (
    "history AS (INSERT INTO answer_history (unit_id, item_id, old_value, new_value, "
    "old_points, new_points, changed_by, changed_at, reason, source) "
    "SELECT $1, $2, $9, $3, $10, $4, $5, $6, NULL, $11 FROM written)"
)

STATEMENTS: dict[str, tuple[tuple[str, ...], str]] = {
    "parbot_claim": (
        ("int", "int", "bigint", "timestamptz"),
        "WITH fence AS (SELECT pg_advisory_xact_lock($1, $2) AS held) "
        "INSERT INTO processed_updates (update_id, processed_at) SELECT $3, $4 FROM fence "
        "ON CONFLICT (update_id) DO NOTHING",
    ),
    "parbot_state": (
        ("json", "timestamptz", "int", "int"),
        guarded_write_sql(
            "UPDATE conversation_state SET state = $1, updated_at = $2, version = version + 1 "
            "WHERE person_id = $3 AND version = $4 RETURNING 1"
        ),
    ),
    "parbot_answer_new": (
        _ANSWER_TYPES + _HISTORY_TYPES,
        guarded_write_sql(
            "INSERT INTO answers (unit_id, item_id, value, points, updated_by, updated_at, "
            "source, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            "ON CONFLICT (unit_id, item_id) DO NOTHING RETURNING id",
            _HISTORY,
        ),
    ),
    "parbot_answer_seen": (
        (*_ANSWER_TYPES, *_HISTORY_TYPES, "int", "int"),
        guarded_write_sql(
            "UPDATE answers SET value = $3, points = $4, updated_by = $5, updated_at = $6, "
            "source = $7, version = $8 WHERE id = $12 AND version = $13 "
            "AND unit_id = $1 AND item_id = $2 RETURNING id",
            _HISTORY,
        ),
    ),
}
"""name → (parameter types, statement)."""

PREPARE_ALL = "; ".join(
    f"PREPARE {name} ({', '.join(types)}) AS {sql}" for name, (types, sql) in STATEMENTS.items()
)


def execute_sql(name: str, arguments: Sequence[str]) -> str:
    """``EXECUTE name(…)`` with ``arguments`` already written as literals
    (``storage.sql_literals``); their number is checked against the statement's."""
    types, _ = STATEMENTS[name]
    if len(arguments) != len(types):
        raise ValueError(f"{name} takes {len(types)} arguments, got {len(arguments)}")
    return f"EXECUTE {name}({', '.join(arguments)})"
