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
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram import Message as PtbMessage
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    TypeHandler,
)

from conversations.replies import Event, IncomingFile, Reply, Sender
from handlers.common import Core, process
from scheduler.sender import DeliveryError
from scheduler.sender import Sender as OutSender

log = logging.getLogger(__name__)


def build_application(token: str, api_base: str) -> Application:  # type: ignore[type-arg]
    return (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_base}/bot")
        .base_file_url(f"{api_base}/file/bot")
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
        self.bot = app.bot

    async def send(self, chat_id: int, reply: Reply) -> int:
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


def _sender_of(user: object, chat_id: int) -> Sender:
    return Sender(
        user_id=user.id,  # type: ignore[attr-defined]
        chat_id=chat_id,
        first_name=user.first_name or "",  # type: ignore[attr-defined]
        last_name=user.last_name,  # type: ignore[attr-defined]
        username=user.username,  # type: ignore[attr-defined]
        language_code=user.language_code,  # type: ignore[attr-defined]
    )


def message_event(update_id: int, m: PtbMessage) -> Event | None:
    if m.from_user is None or m.chat.type != "private":
        return None
    who = _sender_of(m.from_user, m.chat.id)
    if m.document is not None:
        d = m.document
        f = IncomingFile(
            d.file_id,
            d.file_unique_id,
            d.file_name,
            d.mime_type,
            d.file_size,
            m.caption,
            m.media_group_id,
        )
        return Event(
            update_id, who, "document", text=m.caption or "", message_id=m.message_id, file=f
        )
    if m.photo:
        p = m.photo[-1]
        f = IncomingFile(
            p.file_id,
            p.file_unique_id,
            None,
            "image/jpeg",
            p.file_size,
            m.caption,
            m.media_group_id,
        )
        return Event(update_id, who, "photo", text=m.caption or "", message_id=m.message_id, file=f)
    text = m.text or m.caption or ""
    cmd = Event.parse_command(text)
    if cmd is not None:
        return Event(
            update_id,
            who,
            "command",
            text=text,
            command=cmd[0],
            args=cmd[1],
            message_id=m.message_id,
        )
    return Event(update_id, who, "text", text=text, message_id=m.message_id)


def install_handlers(app: Application, core: Core, sender: OutSender) -> None:  # type: ignore[type-arg]
    async def on_callback(update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        q = update.callback_query
        assert q is not None
        chat_id = q.message.chat.id if q.message is not None else q.from_user.id
        ev = Event(
            update.update_id,
            _sender_of(q.from_user, chat_id),
            "callback",
            callback_id=q.id,
            callback_data=q.data or "",
            message_id=q.message.message_id if q.message is not None else None,
        )
        await process(ev, core, sender)

    async def on_update(update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is None:
            return
        ev = message_event(update.update_id, update.message)
        if ev is not None:
            await process(ev, core, sender)

    app.add_handler(CallbackQueryHandler(on_callback))
    app.add_handler(TypeHandler(Update, on_update), group=1)


class PtbRuntime:
    """The python-telegram-bot side of `parbot run` over the same core."""

    def __init__(self, settings: Any, token: str) -> None:
        self.settings = settings
        self.app = build_application(token, settings.telegram_api)
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
