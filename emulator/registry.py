"""The registry of Bot API method handlers, filled by the ``handlers_*`` modules on import.

Kept separate from :mod:`.methods` (the dispatcher) so handler modules can register themselves
without importing the dispatcher.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple, TypeVar

from .params import Params
from .state import EmulatorCore

Handler = Callable[[EmulatorCore, Params], Awaitable[Any]]
H = TypeVar("H", bound=Handler)


class WithDescription(NamedTuple):
    """A successful result that also carries Telegram's ``description`` (e.g. setWebhook)."""

    result: Any
    description: str


METHODS: dict[str, tuple[str, Handler]] = {}


def api(name: str) -> Callable[[H], H]:
    """Register a handler under its Bot API name (lookup is case-insensitive, like Telegram)."""

    def register(handler: H) -> H:
        METHODS[name.lower()] = (name, handler)
        return handler

    return register
