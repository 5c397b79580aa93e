"""Per-person limits on expensive actions (exports, charts), kept in the durable chat state.

Kept in the person's conversation state rather than process memory, so the limit holds across
restarts and webhook workers alike.
"""

from __future__ import annotations

from datetime import datetime

from conversations.context import Ctx


def allow(ctx: Ctx, action: str, every_seconds: float | None = None) -> bool:
    """True (and the use recorded) if ``action`` was not used in the last ``every_seconds``
    (default: the configured interval for expensive actions); otherwise tells the person
    politely how long to wait."""
    if every_seconds is None:
        every_seconds = ctx.config.expensive_every
    if every_seconds <= 0:
        return True
    stamps = ctx.state.limits
    last = stamps.get(action)
    if last is not None:
        try:
            waited = (ctx.now - datetime.fromisoformat(last)).total_seconds()
        except ValueError:
            waited = every_seconds
        if 0 <= waited < every_seconds:
            ctx.say(
                ctx.tr(
                    "This takes a while to prepare, so it can be asked for once every "
                    "%(limit)s seconds. Please try again in %(wait)s seconds.",
                    limit=int(every_seconds),
                    wait=max(1, int(every_seconds - waited)),
                )
            )
            return False
    stamps[action] = ctx.now.isoformat()
    return True
