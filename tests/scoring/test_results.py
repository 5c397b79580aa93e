"""Index, classification and ranking, checked against figures worked out by hand."""

import itertools
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.answers import Answer, parse_answer
from scoring.catalog_loader import load_catalog
from scoring.ranking import Entry, rank_board, rank_boards
from scoring.results import compute, next_class_gap
from tests.scoring.mini_catalog import MINI

CAT = load_catalog(MINI)
D = Decimal


def answers(**values: str) -> dict[str, Answer]:
    return {
        code.replace("_", "."): parse_answer(CAT.item(code.replace("_", ".")), v)
        for code, v in values.items()
    }


FULL = dict(
    **{"1_1_1": "co", "1_1_2": "2023-12-01", "1_2": "du", "2_1": "50/50", "2_2": "0", "2_3": "1"}
)


def test_everything_full_but_survey_pending():
    r = compute(CAT, answers(**FULL))
    # survey pending: left out → 8/8 → 100; low 8/10 → 80; high 10/10 → 100
    assert r.index == D("100.00")
    assert (r.index_low, r.index_high) == (D("80.00"), D("100.00"))
    assert r.pending and r.preliminary
    assert r.field("3").pct is None
    assert r.classification == "Hoàn thành xuất sắc nhiệm vụ"


def test_hand_worked_unit():
    # field 1: 1 + 0.5 (late) + NA excluded → 1.5 of 2 → 75 %
    # field 2: 45/50 = 90 % → 1; 1 violation → 0.5; manual 0.5 → 2 of 4 → 50 %
    # survey 1.5 of 2 → 75 %
    # index = 100 × (1.5 + 2 + 1.5) ÷ (2 + 4 + 2) = 62.5 ; bonus 1 → 63.5; no penalty
    a = answers(
        **{
            "1_1_1": "co",
            "1_1_2": "2024-01-05",
            "1_2": "na",
            "2_1": "45/50",
            "2_2": "1",
            "2_3": "0,5",
            "B1": "co",
            "P1": "khong",
        }
    )
    r = compute(CAT, a, survey={"3.1": D("1.5")})
    assert [f.pct for f in r.fields] == [D("75.00"), D("50.00"), D("75.00")]
    assert r.index == D("63.50")
    assert r.bonus == D(1) and r.penalty == D(0)
    assert not r.pending
    assert r.classification == "Không hoàn thành nhiệm vụ"
    gap = next_class_gap(CAT, r)
    assert gap.target == "Hoàn thành nhiệm vụ" and gap.index_gap == D("1.50")
    assert dict(gap.fields_below) == {}


def test_appraised_points_replace_self_scores_item_by_item():
    a = answers(**FULL)
    r = compute(CAT, a, appraised={"2.1": D(1), "2.3": D("0.25")}, survey={"3.1": D(2)})
    # 10 - 1 - 0.75 = 8.25 of 10
    assert r.index == D("82.50")
    assert r.leaves["2.1"].source == "appraised" and r.leaves["2.1"].self_points == D(2)
    assert r.field("2").pct == D("56.25")
    # field 2 at 56,25 % blocks "tốt" (needs 70 %) although the index is 82,5
    assert r.classification == "Hoàn thành nhiệm vụ"
    gap = next_class_gap(CAT, r)
    assert gap.index_gap == D(0) and gap.fields_below == {"2": D("13.75")}


def test_penalty_and_clamp():
    r = compute(CAT, answers(P1="co"), survey={"3.1": D(2)})
    assert r.points == D(2) and r.penalty == D(2)
    assert r.index == D("18.00")
    r0 = compute(CAT, answers(P1="co"))
    assert r0.index == D("0.00")  # 0 − 2 is clamped at 0


def test_ranking_ties_share_rank_and_order_is_stable():
    entries = [
        Entry("commune", c, c, D(i))
        for c, i in [("X4", 70), ("X2", 85), ("X1", 90), ("X3", 85), ("X5", 85)]
    ]
    ranked = rank_board(entries)
    assert [(r.entry.unit, r.rank) for r in ranked] == [
        ("X1", 1),
        ("X2", 2),
        ("X3", 2),
        ("X5", 2),
        ("X4", 5),
    ]
    assert all(r.of == 5 for r in ranked)


def test_rank_range_from_pending_points():
    entries = [
        Entry("commune", "A", "A", D(90), D(80), D(95)),
        Entry("commune", "B", "B", D(85), D(84), D(86)),
        Entry("commune", "C", "C", D(60), D(60), D(60)),
    ]
    r = {x.entry.unit: x for x in rank_board(entries)}
    assert (r["A"].best_rank, r["A"].worst_rank) == (1, 2)
    assert (r["B"].best_rank, r["B"].worst_rank) == (1, 2)
    assert (r["C"].best_rank, r["C"].worst_rank) == (3, 3)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["X1", "X2", "X3", "X4", "X5", "X6", "X7"]),
            st.integers(0, 6),
            st.integers(0, 3),
            st.integers(0, 3),
            st.booleans(),
        ),
        max_size=7,
        unique_by=lambda t: t[0],
    )
)
def test_ranking_orders_by_index_then_code_with_ranges_as_defined(
    rows: list[tuple[str, int, int, int, bool]],
) -> None:
    """rank_board against its definition: highest index first, ties by unit code sharing
    the rank of the first; best rank with this unit at its high and every other at its low,
    worst the converse."""
    entries = [
        Entry("commune", c, c, D(i), D(i - lo) if has else None, D(i + hi) if has else None)
        for c, i, lo, hi, has in rows
    ]
    got = rank_board(entries)
    order = sorted(entries, key=lambda e: (-e.index, e.unit))
    assert [r.entry for r in got] == order
    low = {e.unit: e.index if e.index_low is None else e.index_low for e in entries}
    high = {e.unit: e.index if e.index_high is None else e.index_high for e in entries}
    for r in got:
        e = r.entry
        others = [o.unit for o in entries if o is not e]
        assert r.rank == 1 + sum(o.index > e.index for o in entries)
        best = 1 + sum(low[o] > high[e.unit] for o in others)
        worst = 1 + sum(high[o] > low[e.unit] for o in others)
        assert (r.best_rank, r.worst_rank, r.of) == (
            min(best, r.rank),
            max(worst, r.rank),
            len(entries),
        )


def test_boards_are_ranked_separately():
    out = rank_boards([Entry("commune", "X", "X", D(50)), Entry("department", "P", "P", D(40))])
    assert list(out) == ["department", "commune"]
    assert out["department"][0].rank == 1 and out["commune"][0].rank == 1


# ------------------------------------------------------------------ properties
LEAF_CHOICES = {
    "1.1.1": ["co", "khong"],
    "1.1.2": ["2023-12-01", "2024-02-01", "khong"],
    "1.2": ["du", "mot_phan", "khong", "na"],
    "2.1": ["0/0", "10/10", "9/10", "1/10"],
    "2.2": ["0", "1", "2", "9"],
    "2.3": ["0", "0.25", "0.5", "0.75", "1"],
    "B1": ["co", "khong"],
    "P1": ["co", "khong"],
}
answer_sets = st.fixed_dictionaries(
    {}, optional={c: st.sampled_from(v) for c, v in LEAF_CHOICES.items()}
)
survey_st = st.one_of(st.none(), st.decimals(0, 2, places=2))


def build(values, survey):
    a = {c: parse_answer(CAT.item(c), v) for c, v in values.items()}
    return compute(CAT, a, survey={} if survey is None else {"3.1": survey})


@settings(max_examples=300, deadline=None)
@given(answer_sets, survey_st)
def test_no_total_exceeds_its_max(values, survey):
    r = build(values, survey)
    assert D(0) <= r.index_low <= r.index <= r.index_high <= CAT.scale
    for f in r.fields:
        assert D(0) <= f.points <= f.applicable_max <= f.max
        assert f.pct is None or D(0) <= f.pct <= 100
    for leaf in r.leaves.values():
        assert D(0) <= leaf.points <= leaf.max


ORDERED = {  # per item, options from worst to best (not-applicable excluded: it changes the max)
    "1.1.1": ["khong", "co"],
    "1.1.2": ["khong", "2024-02-01", "2023-12-01"],
    "1.2": ["khong", "mot_phan", "du"],
    "2.1": ["1/10", "9/10", "10/10"],
    "2.2": ["9", "1", "0"],
    "2.3": ["0", "0.25", "0.5", "0.75", "1"],
    "B1": ["khong", "co"],
}


@settings(max_examples=300, deadline=None)
@given(answer_sets, survey_st, st.sampled_from(sorted(ORDERED)), st.data())
def test_raising_one_answer_never_lowers_the_index(values, survey, code, data):
    scale = ORDERED[code]
    lo = data.draw(st.integers(0, len(scale) - 1))
    hi = data.draw(st.integers(lo, len(scale) - 1))
    before = build({**values, code: scale[lo]}, survey)
    after = build({**values, code: scale[hi]}, survey)
    assert after.index >= before.index
    assert after.class_rank <= before.class_rank


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["department", "commune"]), st.decimals(0, 100, places=2)),
        max_size=30,
    ),
    st.randoms(),
)
def test_ranking_is_deterministic_and_tie_consistent(rows, rnd):
    entries = [Entry(b, f"U{i:03}", f"U{i}", idx) for i, (b, idx) in enumerate(rows)]
    shuffled = entries[:]
    rnd.shuffle(shuffled)
    a, b = rank_boards(entries), rank_boards(shuffled)
    assert a == b
    for ranked in a.values():
        for x, y in itertools.pairwise(ranked):
            assert x.entry.index >= y.entry.index
            assert (x.rank == y.rank) == (x.entry.index == y.entry.index)
            assert x.rank < y.rank or x.entry.index == y.entry.index
        for _pos, r in enumerate(ranked):
            assert r.rank == 1 + sum(1 for o in ranked if o.entry.index > r.entry.index)
            assert r.best_rank <= r.rank <= r.worst_rank
