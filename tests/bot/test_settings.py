"""Invalid settings stop parbot at start with the offending variable named."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

REPO = str(Path(__file__).resolve().parents[2])  # this checkout's code, not the installed one


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("PARBOT_TIMEZONE", "Mars/Olympus"),
        ("PARBOT_DATABASE_URL", "mysql://x"),
        ("PARBOT_TELEGRAM_API", "ftp://api"),
        ("PARBOT_LOCALE", "fr"),
        ("PARBOT_RUNTIME", "bogus"),
    ],
)
def test_invalid_setting_is_named(monkeypatch, var, value):
    monkeypatch.setenv(var, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert var in str(err.value)


def test_defaults_and_bot_api_urls(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no .env
    for var in ("PARBOT_DATABASE_URL", "PARBOT_TELEGRAM_API", "PARBOT_BOT_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    s = load_settings(data_dir=tmp_path)
    assert s.database_url == f"sqlite+aiosqlite:///{(tmp_path / 'parbot.db').as_posix()}"
    assert s.timezone == "Asia/Ho_Chi_Minh"
    assert s.method_url("getMe") == "https://api.telegram.org/bot/getMe"
    local = load_settings(data_dir=tmp_path, bot_token="123:abc", telegram_api="http://h:8081/")
    assert local.method_url("getMe") == "http://h:8081/bot123:abc/getMe"
    assert local.file_url("documents/a.pdf") == "http://h:8081/file/bot123:abc/documents/a.pdf"


def test_invalid_setting_stops_the_cli_with_exit_code_2(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "PARBOT_TIMEZONE": "Nowhere/Land",
        "HOME": str(tmp_path),
        "PYTHONPATH": REPO,
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "rank", "--period", "2024"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2 and "PARBOT_TIMEZONE" in result.stderr


def test_run_without_token_points_to_the_demo(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": REPO}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2 and "parbot demo" in result.stderr
