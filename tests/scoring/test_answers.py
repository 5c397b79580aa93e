from datetime import date
from decimal import Decimal

import pytest

from scoring.answers import Answer, AnswerError, needs_explanation, parse_answer, score_answer
from scoring.catalog_loader import load_catalog
from tests.scoring.mini_catalog import MINI

CAT = load_catalog(MINI)


def pts(code: str, text: str) -> tuple[Decimal, bool]:
    item = CAT.item(code)
    s = score_answer(item, parse_answer(item, text))
    return s.points, s.applicable


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        ("1.1.1", "co", (Decimal(1), True)),
        ("1.1.1", "Có", (Decimal(1), True)),
        ("1.1.1", "khong", (Decimal(0), True)),
        ("1.1.2", "20/12/2023", (Decimal(1), True)),
        ("1.1.2", "2023-12-21", (Decimal("0.5"), True)),
        ("1.1.2", "chưa", (Decimal(0), True)),
        ("1.2", "Không áp dụng", (Decimal(0), False)),
        ("1.2", "na", (Decimal(0), False)),
        ("1.2", "mot_phan", (Decimal(1), True)),
        ("2.1", "45/50", (Decimal(1), True)),
        ("2.1", "50/50", (Decimal(2), True)),
        ("2.1", "1.250/1.300", (Decimal(1), True)),  # 96,15 %
        ("2.1", "0/0", (Decimal(2), True)),
        ("2.1", "44/50", (Decimal(0), True)),
        ("2.2", "0", (Decimal(1), True)),
        ("2.2", "1", (Decimal("0.5"), True)),
        ("2.2", "7", (Decimal(0), True)),
        ("2.3", "0,75", (Decimal("0.75"), True)),
        ("2.3", "0.5", (Decimal("0.5"), True)),
    ],
)
def test_values_earn_points(code, text, expected):
    assert pts(code, text) == expected


@pytest.mark.parametrize(
    ("code", "text", "reason"),
    [
        ("2.1", "51/50", "cannot exceed the denominator"),
        ("2.1", "-1/50", "cannot be negative"),
        ("2.1", "abc", "numerator/denominator"),
        ("2.2", "ba", "is not a number"),
        ("2.2", "-3", "cannot be negative"),
        ("2.2", "1,5", "whole number"),
        ("2.3", "1.1", "between 0 and 1"),
        ("2.3", "0.3", "multiple of 0.25"),
        ("1.1.2", "31/2/2024", "not a real date"),
        ("1.1.2", "hôm qua", "not a date"),
        ("1.1.1", "na", "does not allow"),
        ("1.1.1", "🙂", "not one of the choices"),
        ("1.1.1", "   ", "empty"),
        ("3.1", "2", "survey"),
        ("1", "co", "group"),
    ],
)
def test_bad_values_are_refused_with_a_reason(code, text, reason):
    with pytest.raises(AnswerError) as err:
        parse_answer(CAT.item(code), text)
    assert reason in str(err.value)


def test_answers_round_trip_through_json():
    for a in [
        Answer(na=True),
        Answer(option="co"),
        Answer(num=Decimal(3), den=Decimal(4)),
        Answer(number=Decimal(2)),
        Answer(on=date(2024, 3, 16)),
        Answer(done=False),
        Answer(points=Decimal("0.75")),
    ]:
        assert Answer.from_json(a.to_json()) == a


def test_claimed_points_without_required_evidence_need_explanation():
    item = CAT.item("1.1.1")
    assert needs_explanation(item, Answer(option="co"), has_evidence=False)
    assert not needs_explanation(item, Answer(option="co"), has_evidence=True)
    assert not needs_explanation(item, Answer(option="khong"), has_evidence=False)
    assert needs_explanation(CAT.item("2.3"), Answer(points=Decimal(0)), has_evidence=True)
