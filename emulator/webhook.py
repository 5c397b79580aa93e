"""Webhook delivery: POST queued updates to the URL given in setWebhook.

Up to ``max_connections`` requests are in flight at once, each on a fresh connection (so several
worker processes listening on one port all get traffic), while one chat's updates are still
delivered one after another, in order.

Like Telegram, an update is removed from the queue only after the bot answered 2xx; failures are
recorded in getWebhookInfo (``last_error_date``/``last_error_message``) and retried with a
growing back-off, and a JSON body with a ``method`` field is executed as a Bot API call
("reply in the webhook response", used by aiogram's webhook handler).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import aiohttp

from .methods import call_method
from .params import normalize
from .state import EmulatorCore

log = logging.getLogger(__name__)

_MIN_BACKOFF = 0.1
_MAX_BACKOFF = 2.0
_REQUEST_TIMEOUT = 30.0


def _chat_of(update: dict[str, Any]) -> int | None:
    for key in ("message", "edited_message", "callback_query", "my_chat_member"):
        obj = update.get(key)
        if isinstance(obj, dict):
            user = obj.get("from") or {}
            return int(user["id"]) if "id" in user else None
    return None


class WebhookDeliverer:
    """Background task pushing updates to the configured webhook URL."""

    def __init__(self, core: EmulatorCore) -> None:
        self.core = core
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="emulator-webhook")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        backoff = _MIN_BACKOFF
        in_flight: dict[int, asyncio.Task[bool]] = {}  # update id → delivery
        busy_chats: dict[int, int] = {}  # chat id → update id in flight
        connector = aiohttp.TCPConnector(force_close=True)
        async with aiohttp.ClientSession(connector=connector) as session:
            while not self.core.closing:
                idle = not self.core.webhook.url or not self.core.updates.pending
                if idle and not in_flight:
                    await self.core.updates.notifier.wait(5.0)
                    continue
                limit = max(1, self.core.webhook.max_connections)
                for update in list(self.core.updates.pending):
                    if len(in_flight) >= limit:
                        break
                    uid = update["update_id"]
                    chat = _chat_of(update)
                    if uid in in_flight or (chat is not None and chat in busy_chats):
                        continue
                    in_flight[uid] = asyncio.create_task(self._deliver(session, update))
                    if chat is not None:
                        busy_chats[chat] = uid
                if not in_flight:
                    await self.core.updates.notifier.wait(0.5)
                    continue
                done, _ = await asyncio.wait(
                    set(in_flight.values()), timeout=0.5, return_when=asyncio.FIRST_COMPLETED
                )
                failed = False
                for uid, task in list(in_flight.items()):
                    if task in done:
                        del in_flight[uid]
                        for chat, held in list(busy_chats.items()):
                            if held == uid:
                                del busy_chats[chat]
                        failed |= not task.result()
                if failed:
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, _MAX_BACKOFF)
                elif done:
                    backoff = _MIN_BACKOFF

    async def _deliver(self, session: aiohttp.ClientSession, update: dict[str, Any]) -> bool:
        config = self.core.webhook
        headers = {"Content-Type": "application/json"}
        if config.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = config.secret_token
        try:
            async with session.post(
                config.url,
                data=json.dumps(update, ensure_ascii=False).encode(),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=_REQUEST_TIMEOUT),
            ) as resp:
                body = await resp.read()
                if not 200 <= resp.status < 300:
                    self._failed(f"Wrong response from the webhook: {resp.status} {resp.reason}")
                    return False
        except (aiohttp.ClientError, TimeoutError) as exc:
            self._failed(f"Connection failed: {type(exc).__name__}")
            return False
        if any(u["update_id"] == update["update_id"] for u in self.core.updates.pending):
            self.core.updates.remove(update["update_id"])
        self.core.stats.webhook_deliveries += 1
        self.core.changes.notify()
        await self._run_reply_method(body)
        return True

    def _failed(self, message: str) -> None:
        self.core.webhook.last_error_date = self.core.now()
        self.core.webhook.last_error_message = message
        self.core.stats.webhook_failures += 1
        self.core.changes.notify()

    async def _run_reply_method(self, body: bytes) -> None:
        try:
            payload = json.loads(body) if body.strip() else None
        except ValueError:
            return
        if isinstance(payload, dict) and isinstance(payload.get("method"), str):
            params = normalize({k: v for k, v in payload.items() if k != "method"})
            response = await call_method(self.core, payload["method"], params)
            if response.status != 200:
                log.info("webhook reply method %s failed: %s", payload["method"], response.body)
