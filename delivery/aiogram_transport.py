"""Core replies → Bot API calls with aiogram 3 (the sender's :class:`~delivery.sender.Transport`),
aiogram's errors normalised to :class:`~delivery.sender.DeliveryError`."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from aiogram import Bot
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
)

from conversations.replies import Reply
from delivery.sender import DeliveryError

log = logging.getLogger(__name__)


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
