"""An answer's save and its history row written with their values, for PostgreSQL's COMMIT.

:meth:`AnswerRepository.save_seen` keeps this statement to go with the update's last write
and COMMIT in one simple query (no parameters there): an officer's answer then costs three
round trips (claim, read, write + COMMIT) instead of four.  It is the same statement as the
prepared ``WITH saved AS (…), history AS (…)`` of ``answers._saved_with_history``, guarded:
when the row was created or changed since it was read, PostgreSQL skips the COMMIT and the
update is handled again (:mod:`conversations.engine`), reading the row afresh."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from storage.prepared_pg import guarded_write_sql
from storage.sql_literals import (
    NULL,
    int_literal,
    json_literal,
    numeric_literal,
    timestamp_literal,
    word_literal,
)

_RENDER: dict[str, Callable[[Any], str]] = {
    "unit_id": int_literal,
    "item_id": int_literal,
    "value": json_literal,
    "points": numeric_literal,
    "updated_by": int_literal,
    "updated_at": timestamp_literal,
    "source": word_literal,
    "version": int_literal,
    "old_value": json_literal,
    "new_value": json_literal,
    "old_points": numeric_literal,
    "new_points": numeric_literal,
    "changed_by": int_literal,
    "changed_at": timestamp_literal,
    "reason": lambda reason: _null(reason, "a reason is free text: not inlined"),
}


def _null(value: object, why: str) -> str:
    if value is not None:
        raise ValueError(why)
    return NULL


def _values(row: Mapping[str, Any]) -> tuple[str, str]:
    """``(columns, literals)`` of ``row``, each value rendered by its column's renderer."""
    names = list(row)
    literals = [_RENDER[name](row[name]) for name in names]
    return ", ".join(names), ", ".join(literals)


def saved_with_history_sql(
    seen: tuple[int, int] | None, answer: Mapping[str, Any], history: Mapping[str, Any]
) -> str:
    """The guarded statement: ``seen`` None inserts ``answer`` (it holds ``unit_id`` and
    ``item_id``) unless the row exists; ``(id, version)`` updates that row only if it is still
    that version.  The history row is written only with the answer.  Raises ValueError when a
    value cannot be written as a literal (the caller then runs the prepared statement)."""
    if seen is None:
        columns, literals = _values(answer)
        write = (
            f"INSERT INTO answers ({columns}) VALUES ({literals}) "
            "ON CONFLICT (unit_id, item_id) DO NOTHING RETURNING id"
        )
    else:
        sets = ", ".join(f"{name} = {_RENDER[name](value)}" for name, value in answer.items())
        write = (
            f"UPDATE answers SET {sets} WHERE id = {int_literal(seen[0])} "
            f"AND version = {int_literal(seen[1])} RETURNING id"
        )
    h_columns, h_literals = _values(history)
    keep_history = (
        f"history AS (INSERT INTO answer_history ({h_columns}) SELECT {h_literals} FROM written)"
    )
    return guarded_write_sql(write, keep_history)
