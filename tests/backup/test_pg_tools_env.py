"""pg_dump/pg_restore get the password in their environment, never on their command line
(where every user of the machine can read it in the process list)."""

from __future__ import annotations

from storage.db_dump import libpq


def test_password_goes_to_the_environment_not_the_command_line():
    dsn, env = libpq("postgresql+asyncpg://parbot:s%40cret@db.internal:5433/parbot?ssl=require")
    assert "s@cret" not in dsn and "cret" not in dsn
    assert env["PGPASSWORD"] == "s@cret"
    assert dsn == "postgresql://parbot@db.internal:5433/parbot?sslmode=require"


def test_no_password_no_variable(monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    dsn, env = libpq("postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    assert dsn == "postgresql://postgres@127.0.0.1:5432/test"
    assert "PGPASSWORD" not in env
