"""How every screen words a unit's figures (issue 16, finding 5): points over the applicable
max with Babel's numbers, and one line on how not-applicable answers count, vi and en."""

from decimal import Decimal

from conversations.figures import field_chart_text, na_note, out_of
from conversations.markup import plain
from scoring.answers import parse_answer
from scoring.catalog_loader import load_catalog
from scoring.results import compute
from tests.scoring.mini_catalog import MINI

CAT = load_catalog(MINI)


def result(catalog=CAT, **values: str):
    items = {k.replace("_", "."): v for k, v in values.items()}
    answers = {c: parse_answer(catalog.item(c), v) for c, v in items.items()}
    return compute(catalog, answers, survey={"3.1": Decimal("1.5")})


def test_points_over_the_applicable_max_in_each_language():
    r = result(**{"1_1_1": "co", "1_2": "na", "2_1": "45/50"})
    f1 = r.field("1")
    assert out_of("vi", f1.points, f1.applicable_max) == "1/2"
    assert field_chart_text("vi", r.field("3")) == "75% (1,5/2)"
    assert field_chart_text("en", r.field("3")) == "75% (1.5/2)"
    assert out_of("vi", Decimal("7.75"), Decimal("8.5")) == "7,75/8,5"


def test_one_line_says_how_not_applicable_items_count():
    r = result(**{"1_2": "na"})
    assert plain(na_note("vi", r)) == (
        "1 tiêu chí không áp dụng: không tính vào điểm tối đa (8 thay vì 10)"
    )
    assert plain(na_note("en", r)) == (
        "1 criterion not applicable: left out of the max (8 instead of 10)"
    )
    full = result(load_catalog(MINI.replace("na: exclude", "na: full")), **{"1_2": "na"})
    assert plain(na_note("vi", full)) == "1 tiêu chí không áp dụng được tính đủ điểm"
    assert plain(na_note("en", full)) == "1 criterion not applicable counts its full points"
    assert na_note("vi", result(**{"1_2": "du"})) is None
