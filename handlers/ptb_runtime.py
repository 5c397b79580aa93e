"""python-telegram-bot adapter over the same core: no ConversationHandler, no PTB persistence.

PTB keeps conversation state in process memory, which breaks across restarts and processes; the
core's database state makes this adapter a pure translation layer like the aiogram one.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    TypeHandler,
)

from conversations.replies import Reply
from delivery.sender import DeliveryError
from delivery.sender import Sender as OutSender
from handlers.common import Core, process
from handlers.raw_updates import event_from_update

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


def _markup(
    reply: Reply,
) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
    if reply.buttons:
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(b.text, callback_data=b.data, url=b.url) for b in row]
                for row in reply.buttons
            ]
        )
    if reply.keyboard:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(t) for t in row] for row in reply.keyboard],
            resize_keyboard=True,
            is_persistent=True,
        )
    if reply.remove_keyboard:
        return ReplyKeyboardRemove()
    return None


def _convert(exc: Exception) -> DeliveryError:
    if isinstance(exc, RetryAfter):
        ra = exc.retry_after
        seconds = ra.total_seconds() if hasattr(ra, "total_seconds") else float(ra)
        return DeliveryError("rate_limited", str(exc), seconds)
    if isinstance(exc, Forbidden):
        return DeliveryError("forbidden", exc.message)
    if isinstance(exc, BadRequest):
        return DeliveryError("bad_request", exc.message)
    if isinstance(exc, TimedOut | NetworkError):
        text = str(exc)
        return DeliveryError("server" if "Bad Gateway" in text or "50" in text else "network", text)
    return DeliveryError("server", str(exc))


_ERRORS = (TelegramError, asyncio.TimeoutError)


class PtbTransport:
    def __init__(self, app: Application):  # type: ignore[type-arg]
        self.bot: Bot = app.bot

    async def send(self, chat_id: int, reply: Reply) -> int:
        if reply.commands is not None:
            await self._chat_commands(chat_id, reply.commands)
        markup = _markup(reply)
        try:
            if reply.document is not None:
                with open(reply.document.path, "rb") as fh:
                    msg = await self.bot.send_document(
                        chat_id,
                        fh,
                        filename=reply.document.name,
                        caption=reply.text or None,
                        parse_mode=ParseMode.HTML,
                        reply_markup=markup,
                    )
            elif reply.photo is not None:
                with open(reply.photo.path, "rb") as fh:
                    msg = await self.bot.send_photo(
                        chat_id,
                        fh,
                        caption=reply.text or None,
                        parse_mode=ParseMode.HTML,
                        reply_markup=markup,
                    )
            else:
                msg = await self.bot.send_message(
                    chat_id, reply.text, parse_mode=ParseMode.HTML, reply_markup=markup
                )
        except _ERRORS as exc:
            raise _convert(exc) from exc
        return msg.message_id

    async def edit(self, chat_id: int, message_id: int, reply: Reply) -> int:
        markup = _markup(reply)
        try:
            await self.bot.edit_message_text(
                reply.text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
            )
        except _ERRORS as exc:
            raise _convert(exc) from exc
        return message_id

    async def answer_callback(self, callback_id: str, text: str | None, alert: bool) -> None:
        try:
            await self.bot.answer_callback_query(callback_id, text=text, show_alert=alert)
        except _ERRORS as exc:
            raise _convert(exc) from exc

    async def download(self, file_id: str, dest: Path) -> None:
        try:
            f = await self.bot.get_file(file_id)
            await f.download_to_drive(dest)
        except _ERRORS as exc:
            raise _convert(exc) from exc

    async def fetch(self, file_id: str) -> bytes:
        try:
            f = await self.bot.get_file(file_id)
            return bytes(await f.download_as_bytearray())
        except _ERRORS as exc:
            raise _convert(exc) from exc

    async def set_commands(self, commands: list[tuple[str, str]]) -> None:
        await self.bot.set_my_commands([BotCommand(c, d) for c, d in commands])

    async def _chat_commands(self, chat_id: int, commands: tuple[tuple[str, str], ...]) -> None:
        """The person's own command menu; a failure here must not hold back the message."""
        try:
            await self.bot.set_my_commands(
                [BotCommand(c, d) for c, d in commands], scope=BotCommandScopeChat(chat_id)
            )
        except _ERRORS as exc:
            log.info("command menu of %s not set: %s", chat_id, exc)


def install_handlers(app: Application, core: Core, sender: OutSender) -> None:  # type: ignore[type-arg]
    """One catch-all handler: the update, as Bot API JSON, goes to the shared translator."""

    async def on_update(update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        ev = event_from_update(update.to_dict())
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
        self.transport = PtbTransport(self.app)

    async def __aenter__(self) -> PtbRuntime:
        await self.app.initialize()
        return self

    async def __aexit__(self, *exc: object) -> None:
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
