"""Runtime settings from the environment and `.env` (prefix ``PARBOT_``).

Validated once at start so a typo in a deployment fails immediately with the variable's name,
instead of surfacing hours later as a confusing runtime error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_API = "https://api.telegram.org"


DB_POOL_BUDGET = 40
"""PostgreSQL connections one deployment keeps open by default, and never more (no overflow):
with PostgreSQL's default ``max_connections`` of 100 that leaves room for the tools."""


def pool_per_worker(workers: int) -> int:
    """Each webhook worker's pool when ``PARBOT_DB_POOL_SIZE`` is not set: the deployment's
    budget shared, never below 5 (``--workers 4``: 10 each)."""
    return max(5, DB_POOL_BUDGET // max(1, workers))


class SettingsError(RuntimeError):
    """Invalid configuration; the message names the offending PARBOT_ variable(s)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PARBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = None
    database_url: str = ""
    # Scale-out: one person's updates are serialised through Redis instead of PostgreSQL, so a
    # waiting update holds no database connection. Empty: not used (PostgreSQL/in-process locks).
    redis_url: str = ""
    # PostgreSQL connections each process keeps open, and never more (bot.app.open_database): an
    # update holds one for its few milliseconds; a connection opened per burst costs the server a
    # process start (bench: 4 % of the bot's CPU in asyncpg.connect at 25 officers at once with
    # SQLAlchemy's default 5 + 10), and with too few the bot idles while every connection waits
    # on the server (bench, 100 officers at once: 40 gave 0.47 of the bare bot, 20 gave 0.39-0.42).
    # `--workers N` gives each worker DB_POOL_BUDGET // N (pool_per_worker). SQLite uses one.
    db_pool_size: int = Field(default=DB_POOL_BUDGET, ge=1, le=200)
    telegram_api: str = TELEGRAM_API
    data_dir: Path = Path("data")
    timezone: str = "Asia/Ho_Chi_Minh"
    locale: Literal["vi", "en"] = "vi"
    # python-telegram-bot by default: ~120 MB less resident than aiogram, whose import alone
    # builds every Bot API model (bench/RESULTS.md, benchmark 4); aiogram stays supported.
    runtime: Literal["aiogram", "ptb"] = "ptb"
    # uvloop where installed (bot/event_loop.py says why); "asyncio" keeps the standard loop
    event_loop: Literal["auto", "uvloop", "asyncio"] = "auto"
    bot_username: str = "parbot_demo_bot"
    invite_ttl_days: int = Field(default=14, ge=1, le=365)
    # Telegram's limit (messages/s, all chats); the sender's window margin keeps real sending
    # a little under it (≤ 28.6/s at 30), so no 429 is provoked.
    send_rate: float = Field(default=30.0, gt=0)
    per_chat_interval: float = Field(default=1.0, ge=0)
    # Seconds one Bot API call may take before the sender retries it (uploads get 120 s).
    # Generous on purpose: a retried call that had in fact been delivered is a duplicate.
    request_timeout: float = Field(default=30.0, gt=0)
    officers_see_rank: bool = False
    expensive_every: float = Field(default=10.0, ge=0)
    trust_roots_dir: Path | None = None
    # Risky PDFs (scripts, launch actions, attachments, polyglots): refuse those that act on
    # the reader's computer and flag the rest (default), flag everything, or refuse any.
    risky_pdf: Literal["refuse-active", "flag", "refuse-all"] = "refuse-active"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    webhook_url: str = ""
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8081, ge=1, le=65535)
    webhook_path: str = "/telegram"
    # A request whose headers and body have not arrived within this many seconds is cut (408).
    webhook_read_timeout: float = Field(default=10.0, gt=0, le=300)
    webhook_max_body: int = Field(default=1024 * 1024, ge=1024)  # bytes; larger: 413
    poll_timeout: int = Field(default=25, ge=0, le=50)

    @field_validator("telegram_api")
    @classmethod
    def _api(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL, e.g. https://api.telegram.org")
        return v.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r}, e.g. Asia/Ho_Chi_Minh") from exc
        return v

    @field_validator("database_url")
    @classmethod
    def _db(cls, v: str) -> str:
        if v and not v.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "must start with sqlite+aiosqlite:// or postgresql+asyncpg:// (async drivers only)"
            )
        return v

    @field_validator("redis_url")
    @classmethod
    def _redis(cls, v: str) -> str:
        if v and not v.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(
                "must start with redis://, rediss:// or unix://, e.g. redis://host:6379/0"
            )
        return v

    @model_validator(mode="after")
    def _defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{(self.data_dir / 'parbot.db').as_posix()}"
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    def method_url(self, method: str) -> str:
        token = self.bot_token.get_secret_value() if self.bot_token else ""
        return f"{self.telegram_api}/bot{token}/{method}"

    def file_url(self, path: str) -> str:
        token = self.bot_token.get_secret_value() if self.bot_token else ""
        return f"{self.telegram_api}/file/bot{token}/{path}"


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning pydantic's report into one line per PARBOT_ variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = "PARBOT_" + "_".join(str(p) for p in err["loc"]).upper()
            lines.append(f"{name}: {err['msg']}")
        raise SettingsError(
            "Invalid settings / Cấu hình không hợp lệ:\n  " + "\n  ".join(lines)
        ) from None
