"""A unit's result is kept on its view and across updates by exactly what it is computed from
(conversations.result_memo): the same inputs give the kept result, any change — even one that
compares equal but prints differently — computes it again, and the result is always the one
``scoring.results.compute`` gives for the view's inputs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conversations import result_memo
from conversations.unitview import UnitView
from scoring.answers import Answer
from scoring.catalog_loader import load_catalog
from scoring.results import compute
from storage.repositories.rows import AnswerRow, PeriodRow, UnitRow
from tests.scoring.mini_catalog import MINI

CAT = load_catalog(MINI)
AT = datetime(2024, 3, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _empty_memo() -> None:
    result_memo.forget()


def row(code: str, value: dict[str, Any], version: int = 1) -> AnswerRow:
    return AnswerRow(len(code), 1, len(code), value, None, None, AT, "chat", version)


def view(answers: dict[str, dict[str, Any]], **kw: Any) -> UnitView:
    return UnitView(
        unit=UnitRow(1, 1, "X01", "UBND xã A", "commune", 1, AT, kw.pop("tags", None)),
        period=PeriodRow(1, 2024, "2024", None),
        catalog=kw.pop("catalog", CAT),
        items={},
        answers={code: row(code, value) for code, value in answers.items()},
        explanations={},
        evidence_counts={},
        submission=None,
        deadline=None,
        **kw,
    )


def expected(v: UnitView) -> Any:
    answers = {c: Answer.from_json(r.value) for c, r in v.answers.items()}
    return compute(v.catalog, answers, v.appraised, v.survey, tags=v.tags)


def test_a_fresh_view_of_the_same_answers_reuses_the_result() -> None:
    first = view({"1.1.1": {"option": "co"}}).result()
    assert view({"1.1.1": {"option": "co"}}).result() is first


def test_a_changed_answer_is_scored_again_on_the_same_view() -> None:
    v = view({"1.1.1": {"option": "co"}})
    before = v.result()
    v.answers["1.1.1"] = row("1.1.1", {"option": "khong"}, version=2)
    after = v.result()
    assert after is not before and after == expected(v)
    assert after.points == before.points - 1


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ({"appraised": {"1.1.1": Decimal("1")}}, {"appraised": {"1.1.1": Decimal("1.0")}}),
        ({"survey": {"2.3": Decimal("0.5")}}, {"survey": {"2.3": Decimal("0.50")}}),
        ({"tags": ["xa"]}, {"tags": ["phuong"]}),
    ],
)
def test_inputs_that_compare_equal_but_differ_are_not_shared(
    one: dict[str, Any], other: dict[str, Any]
) -> None:
    a, b = view({}, **one), view({}, **other)
    assert a.result() is not b.result()
    assert b.result() == expected(b)


def test_stored_values_equal_in_python_but_not_in_json_are_not_shared() -> None:
    """{"done": 0} == {"done": False}, yet only False is a "not done" answer."""
    key = result_memo.content_key
    a = key(CAT, frozenset(), {"1.1.2": row("1.1.2", {"done": False})}, {}, {})
    b = key(CAT, frozenset(), {"1.1.2": row("1.1.2", {"done": 0})}, {}, {})
    assert a != b


def test_another_catalog_object_is_never_given_a_kept_result() -> None:
    other = load_catalog(MINI)
    kept = view({"1.1.1": {"option": "co"}}).result()
    again = view({"1.1.1": {"option": "co"}}, catalog=other)
    assert again.result() is not kept and again.result() == expected(again)


def test_the_oldest_result_goes_first() -> None:
    views = [view({"1.1.1": {"option": "co"}}, appraised={"1.2": Decimal(n)}) for n in range(3)]
    for v in views:
        v.result()
    keys = [result_memo.content_key(CAT, v.tags, v.answers, v.appraised, v.survey) for v in views]
    assert all(result_memo.recall(k, CAT) is not None for k in keys)
    for n in range(result_memo.LIMIT - 1):
        result_memo.keep(("filler", n), CAT, views[0].result())
    assert result_memo.recall(keys[0], CAT) is None
    assert result_memo.recall(keys[2], CAT) is not None


CHOICES = {
    "1.1.1": st.sampled_from([{"option": "co"}, {"option": "khong"}, {"na": True}]),
    "1.1.2": st.sampled_from([{"date": "2023-12-01"}, {"date": "2024-01-05"}, {"done": False}]),
    "1.2": st.sampled_from([{"option": "du"}, {"option": "mot_phan"}]),
}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.fixed_dictionaries({}, optional=CHOICES), min_size=1, max_size=6))
def test_any_sequence_of_answers_gives_the_computed_result(
    states: list[dict[str, dict[str, Any]]],
) -> None:
    """Views read one after another (updates), each changed in place (saves): every result
    is the one computed afresh."""
    for state in states:
        v = view(state)
        assert v.result() == expected(v)
        for code in list(v.answers):
            v.answers[code] = replace(v.answers[code], value={"na": True})
            assert v.result() == expected(v)
