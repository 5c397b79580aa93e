"""Answers with history, optimistic versions, explanations, appraisals and survey points."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from storage import models as m
from storage.repositories import VersionConflict
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from conftest import World

SM = async_sessionmaker[AsyncSession]


async def test_set_answer_records_history(sessionmaker: SM, world: World) -> None:
    item = world.items["1.1.1"]
    async with UnitOfWork(sessionmaker) as uow:
        answer, previous = await uow.answers.set_answer(
            world.unit_id, item, {"option": "khong"}, Decimal("0"), world.person_id, "chat"
        )
        assert previous is None
        assert answer.version == 1
    async with UnitOfWork(sessionmaker) as uow:
        answer, previous = await uow.answers.set_answer(
            world.unit_id,
            item,
            {"option": "co"},
            Decimal("0.5"),
            world.person_id,
            "chat",
            reason="có kế hoạch",
        )
        assert previous == 1
        assert answer.version == 2
    async with UnitOfWork(sessionmaker) as uow:
        stored = await uow.answers.get(world.unit_id, item)
        assert stored is not None
        assert stored.value == {"option": "co"}
        assert stored.points == Decimal("0.50")
        assert isinstance(stored.points, Decimal)
        assert stored.version == 2
        assert stored.updated_at.tzinfo is not None
        history = await uow.answers.history(world.unit_id, item)
    assert [(h.old_value, h.new_value) for h in history] == [
        (None, {"option": "khong"}),
        ({"option": "khong"}, {"option": "co"}),
    ]
    assert [(h.old_points, h.new_points) for h in history] == [
        (None, Decimal("0")),
        (Decimal("0"), Decimal("0.5")),
    ]
    assert history[1].reason == "có kế hoạch"
    assert {h.source for h in history} == {"chat"}
    assert history[0].changed_by == world.person_id


async def test_unchanged_answer_writes_nothing(sessionmaker: SM, world: World) -> None:
    item = world.items["1.1.2"]
    value = {"num": "45", "den": "50"}
    async with UnitOfWork(sessionmaker) as uow:
        await uow.answers.set_answer(world.unit_id, item, value, "0", None, "import")
    async with UnitOfWork(sessionmaker) as uow:
        answer, previous = await uow.answers.set_answer(
            world.unit_id, item, dict(value), Decimal("0.00"), None, "import"
        )
        assert previous == answer.version == 1
        assert len(await uow.answers.history(world.unit_id, item)) == 1


async def test_expected_version_conflict(sessionmaker: SM, world: World) -> None:
    item = world.items["1.1.1"]
    async with UnitOfWork(sessionmaker) as uow:
        await uow.answers.set_answer(world.unit_id, item, {"option": "co"}, "0.5", None, "chat")
    with pytest.raises(VersionConflict):
        async with UnitOfWork(sessionmaker) as uow:
            await uow.answers.set_answer(
                world.unit_id, item, {"na": True}, None, None, "chat", expected_version=7
            )
    async with UnitOfWork(sessionmaker) as uow:
        answer, previous = await uow.answers.set_answer(
            world.unit_id, item, {"na": True}, None, None, "chat", expected_version=1
        )
        assert (previous, answer.version, answer.points) == (1, 2, None)


async def test_concurrent_update_is_detected(sessionmaker: SM, world: World) -> None:
    item = world.items["1.1.1"]
    async with UnitOfWork(sessionmaker) as uow:
        await uow.answers.set_answer(world.unit_id, item, {"option": "co"}, "0.5", None, "chat")
    with pytest.raises(StaleDataError):
        async with UnitOfWork(sessionmaker) as first:
            # the mapper's version counter, which set_answer relies on between its read and
            # its flush (the repository returns plain rows, so the ORM row is read here)
            stale = await first.session.scalar(
                select(m.Answer).where(m.Answer.unit_id == world.unit_id, m.Answer.item_id == item)
            )
            assert stale is not None and stale.version == 1
            await first.commit()  # end the read txn; expire_on_commit=False keeps version 1
            async with UnitOfWork(sessionmaker) as second:
                await second.answers.set_answer(
                    world.unit_id, item, {"option": "khong"}, "0", None, "chat"
                )
            stale.value = {"option": "na"}  # still believes version 1
            await first.flush()
    async with UnitOfWork(sessionmaker) as uow:
        answer = await uow.answers.get(world.unit_id, item)
        assert answer is not None
        assert (answer.value, answer.version) == ({"option": "khong"}, 2)


async def test_delete_answer_records_history(sessionmaker: SM, world: World) -> None:
    item = world.items["1.1.1"]
    async with UnitOfWork(sessionmaker) as uow:
        await uow.answers.set_answer(world.unit_id, item, {"option": "co"}, "0.5", None, "chat")
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.answers.delete_answer(
            world.unit_id, item, world.person_id, "admin", reason="nhập nhầm"
        )
        assert not await uow.answers.delete_answer(world.unit_id, item, None, "admin")
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.answers.get(world.unit_id, item) is None
        last = (await uow.answers.history(world.unit_id, item))[-1]
        assert (last.old_value, last.new_value, last.old_points, last.new_points) == (
            {"option": "co"},
            None,
            Decimal("0.5"),
            None,
        )
        assert (last.source, last.reason) == ("admin", "nhập nhầm")


async def test_list_for_unit_and_period(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        await uow.answers.set_answer(
            world.unit_id, world.items["1.1.1"], {"option": "co"}, "0.5", None, "chat"
        )
        await uow.answers.set_answer(
            world.unit_id, world.items["1.1.2"], {"num": "50", "den": "50"}, "1", None, "chat"
        )
        await uow.answers.set_answer(
            world.other_unit_id, world.items["1.1.1"], {"option": "khong"}, "0", None, "import"
        )
    async with UnitOfWork(sessionmaker) as uow:
        mine = await uow.answers.list_for_unit(world.unit_id)
        assert set(mine) == {"1.1.1", "1.1.2"}
        assert mine["1.1.2"].value == {"num": "50", "den": "50"}
        by_unit = await uow.answers.list_for_period(world.period_id)
        assert set(by_unit) == {world.unit_id, world.other_unit_id}
        assert by_unit[world.other_unit_id]["1.1.1"].points == Decimal("0")


async def test_invalid_source_rejected(sessionmaker: SM, world: World) -> None:
    with pytest.raises(ValueError):
        async with UnitOfWork(sessionmaker) as uow:
            await uow.answers.set_answer(
                world.unit_id, world.items["1.1.1"], {}, None, None, "telepathy"
            )


async def test_explanation_latest_replaces(sessionmaker: SM, world: World) -> None:
    item = world.items["1.1.2"]
    async with UnitOfWork(sessionmaker) as uow:
        first = await uow.answers.set_explanation(world.unit_id, item, "Lần 1", world.person_id)
        created = first.created_at
    async with UnitOfWork(sessionmaker) as uow:
        await uow.answers.set_explanation(world.unit_id, item, "Lần 2", world.person_id)
    async with UnitOfWork(sessionmaker) as uow:
        row = await uow.answers.get_explanation(world.unit_id, item)
        assert row is not None and row.text == "Lần 2"
        assert row.created_at == created and row.updated_at >= created
        assert list(await uow.answers.explanations_for_unit(world.unit_id)) == ["1.1.2"]


async def test_appraisal_changes_go_to_history(sessionmaker: SM, world: World) -> None:
    item = world.items["1.1.1"]
    async with UnitOfWork(sessionmaker) as uow:
        await uow.appraisals.set_appraisal(
            world.unit_id,
            item,
            "more_evidence",
            comment="Thiếu quyết định",
            due_date=date(2024, 4, 1),
            appraiser=world.person_id,
        )
    async with UnitOfWork(sessionmaker) as uow:
        await uow.appraisals.set_appraisal(
            world.unit_id, item, "adjusted", points="0.25", appraiser=world.person_id
        )
        # same verdict again: no extra history row
        await uow.appraisals.set_appraisal(
            world.unit_id, item, "adjusted", points="0.25", appraiser=world.person_id
        )
    async with UnitOfWork(sessionmaker) as uow:
        row = await uow.appraisals.get(world.unit_id, item)
        assert row is not None and (row.status, row.points) == ("adjusted", Decimal("0.25"))
        history = [h for h in await uow.answers.history(world.unit_id, item)]
        assert [h.source for h in history] == ["appraisal", "appraisal"]
        assert history[0].new_value == {
            "status": "more_evidence",
            "comment": "Thiếu quyết định",
            "due_date": "2024-04-01",
        }
        assert (history[1].old_points, history[1].new_points) == (None, Decimal("0.25"))
        assert set(await uow.appraisals.list_for_unit(world.unit_id)) == {"1.1.1"}
        assert set(await uow.appraisals.list_for_period(world.period_id)) == {world.unit_id}


async def test_survey_points(sessionmaker: SM, world: World) -> None:
    item = world.items["1.1.2"]
    async with UnitOfWork(sessionmaker) as uow:
        await uow.survey.set_points(world.unit_id, item, "0.8")
        await uow.survey.set_points(world.unit_id, item, Decimal("0.80"))  # unchanged
    async with UnitOfWork(sessionmaker) as uow:
        await uow.survey.set_points(world.unit_id, item, 0.9)
    async with UnitOfWork(sessionmaker) as uow:
        assert (await uow.survey.list_for_unit(world.unit_id))["1.1.2"].points == Decimal("0.9")
        per_period = await uow.survey.list_for_period(world.period_id)
        assert per_period[world.unit_id]["1.1.2"].points == Decimal("0.90")
        history = await uow.answers.history(world.unit_id, item)
        assert [(h.source, h.old_points, h.new_points) for h in history] == [
            ("survey", None, Decimal("0.8")),
            ("survey", Decimal("0.8"), Decimal("0.9")),
        ]


async def test_one_units_appraised_and_survey_points_in_one_read(
    sessionmaker: SM, world: World
) -> None:
    """What the chat scores a unit with on every update (issue 16, finding 5): appraised points
    that are set and survey points, exact, by item code."""
    async with UnitOfWork(sessionmaker) as uow:
        got = await uow.answers.unit_items(world.unit_id, world.catalog_id)
        assert (got.appraised, got.survey) == ({}, {})
        await uow.appraisals.set_appraisal(world.unit_id, world.items["1.1.1"], "more_evidence")
        await uow.appraisals.set_appraisal(
            world.unit_id, world.items["1.1.2"], "adjusted", points="0.125"
        )
        await uow.survey.set_points(world.unit_id, world.items["1.1.1"], "0.75")
    async with UnitOfWork(sessionmaker) as uow:
        got = await uow.answers.unit_items(world.unit_id, world.catalog_id)
        appraised, survey = got.appraised, got.survey
    assert appraised == {"1.1.2": Decimal("0.125")}  # a verdict without points is not there
    assert survey == {"1.1.1": Decimal("0.75")}
    assert all(isinstance(v, Decimal) for v in (*appraised.values(), *survey.values()))


async def test_save_seen_writes_the_answer_and_its_history_together(
    sessionmaker: SM, world: World
) -> None:
    """The hot path's save (on PostgreSQL one statement for the answer and its history): a
    history row per real change, none for an unchanged answer, and a stale read falls back
    to the careful path without a second history row for the same change."""
    item = world.items["1.1.1"]
    by = world.person_id
    async with UnitOfWork(sessionmaker) as uow:
        first, _ = await uow.answers.save_seen(
            None, world.unit_id, item, {"option": "khong"}, Decimal("0"), by, "chat"
        )
    async with UnitOfWork(sessionmaker) as uow:
        second, previous = await uow.answers.save_seen(
            first, world.unit_id, item, {"option": "co"}, Decimal("0.5"), by, "chat"
        )
        same, _ = await uow.answers.save_seen(
            second, world.unit_id, item, {"option": "co"}, Decimal("0.5"), by, "chat"
        )
    assert (first.version, previous, second.version, same.version) == (1, 1, 2, 2)
    async with UnitOfWork(sessionmaker) as uow:  # ``first`` is stale now: version 2 is stored
        third, _ = await uow.answers.save_seen(
            first, world.unit_id, item, {"option": "mot_phan"}, Decimal("0.25"), by, "chat"
        )
    assert third.version == 3
    async with UnitOfWork(sessionmaker) as uow:
        history = await uow.answers.history(world.unit_id, item)
        stored = await uow.answers.get(world.unit_id, item)
    assert stored is not None and stored.version == 3 and stored.value == {"option": "mot_phan"}
    assert [(h.old_value, h.new_value) for h in history] == [
        (None, {"option": "khong"}),
        ({"option": "khong"}, {"option": "co"}),
        ({"option": "co"}, {"option": "mot_phan"}),
    ]
    assert [(h.old_points, h.new_points, h.changed_by) for h in history] == [
        (None, Decimal("0"), by),
        (Decimal("0"), Decimal("0.5"), by),
        (Decimal("0.5"), Decimal("0.25"), by),
    ]
