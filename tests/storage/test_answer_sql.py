"""The answer's save written for PostgreSQL's COMMIT (storage/repositories/answer_sql.py):
only values that are safe literals get into it; anything else is left to the prepared path."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import column, literal_column, table, update
from sqlalchemy.dialects import postgresql

from storage import pg_statements
from storage.repositories.answer_sql import answer_with_commit_sql, saved_with_history
from storage.repositories.rows import AnswerRow

AT = datetime(2024, 3, 16, 8, 30, tzinfo=UTC)


def _change(**answer: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    row = {"value": {"option": "a"}, "points": Decimal("0.5"), "updated_by": 7}
    row |= {"updated_at": AT, "source": "chat", "version": 2} | answer
    history = {"unit_id": 1, "item_id": 2, "reason": None}
    history |= {"old_value": {"option": "b"}, "old_points": Decimal(0)}
    history |= {"new_value": row["value"], "new_points": row["points"]}
    history |= {"changed_by": row["updated_by"], "changed_at": AT, "source": "chat"}
    return row, history


def _before(answer_id: int | None) -> AnswerRow:
    return AnswerRow(answer_id, 1, 2, {"option": "b"}, Decimal(0), 7, AT, "chat", 1)


def test_a_new_and_a_seen_answer_execute_their_named_statements() -> None:
    row, history = _change()
    new = answer_with_commit_sql(None, 1, 2, row, history)
    assert new is not None and new.startswith("EXECUTE parbot_answer_new(1, 2, $w$")
    seen = answer_with_commit_sql(_before(40), 1, 2, row, history)
    assert seen is not None and seen.startswith("EXECUTE parbot_answer_seen(")
    assert ", 40, 1, " in seen  # the row read and its version


def test_what_cannot_be_written_as_a_literal_is_left_to_the_prepared_path() -> None:
    row, history = _change()
    assert answer_with_commit_sql(_before(None), 1, 2, row, history) is None  # id not known
    for hostile in (
        {"points": 0.5},  # a float, not a Decimal
        {"points": Decimal("NaN")},
        {"source": "chat'); DROP TABLE answers; --"},
        {"updated_at": datetime(2024, 3, 16)},  # naive
        {"version": "2"},
    ):
        bad_row, bad_history = _change(**hostile)
        assert answer_with_commit_sql(None, 1, 2, bad_row, bad_history) is None, hostile


def test_every_parameter_of_the_named_statement_is_given_and_free_text_is_quoted() -> None:
    row, history = _change()
    reason = "$w$'); DROP TABLE answers; --"
    sql = answer_with_commit_sql(_before(40), 1, 2, row, history | {"reason": reason})
    assert sql is not None and f"$ww${reason}$ww$" in sql
    assert sql.count(",") == 17 + reason.count(",")  # 18 arguments, one per parameter


def test_a_named_statement_is_its_repositorys_statement_compiled_for_asyncpg() -> None:
    """One source: the guarded body prepared on each connection is the ordinary path's
    statement up to its last SELECT (which only counts what was written); the parameters are
    numbered in another order, and EXECUTE passes them by name."""
    bodies = {n.name: n.body for n in pg_statements.registered()}
    for new, name in ((True, "parbot_answer_new"), (False, "parbot_answer_seen")):
        ordinary = str(saved_with_history(new).compile(dialect=postgresql.asyncpg.dialect()))
        named, plain = (re.sub(r"\$\d+", "$n", sql) for sql in (bodies[name], ordinary))
        assert named.split(" SELECT 1 / ")[0] == plain.split(" SELECT saved.id")[0]
    t = table("t", column("n"))
    with pytest.raises(ValueError, match="values of their own"):  # EXECUTE would repeat them
        pg_statements.named("parbot_test", update(t).values(n=t.c.n + 1))
    with pytest.raises(ValueError, match="another statement"):
        pg_statements.named("parbot_state", update(t).values(n=literal_column("1")))
