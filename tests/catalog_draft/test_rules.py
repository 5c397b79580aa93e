"""Rule phrasings from real appendices, one by one: the kind and the numbers each one reads as."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from catalog_draft.extras import classification
from catalog_draft.leaf import RuleContext
from catalog_draft.rules import guess


def g(
    rule: str,
    maxp: str = "1",
    section: str = "field",
    title: str = "Tiêu chí",
    year: int | None = 2024,
):
    return guess(rule, RuleContext(D(maxp), section, title, year))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rule", "maxp", "kind"),
    [
        ("Có: điểm tối đa; Không: 0 điểm", "0.75", "choice"),
        ("Đúng quy định: 0,5đ; Không đúng quy định: 0đ", "0.5", "choice"),
        (
            "Đạt từ 95% trở lên: 2 điểm; Đạt từ 85% đến dưới 95%: 1 điểm; Đạt dưới 85%: 0 điểm",
            "2",
            "ratio",
        ),
        ("Điểm = (Số hồ sơ đúng hạn / Tổng số hồ sơ) × điểm tối đa", "3", "proportional"),
        ("Mỗi trường hợp vi phạm trừ 0,5 điểm; trừ tối đa 1 điểm", "2", "deduction"),
        (
            "Ban hành đúng thời hạn (trước ngày 15/02/2024): 1 điểm; Ban hành chậm: 0,5 điểm",
            "1",
            "date",
        ),
        ("Có từ 03 sáng kiến trở lên: 1 điểm; Có 01 - 02 sáng kiến: 0,5 điểm", "1", "number"),
        ("Đánh giá thông qua điều tra XHH", "5", "survey"),
        ("Xem xét thực tế tại đơn vị", "1", "manual"),
        ("Đầy đủ nội dung: 0,3 điểm; Đúng thời gian: 0,2 điểm", "0.5", "manual"),
        ("Có: 1 điểm; Không: 0 điểm", "0.5", "manual"),
        ("", "1", "manual"),
    ],
)
def test_kind_of_each_phrasing(rule: str, maxp: str, kind: str):
    assert g(rule, maxp).kind == kind


def test_not_applicable_with_full_points_is_the_na_option():
    got = g("Có: 1 điểm; Không: 0 điểm; Không phát sinh: điểm tối đa")
    assert got.kind == "choice" and got.na == "full"
    assert got.answer["options"][-1] == {"id": "na", "label": "Không phát sinh", "na": True}


def test_deduction_numbers_and_cap():
    got = g("Mỗi trường hợp vi phạm trừ 0,5 điểm; trừ tối đa 1 điểm", "2")
    assert got.answer == {"kind": "deduction", "per": D("0.5"), "cap": D("1")}
    assert got.phrase == "Mỗi trường hợp vi phạm trừ 0,5 điểm"


def test_deadline_with_the_late_points():
    got = g("Ban hành đúng thời hạn (trước ngày 15/02/2024): 1 điểm; Ban hành chậm: 0,5 điểm")
    assert (got.answer["deadline"], got.answer["late"]) == (date(2024, 2, 15), D("0.5"))
    assert got.review == []


def test_a_deadline_of_the_previous_year():
    got = g("Ban hành trước ngày 20/12 năm trước: 0,5 điểm; Sau thời hạn: 0 điểm", "0.5")
    assert got.answer["deadline"] == date(2023, 12, 20)
    assert "2023 was assumed" in got.review[0].render(str)


def test_count_bands_add_the_missing_zero_band():
    got = g("Có từ 03 sáng kiến trở lên: 1 điểm; Có 01 - 02 sáng kiến: 0,5 điểm")
    assert got.answer["bands"] == [
        {"min": D(3), "points": D(1)},
        {"min": D(1), "points": D("0.5")},
        {"min": D(0), "points": D(0)},
    ]


def test_proportional_multiplier_other_than_the_max_is_flagged():
    got = g("Điểm đánh giá = Tỷ lệ % hồ sơ đúng hạn × 3", "2")
    assert got.kind == "proportional"
    assert got.review[0].render(str) == "the rule multiplies by 3 but the item's maximum is 2"


def test_best_points_above_the_max_is_flagged_not_guessed():
    got = g("Có: 1 điểm; Không: 0 điểm", "0.5")
    assert got.review[0].render(str) == "the best points in the rule (1) are not the maximum 0.5"


def test_one_case_rule_gets_its_complement_and_a_check():
    got = g("Được UBND tỉnh khen thưởng: 1 điểm", "1", section="bonus")
    assert [o["points"] for o in got.answer["options"]] == [D(1), D(0)]
    assert "“Không” was added" in got.review[0].render(str)


def test_penalty_per_occurrence_becomes_count_bands_of_points_taken_off():
    got = g(
        "Mỗi văn bản bị phát hiện trái pháp luật trừ 0,5 điểm, tối đa trừ 1,5 điểm",
        "1.5",
        "penalty",
    )
    assert got.kind == "number"
    assert [(b["min"], b["points"]) for b in got.answer["bands"]] == [
        (D(3), D("1.5")),
        (D(2), D(1)),
        (D(1), D("0.5")),
        (D(0), D(0)),
    ]


def test_classification_of_cao_bang_shape():
    rules, phrase = classification(
        [
            "Xếp loại: Tốt: đạt từ 90% trở lên; Khá: từ 70% đến dưới 90%; "
            "Trung bình: từ 50% đến dưới 70%; Kém: dưới 50%."
        ]
    )
    assert [(r.label, r.min_index) for r in rules] == [
        ("Tốt", D(90)),
        ("Khá", D(70)),
        ("Trung bình", D(50)),
        ("Kém", None),
    ]
    assert phrase.startswith("Xếp loại: Tốt")


def test_no_classification_sentence_gives_nothing():
    assert classification(["Điều 2. Quyết định có hiệu lực kể từ ngày ký."]) == ([], "")
