"""A framework-free driver for the conversation core: events in, replies out, real database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import documents
from bot.app import Database
from conversations import assessment as A
from conversations.context import CoreConfig
from conversations.engine import ChatEngine
from conversations.replies import Event, IncomingFile, Outcome, Reply, Sender
from handlers.routes import build_registry
from scoring.catalog import sample_catalog_paths
from tests.typed_buttons import assert_typed


def command_event(update_id: int, user_id: int, text: str, language: str = "en") -> Event:
    """One update carrying the command ``text`` from user ``user_id`` ("Lan"), for tests that
    call the engine directly without a :class:`Person`."""
    event = Event.typed(update_id, Sender(user_id, user_id, "Lan", language_code=language), text)
    assert event.kind == "command", text
    return event


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2024, 2, 1, 3, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Person:
    engine: ChatEngine
    user_id: int
    name: str = "Lan"
    lang: str = "vi"
    counter: ClassVar[list[int]] = [0]
    last: Outcome | None = None

    @property
    def sender(self) -> Sender:
        return Sender(self.user_id, self.user_id, self.name, language_code=self.lang)

    async def _go(self, **kw) -> Outcome:
        self.counter[0] += 1
        return await self._handle(Event(self.counter[0], self.sender, **kw))

    async def _handle(self, event: Event) -> Outcome:
        out = await self.engine.handle(event)
        assert out is not None
        assert_typed((b.data for r in out.replies for row in r.buttons for b in row), "replies")
        self.last = out
        return out

    async def text(self, text: str) -> Outcome:
        self.counter[0] += 1
        return await self._handle(Event.typed(self.counter[0], self.sender, text))

    async def press(self, label: str | None = None, data: str | None = None) -> Outcome:
        if data is None:
            assert self.last is not None
            data = find_button(self.last, label)
        return await self._go(kind="callback", callback_id="cb", callback_data=data, message_id=1)

    async def file(self, name: str, size: int, caption: str | None = None) -> Outcome:
        f = IncomingFile("fid", "fuid", name, "application/pdf", size, caption)
        return await self._go(kind="document", text=caption or "", file=f)

    @property
    def reply(self) -> Reply:
        assert self.last is not None and self.last.replies, self.last
        return self.last.replies[-1]


def find_button(out: Outcome, label: str | None) -> str:
    for reply in reversed(out.replies):
        for row in reply.buttons:
            for b in row:
                if label is not None and label in b.text:
                    assert b.data is not None
                    return b.data
    raise AssertionError(f"no button {label!r} in {[r.buttons for r in out.replies]}")


async def seed(
    db: Database, *, units: str = "code,name,board\nX01,UBND xã A,commune\nX02,UBND xã B,commune\n"
) -> None:
    async with db.uow() as uow:
        await A.import_catalog(uow, sample_catalog_paths()["xa-mau-2024"].read_text("utf-8"), 2024)
        await A.import_units(uow, units, 2024)


async def invite(
    db: Database,
    unit: str | None,
    role: str,
    now: datetime,
    ttl: timedelta = timedelta(days=7),
    *,
    second_unit: bool = False,
) -> str:
    """A fresh invite code (``second_unit``: its holder may keep another unit too)."""
    async with db.uow() as uow:
        code, _ = await A.create_invite(
            uow,
            year=2024,
            unit_code=unit,
            role=role,
            ttl=ttl,
            now=now,
            allow_second_unit=second_unit,
        )
    return code


def make_engine(db: Database, clock: Clock) -> ChatEngine:
    return ChatEngine(
        db.uow, CoreConfig(formats=documents.formats()), clock, routes=build_registry()
    )


async def officer(db, clock, person, unit="X01", user_id=1001, name="Lan", lang="vi") -> Person:
    p = person(user_id, name, lang)
    code = await invite(db, unit, "officer", clock.now)
    await p.text(f"/start {code}")
    assert "✅" in p.reply.text
    return p


async def answers_of(db, unit: str) -> dict[str, dict]:
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        u = await uow.units.get_by_code(period.id, unit)
        return {c: a.value for c, a in (await uow.answers.list_for_unit(u.id)).items()}
