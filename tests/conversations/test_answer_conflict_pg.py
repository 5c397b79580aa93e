"""On PostgreSQL an officer's answer goes with the update's COMMIT (storage/answer_sql.py).
When another officer of the unit saved the same item between this update's read and that
COMMIT, nothing of the update is committed and the engine handles it again on what is stored
now: the officer gets a normal reply, never an apology, and both answers are in the history."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from sqlalchemy import text

from bot.app import Database
from tests.conversations.harness import Clock, Person, find_button, make_engine, officer

pytestmark = pytest.mark.postgres


async def _until_an_update_waits_for_a_row_lock(db: Database) -> None:
    async with db.engine.connect() as conn:
        for _ in range(500):
            waiting = await conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            )
            if waiting:
                return
            await asyncio.sleep(0.02)
    raise AssertionError("the pressed answer never waited for the other officer's row")


async def _ids(db: Database, user_id: int) -> dict[str, int]:
    async with db.uow() as uow:
        hot = await uow.people.hot(user_id)
        period = await uow.periods.get_by_year(2024)
        assert hot is not None and period is not None
        unit = await uow.units.get_by_code(period.id, "X01")
        assert unit is not None
        items = await uow.catalogs.items_by_code(unit.catalog_id)
    return {"person": hot.person.id, "unit": unit.id, "item": items["1.1.1.a"].id}


async def test_an_answer_saved_by_another_officer_before_the_commit_is_handled_again(
    pg_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    engine = make_engine(pg_db, clock)

    def person(uid: int, name: str, lang: str) -> Person:
        return Person(engine, uid, name, lang)

    try:
        lan = await officer(pg_db, clock, person, user_id=1001)
        await officer(pg_db, clock, person, user_id=1002, name="Bình")
        binh = await _ids(pg_db, 1002)
        await lan.text("/score")  # the first card: 1.1.1.a, not answered
        data = find_button(lan.last, "Đầy đủ nội dung")
        holding, release = asyncio.Event(), asyncio.Event()

        async def binh_saves_first() -> Any:
            async with pg_db.uow() as uow:
                await uow.answers.set_answer(
                    binh["unit"], binh["item"], {"option": "khong"}, 0, binh["person"], "chat"
                )
                holding.set()
                await release.wait()  # committed only once Lan's COMMIT waits for the row

        other = asyncio.create_task(binh_saves_first())
        await holding.wait()
        caplog.set_level(logging.INFO, logger="conversations.engine")
        pressed = asyncio.create_task(lan.press(data=data))
        await _until_an_update_waits_for_a_row_lock(pg_db)
        release.set()
        await other
        out = await pressed
        said = "\n".join(r.text for r in out.replies)
        # the second run reads Bình's answer: the card Lan pressed is stale, so she is asked
        # (an old button never overwrites silently), not given an apology
        assert "đã có câu trả lời: Không ban hành" in said and "do Bình lưu" in said, said
        assert "handled again" in caplog.text
        assert await _answer_and_history(pg_db, binh) == (
            {"option": "khong"},
            [(None, {"option": "khong"})],
        )
        await lan.press("Đổi")
        assert "Đã lưu 1.1.1.a" in lan.reply.text
        assert await _answer_and_history(pg_db, binh) == (
            {"option": "day_du"},
            [(None, {"option": "khong"}), ({"option": "khong"}, {"option": "day_du"})],
        )
    finally:
        await engine.close()


async def _answer_and_history(db: Database, ids: dict[str, int]) -> tuple[Any, list[Any]]:
    async with db.uow() as uow:
        answer = await uow.answers.get(ids["unit"], ids["item"])
        history = await uow.answers.history(ids["unit"], ids["item"])
    assert answer is not None
    return answer.value, [(h.old_value, h.new_value) for h in history]
