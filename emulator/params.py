"""Decoding Bot API request parameters the way Telegram does.

Clients differ in how they send the same call: aiogram posts form data (multipart when there is a
file) and references uploads as ``attach://<field>``; python-telegram-bot posts urlencoded or
multipart form data with every non-string value JSON-encoded; scripts post JSON or use GET query
strings. In form bodies nested objects (``reply_markup``, ``commands``...) arrive as JSON strings
and numbers/booleans as text. :func:`read_params` folds all of these into one normalized dict and
:class:`Params` gives handlers typed, Telegram-worded access to it.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from aiohttp import web
from aiohttp.web_request import FileField

from .errors import ApiError, bad_request

JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "menu_button",
        "reply_parameters",
        "link_preview_options",
        "media",
        "message_ids",
    }
)
INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "cache_time",
        "max_connections",
        "message_thread_id",
        "from_chat_id",
        "width",
        "height",
    }
)
BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
    }
)
_INT_RE = re.compile(r"-?\d+")
_PERCENT_RE = re.compile(r"%[0-9A-Fa-f]{2}")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """A file that arrived as a multipart part."""

    filename: str
    content: bytes
    content_type: str

    def describe(self) -> dict[str, Any]:
        """Short form used in the call log (never the bytes)."""
        return {"upload": self.filename, "size": len(self.content), "mime": self.content_type}


def clean_filename(filename: str | None, fallback: str) -> str:
    """A multipart filename as the user meant it.

    Browsers, aiogram and httpx send UTF-8 names raw, but aiohttp's client percent-encodes
    them by default (``quote_fields=True``); undo that so "tài-liệu.pdf" stays readable.
    """
    if not filename:
        return fallback
    if _PERCENT_RE.search(filename):
        return unquote(filename)
    return filename


async def read_params(request: web.Request) -> dict[str, Any]:
    """Collect query + body parameters from any encoding Telegram accepts, then normalize."""
    merged: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.body_exists:
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise bad_request("can't parse JSON object") from exc
            if isinstance(body, dict):
                merged.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, FileField):
                    content = value.file.read()
                    if len(content) > MAX_UPLOAD_BYTES:
                        raise ApiError(413, "Request Entity Too Large")
                    merged[key] = Upload(value.filename or key, content, value.content_type or "")
                else:
                    merged[key] = value
    return normalize(merged)


def normalize(raw: dict[str, Any]) -> dict[str, Any]:
    """Decode JSON-string fields and numeric/boolean text so every client looks alike."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            if key in JSON_FIELDS:
                # undecodable JSON stays text: the handler reports Telegram's parse error
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            elif key in INT_FIELDS and _INT_RE.fullmatch(value.strip()):
                value = int(value)
            elif key in BOOL_FIELDS and value.lower() in ("true", "false", "1", "0"):
                value = value.lower() in ("true", "1")
        out[key] = value
    return out


def loggable(params: dict[str, Any]) -> dict[str, Any]:
    """Params for the call log: uploads described, ``attach://`` references resolved."""
    attached = {
        str(v).removeprefix("attach://")
        for v in params.values()
        if isinstance(v, str) and v.startswith("attach://")
    }
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key in attached:
            continue
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"), value)
        out[key] = value.describe() if isinstance(value, Upload) else value
    return out


class Params:
    """Typed accessors over normalized parameters, raising Telegram's own error texts."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def has(self, name: str) -> bool:
        value = self.data.get(name)
        return value is not None and value != ""

    def opt_str(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None or isinstance(value, Upload):
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def opt_int(self, name: str) -> int | None:
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
            return int(value)
        raise bad_request(f"invalid {name} specified")

    def req_int(self, name: str) -> int:
        value = self.opt_int(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def opt_bool(self, name: str) -> bool:
        value = self.data.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def opt_json(self, name: str, what: str) -> Any:
        """A JSON-valued field; a string that did not decode is Telegram's parse error."""
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            raise bad_request(f"can't parse {what} JSON object")
        return value

    def chat_id(self) -> int | str:
        """``chat_id`` as int, or the raw ``@username`` text (never resolvable here)."""
        value = self.data.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, int):
            return value
        return str(value)

    def file_ref(self, name: str) -> Upload | str | None:
        """An input file: an upload (direct or ``attach://``), a file_id or an HTTP URL."""
        value = self.data.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = self.data.get(value.removeprefix("attach://"))
            if not isinstance(value, Upload):
                raise bad_request(f"file must be non-empty for {name}")
        if value is None or value == "":
            return None
        if isinstance(value, Upload):
            return value
        return str(value)
