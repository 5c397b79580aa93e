"""aiogram 3 adapter: Telegram updates → core events, core replies → Bot API calls. Nothing else.

No aiogram FSM storage is used; the core keeps durable state in the database (restart-safe).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    CallbackQuery,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from conversations.replies import Event, IncomingFile, Reply, Sender
from handlers.common import Core, process
from scheduler.sender import DeliveryError
from scheduler.sender import Sender as OutSender

log = logging.getLogger(__name__)


def make_bot(token: str, api_base: str) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def _markup(
    reply: Reply,
) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
    if reply.buttons:
        return InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text=b.text, callback_data=b.data, url=b.url) for b in row]
                for row in reply.buttons
            ]
        )
    if reply.keyboard:
        return ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text=t) for t in row] for row in reply.keyboard],
            resize_keyboard=True,
            is_persistent=True,
        )
    if reply.remove_keyboard:
        return ReplyKeyboardRemove()
    return None


def _convert(exc: Exception) -> DeliveryError:
    if isinstance(exc, TelegramRetryAfter):
        return DeliveryError("rate_limited", exc.message, float(exc.retry_after))
    if isinstance(exc, TelegramForbiddenError):
        return DeliveryError("forbidden", exc.message)
    if isinstance(exc, TelegramBadRequest | TelegramNotFound):
        return DeliveryError("bad_request", exc.message)
    if isinstance(exc, TelegramServerError):
        return DeliveryError("server", exc.message)
    return DeliveryError("network", str(exc))


_ERRORS = (
    TelegramRetryAfter,
    TelegramForbiddenError,
    TelegramBadRequest,
    TelegramNotFound,
    TelegramServerError,
    TelegramNetworkError,
    asyncio.TimeoutError,
)


class AiogramTransport:
    def __init__(self, bot: Bot):
        self.bot = bot

    async def send(self, chat_id: int, reply: Reply) -> int:
        try:
            markup = _markup(reply)
            if reply.document is not None:
                f = reply.document
                msg = await self.bot.send_document(
                    chat_id,
                    FSInputFile(f.path, filename=f.name),
                    caption=reply.text or None,
                    reply_markup=markup,
                )
            elif reply.photo is not None:
                msg = await self.bot.send_photo(
                    chat_id,
                    FSInputFile(reply.photo.path, filename=reply.photo.name),
                    caption=reply.text or None,
                    reply_markup=markup,
                )
            else:
                msg = await self.bot.send_message(chat_id, reply.text, reply_markup=markup)
        except _ERRORS as exc:
            raise _convert(exc) from exc
        return msg.message_id

    async def edit(self, chat_id: int, message_id: int, reply: Reply) -> int:
        markup = _markup(reply)
        try:
            await self.bot.edit_message_text(
                text=reply.text,
                chat_id=chat_id,
                message_id=message_id,
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
            assert f.file_path is not None
            await self.bot.download_file(f.file_path, destination=dest)
        except _ERRORS as exc:
            raise _convert(exc) from exc

    async def fetch(self, file_id: str) -> bytes:
        try:
            f = await self.bot.get_file(file_id)
            assert f.file_path is not None
            buf = await self.bot.download_file(f.file_path)
        except _ERRORS as exc:
            raise _convert(exc) from exc
        assert buf is not None
        return buf.read()

    async def set_commands(self, commands: list[tuple[str, str]]) -> None:
        await self.bot.set_my_commands([BotCommand(command=c, description=d) for c, d in commands])


def _sender_of(user: object, chat_id: int) -> Sender:
    return Sender(
        user_id=user.id,  # type: ignore[attr-defined]
        chat_id=chat_id,
        first_name=user.first_name or "",  # type: ignore[attr-defined]
        last_name=user.last_name,  # type: ignore[attr-defined]
        username=user.username,  # type: ignore[attr-defined]
        language_code=user.language_code,  # type: ignore[attr-defined]
    )


def message_event(update_id: int, m: Message) -> Event | None:
    if m.from_user is None or m.chat.type != "private":
        return None
    who = _sender_of(m.from_user, m.chat.id)
    doc = m.document
    if doc is not None:
        f = IncomingFile(
            doc.file_id,
            doc.file_unique_id,
            doc.file_name,
            doc.mime_type,
            doc.file_size,
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


def callback_event(update_id: int, q: CallbackQuery) -> Event:
    chat_id = q.message.chat.id if q.message is not None else q.from_user.id
    return Event(
        update_id,
        _sender_of(q.from_user, chat_id),
        "callback",
        callback_id=q.id,
        callback_data=q.data or "",
        message_id=q.message.message_id if q.message is not None else None,
    )


def build_dispatcher(core: Core, sender: OutSender) -> Dispatcher:
    router = Router(name="parbot")

    @router.message()
    async def on_message(message: Message, event_update: Update) -> None:
        ev = message_event(event_update.update_id, message)
        if ev is not None:
            await process(ev, core, sender)

    @router.callback_query()
    async def on_callback(query: CallbackQuery, event_update: Update) -> None:
        await process(callback_event(event_update.update_id, query), core, sender)

    dp = Dispatcher()
    dp.include_router(router)
    return dp


async def run_polling(bot: Bot, core: Core, sender: OutSender) -> None:
    dp = build_dispatcher(core, sender)
    await dp.start_polling(bot, handle_signals=False, polling_timeout=10)


class AiogramRuntime:
    """The aiogram side of `parbot run`: a Bot, its transport, long polling or webhook set-up."""

    def __init__(self, settings: Any, token: str) -> None:
        self.settings = settings
        self.bot = make_bot(token, settings.telegram_api)
        self.transport = AiogramTransport(self.bot)

    async def __aenter__(self) -> AiogramRuntime:
        return self

    async def __aexit__(self, *exc: object) -> None:
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
