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
    AiogramError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from conversations.replies import Reply
from delivery.sender import DeliveryError
from delivery.sender import Sender as OutSender
from handlers.common import Core, process
from handlers.raw_updates import event_from_update

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
    AiogramError,  # e.g. ClientDecodeError: a proxy's HTML error page instead of JSON
    asyncio.TimeoutError,
)


class AiogramTransport:
    def __init__(self, bot: Bot):
        self.bot = bot

    async def send(self, chat_id: int, reply: Reply) -> int:
        if reply.commands is not None:
            await self._chat_commands(chat_id, reply.commands)
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

    async def _chat_commands(self, chat_id: int, commands: tuple[tuple[str, str], ...]) -> None:
        """The person's own command menu; a failure here must not hold back the message."""
        try:
            await self.bot.set_my_commands(
                [BotCommand(command=c, description=d) for c, d in commands],
                scope=BotCommandScopeChat(chat_id=chat_id),
            )
        except _ERRORS as exc:
            log.info("command menu of %s not set: %s", chat_id, exc)


def build_dispatcher(core: Core, sender: OutSender) -> Dispatcher:
    """One catch-all handler: the update, as Bot API JSON, goes to the shared translator."""
    router = Router(name="parbot")

    async def on_update(_obj: object, event_update: Update) -> None:
        ev = event_from_update(
            event_update.model_dump(mode="json", by_alias=True, exclude_none=True)
        )
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
