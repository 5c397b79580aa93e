"""`parbot` invoked in-process against a test database, in a given language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from bot.cli import main


def cli_runner(db_url: str, tmp_path: Path, locale: str) -> Callable[..., Result]:
    """``run(*args, ok=True)``: runs one command; with ``ok`` it must exit 0."""
    runner = CliRunner()
    env = {
        "PARBOT_DATABASE_URL": db_url,
        "PARBOT_DATA_DIR": str(tmp_path / "data"),
        "PARBOT_LOCALE": locale,
    }

    def run(*args: str, ok: bool = True) -> Any:
        result = runner.invoke(main, list(args), env=env, catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output + (result.stderr or "")
        return result

    return run
