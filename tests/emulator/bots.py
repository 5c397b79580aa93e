"""Tiny real bots (aiogram 3 and python-telegram-bot) used to prove the emulator's fidelity.

Both implement the same script: /start [payload] -> HTML greeting with an inline keyboard;
"agree" button -> edit the message + answer the callback; a document -> download it and send
it back reversed; a photo -> send it back by file_id; "keyboard" -> a reply keyboard; any other
text -> echo.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.text_decorations import html_decoration
from telegram import InlineKeyboardButton as PtbButton
from telegram import InlineKeyboardMarkup as PtbMarkup
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from emulator import BotApiEmulator

GREETING_BUTTONS = [("Đồng ý", "agree"), ("Huỷ", "cancel")]


def aiogram_bot(emu: BotApiEmulator) -> Bot:
    """An aiogram Bot pointed at the emulator, exactly as production code would build it."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url))
    return Bot(emu.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))


def aiogram_dispatcher() -> Dispatcher:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message, command: CommandObject) -> None:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text=t, callback_data=d) for t, d in GREETING_BUTTONS]
            ]
        )
        name = html_decoration.quote(message.from_user.first_name if message.from_user else "")
        await message.answer(
            f"<b>Xin chào</b>, {name}! Mã: <code>{command.args or '-'}</code>",
            reply_markup=keyboard,
        )

    @dp.callback_query(F.data == "agree")
    async def agree(callback: CallbackQuery) -> None:
        if isinstance(callback.message, Message):
            await callback.message.edit_text("Đã đồng ý ✅")
        await callback.answer("Cảm ơn bạn!")

    @dp.callback_query()
    async def other_callback(callback: CallbackQuery) -> None:
        await callback.answer(f"Không hợp lệ: {callback.data}", show_alert=True)

    @dp.message(F.document)
    async def document(message: Message, bot: Bot) -> None:
        assert message.document is not None
        file = await bot.get_file(message.document.file_id)
        data = await bot.download(file)
        assert data is not None
        content = data.read()
        await message.answer_document(
            BufferedInputFile(content[::-1], filename="dao-nguoc.txt"),
            caption=f"Đã nhận <i>{len(content)}</i> byte",
        )

    @dp.message(F.photo)
    async def photo(message: Message) -> None:
        assert message.photo
        largest = message.photo[-1]
        await message.answer_photo(largest.file_id, caption=f"{largest.width}x{largest.height}")

    @dp.message(F.text == "keyboard")
    async def keyboard(message: Message) -> None:
        markup = ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text="Có"), KeyboardButton(text="Không")]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
        await message.answer("Chọn một:", reply_markup=markup)

    @dp.message(F.text.in_({"Có", "Không"}))
    async def chosen(message: Message) -> None:
        await message.answer(f"Bạn chọn: {message.text}", reply_markup=ReplyKeyboardRemove())

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(html_decoration.quote(message.text or ""))

    return dp


@contextlib.asynccontextmanager
async def running_aiogram(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    """Run the aiogram bot with real long polling until the block exits."""
    bot = aiogram_bot(emu)
    dp = aiogram_dispatcher()
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, polling_timeout=5, close_bot_session=True)
    )
    await emu.wait_until(lambda: emu.stats.by_method["getUpdates"] > 0, 10, what="first poll")
    try:
        yield bot
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(task, 10)


# ---------------------------------------------------------------- python-telegram-bot


async def _ptb_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.effective_user is not None
    keyboard = PtbMarkup([[PtbButton(t, callback_data=d) for t, d in GREETING_BUTTONS]])
    payload = context.args[0] if context.args else "-"
    await update.message.reply_html(
        f"<b>Xin chào</b>, {update.effective_user.first_name}! Mã: <code>{payload}</code>",
        reply_markup=keyboard,
    )


async def _ptb_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    if query.data == "agree":
        await query.answer("Cảm ơn bạn!")
        await query.edit_message_text("Đã đồng ý ✅")
    else:
        await query.answer(f"Không hợp lệ: {query.data}", show_alert=True)


async def _ptb_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.document is not None
    file = await update.message.document.get_file()
    content = bytes(await file.download_as_bytearray())
    await update.message.reply_document(
        document=content[::-1],
        filename="dao-nguoc.txt",
        caption=f"Đã nhận <i>{len(content)}</i> byte",
        parse_mode="HTML",
    )


async def _ptb_echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


def ptb_application(emu: BotApiEmulator) -> Application:  # type: ignore[type-arg]
    """A PTB Application pointed at the emulator with the documented builder options."""
    app = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(f"{emu.base_url}/bot")
        .base_file_url(f"{emu.base_url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", _ptb_start))
    app.add_handler(CallbackQueryHandler(_ptb_callback))
    app.add_handler(MessageHandler(filters.Document.ALL, _ptb_document))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _ptb_echo))
    return app


@contextlib.asynccontextmanager
async def running_ptb(emu: BotApiEmulator) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Run the PTB application with its Updater's long polling until the block exits."""
    app = ptb_application(emu)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=5)
        await emu.wait_until(lambda: emu.stats.by_method["getUpdates"] > 0, 10, what="poll")
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def raw(
    emu: BotApiEmulator, method: str, *, token: str | None = None, **params: Any
) -> tuple[int, dict[str, Any]]:
    """POST JSON to the Bot API and return (HTTP status, decoded body)."""
    url = f"{emu.base_url}/bot{token or emu.token}/{method}"
    async with aiohttp.ClientSession() as http, http.post(url, json=params) as resp:
        return resp.status, await resp.json()
