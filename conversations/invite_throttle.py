"""A per-person limit on wrong invite codes (issue 18, finding 9).

Codes are unguessable, but nothing should let one account try thousands: after
``wrong_codes_allowed`` wrong codes within ``wrong_codes_window`` seconds, the person is asked to
wait until the oldest of those leaves the window. While waiting no code is looked at (so
waiting is not a way to keep guessing), and nothing is counted, so the wait never grows by
asking. The count lives in the database: a restart or another webhook worker does not reset it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations.context import Ctx


def _window(ctx: Ctx) -> timedelta:
    return timedelta(seconds=ctx.config.wrong_codes_window)


async def blocked_until(ctx: Ctx) -> datetime | None:
    """When the person may try a code again, or None if they may now."""
    allowed = ctx.config.wrong_codes_allowed
    if allowed <= 0:
        return None
    times = await ctx.uow.access.wrong_codes_since(ctx.person.id, ctx.now - _window(ctx))
    if len(times) < allowed:
        return None
    return times[-allowed] + _window(ctx)


async def note_wrong(ctx: Ctx) -> None:
    if ctx.config.wrong_codes_allowed > 0:
        await ctx.uow.access.note_wrong_code(ctx.person.id, ctx.now, ctx.now - _window(ctx))


def say_wait(ctx: Ctx, until: datetime) -> None:
    local = until.astimezone(ctx.config.tz)
    minutes = max(1, -(-int((until - ctx.now).total_seconds()) // 60))
    ctx.say(
        ctx.tr(
            "Too many wrong invite codes. To keep invites safe, please try again after "
            "%(time)s (in %(minutes)s min). Nothing was changed.",
            time=local.strftime("%H:%M"),
            minutes=minutes,
        )
    )
