"""Due dates as an appraiser types them (issue 16, finding 10): "15/12", "15/12/2024" and
"thứ sáu tuần sau" all name a day; anything else is refused with the text quoted back."""

from __future__ import annotations

from datetime import date

import pytest

from conversations.due_dates import parse_due
from scoring.answers import AnswerError

TODAY = date(2024, 12, 4)  # a Wednesday


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15/12", date(2024, 12, 15)),
        ("15/12/2024", date(2024, 12, 15)),
        ("15-12-2024", date(2024, 12, 15)),
        ("2/1", date(2025, 1, 2)),  # already past this year: next year's
        ("4/12", date(2024, 12, 4)),  # today itself
        ("thứ sáu tuần sau", date(2024, 12, 13)),
        ("Thứ 6 tuần sau", date(2024, 12, 13)),
        ("thu sau tuan toi", date(2024, 12, 13)),
        ("thứ sáu", date(2024, 12, 6)),
        ("thứ tư", date(2024, 12, 11)),  # today is Wednesday: the next one
        ("next friday", date(2024, 12, 13)),
        ("chủ nhật tuần sau", date(2024, 12, 15)),
        ("ngày mai", date(2024, 12, 5)),
    ],
)
def test_typed_due_dates(typed: str, expected: date) -> None:
    assert parse_due(typed, TODAY) == expected


@pytest.mark.parametrize("typed", ["31/2", "32/13/2024", "sớm nhất có thể", "thứ tám", ""])
def test_what_is_not_a_date_is_refused(typed: str) -> None:
    with pytest.raises(AnswerError):
        parse_due(typed, TODAY)
