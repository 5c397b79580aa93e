"""aiogram 3 adapter: Telegram updates → core events, core replies → Bot API calls. Nothing else.

No aiogram FSM storage is used; the core keeps durable state in the database (restart-safe).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import (
    Update,
)

from delivery.http_transport import HttpTransport
from delivery.sender import Sender as OutSender
from handlers.common import Core, process
from handlers.typed_updates import event_from_typed

log = logging.getLogger(__name__)


_PINNED_RESPONSES: list[Any] = []


def _pin_response_models() -> None:
    """Keep aiogram's parametrized ``Response[...]`` models alive.

    Pydantic caches parametrized generics weakly; aiogram builds ``Response[method.__returning__]``
    on every Bot API call, so after each garbage collection the class was rebuilt (several ms).
    The benchmark measured +42 % updates/s with the models pinned (bench/RESULTS.md).
    """
    if _PINNED_RESPONSES:
        return
    import aiogram.methods as methods
    from aiogram.methods.base import Response, TelegramMethod

    for name in dir(methods):
        obj = getattr(methods, name)
        if isinstance(obj, type) and issubclass(obj, TelegramMethod) and obj is not TelegramMethod:
            returning = getattr(obj, "__returning__", None)
            if returning is not None:
                generic: Any = Response  # parametrised at run time by a value, not a type
                with contextlib.suppress(TypeError):
                    _PINNED_RESPONSES.append(generic[returning])


def make_bot(token: str, api_base: str) -> Bot:
    _pin_response_models()
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def build_dispatcher(core: Core, sender: OutSender) -> Dispatcher:
    """One catch-all handler: the typed update, read as it arrives, goes to the core."""
    router = Router(name="parbot")

    async def on_update(_obj: object, event_update: Update) -> None:
        ev = event_from_typed(event_update)
        if ev is not None:
            await process(ev, core, sender)

    router.message.register(on_update)
    router.callback_query.register(on_update)
    dp = Dispatcher()
    dp.include_router(router)
    return dp


class AiogramRuntime:
    """The aiogram side of `parbot run`: a Bot, its transport, long polling or webhook set-up."""

    def __init__(self, settings: Any, token: str) -> None:
        self.settings = settings
        self.bot = make_bot(token, settings.telegram_api)
        # replies go out as plain JSON over aiohttp, as on the ptb runtime (one transport)
        self.transport = HttpTransport(
            settings.telegram_api, token, io_timeout=4 * settings.request_timeout + 5
        )

    async def __aenter__(self) -> AiogramRuntime:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.transport.close()
        await self.bot.session.close()

    async def poll(self, core: Core, sender: OutSender, stop: asyncio.Event) -> None:
        dp = build_dispatcher(core, sender)
        with contextlib.suppress(Exception):
            await self.bot.delete_webhook(drop_pending_updates=False)
        polling = asyncio.create_task(
            dp.start_polling(
                self.bot,
                handle_signals=False,
                close_bot_session=False,
                polling_timeout=self.settings.poll_timeout,
            )
        )
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({polling, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if not polling.done():
            await dp.stop_polling()
            with contextlib.suppress(asyncio.CancelledError):
                await polling
        stopper.cancel()

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url, secret_token=secret, drop_pending_updates=False)
