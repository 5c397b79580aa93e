"""A local emulator of the Telegram Bot API, for end-to-end tests and the web-chat demo.

See :mod:`emulator.server` for how it is served and used, :mod:`emulator.userside` for
the simulated users' API and :mod:`emulator.webapi` for the page's HTTP API.
"""

from .errors import ApiError
from .faults import RateLimiter
from .objects import EmuUser, make_png
from .server import DEFAULT_TOKEN, DEFAULT_USERNAME, BotApiEmulator
from .state import ApiCall, CallbackAnswer, EmuStats, Record

__all__ = [
    "DEFAULT_TOKEN",
    "DEFAULT_USERNAME",
    "ApiCall",
    "ApiError",
    "BotApiEmulator",
    "CallbackAnswer",
    "EmuStats",
    "EmuUser",
    "RateLimiter",
    "Record",
    "make_png",
]
