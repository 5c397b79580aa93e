"""Which text typed at an open card is a question about the plan (answered, the card still
waiting) and which is the thing awaited (an explanation is a statement, even one that
mentions a deadline)."""

from __future__ import annotations

import pytest

from conversations.walk_input import asks, numeric_text


@pytest.mark.parametrize(
    "text",
    [
        "khi nào hết hạn nộp báo cáo?",
        "khi nao het han nop bao cao",  # no diacritics, no question mark: starts asking
        "Hạn chót nộp báo cáo là ngày nào",
        "còn mấy ngày nữa thì hết hạn tự chấm?",
        "When is the self-assessment due?",
    ],
)
def test_questions(text: str) -> None:
    assert asks(text)


@pytest.mark.parametrize(
    "text",
    [
        "Đơn vị đã nộp báo cáo nhưng hết hạn ban hành kế hoạch",
        "Thời hạn ban hành kế hoạch bị chậm do thiếu nhân sự",
        "Hạn nộp báo cáo quý I là ngày 15/3, đơn vị đã nộp ngày 12/3",
        "Hạn chót nộp báo cáo đã được đơn vị thực hiện đúng",
        "Kế hoạch số 12/KH-UBND ngày 10/12/2023",
        "16/12/2023",
        "3",
        "xin chào?",  # a question, but not about the plan
    ],
)
def test_statements_and_answers(text: str) -> None:
    assert not asks(text)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("2 cuộc", "2"),
        ("1.250 hồ sơ", "1.250"),
        ("0,5 điểm", "0,5"),
        ("9 trên 10", "9/10"),
        ("45 / 50 nhiệm vụ", "45/50"),
        ("9 of 10", "9/10"),
        ("2 cuộc 3 lần", "2 cuộc 3 lần"),  # two numbers: left for the parser to refuse
        ("2 hoặc 3", "2 hoặc 3"),
        ("không áp dụng", "không áp dụng"),
        ("90%", "90%"),
    ],
)
def test_numbers_typed_with_words(typed: str, read: str) -> None:
    assert numeric_text(typed) == read
