"""The cold ranking's bulk scorer gives every unit exactly what the one-unit scorer gives."""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import bulk
from scoring.bulk import BulkUnit, decode_answer, summarize_many
from scoring.catalog import Catalog, ClassRule
from scoring.classes import _holds, conditions
from scoring.results import summarize
from tests.scoring import generated


def _groups(texts: dict[str, dict[str, str]]) -> list[tuple[str, str, str]]:
    """What ResultRepository.answer_groups returns: each distinct (item, value) with its units."""
    by_value: dict[tuple[str, str], list[str]] = {}
    for key, answers in texts.items():
        for code, text in answers.items():
            by_value.setdefault((code, text), []).append(key)
    return [(code, text, ",".join(keys)) for (code, text), keys in by_value.items()]


@pytest.mark.parametrize("survey_missing", ["rescale", "zero"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bulk_equals_one_unit_at_a_time(seed: int, survey_missing: str) -> None:
    rnd = random.Random(seed)
    cat = generated.catalog(survey_missing)
    units = {
        str(n): BulkUnit(
            str(n), generated.tags(rnd), generated.appraised(cat, rnd), generated.survey(cat, rnd)
        )
        for n in range(1, 301)
    }
    texts = {key: generated.stored_texts(cat, rnd) for key in units}
    texts["9999"] = texts["1"]  # a unit not asked for (another board): ignored
    got = summarize_many(cat, _groups(texts), units.values())
    assert set(got) == set(units)
    sources: set[str] = set()
    na_max = Decimal(0)
    for key, u in units.items():
        answers = {c: a for c, t in texts[key].items() if (a := decode_answer(t)) is not None}
        want = summarize(cat, answers, u.appraised, u.survey, None, u.tags)
        assert got[key].summary(cat) == want, key
        assert (got[key].index, got[key].index_low, got[key].index_high, got[key].pending) == (
            want.index,
            want.index_low,
            want.index_high,
            want.pending,
        ), key
        sources |= set(want.counts)
        na_max += want.na_max or 0
    assert na_max > 0  # some not-applicable items were left out of the max
    # the generated data reaches every source a leaf can have
    assert sources == {
        "self",
        "appraised",
        "survey",
        "pending",
        "unanswered",
        "na",
        "na_full",
        "not_for_unit",
    }


@pytest.mark.parametrize("seed", [4, 5])
def test_groups_added_in_batches_in_any_order_give_the_same_results(seed: int) -> None:
    """What the cold ranking does: the groups of each statement added while the next is read
    (BulkScorer.add), in the order the database returns them, then finished."""
    rnd = random.Random(seed)
    cat = generated.catalog("rescale")
    units = [
        BulkUnit(str(n), generated.tags(rnd), generated.appraised(cat, rnd), {})
        for n in range(1, 121)
    ]
    rules = bulk._rules(cat)
    assert len(set(rules.values())) < len(rules)  # values scored once for several leaves too
    texts = {u.key: generated.stored_texts(cat, rnd) for u in units}
    groups = _groups(texts)
    whole = summarize_many(cat, groups, units)
    rnd.shuffle(groups)
    scorer = bulk.BulkScorer(cat, units)
    cuts = sorted(rnd.sample(range(1, len(groups)), 5))
    for low, high in zip([0, *cuts], [*cuts, len(groups)], strict=True):
        scorer.add(groups[low:high])
    scorer.add([])
    got = scorer.finish()
    assert list(got) == list(whole)
    for key, res in whole.items():
        assert got[key].json_text("b") == res.json_text("b"), key
        assert (got[key].index, got[key].index_low, got[key].index_high, got[key].pending) == (
            res.index,
            res.index_low,
            res.index_high,
            res.pending,
        ), key


def _check_against_one_unit(cat: Catalog, seed: int, count: int = 80) -> set[int | None]:
    """summarize_many() equals summarize() for ``count`` random units; the classes seen."""
    rnd = random.Random(seed)
    units = [
        BulkUnit(str(n), generated.tags(rnd), generated.appraised(cat, rnd), {})
        for n in range(count)
    ]
    texts = {u.key: generated.stored_texts(cat, rnd) for u in units}
    got = summarize_many(cat, _groups(texts), units)
    ranks: set[int | None] = set()
    for u in units:
        answers = {c: a for c, t in texts[u.key].items() if (a := decode_answer(t)) is not None}
        want = summarize(cat, answers, u.appraised, u.survey, None, u.tags)
        assert got[u.key].summary(cat) == want, u.key
        ranks.add(want.class_rank)
    return ranks


def _rule(rnd: random.Random, fields: list[str]) -> ClassRule:
    """A random rule; its limits are often exactly a percentage units reach (0, 50, 100)."""
    pick = rnd.random

    def pct() -> Decimal:
        return Decimal(rnd.choice([0, 50, 100, rnd.randint(0, 90)]))

    return ClassRule(
        "r",
        None,
        Decimal(rnd.randint(0, 60)) if pick() < 0.6 else None,
        pct() if pick() < 0.4 else None,
        {c: pct() for c in fields if pick() < 0.5} if pick() < 0.5 else {},
        Decimal(rnd.randint(0, 4)) / 2 if pick() < 0.4 else None,
    )


def test_classes_under_rules_of_every_form() -> None:
    """The bulk scorer classifies by each rule's conditions one by one (least index, greatest
    penalty, least field percentage or per-field limits): the same class as classify()."""
    cat = generated.catalog()
    fields = [f.code for f in cat.fields]
    seen = 0
    for seed in range(8):
        rnd = random.Random(seed)
        rules = tuple(_rule(rnd, fields) for _ in range(rnd.randint(1, 5)))
        seen += len(_check_against_one_unit(dataclasses.replace(cat, classification=rules), seed))
    assert seen > 8 + 4  # the rules told units apart


def test_wide_words_when_totals_could_outgrow_64_bits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lanes are packed 8 bytes per unit; wider words give the same results (used when a
    catalog's figures, times 10**decimals, could reach 2**63)."""
    cat = generated.catalog()
    _check_against_one_unit(cat, 5)
    monkeypatch.setattr(bulk, "_WORD", 16)
    _check_against_one_unit(cat, 5)


@pytest.mark.parametrize("word", [8, 16, 24])
def test_packed_columns_add_and_multiply_per_unit(word: int) -> None:
    rnd = random.Random(word)
    limit = 1 << (8 * word - 3)
    a = [rnd.randint(0, limit) for _ in range(50)]
    b = [rnd.randint(0, limit) for _ in range(50)]
    packed = bulk._pack(a, word) - 3 * bulk._pack(b, word)
    assert bulk._unpack(packed, 50, word) == [x - 3 * y for x, y in zip(a, b, strict=True)]
    assert bulk._unpack(bulk._pack([], word), 0, word) == []


def test_units_without_answers_are_all_unanswered() -> None:
    cat = generated.catalog()
    got = summarize_many(cat, [], [BulkUnit("7")])
    assert got["7"].summary(cat) == summarize(cat, {})
    assert summarize_many(cat, [], ["7"])["7"].json_text() == got["7"].json_text()


def test_units_given_by_key_alone() -> None:
    """A unit given by its key is a unit without tags, appraisals or survey points."""
    cat = generated.catalog()
    rnd = random.Random(4)
    texts = {str(n): generated.stored_texts(cat, rnd) for n in range(40)}
    groups = _groups(texts)
    by_key = summarize_many(cat, groups, list(texts))
    as_units = summarize_many(cat, groups, [BulkUnit(k) for k in texts])
    assert {k: r.json_text("full") for k, r in by_key.items()} == {
        k: r.json_text("full") for k, r in as_units.items()
    }


_PCT = st.none() | st.decimals(0, 100, places=2)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    min_index=st.none() | st.decimals(0, 100, places=2),
    min_field=st.none() | st.decimals(0, 100, places=2),
    per_field=st.dictionaries(st.sampled_from("123"), st.decimals(0, 100, places=2)),
    max_penalty=st.none() | st.decimals(0, 5, places=1),
    index=st.decimals(0, 100, places=2),
    pcts=st.dictionaries(st.sampled_from("1234"), _PCT),
    penalty=st.decimals(0, 5, places=1),
)
def test_classify_shortcut_agrees_with_the_conditions(
    min_index, min_field, per_field, max_penalty, index, pcts, penalty
) -> None:
    rule = ClassRule("x", None, min_index, min_field, per_field, max_penalty)
    want = all(c.ok for c in conditions(rule, index, pcts, penalty))
    assert _holds(rule, index, pcts, penalty) == want


def test_generated_catalog_has_every_kind() -> None:
    from scoring.kinds import KIND_NAMES

    cat = generated.catalog()
    assert {leaf.kind for leaf in cat.every_leaf} == set(KIND_NAMES)
    assert cat.zero_order and cat.bonus_leaves and cat.penalty_leaves
    assert any(not cat.applies(x.code, ()) for x in cat.field_leaves())
    # a choice whose "không áp dụng" option counts full points (na_full through the option)
    assert any(
        x.na == "full" and any(o.na for o in x.answer.options) for x in cat.every_leaf if x.answer
    )
    assert Decimal(0) < cat.max_total
