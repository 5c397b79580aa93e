"""Core replies → Bot API calls as plain JSON over one aiohttp session (the sender's
:class:`~delivery.sender.Transport` for the python-telegram-bot runtime).

python-telegram-bot sends through httpx and parses every answer into a ``Message`` object the
sender never reads (it needs the message id). Measured against the emulator on this machine, a
``sendMessage`` through it costs ≈ 3.4 ms of CPU and ≈ 14 ms of wall time, the same request as
JSON over aiohttp ≈ 0.6 ms and ≈ 2 ms (issue 19: most of the ptb runtime's extra cost per
update). The runtime keeps python-telegram-bot for what it is good at — long polling and parsing
updates — and replies go out here. Errors are normalised to
:class:`~delivery.sender.DeliveryError` like the aiogram transport's, so the Sender's retry,
429 and 403 rules are the same for both runtimes.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import aiohttp

from conversations.replies import Reply
from delivery.sender import DeliveryError

log = logging.getLogger(__name__)

JsonDict = dict[str, Any]


def markup(reply: Reply) -> JsonDict | None:
    """The Bot API ``reply_markup`` of a reply: its inline buttons, else its reply keyboard."""
    if reply.buttons:
        rows = [
            [
                {"text": b.text, **({"url": b.url} if b.url else {"callback_data": b.data})}
                for b in row
            ]
            for row in reply.buttons
        ]
        return {"inline_keyboard": rows}
    if reply.keyboard:
        keys = [[{"text": t} for t in row] for row in reply.keyboard]
        return {"keyboard": keys, "resize_keyboard": True, "is_persistent": True}
    if reply.remove_keyboard:
        return {"remove_keyboard": True}
    return None


def error_of(status: int, body: Any) -> DeliveryError:
    """The normalised error of a Bot API answer that is not ``ok`` (or not JSON at all: a proxy's
    HTML error page)."""
    if not isinstance(body, dict):
        return DeliveryError("server" if status >= 500 else "network", f"HTTP {status}")
    code = int(body.get("error_code") or status)
    text = str(body.get("description") or f"HTTP {status}")
    if code == 429:
        retry = (body.get("parameters") or {}).get("retry_after") or 1
        return DeliveryError("rate_limited", text, float(retry))
    if code == 403:
        return DeliveryError("forbidden", text)
    if code in (400, 404):
        return DeliveryError("bad_request", text)
    return DeliveryError("server", text)


class HttpTransport:
    """Bot API calls over one keep-alive aiohttp session, opened on first use (inside the
    running loop) and closed by the runtime."""

    def __init__(self, api_base: str, token: str, io_timeout: float = 45.0) -> None:
        self._bot_url = f"{api_base}/bot{token}"
        self._file_url = f"{api_base}/file/bot{token}"
        self._timeout = aiohttp.ClientTimeout(total=None, connect=io_timeout, sock_read=io_timeout)
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def call(
        self, method: str, payload: JsonDict, file: tuple[str, str, str] | None = None
    ) -> Any:
        """One Bot API method; ``file`` = (field, path, filename) sends multipart."""
        try:
            if file is None:
                request = self._open().post(f"{self._bot_url}/{method}", json=payload)
                async with request as resp:
                    return self._result(resp.status, await _json(resp))
            field, path, filename = file
            with Path(path).open("rb") as fh:
                form = aiohttp.FormData(quote_fields=False)  # UTF-8 file names as they are
                for key, value in payload.items():
                    form.add_field(key, value if isinstance(value, str) else json.dumps(value))
                form.add_field(field, fh, filename=filename)
                async with self._open().post(f"{self._bot_url}/{method}", data=form) as resp:
                    return self._result(resp.status, await _json(resp))
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise DeliveryError("network", type(exc).__name__) from exc

    @staticmethod
    def _result(status: int, body: Any) -> Any:
        if isinstance(body, dict) and body.get("ok"):
            return body.get("result")
        raise error_of(status, body)

    async def send(self, chat_id: int, reply: Reply) -> int:
        if reply.commands is not None:
            await self._chat_commands(chat_id, reply.commands)
        payload: JsonDict = {"chat_id": chat_id, "parse_mode": "HTML"}
        keys = markup(reply)
        if keys is not None:
            payload["reply_markup"] = keys
        if reply.document is not None or reply.photo is not None:
            if reply.text:
                payload["caption"] = reply.text
            if reply.document is not None:
                doc = reply.document
                sent = await self.call("sendDocument", payload, ("document", doc.path, doc.name))
            else:
                assert reply.photo is not None
                photo = reply.photo.path
                sent = await self.call("sendPhoto", payload, ("photo", photo, Path(photo).name))
        else:
            payload["text"] = reply.text
            sent = await self.call("sendMessage", payload)
        return int(sent["message_id"])

    async def edit(self, chat_id: int, message_id: int, reply: Reply) -> int:
        payload: JsonDict = {
            "chat_id": chat_id,
            "message_id": message_id,
            "text": reply.text,
            "parse_mode": "HTML",
        }
        keys = markup(reply)
        if keys is not None and "inline_keyboard" in keys:
            payload["reply_markup"] = keys
        await self.call("editMessageText", payload)
        return message_id

    async def answer_callback(self, callback_id: str, text: str | None, alert: bool) -> None:
        payload: JsonDict = {"callback_query_id": callback_id, "show_alert": alert}
        if text:
            payload["text"] = text
        await self.call("answerCallbackQuery", payload)

    async def download(self, file_id: str, dest: Path) -> None:
        dest.write_bytes(await self.fetch(file_id))

    async def fetch(self, file_id: str) -> bytes:
        info = await self.call("getFile", {"file_id": file_id})
        try:
            async with self._open().get(f"{self._file_url}/{info['file_path']}") as resp:
                if resp.status != 200:
                    raise error_of(resp.status, None)
                return await resp.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise DeliveryError("network", type(exc).__name__) from exc

    async def set_commands(self, commands: list[tuple[str, str]]) -> None:
        await self.call("setMyCommands", {"commands": _commands(commands)})

    async def _chat_commands(self, chat_id: int, commands: tuple[tuple[str, str], ...]) -> None:
        """The person's own command menu; a failure here must not hold back the message."""
        scope = {"type": "chat", "chat_id": chat_id}
        try:
            await self.call("setMyCommands", {"commands": _commands(commands), "scope": scope})
        except DeliveryError as exc:
            log.info("command menu of %s not set: %s", chat_id, exc)


def _commands(commands: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> list[JsonDict]:
    return [{"command": c, "description": d} for c, d in commands]


async def _json(resp: aiohttp.ClientResponse) -> Any:
    """The answer's JSON, or None when it is not JSON (a proxy's error page)."""
    try:
        return await resp.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        return None
