"""``BotApiEmulator``: a local, faithful Telegram Bot API server for end-to-end tests and demos.

The real bot code (aiogram 3 or python-telegram-bot) talks to it over real HTTP, unchanged:

* aiogram: ``Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url)))``
* PTB: ``ApplicationBuilder().token(emu.token).base_url(f"{emu.base_url}/bot")
  .base_file_url(f"{emu.base_url}/file/bot")``

One aiohttp application serves everything on one port:

* ``/bot{token}/{method}`` - the Bot API (GET/POST; JSON, urlencoded or multipart bodies);
* ``/file/bot{token}/{file_path}`` - file downloads;
* ``/_emu/...`` - the user-side HTTP API (see :mod:`emulator.webapi`);
* ``/`` and ``/static/`` - the web chat page (``emulator/web/``).

Pass ``web_port`` to *additionally* listen on a second port (e.g. the demo's
http://127.0.0.1:8080) while the bot uses ``base_url``; both ports serve the same app, so the
page and the bot always see the same state. Or simply run the emulator with ``port=8080``.
``python -m emulator`` runs it standalone.

Test-side use::

    async with BotApiEmulator() as emu:
        ...start the bot against emu.base_url...
        await emu.send_text(42, "/start")
        reply = await emu.wait_for_text(42, "Xin chào")
        await emu.press(42, text="Bắt đầu")
"""

from __future__ import annotations

import json
from types import TracebackType
from typing import Any

from aiohttp import web

from .errors import NOT_FOUND, UNAUTHORIZED, ApiError
from .faults import RateLimiter
from .methods import ApiResponse, call_method
from .params import MAX_UPLOAD_BYTES, normalize, read_params
from .state import EmulatorCore
from .userside import UserSideApi
from .webapi import UserHttpApi
from .webhook import WebhookDeliverer

DEFAULT_TOKEN = "123456:TEST-TOKEN"
DEFAULT_USERNAME = "parbot_demo_bot"


def _json_response(status: int, body: dict[str, Any] | str) -> web.Response:
    if isinstance(body, str):
        return web.Response(status=status, text=body, content_type="text/html")
    return web.Response(
        status=status,
        body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        content_type="application/json",
        charset="utf-8",
    )


class BotApiEmulator(UserSideApi):
    """The emulator server plus the simulated users' API (inherited from UserSideApi).

    Rate limits: ``global_rate`` messages per ``window`` seconds overall and ``chat_rate`` per
    chat (defaults: 30/s and 1/s, Telegram's documented limits); ``time_scale`` compresses
    time for benchmarks (see :mod:`emulator.faults`).
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        username: str = DEFAULT_USERNAME,
        *,
        first_name: str = "PAR Bot",
        host: str = "127.0.0.1",
        port: int = 0,
        web_port: int | None = None,
        rate_limits: bool = True,
        global_rate: int = 30,
        chat_rate: int = 1,
        window: float = 1.0,
        time_scale: float = 1.0,
    ) -> None:
        if ":" not in token or not token.split(":", 1)[0].isdigit():
            raise ValueError("token must look like '<bot id>:<secret>'")
        limiter = RateLimiter(
            enabled=rate_limits,
            global_rate=global_rate,
            chat_rate=chat_rate,
            window=window,
            time_scale=time_scale,
        )
        super().__init__(EmulatorCore(token, username, first_name, limiter))
        self.host = host
        self._port = port
        self._web_port = web_port
        self._bound: list[int] = []
        self._runner: web.AppRunner | None = None
        self._webhook = WebhookDeliverer(self.core)

    # ------------------------------------------------------------------ properties

    @property
    def token(self) -> str:
        return self.core.token

    @property
    def username(self) -> str:
        return str(self.core.bot_user["username"])

    @property
    def bot_id(self) -> int:
        return self.core.bot_id

    @property
    def port(self) -> int:
        if not self._bound:
            raise RuntimeError("emulator is not started")
        return self._bound[0]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` - prefix of ``/bot<token>/<method>`` and ``/file/bot...``."""
        return f"http://{self.host}:{self.port}"

    @property
    def web_url(self) -> str:
        """Where the web chat page is served (the ``web_port`` listener if one was asked)."""
        port = self._bound[-1] if self._bound else self.port
        return f"http://{self.host}:{port}/"

    # ------------------------------------------------------------------ lifecycle

    def build_app(self) -> web.Application:
        """The aiohttp application (exposed for embedding in another server)."""
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 10 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("*", "/bot{token}/", self._handle_no_method)
        app.router.add_route("*", "/bot{token}", self._handle_no_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        UserHttpApi(self).add_routes(app)
        return app

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("emulator already started")
        self.core.closing = False
        runner = web.AppRunner(
            self.build_app(),
            handle_signals=False,
            shutdown_timeout=1.0,
            handler_cancellation=True,
            access_log=None,
        )
        await runner.setup()
        ports = [self._port] + ([self._web_port] if self._web_port is not None else [])
        for port in ports:
            await web.TCPSite(runner, self.host, port).start()
        self._bound = [int(address[1]) for address in runner.addresses]
        self._runner = runner
        self._webhook.start()

    async def stop(self) -> None:
        """Stop serving; pending long polls return at once so shutdown is quick."""
        if self._runner is None:
            return
        self.core.closing = True
        self.core.updates.notifier.notify()
        self.core.changes.notify()
        await self._webhook.stop()
        await self._runner.cleanup()
        self._runner = None
        self._bound = []

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------ HTTP handlers

    async def call(self, method: str, **params: Any) -> ApiResponse:
        """Call a Bot API method in-process (no HTTP), e.g. from a test or the webhook."""
        return await call_method(self.core, method, normalize(params))

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.core.token:
            return _json_response(401, UNAUTHORIZED.body())
        try:
            params = await read_params(request)
        except ApiError as exc:
            return _json_response(exc.status, exc.body())
        response = await call_method(self.core, request.match_info["method"], params)
        return _json_response(response.status, response.body)

    async def _handle_no_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.core.token:
            return _json_response(401, UNAUTHORIZED.body())
        return _json_response(404, NOT_FOUND.body())

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.core.token:
            return _json_response(401, UNAUTHORIZED.body())
        stored = self.core.files.by_path.get(request.match_info["path"])
        if stored is None:
            return _json_response(404, NOT_FOUND.body())
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )
