"""Core replies → Bot API calls with python-telegram-bot (the sender's
:class:`~delivery.sender.Transport`), PTB's errors normalised to
:class:`~delivery.sender.DeliveryError`."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from conversations.replies import Reply
from delivery.sender import DeliveryError

log = logging.getLogger(__name__)


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
