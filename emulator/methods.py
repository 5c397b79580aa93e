"""Bot API dispatcher: :func:`call_method` is the single entry point for every method call.

``call_method`` applies, in Telegram's order of observable effects: method lookup (404), injected
latency, injected errors, flood control (429, message-sending methods only), the handler, then
an injected late answer (``inject_delay(..., after=True)``: the call took effect, the answer is
held back).
Every call is logged in ``core.calls`` and counted in ``core.stats``. The webhook deliverer uses
the same entry point for methods returned in a webhook response body.
"""

from __future__ import annotations

import asyncio
from typing import Any, NamedTuple

from . import handlers_chat, handlers_messages, handlers_updates
from .errors import NOT_FOUND, ApiError, too_many_requests
from .faults import RATE_LIMITED_METHODS
from .params import Params, loggable
from .registry import METHODS, WithDescription
from .state import ApiCall, EmulatorCore

# The handler modules register their methods in METHODS when imported.
_HANDLER_MODULES = (handlers_chat, handlers_messages, handlers_updates)


class ApiResponse(NamedTuple):
    status: int
    body: dict[str, Any] | str  # str: a non-JSON (HTML) error page


def canonical_name(method: str) -> str | None:
    entry = METHODS.get(method.lower())
    return entry[0] if entry else None


async def call_method(core: EmulatorCore, method: str, params: dict[str, Any]) -> ApiResponse:
    """Run one Bot API call against the emulator state and return Telegram's answer."""
    core.stats.requests += 1
    entry = METHODS.get(method.lower())
    if entry is None:
        return _finish(core, method, params, ApiResponse(404, NOT_FOUND.body()))
    name, handler = entry
    core.stats.by_method[name] += 1
    core.changes.notify()  # lets wait_until() see a call start (e.g. the first long poll)

    delay = core.faults.take_delay(name)
    if delay > 0:
        core.stats.injected_delays += 1
        await asyncio.sleep(delay)

    injected = core.faults.take_error(name)
    if injected is not None:
        core.stats.injected_errors += 1
        error = ApiError(injected.status, injected.description, injected.parameters)
        body: dict[str, Any] | str = injected.body_text() if injected.html_body else error.body()
        return _finish(core, name, params, ApiResponse(injected.status, body))

    chat_key = params.get("chat_id")
    limited = name in RATE_LIMITED_METHODS and isinstance(chat_key, int | str)
    if limited:
        retry_after = core.limiter.check(chat_key)  # type: ignore[arg-type]
        if retry_after is not None:
            core.stats.rate_limited += 1
            return _finish(
                core, name, params, ApiResponse(429, too_many_requests(retry_after).body())
            )

    try:
        result = await handler(core, Params(params))
    except ApiError as exc:
        return await _answer_late(
            core, name, _finish(core, name, params, ApiResponse(exc.status, exc.body()))
        )
    if limited:
        core.limiter.record(chat_key)  # type: ignore[arg-type]
    ok: dict[str, Any] = {"ok": True}
    if isinstance(result, WithDescription):
        ok["result"] = result.result
        ok["description"] = result.description
    else:
        ok["result"] = result
    return await _answer_late(core, name, _finish(core, name, params, ApiResponse(200, ok)))


async def _answer_late(core: EmulatorCore, name: str, response: ApiResponse) -> ApiResponse:
    """Hold back the answer of a call that already took effect (``inject_delay(after=True)``).

    The call is logged and its effects are visible before the wait, as on Telegram when a
    request is carried out but its answer arrives after the client's timeout.
    """
    delay = core.faults.take_delay(name, after=True)
    if delay > 0:
        core.stats.injected_delays += 1
        await asyncio.sleep(delay)
    return response


def _finish(
    core: EmulatorCore, name: str, params: dict[str, Any], response: ApiResponse
) -> ApiResponse:
    core.stats.by_status[response.status] += 1
    core.calls.append(ApiCall(name, loggable(params), response.status))
    core.changes.notify()  # lets wait_until() observe calls and stats
    return response
