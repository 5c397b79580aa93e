"""python-telegram-bot adapter over the same core: no ConversationHandler, no PTB persistence.

PTB keeps conversation state in process memory, which breaks across restarts and processes; the
core's database state makes this adapter a pure translation layer like the aiogram one.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import (
    Update,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    TypeHandler,
)

from delivery.http_transport import HttpTransport
from delivery.sender import Sender as OutSender
from handlers.common import Core, process
from handlers.typed_updates import event_from_typed

log = logging.getLogger(__name__)


def build_application(token: str, api_base: str, request_timeout: float = 10.0) -> Application:  # type: ignore[type-arg]
    """PTB's own read/write timeouts (5 s by default) stay well above the sender's, which grow
    on each retry up to 4×: otherwise PTB would cut a slow but working answer short and every
    retry could deliver another copy."""
    io_timeout = 4 * request_timeout + 5
    return (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_base}/bot")
        .base_file_url(f"{api_base}/file/bot")
        .read_timeout(io_timeout)
        .write_timeout(io_timeout)
        .concurrent_updates(True)
        .build()
    )


def install_handlers(app: Application, core: Core, sender: OutSender) -> None:  # type: ignore[type-arg]
    """One catch-all handler: the typed update, read as it arrives, goes to the core."""

    async def on_update(update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        ev = event_from_typed(update)
        if ev is not None:
            await process(ev, core, sender)

    app.add_handler(TypeHandler(Update, on_update))


class _LastPollNotice(logging.Filter):
    """PTB's updater calls getUpdates once more while it stops, to confirm the updates it
    handled; when Telegram answers that call late (a ReadTimeout on a slow network) PTB logs an
    ERROR with a traceback on what is a normal stop. Nothing is lost: Telegram sends those
    updates again at the next start and the core skips them as already handled
    (``uow.updates.claim``). So the record becomes one warning line that says so."""

    PTB_MESSAGE = "Error while calling `get_updates` one more time"

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and str(record.msg).startswith(self.PTB_MESSAGE):
            exc = record.exc_info[1]
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg = (
                "stopping: could not confirm the last updates (%s); Telegram sends them again "
                "at the next start and they are skipped as already handled"
            )
            record.args = (f"{type(exc).__name__}: {exc}",)
            record.exc_info = record.exc_text = None
        return True


def _quiet_last_poll() -> None:
    updater_log = logging.getLogger("telegram.ext.Updater")
    if not any(isinstance(f, _LastPollNotice) for f in updater_log.filters):
        updater_log.addFilter(_LastPollNotice())


class PtbRuntime:
    """The python-telegram-bot side of `parbot run` over the same core."""

    def __init__(self, settings: Any, token: str) -> None:
        _quiet_last_poll()
        self.settings = settings
        self.app = build_application(token, settings.telegram_api, settings.request_timeout)
        # replies go out as plain JSON over aiohttp (delivery.http_transport: measured ≈ 5 ×
        # cheaper than ptb's httpx + Message parsing); ptb polls and parses the updates
        self.transport = HttpTransport(
            settings.telegram_api, token, io_timeout=4 * settings.request_timeout + 5
        )

    async def __aenter__(self) -> PtbRuntime:
        await self.app.initialize()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.transport.close()
        await self.app.shutdown()

    async def poll(self, core: Core, sender: OutSender, stop: asyncio.Event) -> None:
        install_handlers(self.app, core, sender)
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(timeout=self.settings.poll_timeout, poll_interval=0.0)
        try:
            await stop.wait()
        finally:
            await self.app.updater.stop()
            await self.app.stop()

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.app.bot.set_webhook(url, secret_token=secret, drop_pending_updates=False)
