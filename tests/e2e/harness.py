"""End-to-end harness: the Bot API emulator + the real `parbot` runtime over real HTTP.

Conversations are scripted as a user would act (send text, press a button by its label) and
every wait is on a predicate over the chat transcript — never a blind sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from bot.app import Database, open_database
from bot.runtime import serve
from bot.settings import Settings, load_settings
from conversations import assessment as A
from emulator.server import BotApiEmulator
from emulator.state import CallbackAnswer, Record
from scoring.catalog import sample_catalog_paths
from tests.typed_buttons import assert_typed

T = TypeVar("T")


@dataclass
class Stack:
    emu: BotApiEmulator
    settings: Settings
    db: Database
    runtime: str
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None

    async def start_bot(self) -> None:
        self._stop = asyncio.Event()
        polls = len(self.emu.calls_to("getUpdates"))
        self._task = asyncio.create_task(serve(self.settings, self._stop))
        await self.emu.wait_until(
            lambda: len(self.emu.calls_to("getUpdates")) > polls,
            60,  # the first start in a process imports the runtime: slow on a busy machine
            what="the bot to start polling",
        )

    async def stop_bot(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._task, 20)
            self._task = None

    async def restart(self) -> None:
        await self.stop_bot()
        await self.start_bot()

    def chat(self, user_id: int, name: str = "Lan", lang: str = "vi") -> Chat:
        self.emu.user(user_id, first_name=name, language_code=lang)
        return Chat(self.emu, user_id)

    async def join(
        self, user_id: int, unit: str | None = "X01", role: str = "officer", name: str = "Lan"
    ) -> Chat:
        """A Vietnamese-speaking user who joined through an invitation for ``unit``/``role``."""
        chat = self.chat(user_id, name)
        code = await self.invite(unit, role)
        await chat.send(f"/start {code}", expect="✅")
        return chat

    async def invite(
        self,
        unit: str | None,
        role: str,
        *,
        ttl: timedelta = timedelta(days=7),
        now: datetime | None = None,
        second_unit: bool = False,
    ) -> str:
        async with self.db.uow() as uow:
            code, _ = await A.create_invite(
                uow,
                year=2024,
                unit_code=unit,
                role=role,
                ttl=ttl,
                now=now or datetime.now(UTC),
                allow_second_unit=second_unit,
            )
        return code


@dataclass
class Chat:
    emu: BotApiEmulator
    user_id: int

    async def send(self, text: str, expect: str | None = None, timeout: float = 15) -> Record:
        """Send as the user; wait for the bot's next new message (containing ``expect`` if
        given). Typed text may also edit an earlier card in place; that edit is not the answer."""
        await self.emu.send_text(self.user_id, text)

        def new_message(r: Record) -> bool:
            return not r.edited and (expect is None or expect in (r.plain or ""))

        new_message.__name__ = f"a new message containing {expect!r}"
        return await self.emu.wait_for(self.user_id, new_message, timeout)

    async def press(self, label: str, expect: str | None = None, timeout: float = 15) -> Record:
        await self.emu.press(self.user_id, text=label)
        return await self._wait(expect, timeout)

    async def press_data(self, data: str, timeout: float = 15) -> CallbackAnswer:
        query = await self.emu.press_data(self.user_id, data)
        return await self.emu.wait_for_callback_answer(query["id"], timeout)

    async def press_on(
        self, message_id: int, data: str, expect: str | None = None, timeout: float = 15
    ) -> Record:
        """Press a button with ``data`` as it was on message ``message_id`` (an old message up the
        chat, or a button the message had before it was edited) and wait for the bot's answer."""
        await self.emu.press_data(self.user_id, data, message_id=message_id)
        return await self._wait(expect, timeout)

    async def edited(self, message_id: int, expect: str, timeout: float = 15) -> Record:
        """Wait until the bot has edited message ``message_id`` to contain ``expect``."""

        def edited_to(r: Record) -> bool:
            return r.message_id == message_id and r.edited and expect in (r.plain or "")

        edited_to.__name__ = f"message {message_id} edited to contain {expect!r}"
        return await self.emu.wait_for(self.user_id, edited_to, timeout, since=0)

    async def _wait(self, expect: str | None, timeout: float) -> Record:
        if expect is None:
            return await self.emu.wait_for(self.user_id, lambda r: True, timeout)
        return await self.emu.wait_for_text(self.user_id, expect, timeout)

    @property
    def last(self) -> Record:
        rec = self.emu.last_bot_message(self.user_id)
        assert rec is not None
        return rec

    def buttons(self) -> list[str]:
        return [b["text"] for row in self.last.buttons for b in row]


async def make_stack(
    tmp_path: Path, runtime: str, *, db_url: str | None = None, rate_limits: bool = False
) -> Stack:
    emu = BotApiEmulator(rate_limits=rate_limits)
    await emu.start()
    data = tmp_path / "data"
    settings = load_settings(
        bot_token=emu.token,
        telegram_api=emu.base_url,
        data_dir=data,
        database_url=db_url or f"sqlite+aiosqlite:///{(data / 'e2e.db').as_posix()}",
        bot_username=emu.username,
        runtime=runtime,
        per_chat_interval=0.0,
        send_rate=200.0,
        poll_timeout=1,
        expensive_every=0,
    )
    db_cm = open_database(settings)
    db = await db_cm.__aenter__()
    async with db.uow() as uow:
        # without `locale: vi`, so each test user's Telegram language decides (English tests)
        text = sample_catalog_paths()["xa-mau-2024"].read_text("utf-8")
        await A.import_catalog(uow, text.replace("\nlocale: vi\n", "\n"), 2024)
        await A.import_units(
            uow,
            "code,name,board\nX01,UBND xã Canh Thuận,commune\nX02,UBND xã Canh Hiệp,commune\n",
            2024,
        )
    stack = Stack(emu, settings, db, runtime)
    stack._db_cm = db_cm  # type: ignore[attr-defined]
    await stack.start_bot()
    return stack


async def close_stack(stack: Stack) -> None:
    await stack.stop_bot()
    await stack._db_cm.__aexit__(None, None, None)  # type: ignore[attr-defined]
    await stack.emu.stop()
    drawn = (r for chat in stack.emu.core.chats.values() for r in chat.records)
    buttons = (b.get("callback_data") for r in drawn for row in r.buttons for b in row)
    assert_typed(buttons, "the chats")


async def eventually(probe: Callable[[], Awaitable[T]], expected: T, timeout: float = 15.0) -> None:
    """Poll a database predicate until it holds (the outbox is drained by a background job)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (value := await probe()) != expected:
        assert loop.time() < deadline, f"still {value!r}, expected {expected!r}"
        await asyncio.sleep(0.05)


async def answers_of(stack, unit: str) -> dict[str, dict]:
    async with stack.db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        u = await uow.units.get_by_code(period.id, unit)
        return {c: a.value for c, a in (await uow.answers.list_for_unit(u.id)).items()}
