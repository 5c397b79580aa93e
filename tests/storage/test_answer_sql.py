"""The answer's save written for PostgreSQL's COMMIT (storage/repositories/answer_sql.py):
only values that are safe literals get into it; anything else is left to the prepared path."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from storage.repositories.answer_sql import answer_with_commit_sql
from storage.repositories.rows import AnswerRow

AT = datetime(2024, 3, 16, 8, 30, tzinfo=UTC)


def _change(**answer: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    row = {"value": {"option": "a"}, "points": Decimal("0.5"), "updated_by": 7}
    row |= {"updated_at": AT, "source": "chat", "version": 2} | answer
    history = {"old_value": {"option": "b"}, "old_points": Decimal(0), "reason": None}
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
    assert seen.endswith(", 'chat', 40, 1)")  # the row read and its version


def test_what_cannot_be_written_as_a_literal_is_left_to_the_prepared_path() -> None:
    row, history = _change()
    assert answer_with_commit_sql(_before(None), 1, 2, row, history) is None  # id not known
    assert answer_with_commit_sql(None, 1, 2, row, history | {"reason": "free text"}) is None
    assert answer_with_commit_sql(None, 1, 2, row, history | {"new_value": {"x": 1}}) is None
    for hostile in (
        {"points": 0.5},  # a float, not a Decimal
        {"points": Decimal("NaN")},
        {"source": "chat'); DROP TABLE answers; --"},
        {"updated_at": datetime(2024, 3, 16)},  # naive
        {"version": "2"},
    ):
        bad_row, bad_history = _change(**hostile)
        assert answer_with_commit_sql(None, 1, 2, bad_row, bad_history) is None, hostile
