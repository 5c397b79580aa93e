"""`parbot run`: the bot against a Bot API (real Telegram, or the local emulator).

Wires settings → database → conversation engine → sender → runtime adapter (aiogram by default,
python-telegram-bot with PARBOT_RUNTIME=ptb) and the outbox scheduler, and stops cleanly on
SIGINT/SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

import click

from bot.app import Database, open_database
from bot.settings import Settings, SettingsError, load_settings
from conversations.context import CoreConfig
from conversations.engine import ChatEngine
from scheduler.outbox import OutboxDispatcher, start_scheduler
from scheduler.sender import Sender

log = logging.getLogger("parbot")

COMMANDS_VI = [
    ("score", "Tự chấm điểm từng tiêu chí"),
    ("progress", "Tiến độ, tiêu chí còn thiếu"),
    ("submit", "Nộp kết quả tự chấm"),
    ("deadlines", "Các mốc thời hạn của Kế hoạch"),
    ("rank", "Điểm sơ bộ, thứ hạng, xếp loại"),
    ("whoami", "Vai trò của tôi"),
    ("lang", "Ngôn ngữ / Language"),
    ("help", "Hướng dẫn"),
]


def core_config(settings: Settings) -> CoreConfig:
    return CoreConfig(
        data_dir=settings.data_dir,
        trust_roots_dir=settings.trust_roots_dir,
        bot_username=settings.bot_username,
        timezone=settings.timezone,
        default_locale=settings.locale,
        officers_see_rank=settings.officers_see_rank,
    )


async def serve(settings: Settings, stop: asyncio.Event, db: Database | None = None) -> None:
    """Run until ``stop`` is set. ``db`` may be passed by the demo, which seeds it first."""
    if settings.bot_token is None:
        raise SettingsError("PARBOT_BOT_TOKEN is not set")
    token = settings.bot_token.get_secret_value()
    async with contextlib.AsyncExitStack() as stack:
        if db is None:
            db = await stack.enter_async_context(open_database(settings))
        engine = ChatEngine(db.uow, core_config(settings))
        if settings.runtime == "ptb":
            await _serve_ptb(settings, token, engine, db, stop)
        else:
            await _serve_aiogram(settings, token, engine, db, stop)


async def _serve_aiogram(
    settings: Settings, token: str, engine: ChatEngine, db: Database, stop: asyncio.Event
) -> None:
    from handlers.aiogram_runtime import AiogramTransport, build_dispatcher, make_bot

    bot = make_bot(token, settings.telegram_api)
    transport = AiogramTransport(bot)
    engine.files = transport
    sender = Sender(
        transport, rate=settings.send_rate, per_chat_interval=settings.per_chat_interval
    )
    scheduler = start_scheduler(OutboxDispatcher(db.uow, sender))
    install_jobs(scheduler, db, settings)
    dp = build_dispatcher(engine, sender)
    try:
        with contextlib.suppress(Exception):
            await transport.set_commands(COMMANDS_VI)
        polling = asyncio.create_task(
            dp.start_polling(
                bot,
                handle_signals=False,
                close_bot_session=False,
                polling_timeout=settings.poll_timeout,
            )
        )
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({polling, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if not polling.done():
            await dp.stop_polling()
            with contextlib.suppress(asyncio.CancelledError):
                await polling
        stopper.cancel()
    finally:
        scheduler.shutdown(wait=False)
        await bot.session.close()


async def _serve_ptb(
    settings: Settings, token: str, engine: ChatEngine, db: Database, stop: asyncio.Event
) -> None:
    from handlers.ptb_runtime import PtbTransport, build_application, install_handlers

    app = build_application(token, settings.telegram_api)
    transport = PtbTransport(app)
    engine.files = transport
    sender = Sender(
        transport, rate=settings.send_rate, per_chat_interval=settings.per_chat_interval
    )
    install_handlers(app, engine, sender)
    scheduler = start_scheduler(OutboxDispatcher(db.uow, sender))
    install_jobs(scheduler, db, settings)
    async with app:
        with contextlib.suppress(Exception):
            await transport.set_commands(COMMANDS_VI)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=settings.poll_timeout, poll_interval=0.0)
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            await app.updater.stop()
            await app.stop()


def install_jobs(scheduler: object, db: Database, settings: Settings) -> None:
    """Scheduled work beyond the outbox (reminders…), from the modules that own it."""
    import importlib

    for module in ("scheduler.reminders",):
        try:
            importlib.import_module(module).install(scheduler, db.uow, settings)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def _install_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)


@click.command("run", help="Chạy bot với Telegram (cần PARBOT_BOT_TOKEN) / run the bot.")
def run_command() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = load_settings()
    except SettingsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    if settings.bot_token is None:
        click.echo(
            "PARBOT_BOT_TOKEN chưa được đặt / is not set. Để thử không cần Telegram, chạy "
            "`parbot demo` (or `make demo`).",
            err=True,
        )
        sys.exit(2)

    async def main() -> None:
        stop = asyncio.Event()
        _install_signals(stop)
        await serve(settings, stop)

    asyncio.run(main())


@click.command("demo", help="Bản chạy thử trong trình duyệt, không cần Telegram / local demo.")
@click.option("--port", default=8080, show_default=True, help="Cổng trang web / web page port.")
@click.option("--fresh", is_flag=True, help="Tạo lại dữ liệu mẫu / reseed the demo data.")
def demo_command(port: int, fresh: bool) -> None:
    from bot.demo import run_demo

    run_demo(port=port, fresh=fresh)
