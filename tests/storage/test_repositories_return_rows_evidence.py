"""Issue 13: the evidence area's repositories (answers, explanations, history, evidence,
submissions, appraisals, survey points) return plain frozen rows, never ORM objects, and are
written through their methods only."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models as m
from storage.repositories.rows import AnswerRow, ExplanationRow, PersonRow, SubmissionRow
from storage.repositories.rows_evidence import (
    AnswerHistoryRow,
    AppraisalRow,
    EvidenceRow,
    ItemEvidence,
    SubmissionEventRow,
    SurveyPointsRow,
)
from storage.repositories.rows_people import AssignmentRow
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from conftest import World

SM = async_sessionmaker[AsyncSession]


def plain(value: Any) -> None:
    """No ORM object anywhere in ``value`` (containers and rows are walked)."""
    assert not isinstance(value, m.Base), value
    if isinstance(value, dict):
        for k, v in value.items():
            plain(k)
            plain(v)
    elif isinstance(value, list | tuple | set):
        for v in value:
            plain(v)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        assert type(value).__dataclass_params__.frozen, type(value)  # type: ignore[attr-defined]
        for f in dataclasses.fields(value):
            plain(getattr(value, f.name))


def only(values: Any, cls: type) -> None:
    plain(values)
    items = values.values() if isinstance(values, dict) else values
    assert items and all(isinstance(v, cls) for v in items), values


async def test_answers_return_rows(sessionmaker: SM, world: World) -> None:
    item = world.items["1.1.1"]
    async with UnitOfWork(sessionmaker) as uow:
        answer, _ = await uow.answers.set_answer(
            world.unit_id, item, {"option": "co"}, "0.5", world.person_id, "chat"
        )
        only([answer, await uow.answers.get(world.unit_id, item)], AnswerRow)
        only(await uow.answers.list_for_unit(world.unit_id), AnswerRow)
        only((await uow.answers.list_for_period(world.period_id))[world.unit_id], AnswerRow)
        only(await uow.answers.history(world.unit_id, item), AnswerHistoryRow)
        expl = await uow.answers.set_explanation(world.unit_id, item, "lý do", world.person_id)
        only([expl, await uow.answers.get_explanation(world.unit_id, item)], ExplanationRow)
        only(await uow.answers.explanations_for_unit(world.unit_id), ExplanationRow)
        assert expl.id and expl.created_at and expl.updated_at


async def test_evidence_returns_rows_and_writes_by_id(sessionmaker: SM, world: World) -> None:
    item = world.items["1.1.1"]
    async with UnitOfWork(sessionmaker) as uow:
        row, _ = await uow.evidence.add(
            world.unit_id, item, "ab" * 32, "KH.pdf", 10, "application/pdf", "unsigned"
        )
        only([row, await uow.evidence.get(row.id)], EvidenceRow)
        only([await uow.evidence.get_by_sha(world.unit_id, item, "ab" * 32)], EvidenceRow)
        only(await uow.evidence.list_for_item(world.unit_id, item), EvidenceRow)
        only((await uow.evidence.list_for_unit(world.unit_id))["1.1.1"], EvidenceRow)
        only(await uow.evidence.live_for_units([world.unit_id]), ItemEvidence)
        with pytest.raises(dataclasses.FrozenInstanceError):
            row.section_ref = "Mục II"  # type: ignore[misc]
        await uow.evidence.set_section(row.id, "Mục II")
    async with UnitOfWork(sessionmaker) as uow:
        stored = await uow.evidence.get(row.id)
        assert stored is not None and stored.section_ref == "Mục II"
        await uow.evidence.set_section(row.id, None)
        await uow.evidence.remove(row.id, by=world.person_id)
    async with UnitOfWork(sessionmaker) as uow:
        stored = await uow.evidence.get(row.id)
        assert stored is not None and stored.section_ref is None
        assert (stored.removed_by, stored.removed_at is not None) == (world.person_id, True)


async def test_submissions_return_rows(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        created = await uow.submissions.get_or_create(world.unit_id)
        sub = await uow.submissions.set_status(
            world.unit_id, "submitted", world.person_id, index_at_submit="80"
        )
        only([created, sub, await uow.submissions.get(world.unit_id)], SubmissionRow)
        only(await uow.submissions.list_for_period(world.period_id), SubmissionRow)
        only(await uow.submissions.events(world.unit_id), SubmissionEventRow)
        assert sub.updated_at is not None and sub.index_at_submit == Decimal("80")


async def test_appraisals_and_survey_return_rows(sessionmaker: SM, world: World) -> None:
    item = world.items["1.1.1"]
    async with UnitOfWork(sessionmaker) as uow:
        ap = await uow.appraisals.set_appraisal(
            world.unit_id, item, "more_evidence", due_date=date(2024, 3, 1)
        )
        only([ap, await uow.appraisals.get(world.unit_id, item)], AppraisalRow)
        only(await uow.appraisals.list_for_unit(world.unit_id), AppraisalRow)
        only((await uow.appraisals.list_for_period(world.period_id))[world.unit_id], AppraisalRow)
        at = datetime(2024, 2, 1, tzinfo=UTC)
        sp = await uow.survey.set_points(world.unit_id, item, "0.25", at=at)
        again = await uow.survey.set_points(world.unit_id, item, "0.25")  # unchanged
        only([sp, again, await uow.survey.get(world.unit_id, item)], SurveyPointsRow)
        only(await uow.survey.list_for_unit(world.unit_id), SurveyPointsRow)
        only((await uow.survey.list_for_period(world.period_id))[world.unit_id], SurveyPointsRow)
        assignment = await uow.appraisals.assign(world.person_id, world.period_id, "1.1")
        again_assigned = await uow.appraisals.assign(world.person_id, world.period_id, "1.1")
        only([assignment, again_assigned], AssignmentRow)
        only(await uow.appraisals.assignments(world.person_id, world.period_id), AssignmentRow)
        only(await uow.appraisals.appraisers_for(world.period_id, "1.1", "commune"), PersonRow)
