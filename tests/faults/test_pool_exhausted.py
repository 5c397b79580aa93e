"""Every pooled connection stays busy: the pool opens no extra one (bot.app.open_database), so an
update waits for one, and when none comes within the pool's timeout it is an outage like any
other: 503 to the webhook or "busy, nothing saved" to the officer, nothing half-stored, and the
redelivered update is handled once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from conversations.engine import BUSY, ChatEngine, ServiceUnavailable
from conversations.i18n import t
from conversations.person_lock import InProcessPersonLock
from conversations.replies import Event
from handlers.routes import build_registry
from storage.db import make_engine, make_sessionmaker
from storage.uow import UnitOfWork
from tests.conversations.harness import command_event


def _start(update_id: int, user_id: int) -> Event:
    return command_event(update_id, user_id, "/start")


@pytest.fixture
async def one_connection(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(db_url, pool_size=1, max_overflow=0, pool_timeout=0.3)
    yield engine
    await engine.dispose()


async def test_an_update_with_no_free_connection_is_busy_and_handled_on_redelivery(
    one_connection: AsyncEngine,
) -> None:
    sessions = make_sessionmaker(one_connection)
    chat = ChatEngine(
        lambda: UnitOfWork(sessions), person_lock=InProcessPersonLock(), routes=build_registry()
    )
    async with one_connection.connect():  # the pool's only connection, held elsewhere
        with pytest.raises(ServiceUnavailable):  # webhook: 503, Telegram delivers it again
            await chat.handle(_start(901, 91), raise_unavailable=True)
        polite = await chat.handle(_start(901, 91))  # polling: the officer is told
        assert polite is not None and polite.replies[0].text == t("en", BUSY)
    async with UnitOfWork(sessions) as uow:
        assert await uow.people.get_by_telegram_id(91) is None  # nothing was stored
    redelivered = await chat.handle(_start(901, 91))
    assert redelivered is not None and redelivered.replies
    assert redelivered.replies[0].text != t("en", BUSY)
    assert await chat.handle(_start(901, 91)) is None  # handled once
