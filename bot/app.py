"""Composition root: settings → database (migrated) → unit-of-work factory, and the per-person
update lock the conversation engine uses.

Nothing here runs at import time; the CLI and the runtimes call ``open_database`` and
``open_person_lock`` when they start.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.settings import Settings, SettingsError
from conversations.person_lock import InProcessPersonLock, PersonLock, PostgresPersonLock
from storage.db import is_sqlite, make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.person_locks import RedisPersonLock
from storage.uow import UnitOfWork
from storage.warm_pool import WARM_CONNECTIONS, warm_pool

log = logging.getLogger(__name__)


@dataclass
class Database:
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessionmaker)

    async def close(self) -> None:
        await self.engine.dispose()


@asynccontextmanager
async def open_database(
    settings: Settings, *, migrate: bool = True, warm: bool = False
) -> AsyncIterator[Database]:
    """Migrations are applied on every start so a deployment can never run on an old schema.
    ``warm``: the bot's runtime opens some PostgreSQL connections and prepares the hot
    statements before the first update (storage.warm_pool); a CLI command does not."""
    if settings.database_url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    if migrate:
        await upgrade(settings.database_url)
    # SQLite writes are serial anyway: one pooled connection makes writers queue fairly in
    # asyncio instead of spinning in SQLite's busy handler (multi-second tails, "locked" errors).
    # PostgreSQL: a fixed set, no overflow. A connection opened for a burst is closed when it
    # comes back to a full pool, so a steady load beyond the pool size opened and closed one
    # every few hundred ms: each a server process start, four setup queries and every hot
    # statement prepared again (bench, 100 officers at once: ~100 connections opened in 22 s;
    # bench/RESULTS.md). Updates beyond the pool wait for a connection instead (pool_timeout,
    # then "busy, nothing saved": storage.errors.OUTAGES).
    # Last in, first out: at a light load the same few connections serve every update and stay
    # fresh, instead of the whole pool taking turns and each connection, idle past
    # storage.db.PING_AFTER_IDLE_S between its turns, being pinged (one more round trip) first.
    size = 1 if is_sqlite(settings.database_url) else settings.db_pool_size
    engine = make_engine(settings.database_url, pool_size=size, max_overflow=0, pool_use_lifo=True)
    log.info("database %s: %d pooled connections", engine.dialect.name, size)
    db = Database(engine, make_sessionmaker(engine))
    if warm and not is_sqlite(settings.database_url):
        await warm_pool(db.sessionmaker, min(size, WARM_CONNECTIONS))
    try:
        yield db
    finally:
        await db.close()


def lock_namespace(settings: Settings) -> str:
    """Redis key namespace of this deployment: its bot and its database.

    Two deployments sharing one Redis (staging and production, two provinces) never wait on
    each other's locks, while all workers of one deployment (same bot, same database) share
    theirs. The bot id is the public number before the token's colon; the database is named by
    a digest of host, port and name (never the password)."""
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    head = token.split(":", 1)[0]
    bot = head if head.isdigit() else hashlib.sha256(token.encode()).hexdigest()[:12]
    db = make_url(settings.database_url)
    host = db.host or db.query.get("host") or ""  # a Unix socket's directory is in the query
    where = f"{db.get_backend_name()}://{host}:{db.port or ''}/{db.database or ''}"
    return f"parbot:{bot}:{hashlib.sha256(where.encode()).hexdigest()[:12]}"


@asynccontextmanager
async def open_person_lock(settings: Settings) -> AsyncIterator[PersonLock]:
    """The lock that serialises one person's updates, by deployment shape:

    * ``PARBOT_REDIS_URL`` set → Redis (scale-out: waiting holds no database connection);
    * PostgreSQL → in-process plus PostgreSQL advisory locks (several workers, no Redis);
    * SQLite → in-process only (one process).

    Redis being down at start is not fatal: each update then fails as "busy, try again" (503
    for a webhook, so Telegram redelivers) until it is back; updates never run unlocked."""
    if not settings.redis_url:
        if make_url(settings.database_url).get_backend_name() == "postgresql":
            yield PostgresPersonLock()
        else:
            yield InProcessPersonLock()
        return
    try:
        import redis.asyncio  # noqa: F401  (the optional extra; imported here, not at start-up)
    except ImportError as exc:
        raise SettingsError(
            "PARBOT_REDIS_URL is set but the redis package is missing: pip install 'parbot[redis]'"
        ) from exc
    lock = RedisPersonLock.from_url(settings.redis_url, lock_namespace(settings))
    where = _without_password(settings.redis_url)
    try:
        if await lock.ping():
            log.info("person locks: redis at %s (namespace %s)", where, lock.namespace)
        else:
            log.warning(
                "person locks: redis at %s not reachable; updates are refused as busy until it is",
                where,
            )
        yield lock
    finally:
        await lock.aclose()


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return parts._replace(netloc=user + netloc).geturl()
