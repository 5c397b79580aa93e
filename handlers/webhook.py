"""Webhook mode: an aiohttp endpoint that Telegram POSTs updates to.

Every request must carry the secret token set with setWebhook (compared in constant time); the
update is handled to completion before the 200 goes back, so a crash or a database outage makes
Telegram deliver it again instead of losing it. Several worker processes can listen on one port
(SO_REUSEPORT) behind one URL.

Hostile or broken requests cost one log line each and never a traceback: a body that is not
received within the read timeout gets 408 and the connection is closed, one over the size
limit 413, and one that can never become an update (not JSON, nested absurdly deep, numbers
beyond 64 bits) 400, a permanent refusal, never 503 (which would be redelivered forever).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os

from aiohttp import web

from conversations.engine import ServiceUnavailable
from delivery.sender import Sender
from handlers.common import Core, process
from handlers.raw_updates import event_from_update
from handlers.webhook_input import BadUpdate, parse_update

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
READ_TIMEOUT = 10.0
MAX_BODY = 1024 * 1024
STOP_GRACE = 20.0
"""Seconds a stopping worker waits for the updates in flight before cancelling them."""


def build_app(
    core: Core,
    sender: Sender,
    secret: str,
    path: str = "/telegram",
    *,
    read_timeout: float = READ_TIMEOUT,
    max_body: int = MAX_BODY,
) -> web.Application:
    async def receive(request: web.Request) -> web.StreamResponse:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=401, text="unauthorized")
        body = await _read_body(request, read_timeout, max_body)
        if isinstance(body, web.StreamResponse):
            return body
        try:
            event = event_from_update(parse_update(body))
        except BadUpdate as exc:
            return _refuse(request, 400, exc.reason)
        except (ValueError, KeyError, TypeError) as exc:
            return _refuse(request, 400, f"not an update parbot reads ({type(exc).__name__})")
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

    app = web.Application(client_max_size=max_body)
    app.router.add_post(path, receive)
    app.router.add_get("/healthz", health)
    return app


def make_runner(app: web.Application, read_timeout: float = READ_TIMEOUT) -> web.AppRunner:
    """The server around the app: a connection that has not sent complete headers within the
    read timeout is closed (aiohttp's keep-alive timer also runs before the first request),
    an unread body is not waited for after the answer, and stopping waits for the updates in
    flight (up to STOP_GRACE) before cancelling them."""
    return web.AppRunner(
        app,
        access_log=None,
        keepalive_timeout=read_timeout,
        lingering_time=0,
        shutdown_timeout=STOP_GRACE,
    )


async def _read_body(
    request: web.Request, read_timeout: float, max_body: int
) -> bytes | web.StreamResponse:
    """The whole body, or the response that refuses it (the reason logged once)."""
    if request.content_length is not None and request.content_length > max_body:
        return _refuse(request, 413, f"body of {request.content_length} bytes over the limit")
    try:
        async with asyncio.timeout(read_timeout):
            return await request.read()
    except TimeoutError:
        return _refuse(request, 408, f"body not received within {read_timeout:g} s")
    except web.HTTPRequestEntityTooLarge:
        return _refuse(request, 413, "body over the limit")
    except ConnectionError:  # the sender hung up mid-body: nobody is left to answer
        log.info("webhook request from %s: connection lost while reading", request.remote)
        return web.Response(status=400)


def _refuse(request: web.Request, status: int, reason: str) -> web.Response:
    log.warning("webhook request from %s refused (%s): %s", request.remote, status, reason)
    response = web.Response(status=status, text=reason)
    response.force_close()
    return response
