"""The bot side of the update-throughput benchmark, run as its own process.

``python -m bench.botproc parbot --api URL --token T --db URL --data DIR [--runtime R]``
    the real runtime: ``bot.runtime.serve()`` with the product's default adapter,
    python-telegram-bot (``--runtime aiogram`` for the other one), outbox scheduler, leader
    election and all; replies unpaced (``per_chat_interval=0``; the emulator's flood control is
    off);
``python -m bench.botproc echo --api URL --token T``
    the baseline: a bare aiogram 3 bot on the same emulator that answers every message with its
    text and every button press with ``answerCallbackQuery`` + an edit (what parbot does for a
    press), with no database and no logic.

parbot runs on the product's event loop (``PARBOT_EVENT_LOOP``, uvloop where installed); the
bare bot on the standard loop, as aiogram runs by default (``PARBOT_BENCH_ECHO_LOOP=uvloop`` to
compare). Both stop cleanly on SIGTERM. Running the bot in its own process keeps the emulator
and the simulated users (the driver) from competing with it for the interpreter, as real
Telegram would.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import logging
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING

from bot import event_loop

if TYPE_CHECKING:
    from bot.settings import Settings


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


def parbot_settings(api: str, token: str, db: str, data: Path, runtime: str) -> Settings:
    """The product's settings (environment and .env included, PARBOT_EVENT_LOOP among them)
    with the benchmark's emulator, database and unpaced sending."""
    from bot.settings import load_settings

    return load_settings(
        bot_token=token,
        telegram_api=api,
        database_url=db,
        data_dir=data,
        runtime=runtime,
        per_chat_interval=0.0,
        send_rate=1_000_000.0,
        poll_timeout=10,
        log_level="WARNING",
    )


async def run_parbot(settings: Settings) -> None:
    from bot.runtime import serve

    await serve(settings, _stop_event())


async def run_echo(api: str, token: str) -> None:
    from aiogram import Bot, Dispatcher, Router
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="OK", callback_data="ok")]]
    )
    counter = itertools.count(1)
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text}", reply_markup=keyboard)

    @router.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        await query.answer()
        if query.message is not None:
            await bot.edit_message_text(
                f"pressed {query.data} #{next(counter)}",
                chat_id=query.message.chat.id,
                message_id=query.message.message_id,
                reply_markup=keyboard,
            )

    dp = Dispatcher()
    dp.include_router(router)
    stop = _stop_event()
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=10)
    )
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait({polling, stopper}, return_when=asyncio.FIRST_COMPLETED)
    if not polling.done():
        await dp.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
    stopper.cancel()
    await bot.session.close()


def _gc_timer() -> dict[str, float]:
    """Diagnostics (``PARBOT_BENCH_GC_LOG=1``): CPU time spent in garbage collections."""
    import gc
    import time

    spent: dict[str, float] = {}
    started: list[float] = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.process_time()
        else:
            key = f"gen{info['generation']}"
            spent[key] = spent.get(key, 0.0) + time.process_time() - started[0]
            spent[key + "_n"] = spent.get(key + "_n", 0.0) + 1

    gc.callbacks.append(on_gc)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.botproc")
    parser.add_argument("kind", choices=["parbot", "echo"])
    parser.add_argument("--api", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--db")
    parser.add_argument("--data", type=Path)
    parser.add_argument("--what-if", default="", help="bench.whatif patches, comma-separated")
    parser.add_argument(
        "--runtime", choices=["ptb", "aiogram"], default="ptb", help="parbot: PARBOT_RUNTIME"
    )
    parser.add_argument(
        "--sqlite-driver", default="", help="parbot: PARBOT_SQLITE_DRIVER (parbot or aiosqlite)"
    )
    args = parser.parse_args()
    if args.sqlite_driver:
        os.environ["PARBOT_SQLITE_DRIVER"] = args.sqlite_driver
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.what_if:
        from bench import whatif

        whatif.apply([n for n in args.what_if.split(",") if n])
    gc_spent = _gc_timer() if os.environ.get("PARBOT_BENCH_GC_LOG") else None
    if args.kind == "parbot":
        settings = parbot_settings(args.api, args.token, args.db, args.data, args.runtime)
        profile_to = os.environ.get("PARBOT_BENCH_PROFILE")  # diagnostics: cProfile stats file

        def run() -> None:  # on the product's loop (PARBOT_EVENT_LOOP, uvloop where installed)
            event_loop.run(run_parbot(settings), settings.event_loop)

        if profile_to:
            import cProfile

            with cProfile.Profile() as prof:
                run()
            prof.dump_stats(profile_to)
        else:
            run()
    else:
        # the bare bot as aiogram runs it, on the standard loop; diagnostics may set another
        event_loop.run(
            run_echo(args.api, args.token), os.environ.get("PARBOT_BENCH_ECHO_LOOP", "asyncio")
        )
    if gc_spent is not None:
        from storage.sqlite_loop import HOPS

        logging.getLogger("bench.gc").warning("gc time: %s; SQLite off-loop: %s", gc_spent, HOPS)


if __name__ == "__main__":
    main()
