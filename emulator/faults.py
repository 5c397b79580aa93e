"""Switchable, Telegram-faithful failures: flood limits, injected errors and injected latency.

Production bots must survive ``429 Too Many Requests: retry after N``, transient 5xx from the
Bot API front-ends and slow answers; these are hard to provoke against the real service, so the
emulator makes each one explicit and countable.

Rate limits are sliding windows over *message-sending* methods (edits, callbacks and chat
actions are not counted, as the Telegram FAQ describes): by default 30 messages per second
overall and 1 message per second per chat. ``time_scale`` stretches or compresses the emulated
second (``time_scale=0.01`` makes a window last 10 ms of real time) so load benchmarks can run
fast; ``retry_after`` is always reported in emulated seconds, like Telegram's integer seconds.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

RATE_LIMITED_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
        "sendAudio",
        "sendVideo",
        "sendVoice",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendPoll",
    }
)

_DEFAULT_DESCRIPTIONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class RateLimiter:
    """Sliding-window flood control: a global window and one window per chat."""

    def __init__(
        self,
        *,
        enabled: bool = True,
        global_rate: int = 30,
        chat_rate: int = 1,
        window: float = 1.0,
        time_scale: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.enabled = enabled
        self.global_rate = global_rate
        self.chat_rate = chat_rate
        self.window = window
        self.time_scale = time_scale
        self._clock = clock
        self._global: deque[float] = deque()
        self._chats: dict[int | str, deque[float]] = {}

    def configure(
        self,
        *,
        enabled: bool | None = None,
        global_rate: int | None = None,
        chat_rate: int | None = None,
        window: float | None = None,
        time_scale: float | None = None,
    ) -> None:
        """Change any knob; windows are cleared so the new limits start fresh."""
        if enabled is not None:
            self.enabled = enabled
        if global_rate is not None:
            self.global_rate = global_rate
        if chat_rate is not None:
            self.chat_rate = chat_rate
        if window is not None:
            self.window = window
        if time_scale is not None:
            self.time_scale = time_scale
        self.reset()

    def reset(self) -> None:
        self._global.clear()
        self._chats.clear()

    def _real_window(self) -> float:
        return self.window * self.time_scale

    def _retry_after(self, hits: deque[float], limit: int, now: float) -> int | None:
        horizon = now - self._real_window()
        while hits and hits[0] <= horizon:
            hits.popleft()
        if len(hits) < limit:
            return None
        wait_real = hits[len(hits) - limit] + self._real_window() - now
        return max(1, math.ceil(wait_real / self.time_scale - 1e-6))  # float noise

    def check(self, chat_key: int | str) -> int | None:
        """``retry_after`` (emulated seconds) if sending now would exceed a limit, else None."""
        if not self.enabled:
            return None
        now = self._clock()
        waits = [
            self._retry_after(self._global, self.global_rate, now),
            self._retry_after(self._chats.setdefault(chat_key, deque()), self.chat_rate, now),
        ]
        limited = [w for w in waits if w is not None]
        return max(limited) if limited else None

    def record(self, chat_key: int | str) -> None:
        """Count one delivered message (only successful sends consume the budget)."""
        now = self._clock()
        self._global.append(now)
        self._chats.setdefault(chat_key, deque()).append(now)


@dataclass
class InjectedError:
    """An error the next ``remaining`` calls of ``method`` ("*" = any) will get."""

    method: str
    status: int
    description: str
    parameters: dict[str, object] | None
    remaining: int | None  # None: until cleared
    html_body: bool = False

    def body_text(self) -> str:
        """nginx-style HTML page, what Telegram's front-ends return for some 5xx."""
        return (
            f"<html>\r\n<head><title>{self.status} {self.description}</title></head>\r\n"
            f"<body>\r\n<center><h1>{self.status} {self.description}</h1></center>\r\n"
            "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
        )


@dataclass
class InjectedDelay:
    """Latency for the next ``remaining`` calls of ``method``.

    ``after=False``: the call waits *before* it takes effect (a slow front-end; a client that
    gives up first cancels it, so nothing happens). ``after=True``: the call takes effect (the
    message is delivered) and only the *answer* is late, which is the case that makes a retried
    send a duplicate, since the Bot API has no idempotency key.
    """

    method: str
    seconds: float
    remaining: int | None
    after: bool = False


class FaultInjector:
    """Queues of injected errors and delays, consumed per matching call."""

    def __init__(self) -> None:
        self.errors: list[InjectedError] = []
        self.delays: list[InjectedDelay] = []

    def inject_error(
        self,
        method: str,
        status: int = 502,
        count: int | None = 1,
        description: str | None = None,
        parameters: dict[str, object] | None = None,
        html_body: bool = False,
    ) -> InjectedError:
        text = description or _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
        error = InjectedError(method.lower(), status, text, parameters, count, html_body)
        self.errors.append(error)
        return error

    def inject_delay(
        self, method: str, seconds: float, count: int | None = 1, *, after: bool = False
    ) -> InjectedDelay:
        delay = InjectedDelay(method.lower(), seconds, count, after)
        self.delays.append(delay)
        return delay

    def clear(self) -> None:
        self.errors.clear()
        self.delays.clear()

    def take_error(self, method: str) -> InjectedError | None:
        for error in self.errors:
            if error.method in ("*", method.lower()):
                self._consume(error, self.errors)
                return error
        return None

    def take_delay(self, method: str, *, after: bool = False) -> float:
        """Seconds to wait before the call takes effect (or, ``after=True``, before answering)."""
        for delay in self.delays:
            if delay.after == after and delay.method in ("*", method.lower()):
                self._consume(delay, self.delays)
                return delay.seconds
        return 0.0

    @staticmethod
    def _consume(item: InjectedError | InjectedDelay, queue: list) -> None:  # type: ignore[type-arg]
        if item.remaining is None:
            return
        item.remaining -= 1
        if item.remaining <= 0:
            queue.remove(item)
