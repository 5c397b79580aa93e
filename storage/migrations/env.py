"""Alembic environment for parbot (async engines; SQLite and PostgreSQL).

Two ways in:

* programmatic (``storage.migrate``): the caller puts a *sync* ``Connection`` (obtained with
  ``AsyncConnection.run_sync``) in ``config.attributes["connection"]``; nothing here touches
  the event loop, so it works inside a running loop;
* CLI (``alembic -c storage/alembic.ini ...``): the URL comes from ``-x url=...``, else
  ``$PARBOT_DATABASE_URL``, else ``sqlalchemy.url``; an async engine is created here.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection

from storage.db import make_engine, normalize_url
from storage.migrate import check_sqlite_foreign_keys
from storage.models import Base

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    url = (
        context.get_x_argument(as_dictionary=True).get("url")
        or os.environ.get("PARBOT_DATABASE_URL")
        or config.get_main_option("sqlalchemy.url")
    )
    if not url:
        raise RuntimeError("no database URL: pass -x url=..., or set PARBOT_DATABASE_URL")
    return url


def _configure(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        compare_type=True,
        # storage.db makes SQLAlchemy emit BEGIN on SQLite, so its DDL is transactional too
        transactional_ddl=True,
    )


def do_run_migrations(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # serialise concurrent upgrades (several processes starting at once)
            context.execute("SELECT pg_advisory_xact_lock(7243001)")
        context.run_migrations()


async def _run_async_migrations(url: str) -> None:
    # SQLite: foreign keys off while migrating (batch rebuilds), checked before commit
    engine = make_engine(url, poolclass=pool.NullPool, sqlite_foreign_keys=False)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(do_run_migrations)
            await connection.run_sync(check_sqlite_foreign_keys)
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    url = normalize_url(_url())
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.get_backend_name() == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        do_run_migrations(connection)
    else:
        asyncio.run(_run_async_migrations(_url()))


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
