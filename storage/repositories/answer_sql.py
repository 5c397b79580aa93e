"""An answer's save and its history row as the connection's named statement, for PostgreSQL's
COMMIT.

:meth:`AnswerRepository.save_seen` keeps this ``EXECUTE`` to go with the update's last write
and COMMIT in one simple query (no parameters there): an officer's answer then costs three
round trips (claim, read, write + COMMIT) instead of four.  The statements
(``parbot_answer_new``, ``parbot_answer_seen`` in ``storage.pg_statements``) are the prepared
``WITH saved AS (…), history AS (…)`` of ``answers._saved_with_history``, guarded: when the
row was created or changed since it was read, PostgreSQL skips the COMMIT and the update is
handled again (:mod:`conversations.engine`), reading the row afresh."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from storage.pg_statements import execute_sql
from storage.repositories.rows import AnswerRow
from storage.sql_literals import (
    int_literal,
    json_literal,
    numeric_literal,
    timestamp_literal,
    word_literal,
)


def answer_with_commit_sql(
    before: AnswerRow | None,
    unit_id: int,
    item_id: int,
    answer: Mapping[str, Any],
    history: Mapping[str, Any],
) -> str | None:
    """The guarded statement: with ``before`` None it inserts ``answer`` unless the row
    exists; else it updates ``before``'s row only if it is still that version.  The history
    row is written only with the answer.  None where it cannot be written this way (then the
    caller runs the prepared statement): a value that is not a safe literal, a reason (free
    text), or ``before`` written in this update already (its id is not known yet)."""
    if before is not None and before.id is None:
        return None
    new = (history["new_value"], history["new_points"], history["changed_by"])
    if history["reason"] is not None or (*new, history["changed_at"]) != (
        answer["value"],
        answer["points"],
        answer["updated_by"],
        answer["updated_at"],
    ):  # the statement writes the answer's own values into its history row, and no reason
        return None
    try:
        arguments = [
            int_literal(unit_id),
            int_literal(item_id),
            json_literal(answer["value"]),
            numeric_literal(answer["points"]),
            int_literal(answer["updated_by"]),
            timestamp_literal(answer["updated_at"]),
            word_literal(answer["source"]),
            int_literal(answer["version"]),
            json_literal(history["old_value"]),
            numeric_literal(history["old_points"]),
            word_literal(history["source"]),
        ]
        if before is not None:
            arguments += [int_literal(before.id), int_literal(before.version)]
    except ValueError:  # not a safe literal
        return None
    return execute_sql("parbot_answer_new" if before is None else "parbot_answer_seen", arguments)
