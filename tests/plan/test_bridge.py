"""Stored rows ↔ plan milestones, without a database (rows are plain namespaces)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from conversations.plan import Milestone, answer_question
from conversations.plan.bridge import milestone_from_row, plan_from_rows, row_values


def test_round_trip_and_bad_rows_skipped() -> None:
    m = Milestone(
        id="appraisal",
        title="Họp Hội đồng thẩm định",
        kind="appraisal",
        due=date(2024, 3, 31),
        start=date(2024, 3, 1),
        precision="month",
        lead="Phòng Nội vụ",
        audience="admins",
        source="Tháng 3/2024",
    )
    row = SimpleNamespace(**row_values(m))
    assert milestone_from_row(row) == m
    bad = SimpleNamespace(**{**row_values(m), "key": "bad", "precision": "week"})
    plan = plan_from_rows(2023, [row, bad, row])
    assert [x.id for x in plan.milestones] == ["appraisal"]
    qa = answer_question("khi nào thẩm định", plan, date(2024, 3, 1), None)
    assert qa is not None and qa.milestone == m
