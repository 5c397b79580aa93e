"""The user-side HTTP API (``/_emu/...``, JSON) and the static web chat page (``/``).

This is what the demo's browser page talks to; it mirrors :class:`~.userside.UserSideApi`:

=======  ==========================================  =============================================
GET      /_emu/personas                              personas for the "who are you" picker
PUT      /_emu/personas                              replace personas (JSON list)
GET      /_emu/users                                 registered users (+ started/blocked)
POST     /_emu/users                                 register ``{user_id, first_name, ...}``
GET      /_emu/bot                                   the bot's User object (getMe)
GET      /_emu/commands?user_id=N                    command menu as that user's app shows it
POST     /_emu/chats/{user_id}/send                  ``{"text": "..."}`` sent as the user
POST     /_emu/chats/{user_id}/press                 ``{"message_id", "callback_data"}`` or
                                                     ``{"text"}`` (button text)
POST     /_emu/chats/{user_id}/upload                multipart ``file`` [+ ``caption``,
                                                     ``as_photo=1``]
POST     /_emu/chats/{user_id}/block | /unblock      block or unblock the bot
GET      /_emu/chats/{user_id}/transcript            ``?since=SEQ&timeout=S`` long poll, below
GET      /_emu/files/{file_id}                       file bytes (for links and <img>)
GET      /_emu/stats                                 counters
=======  ==========================================  =============================================

``transcript`` returns ``{"seq", "records", "keyboard", "alerts", "action", "started",
"blocked"}`` where ``records`` are the chat's messages changed after ``since`` (a change cursor:
pass the previous answer's ``seq``; 0 = everything). With ``timeout`` it waits until something
changes. Records carry ``html``: the message re-rendered from its entities with everything
escaped, safe to inject into the page. ``alerts`` are answerCallbackQuery texts to show as
toasts.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web
from aiohttp.web_request import FileField

from .params import clean_filename

if TYPE_CHECKING:
    from .userside import UserSideApi

WEB_ROOT = Path(__file__).parent / "web"
MAX_LONG_POLL = 30.0
ACTION_VISIBLE_SECONDS = 5.0


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def _error(status: int, message: str) -> web.Response:
    return _json({"error": message}, status)


class UserHttpApi:
    """aiohttp handlers bound to one emulator."""

    def __init__(self, emu: UserSideApi) -> None:
        self.emu = emu
        self.core = emu.core

    def add_routes(self, app: web.Application) -> None:
        r = app.router
        r.add_get("/", self.index)
        r.add_static("/static/", WEB_ROOT, name="static")
        r.add_get("/_emu/personas", self.get_personas)
        r.add_put("/_emu/personas", self.put_personas)
        r.add_get("/_emu/users", self.get_users)
        r.add_post("/_emu/users", self.post_user)
        r.add_get("/_emu/bot", self.get_bot)
        r.add_get("/_emu/commands", self.get_commands)
        r.add_post("/_emu/chats/{user_id}/send", self.send)
        r.add_post("/_emu/chats/{user_id}/press", self.press)
        r.add_post("/_emu/chats/{user_id}/upload", self.upload)
        r.add_post("/_emu/chats/{user_id}/block", self.block)
        r.add_post("/_emu/chats/{user_id}/unblock", self.unblock)
        r.add_get("/_emu/chats/{user_id}/transcript", self.transcript)
        r.add_get("/_emu/files/{file_id}", self.file)
        r.add_get("/_emu/stats", self.stats)

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _user_id(request: web.Request) -> int:
        try:
            return int(request.match_info["user_id"])
        except ValueError as exc:
            raise web.HTTPBadRequest(text="user_id must be an integer") from exc

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError as exc:
            raise web.HTTPBadRequest(text="JSON body expected") from exc
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="JSON object expected")
        return body

    # ------------------------------------------------------------------ page

    async def index(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(WEB_ROOT / "index.html", headers={"Cache-Control": "no-cache"})

    # ------------------------------------------------------------------ users

    async def get_personas(self, request: web.Request) -> web.Response:
        return _json(self.emu.personas)

    async def put_personas(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
            self.emu.set_personas(list(body))
        except (ValueError, KeyError, TypeError) as exc:
            return _error(400, f"invalid personas: {exc}")
        return _json(self.emu.personas)

    async def get_users(self, request: web.Request) -> web.Response:
        users = []
        for user in self.core.users.values():
            chat = self.core.chats.get(user.user_id)
            users.append(
                {
                    **user.to_api(),
                    "started": bool(chat and chat.started),
                    "blocked": bool(chat and chat.blocked),
                }
            )
        return _json(users)

    async def post_user(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        try:
            user = self.emu.user(
                int(body["user_id"]),
                first_name=body.get("first_name"),
                language_code=body.get("language_code"),
                username=body.get("username"),
                last_name=body.get("last_name"),
            )
        except (KeyError, ValueError, TypeError) as exc:
            return _error(400, f"invalid user: {exc}")
        return _json(user.to_api())

    async def get_bot(self, request: web.Request) -> web.Response:
        return _json(self.core.bot_user)

    async def get_commands(self, request: web.Request) -> web.Response:
        try:
            user_id = int(request.query.get("user_id", "0"))
        except ValueError:
            return _error(400, "user_id must be an integer")
        return _json(self.emu.commands_for(user_id))

    # ------------------------------------------------------------------ actions

    async def send(self, request: web.Request) -> web.Response:
        user_id = self._user_id(request)
        text = str((await self._body(request)).get("text") or "")
        if not text.strip():
            return _error(400, "text is empty")
        message = await self.emu.send_text(user_id, text)
        return _json(self._record(user_id, message["message_id"]))

    async def press(self, request: web.Request) -> web.Response:
        user_id = self._user_id(request)
        body = await self._body(request)
        message_id = body.get("message_id")
        try:
            if body.get("callback_data") is not None:
                query = await self.emu.press(
                    user_id,
                    data=str(body["callback_data"]),
                    message_id=int(message_id) if message_id is not None else None,
                )
            else:
                query = await self.emu.press(
                    user_id,
                    text=str(body.get("text") or ""),
                    message_id=int(message_id) if message_id is not None else None,
                )
        except AssertionError as exc:
            return _error(404, str(exc))
        return _json({"callback_query_id": query["id"]})

    async def upload(self, request: web.Request) -> web.Response:
        user_id = self._user_id(request)
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, FileField):
            return _error(400, "multipart field 'file' expected")
        content = upload.file.read()
        caption = str(form.get("caption") or "") or None
        as_photo = str(form.get("as_photo") or "") in ("1", "true", "on")
        if as_photo:
            try:
                message = await self.emu.send_photo(user_id, content, caption=caption)
            except ValueError as exc:
                return _error(400, f"not an image: {exc}")
        else:
            message = await self.emu.send_document(
                user_id,
                clean_filename(upload.filename, "file"),
                content,
                mime_type=upload.content_type or "application/octet-stream",
                caption=caption,
            )
        return _json(self._record(user_id, message["message_id"]))

    async def block(self, request: web.Request) -> web.Response:
        self.emu.block(self._user_id(request))
        return _json({"ok": True})

    async def unblock(self, request: web.Request) -> web.Response:
        self.emu.unblock(self._user_id(request))
        return _json({"ok": True})

    def _record(self, user_id: int, message_id: int) -> dict[str, Any]:
        return self.core.chat(user_id).by_message_id[message_id].as_dict()

    # ------------------------------------------------------------------ observing

    async def transcript(self, request: web.Request) -> web.Response:
        user_id = self._user_id(request)
        try:
            since = int(request.query.get("since", "0"))
            timeout = min(float(request.query.get("timeout", "0")), MAX_LONG_POLL)
        except ValueError:
            return _error(400, "since and timeout must be numbers")
        chat = self.core.chat(user_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while chat.seq <= since and not self.core.closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await self.core.changes.wait(remaining)
        action = None
        if chat.chat_action and time.time() - chat.chat_action[1] < ACTION_VISIBLE_SECONDS:
            action = chat.chat_action[0]
        alerts = [
            {"text": a.text, "show_alert": a.show_alert, "url": a.url}
            for a in self.core.callback_answers.values()
            if a.chat_id == user_id and a.seq > since and a.text
        ]
        return _json(
            {
                "seq": self.core.seq,
                "records": [r.as_dict() for r in chat.records if r.seq > since],
                "keyboard": chat.current_keyboard(),
                # Telegram stretches a reply keyboard to the system keyboard's height unless
                # the bot asked for resize_keyboard: the page shows it the same way
                "keyboard_resize": bool(
                    chat.reply_keyboard is not None
                    and chat.reply_keyboard.raw.get("resize_keyboard")
                ),
                "alerts": alerts,
                "action": action,
                "started": chat.started,
                "blocked": chat.blocked,
            }
        )

    async def file(self, request: web.Request) -> web.Response:
        stored = self.core.files.get(request.match_info["file_id"])
        if stored is None:
            return _error(404, "file not found")
        headers = {}
        if stored.file_name:
            headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(stored.file_name)}"
        return web.Response(
            body=stored.content,
            content_type=stored.mime_type or "application/octet-stream",
            headers=headers,
        )

    async def stats(self, request: web.Request) -> web.Response:
        return _json(self.core.stats.as_dict())
