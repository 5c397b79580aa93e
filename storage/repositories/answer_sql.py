"""An answer's save and its history row as one PostgreSQL statement, and the same as the
connection's named statement for COMMIT.

:meth:`AnswerRepository.save_seen` writes the answer (an INSERT unless the row exists, or an
UPDATE only of the version it read) and its history row in one data-modifying ``WITH``
(:func:`saved_with_history`): one round trip instead of two.  Where it can, it keeps the
guarded form (``parbot_answer_new``, ``parbot_answer_seen``, prepared from the same
statement by ``storage.pg_statements``) to go with the update's last write and COMMIT in one
simple query: an officer's answer then costs three round trips (claim, read, write +
COMMIT) instead of four.  When the row was created or changed since it was read, PostgreSQL
skips the COMMIT and the update is handled again (:mod:`conversations.engine`), reading the
row afresh."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import CTE, Executable, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql

from storage.models import Answer, AnswerHistory
from storage.pg_statements import guarded, named
from storage.repositories.base import table_of
from storage.repositories.rows import AnswerRow
from storage.sql_literals import (
    int_literal,
    json_literal,
    numeric_literal,
    text_literal,
    timestamp_literal,
    word_literal,
)

_ANSWER_FIELDS = ("value", "points", "updated_by", "updated_at", "source", "version")
_HISTORY_FIELDS = (
    "unit_id",
    "item_id",
    "old_value",
    "new_value",
    "old_points",
    "new_points",
    "changed_by",
    "changed_at",
    "reason",
    "source",
)
_LITERALS: dict[str, Callable[[Any], str]] = {
    "unit_id": int_literal,
    "item_id": int_literal,
    "value": json_literal,
    "old_value": json_literal,
    "new_value": json_literal,
    "points": numeric_literal,
    "old_points": numeric_literal,
    "new_points": numeric_literal,
    "updated_by": int_literal,
    "changed_by": int_literal,
    "updated_at": timestamp_literal,
    "changed_at": timestamp_literal,
    "source": word_literal,
    "version": int_literal,
    "reason": text_literal,
}
"""How each column's value is written into a simple query (``storage.sql_literals``)."""


def _saved_and_history(new: bool) -> tuple[CTE, CTE]:
    """``saved AS (INSERT … ON CONFLICT DO NOTHING | UPDATE … WHERE version = seen RETURNING
    id)`` and ``history AS (INSERT INTO answer_history SELECT … FROM saved)``: the history
    row is written only if the answer was.  Parameters: ``a_<answer column>``,
    ``h_<history column>``, and (``new`` False) ``seen_id``/``seen_version``."""
    t, h = table_of(Answer), table_of(AnswerHistory)
    columns = _ANSWER_FIELDS + (("unit_id", "item_id") if new else ())
    fields = {c: bindparam(f"a_{c}", type_=t.c[c].type) for c in columns}
    dml: Any
    if new:
        dml = postgresql.insert(t).values(fields)
        dml = dml.on_conflict_do_nothing(index_elements=["unit_id", "item_id"])
    else:
        seen = (t.c.id == bindparam("seen_id")) & (t.c.version == bindparam("seen_version"))
        dml = update(t).where(seen).values(fields)
    saved = dml.returning(t.c.id).cte("saved")
    row = select(*[bindparam(f"h_{c}", type_=h.c[c].type) for c in _HISTORY_FIELDS])
    history = insert(h).from_select(list(_HISTORY_FIELDS), row.select_from(saved)).cte("history")
    return saved, history


@functools.cache
def saved_with_history(new: bool) -> Executable:
    """The answer and its history in one statement; the saved answer's id comes back, no row
    (and no history written) when the answer was not (created or changed meanwhile)."""
    saved, history = _saved_and_history(new)
    return select(saved.c.id).add_cte(history)


_NAMED = {
    new: named(name, guarded(*_saved_and_history(new)))
    for new, name in (
        (True, "parbot_answer_new"),
        (False, "parbot_answer_seen"),
    )
}


def parameters(
    before: AnswerRow | None,
    unit_id: int,
    item_id: int,
    answer: Mapping[str, Any],
    history: Mapping[str, Any],
) -> dict[str, Any]:
    """The parameters of :func:`saved_with_history` (``before`` None: a new answer)."""
    params = {f"a_{k}": v for k, v in answer.items()} | {f"h_{k}": v for k, v in history.items()}
    if before is None:
        return params | {"a_unit_id": unit_id, "a_item_id": item_id}
    return params | {"seen_id": before.id, "seen_version": before.version}


def answer_with_commit_sql(
    before: AnswerRow | None,
    unit_id: int,
    item_id: int,
    answer: Mapping[str, Any],
    history: Mapping[str, Any],
) -> str | None:
    """The guarded statement's ``EXECUTE``: with ``before`` None it inserts ``answer`` unless
    the row exists; else it updates ``before``'s row only if it is still that version.  None
    where it cannot be written this way (then the caller runs :func:`saved_with_history`):
    a value that is not a safe literal, or ``before`` written in this update already (its id
    is not known yet)."""
    if before is not None and before.id is None:
        return None
    params = parameters(before, unit_id, item_id, answer, history)
    try:
        arguments = {
            name: int_literal(value) if name.startswith("seen_") else _LITERALS[name[2:]](value)
            for name, value in params.items()
        }
    except (ValueError, TypeError):  # not a safe literal
        return None
    return _NAMED[before is None].execute_sql(arguments)
