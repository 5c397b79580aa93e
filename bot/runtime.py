"""`parbot run`: the bot against a Bot API (real Telegram, or the local emulator).

Wires settings → database and per-person lock (Redis with PARBOT_REDIS_URL) → conversation
engine → sender → runtime adapter (python-telegram-bot by default, aiogram with
PARBOT_RUNTIME=aiogram) and the outbox scheduler, and stops cleanly on SIGINT/SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator
from typing import Any

import click

import documents
from bot import event_loop, redact
from bot.app import Database, open_database, open_person_lock
from bot.settings import Settings, SettingsError, load_settings, pool_per_worker
from bot.supervisor import Supervisor, become_worker
from conversations.context import CoreConfig
from conversations.engine import ChatEngine
from conversations.i18n import t
from conversations.routing import Registry
from delivery.outbox import OutboxDispatcher
from delivery.sender import Sender
from handlers.routes import build_registry
from scheduler import reminders
from scheduler.leader import Leadership
from scheduler.outbox import start_scheduler
from storage.leadership import LeaderLock

log = logging.getLogger("parbot")


def default_commands(routes: Registry, locale: str) -> list[tuple[str, str]]:
    """The "/" menu of someone who has not joined yet (each person's own menu, per chat, is
    sent with the replies that change their roles)."""
    return list(routes.commands_for(frozenset(), lambda msgid: t(locale, msgid)))


def settle_gc() -> None:
    """Move everything start-up built into the garbage collector's permanent generation.

    Imported modules, aiogram's Bot API models, SQLAlchemy's mappers and compiled statements
    live as long as the process; every update allocates enough container objects to trigger
    collections, and the older generations would otherwise walk those long-lived objects again
    and again. ``gc.freeze()`` after one full collection takes them out of every later
    collection (measured in bench/RESULTS.md, 2026-12-06).
    """
    gc.collect()
    gc.freeze()


def core_config(settings: Settings) -> CoreConfig:
    return CoreConfig(
        data_dir=settings.data_dir,
        trust_roots_dir=settings.trust_roots_dir,
        risky_pdf=settings.risky_pdf,
        bot_username=settings.bot_username,
        timezone=settings.timezone,
        default_locale=settings.locale,
        officers_see_rank=settings.officers_see_rank,
        expensive_every=settings.expensive_every,
        formats=documents.formats(),
    )


async def serve(
    settings: Settings,
    stop: asyncio.Event,
    db: Database | None = None,
    *,
    webhook: bool = False,
    reuse_port: bool = False,
) -> None:
    """Run until ``stop`` is set: long polling by default, or the webhook server.

    ``db`` may be passed by the demo, which seeds it first. The scheduler and outbox sender run
    only in the process that holds the leadership lock (see scheduler.leader).
    """
    if settings.bot_token is None:
        raise SettingsError("PARBOT_BOT_TOKEN is not set")
    token = settings.bot_token.get_secret_value()
    redact.install(
        [
            token,
            token.split(":", 1)[-1],
            settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
        ]
    )
    log.info("event loop: %s", event_loop.running_loop_name())
    async with contextlib.AsyncExitStack() as stack:
        if db is None:
            db = await stack.enter_async_context(open_database(settings, warm=True))
        person_lock = await stack.enter_async_context(open_person_lock(settings))
        routes = build_registry()
        engine = ChatEngine(db.uow, core_config(settings), person_lock=person_lock, routes=routes)
        runtime = await stack.enter_async_context(_runtime(settings, token))
        engine.files = runtime.transport
        sender = Sender(
            runtime.transport,
            rate=settings.send_rate,
            per_chat_interval=settings.per_chat_interval,
            request_timeout=settings.request_timeout,
        )
        schedulers: list[Any] = []
        dispatcher = OutboxDispatcher(db.uow, sender)

        async def start_jobs() -> None:
            scheduler = start_scheduler(dispatcher.drain)
            install_jobs(scheduler, db, settings)
            schedulers.append(scheduler)

        leadership = Leadership(LeaderLock(db.engine))
        leader_task = asyncio.create_task(leadership.run_when_leader(start_jobs, stop))
        try:
            with contextlib.suppress(Exception):
                await runtime.transport.set_commands(default_commands(routes, settings.locale))
            settle_gc()
            if webhook:
                await _serve_webhook(settings, runtime, engine, sender, stop, reuse_port)
            else:
                await runtime.poll(engine, sender, stop)
        finally:
            await engine.close()  # the live cards' message ids still only in memory
            leader_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await leader_task
            await dispatcher.stop()  # finish the message in flight, release the rest
            for scheduler in schedulers:
                scheduler.shutdown(wait=False)
            await leadership.release()


@contextlib.asynccontextmanager
async def _runtime(settings: Settings, token: str) -> AsyncIterator[Any]:
    if settings.runtime == "ptb":
        from handlers.ptb_runtime import PtbRuntime

        async with PtbRuntime(settings, token) as rt:
            yield rt
    else:
        from handlers.aiogram_runtime import AiogramRuntime

        async with AiogramRuntime(settings, token) as rt:
            yield rt


async def _serve_webhook(
    settings: Settings,
    runtime: Any,
    engine: ChatEngine,
    sender: Sender,
    stop: asyncio.Event,
    reuse_port: bool,
) -> None:
    from aiohttp import web

    from handlers.webhook import build_app, make_runner

    if settings.webhook_secret is None or not settings.webhook_url:
        raise SettingsError("webhook mode needs PARBOT_WEBHOOK_URL and PARBOT_WEBHOOK_SECRET")
    secret = settings.webhook_secret.get_secret_value()
    timeout = settings.webhook_read_timeout
    app = build_app(
        engine,
        sender,
        secret,
        settings.webhook_path,
        read_timeout=timeout,
        max_body=settings.webhook_max_body,
    )
    runner = make_runner(app, timeout)
    await runner.setup()
    site = web.TCPSite(
        runner, settings.webhook_listen, settings.webhook_port, reuse_port=reuse_port or None
    )
    await site.start()
    await runtime.set_webhook(settings.webhook_url, secret)
    log.info("webhook worker listening on %s:%s", settings.webhook_listen, settings.webhook_port)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def install_jobs(scheduler: object, db: Database, settings: Settings) -> None:
    """Scheduled work beyond the outbox (reminders…), from the modules that own it."""
    reminders.install(scheduler, db.uow, settings)


def _install_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)


async def _stop_when_orphaned(parent_pid: int, stop: asyncio.Event) -> None:
    """A worker whose supervisor is gone stops by itself (where PR_SET_PDEATHSIG is missing)."""
    while not stop.is_set():
        if os.getppid() != parent_pid:
            log.warning("supervisor %s is gone; this worker stops", parent_pid)
            stop.set()
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


def webhook_worker(parent_pid: int) -> None:
    """One supervised webhook worker process (see bot.supervisor)."""
    become_worker(parent_pid)
    settings = load_settings()
    _configure_logging(settings)  # inherited over fork; needed where workers are spawned

    async def main() -> None:
        stop = asyncio.Event()
        _install_signals(stop)
        watch = asyncio.create_task(_stop_when_orphaned(parent_pid, stop))
        try:
            await serve(settings, stop, webhook=True, reuse_port=True)
        finally:
            stop.set()
            await watch

    event_loop.run(main(), settings.event_loop)


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)


@click.command("run", help="Chạy bot với Telegram (cần PARBOT_BOT_TOKEN) / run the bot.")
@click.option("--webhook", is_flag=True, help="Nhận cập nhật qua webhook / serve a webhook.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    help="Số tiến trình webhook cùng cổng / webhook worker processes on one port.",
)
@click.option(
    "--grace",
    default=30.0,
    show_default=True,
    help=(
        "Số giây chờ các tiến trình xử lý xong khi dừng / seconds workers get to finish "
        "when stopping (then killed)."
    ),
)
def run_command(webhook: bool, workers: int, grace: float) -> None:
    try:
        settings = load_settings()
    except SettingsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    _configure_logging(settings)
    if settings.bot_token is None:
        click.echo(
            "PARBOT_BOT_TOKEN chưa được đặt / is not set. Để thử không cần Telegram, chạy "
            "`parbot demo` (or `make demo`).",
            err=True,
        )
        sys.exit(2)
    try:  # before any worker starts: a missing uvloop is a setting error, not a crash loop
        event_loop.loop_factory(settings.event_loop)
    except event_loop.EventLoopUnavailable as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    if webhook and workers > 1:
        if "db_pool_size" not in settings.model_fields_set:  # not set in the environment or .env
            # the workers share the deployment's PostgreSQL connections (inherited environment)
            os.environ["PARBOT_DB_POOL_SIZE"] = str(pool_per_worker(workers))
        sys.exit(Supervisor(webhook_worker, workers, grace).run())

    async def main() -> None:
        stop = asyncio.Event()
        _install_signals(stop)
        await serve(settings, stop, webhook=webhook)

    event_loop.run(main(), settings.event_loop)
