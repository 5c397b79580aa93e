"""Proportional, deduction, applies_to, zero_unless and classification reasons (issue 14)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.answers import Answer, AnswerError, parse_answer, score_answer
from scoring.catalog import UNCLASSIFIED
from scoring.catalog_loader import load_catalog
from scoring.kinds import KINDS
from scoring.results import compute, next_class_gap
from tests.scoring.district_catalog import ANSWERS, DISTRICT

D = Decimal
CAT = load_catalog(DISTRICT)
TAGS = {"H1": {"phuong"}, "H2": set()}


def unit_answers(unit: str) -> dict[str, Answer]:
    return {code: parse_answer(CAT.item(code), v) for code, v in ANSWERS[unit].items()}


def test_worked_example_h1_is_90_and_excellent():
    r = compute(CAT, unit_answers("H1"), tags=TAGS["H1"])
    assert (r.points, r.applicable_max) == (D("9.000"), D("10.000"))
    assert r.index == D("90.00")
    assert r.field("1").pct == D("83.33")
    assert r.classification == "Xuất sắc"
    assert r.leaves["1.1"].points == D("1.500")
    assert r.leaves["1.2"].points == D("1.5")


def test_worked_example_h2_is_50_77_and_average():
    r = compute(CAT, unit_answers("H2"), tags=TAGS["H2"])
    assert (r.points, r.applicable_max) == (D("4.125"), D("8.125"))
    assert r.index == D("50.77")
    assert r.classification == "Trung bình"
    assert r.leaves["2.2"].source == "not_for_unit"
    assert r.leaves["1.4"].points == 0 and r.leaves["1.4"].zeroed_by == "1.3"
    assert r.leaves["1.2"].points == 0  # 5 × 0.5 = 2.5 off a max of 2: never below 0
    assert r.field("1").points == D("2")  # deductions stay inside their field


def test_proportional_reads_fractions_and_percentages_and_rounds_half_up():
    item = CAT.item("1.1")
    assert parse_answer(item, "75%") == Answer(num=D(75), den=D(100))
    assert score_answer(item, parse_answer(item, "1/3")).points == D("0.667")
    assert score_answer(item, parse_answer(item, "1 trên 8")).points == D("0.250")
    with pytest.raises(AnswerError, match="over 100"):
        parse_answer(item, "120%")
    with pytest.raises(AnswerError, match="cannot exceed"):
        parse_answer(item, "5/4")
    assert not score_answer(item, Answer(num=D(0), den=D(0))).applicable  # zero_denominator: na


def test_proportional_precision_and_zero_denominator_full():
    text = DISTRICT.replace("board: district", "board: district\nprecision: 1").replace(
        "denominator: tổng số hồ sơ}", "denominator: tổng số hồ sơ, zero_denominator: full}"
    )
    cat = load_catalog(text)
    item = cat.item("1.1")
    assert score_answer(item, parse_answer(item, "1/3")).points == D("0.7")
    assert score_answer(item, Answer(num=D(0), den=D(0))).points == D(2)


def test_deduction_counts_are_whole_numbers_of_zero_or_more():
    item = CAT.item("1.2")
    for bad in ("-1", "1,5", "abc"):
        with pytest.raises(AnswerError, match="not a count"):
            parse_answer(item, bad)
    assert score_answer(item, parse_answer(item, "3")).points == D("0.5")


def test_deduction_cap_limits_what_comes_off():
    cat = load_catalog(DISTRICT.replace("per: 0.5,", "per: 0.5, cap: 0.75,"))
    item = cat.item("1.2")
    assert score_answer(item, parse_answer(item, "10")).points == D("1.25")


def test_zero_unless_waits_for_an_answer_and_follows_appraisal():
    a = unit_answers("H1")
    del a["1.3"]
    r = compute(CAT, a, tags={"phuong"})
    assert r.leaves["1.4"].points == 0  # 1.3 unanswered scores 0
    r = compute(CAT, unit_answers("H2"), appraised={"1.3": D(1)})
    assert r.leaves["1.4"].points == 1


def test_reason_of_a_class_names_the_missed_condition():
    a = unit_answers("H1")
    a["1.2"] = parse_answer(CAT.item("1.2"), "4")  # 1.2 → 0: field 1 4/6 = 66.67 %
    a["1.1"] = Answer(num=D(4), den=D(4))  # 1.1 → 2: 8/10 → 80
    r = compute(CAT, a, tags={"phuong"})
    assert (r.index, r.classification) == (D("80.00"), "Tốt")
    reason = r.class_reason(CAT)
    assert reason.basis == 0
    assert [(c.what, c.field, c.actual, c.limit) for c in reason.failed] == [
        ("index", None, D("80.00"), D("90")),
        ("field", "1", D("66.67"), D("80")),
    ]
    gap = next_class_gap(CAT, r)
    assert gap is not None and gap.fields_below == {"1": D("13.33")}


def test_no_rule_met_is_unclassified_with_the_lowest_rule_as_reason():
    text = DISTRICT.replace("  - {label: Yếu}\n", "")
    cat = load_catalog(text)
    r = compute(cat, {}, tags=())
    assert r.classification == UNCLASSIFIED
    assert r.class_rank == len(cat.classification)
    reason = r.class_reason(cat)
    assert reason.rank is None and reason.basis == 3
    assert [c.what for c in reason.failed] == ["index"]


def test_min_field_pct_per_field_and_max_penalty():
    text = DISTRICT.replace(
        "{label: Xuất sắc, min_index: 90, min_field_pct: 80}",
        '{label: Xuất sắc, min_index: 90, min_field_pct: {"2": 100}, max_penalty: 0}',
    )
    cat = load_catalog(text)
    r = compute(cat, unit_answers("H1"), tags={"phuong"})
    assert r.classification == "Xuất sắc"  # field 1 at 83 % is not asked for any more
    a = unit_answers("H1")
    a["2.1"] = parse_answer(cat.item("2.1"), "khong")  # field 2 below 100 %
    a["1.1"] = Answer(num=D(4), den=D(4))
    r = compute(cat, a, tags={"phuong"})
    assert r.index == D("93.75") and r.classification == "Tốt"
    assert [(c.field, c.ok) for c in r.class_reason(cat).failed] == [("2", False)]


def test_every_kind_is_registered_once_with_its_keys():
    assert set(KINDS) == {
        "choice",
        "ratio",
        "proportional",
        "number",
        "deduction",
        "date",
        "manual",
        "survey",
    }
    assert KINDS["deduction"].keys == {"per", "cap", "label"}
    assert KINDS["proportional"].keys == {"numerator", "denominator", "zero_denominator"}


# ------------------------------------------------------------------ properties

DEDUCTION = """
catalog: p
title: p (mẫu)
board: district
classification: [{{label: A}}]
items:
  - code: "1"
    title: f
    max: {max}
    items:
      - code: "1.1"
        title: d
        max: {max}
        answer: {{kind: deduction, per: {per}}}
"""


@settings(max_examples=80, deadline=None)
@given(
    maxp=st.decimals(min_value="0.001", max_value="50", places=3),
    per=st.decimals(min_value="0.001", max_value="20", places=3),
    count=st.integers(min_value=0, max_value=10_000),
)
def test_deduction_is_never_below_zero_nor_above_max(maxp, per, count):
    cat = load_catalog(DEDUCTION.format(max=maxp, per=per))
    item = cat.item("1.1")
    pts = score_answer(item, parse_answer(item, str(count))).points
    assert D(0) <= pts <= maxp
    assert pts == max(maxp - per * count, D(0))


@settings(max_examples=80, deadline=None)
@given(
    maxp=st.decimals(min_value="0.001", max_value="50", places=3),
    den=st.integers(min_value=0, max_value=100_000),
    frac=st.floats(min_value=0, max_value=1),
    precision=st.integers(min_value=0, max_value=3),
)
def test_proportional_is_never_above_max(maxp, den, frac, precision):
    maxp = max(maxp.quantize(D(1).scaleb(-precision)), D(1).scaleb(-precision))
    text = DISTRICT.replace("board: district", f"board: district\nprecision: {precision}")
    text = text.replace("max: 6", f"max: {maxp + 4}").replace(
        "title: Tỷ lệ hồ sơ đúng hạn\n        max: 2",
        f"title: Tỷ lệ hồ sơ đúng hạn\n        max: {maxp}",
    )
    cat = load_catalog(text)
    item = cat.item("1.1")
    num = int(den * frac)
    s = score_answer(item, Answer(num=D(num), den=D(den)))
    assert D(0) <= s.points <= maxp
    if den and num == den:
        assert s.points == maxp


@settings(max_examples=60, deadline=None)
@given(
    other=st.sampled_from(["co", "khong", None]),
    appraised=st.one_of(st.none(), st.decimals(min_value=0, max_value="1.875", places=3)),
    h2=st.fixed_dictionaries(
        {
            "1.1": st.sampled_from(["0/4", "3/4", "4/4", "0/0"]),
            "1.2": st.integers(min_value=0, max_value=6).map(str),
            "1.3": st.sampled_from(["co", "khong"]),
            "2.3": st.sampled_from(["co", "khong"]),
        }
    ),
)
def test_not_applicable_nodes_never_change_another_units_index(other, appraised, h2):
    base = {code: parse_answer(CAT.item(code), v) for code, v in h2.items()}
    with_node = dict(base)
    if other is not None:
        with_node["2.2"] = parse_answer(CAT.item("2.2"), other)
    extra = {"2.2": appraised} if appraised is not None else {}
    without = compute(CAT, base, tags=())
    touched = compute(CAT, with_node, appraised=extra, tags=())
    assert touched.index == without.index
    assert touched.applicable_max == without.applicable_max
    # and the same as a catalog that never had the item
    stripped = DISTRICT.replace("max: 4\n", "max: 2.125\n").split('      - code: "2.2"')[0]
    stripped += DISTRICT.split(
        "answer: {kind: choice, options: [{id: co, label: Có, points: 1.875}"
    )[1].split("\n", 1)[1]
    assert compute(load_catalog(stripped), base).index == without.index


def test_the_worked_example_in_docs_is_this_one():
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "catalog.md").read_text(encoding="utf-8")
    text = doc.split("## Worked example", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    cat = load_catalog(text)
    for unit, (index, label) in {
        "H1": (D("90.00"), "Xuất sắc"),
        "H2": (D("50.77"), "Trung bình"),
    }.items():
        a = {code: parse_answer(cat.item(code), v) for code, v in ANSWERS[unit].items()}
        r = compute(cat, a, tags=TAGS[unit])
        assert (r.index, r.classification) == (index, label)
