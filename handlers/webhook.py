"""Webhook mode: an aiohttp endpoint that Telegram POSTs updates to.

Every request must carry the secret token set with setWebhook (compared in constant time); the
update is handled to completion before the 200 goes back, so a crash or a database outage makes
Telegram deliver it again instead of losing it. Several worker processes can listen on one port
(SO_REUSEPORT) behind one URL.
"""

from __future__ import annotations

import hmac
import json
import logging
import os

from aiohttp import web

from conversations.engine import ServiceUnavailable
from handlers.common import Core, process
from handlers.raw_updates import event_from_update
from scheduler.sender import Sender

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def build_app(core: Core, sender: Sender, secret: str, path: str = "/telegram") -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=401, text="unauthorized")
        try:
            update = json.loads(await request.read())
            event = event_from_update(update)
        except (ValueError, KeyError, TypeError):
            log.warning("malformed update ignored")
            return web.Response(status=200)  # retrying a malformed update cannot help
        if event is None:
            return web.Response(status=200)
        try:
            await process(event, core, sender, raise_unavailable=True)
        except ServiceUnavailable:
            return web.Response(status=503, text="retry later")  # Telegram redelivers
        log.debug("update %s handled by worker %s", event.update_id, os.getpid())
        return web.Response(status=200)

    async def health(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post(path, receive)
    app.router.add_get("/healthz", health)
    return app
