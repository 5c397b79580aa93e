"""The one summary every screen reads (issue 16, finding 5): the unanswered count over every
item the officer is asked, bonus and penalty too; not-applicable answers left out of the max
(and how much of it) or counted in full; all of it kept through the stored JSON."""

import json
from decimal import Decimal

from scoring.answers import Answer, parse_answer
from scoring.catalog_loader import load_catalog
from scoring.results import ResultSummary, compute, summarize
from tests.scoring.mini_catalog import MINI

D = Decimal
CAT = load_catalog(MINI)
FULL_NA = load_catalog(MINI.replace("na: exclude", "na: full"))
TITLES = {f.code: f.title for f in CAT.fields}


def answers(**values: str) -> dict[str, Answer]:
    """``1_2="na"`` → {"1.2": the parsed answer}."""
    out = {}
    for key, value in values.items():
        item = CAT.item(key.replace("_", "."))
        assert item is not None
        out[item.code] = parse_answer(item, value)
    return out


def test_unanswered_counts_bonus_and_penalty_items_the_officer_is_asked():
    r = compute(CAT, answers(**{"1_1_1": "co", "2_1": "45/50"}))
    # asked: 1.1.1, 1.1.2, 1.2, 2.1, 2.2, 2.3, B1, P1 (3.1 is the survey's)
    assert r.asked == 8
    assert r.unanswered == 6
    assert {c for c, s in r.leaves.items() if s.source == "unanswered"} == {
        "1.1.2", "1.2", "2.2", "2.3", "B1", "P1"
    }  # fmt: skip
    assert summarize(CAT, answers(**{"1_1_1": "co", "2_1": "45/50"})) == r.summary()


def test_not_applicable_left_out_of_the_max_and_how_much():
    r = compute(CAT, answers(**{"1_1_1": "co", "1_2": "na"}), survey={"3.1": D(2)})
    assert r.leaves["1.2"].source == "na" and r.leaves["1.2"].points == 0
    assert (r.not_applicable, r.na_full) == (1, 0)
    f1 = r.field("1")
    assert (f1.points, f1.applicable_max, f1.na_max) == (D(1), D(2), D(2))
    assert r.na_max == D(2)
    assert r.applicable_max == D(8)  # 10 − the 2 points of 1.2
    assert r.applicable_max + r.na_max == D(10)
    assert r.field("1").pct == D("50.00")  # 1 of 2, not of 4


def test_not_applicable_counted_in_full_is_said_so():
    r = compute(FULL_NA, answers(**{"1_2": "na"}))
    leaf = r.leaves["1.2"]
    assert (leaf.source, leaf.points, leaf.applicable_max) == ("na_full", D(2), D(2))
    assert (r.not_applicable, r.na_full, r.na_max) == (0, 1, D(0))
    assert r.self_points == D(2) and r.preliminary


def test_the_stored_summary_keeps_every_figure():
    r = compute(CAT, answers(**{"1_2": "na", "B1": "co"})).summary()
    back = ResultSummary.from_json(json.loads(json.dumps(r.to_json())), TITLES)
    assert back == r
    assert (back.unanswered, back.not_applicable, back.na_max) == (6, 1, D(2))


def test_a_summary_stored_before_the_max_left_out_was_kept_says_it_is_unknown():
    data = compute(CAT, answers(**{"1_2": "na"})).summary().to_json()
    data["fields"] = [row[:5] for row in data["fields"]]  # how FORMULA_VERSION 2 stored them
    old = ResultSummary.from_json(data, TITLES)
    assert old.not_applicable == 1 and old.na_max is None
