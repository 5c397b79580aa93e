"""Keeps the bot token and webhook secret out of every log line and logged traceback.

HTTP client libraries log request URLs, and Bot API URLs carry the token
(`…/bot<token>/sendMessage`); rather than chase each library's logger, every log record is
redacted where it is created.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable

_SECRETS: set[str] = set()
_installed = False


def _redact(text: str) -> str:
    for secret in _SECRETS:
        text = text.replace(secret, "***")
    return text


def install(secrets: Iterable[str | None]) -> None:
    """Register secrets (idempotent); records created from now on are redacted."""
    global _installed
    _SECRETS.update(s for s in secrets if s and len(s) >= 6)
    if _installed:
        return
    _installed = True
    base = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = base(*args, **kwargs)
        if not _SECRETS:
            return record
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to logging's own error path
            return record
        clean = _redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(*record.exc_info))
            record.exc_text = _redact(text)
        return record

    logging.setLogRecordFactory(factory)
