"""Routes one event to the entry point that owns it. No dead ends: anything unrecognised gets help.

The entry points are declared in a :class:`~conversations.routing.Registry` (built in
``handlers/routes`` and passed in by the composition root): commands by name, buttons by the
first field of their callback data, typed input by the prefix of the conversation mode. The
role a route needs is checked here, once, before its function runs; what depends on data (this
unit's officer, the appraiser's fields) stays with the function.
"""

from __future__ import annotations

import re

from conversations import (
    broadcast,
    deadlines,
    onboarding,
    role_hints,
    walk,
    walk_input,
)
from conversations.context import Ctx
from conversations.flow_state import ModeFamily
from conversations.markup import join_lines
from conversations.routing import NOT_JOINED, NOT_YOUR_BUTTON, NOT_YOURS, Route, RouteKind

MAX_INPUT = 4000
# "/plan 2024", "/catalog import" (also "/plan@parbot_bot", or the year on the next line)
CAPTION_COMMAND = re.compile(r"^\s*/(\w+)(?:@\w+)?(?:\s+(.*?))?\s*$", re.DOTALL)


async def route(ctx: Ctx) -> None:
    ev = ctx.event
    if ev.kind == "callback":
        await _callback(ctx, ev.callback_data or "")
    elif ev.kind == "command":
        await command(ctx, ev.command or "", ev.args)
    elif ev.kind in ("document", "photo"):
        await _file(ctx)
    else:
        await _text(ctx, ev.text)


def _allowed(ctx: Ctx, kind: RouteKind, name: str) -> Route | None:
    """The route, if this person's roles may use it; None (and the refusal said) otherwise."""
    found = ctx.routes.find(kind, name)
    if found is None:
        return None
    if found.allows(ctx.role_set):
        return found
    _refuse(ctx, found)
    return None


def _refuse(ctx: Ctx, route: Route) -> None:
    """The one refusal: a short line saying who does this, then what this person can do (or,
    for someone who has not joined, how to join). A button gets it as an alert."""
    lines: list[str]
    if not ctx.roles:
        lines = [ctx.tr(route.stranger or route.refusal or NOT_JOINED)]
    elif route.kind == "button":
        lines = [ctx.tr(route.refusal or NOT_YOUR_BUTTON)]
    else:
        lines = [ctx.tr(route.refusal or NOT_YOURS), *role_hints.can_do(ctx)]
    if route.kind == "button":
        ctx.toast(lines[0], alert=True)
    else:
        ctx.say(join_lines(lines))


async def command(ctx: Ctx, name: str, args: str) -> None:
    if ctx.routes.find("command", name) is None:
        ctx.say(
            ctx.tr(
                "I don't know the command /%(name)s. Type /help to see what I can do.",
                name=name[:32],
            ),
            keyboard=onboarding.menu(ctx),
        )
        return
    found = _allowed(ctx, "command", name)
    if found is not None:
        await found.handler(ctx, args)


async def _callback(ctx: Ctx, data: str) -> None:
    parts = data.split(":")
    if ctx.routes.find("button", parts[0]) is None:
        ctx.toast(ctx.tr("This button is out of date. Type /help to continue."))
        return
    found = _allowed(ctx, "button", parts[0])
    if found is not None:
        await found.handler(ctx, parts)


async def _text(ctx: Ctx, text: str) -> None:
    if not text.strip():
        ctx.say(ctx.tr("Type /help to see what I can do."))
        return
    if len(text) > MAX_INPUT:
        ctx.say(
            ctx.tr(
                "That message is very long (%(n)s characters). Please send something "
                "shorter; nothing was changed.",
                n=len(text),
            )
        )
        return
    cmd = onboarding.menu_command(ctx, text)
    if cmd is None and walk_input.is_cancel(text):
        cmd = "cancel"  # "hủy" leaves any prompt, the same as /cancel
    if cmd is not None:
        await command(ctx, cmd, "")
        return
    if await _in_mode(ctx, text):
        return
    if await walk.on_text(ctx, text):
        return
    if ctx.unit_ids("officer") and await walk.jump(ctx, text):
        return
    if await deadlines.maybe_answer(ctx, text):
        return
    if ctx.unit_ids("officer"):
        text = ctx.tr(
            "I did not understand that. Tap 📝 Score to continue the self-assessment, ask "
            "about a deadline (e.g. “hạn nộp báo cáo?”), or type /help."
        )
    else:
        text = ctx.tr(
            "I did not understand that. Ask about a deadline (e.g. “hạn nộp báo cáo?”), or "
            "type /help to see what you can do."
        )
    ctx.say(text, keyboard=onboarding.menu(ctx))


async def _in_mode(ctx: Ctx, text: str) -> bool:
    """Typed text answering the question of a conversation mode; a person whose roles no
    longer allow the mode (revoked meanwhile) is told so and leaves it."""
    prefix = ctx.state.mode.family if ctx.state.mode is not None else ""
    if not prefix or ctx.routes.find("mode", prefix) is None:
        return False
    found = _allowed(ctx, "mode", prefix)
    if found is None:
        ctx.state.mode = None
        return True
    return bool(await found.handler(ctx, text))


async def _file(ctx: Ctx) -> None:
    """A file: the command in its caption (/plan, /catalog) owns it, else a notice being
    composed takes it, else it is evidence."""
    f = ctx.event.file
    caption = CAPTION_COMMAND.match(f.caption or "") if f is not None else None
    name = caption.group(1).lower() if caption else ""
    if ctx.routes.find("file", name) is not None:
        found = _allowed(ctx, "file", name)
        if found is not None and caption is not None:
            await found.handler(ctx, (caption.group(2) or "").strip())
        return
    if ctx.state.in_family(ModeFamily.BC) and await broadcast.on_file(ctx):
        return
    from conversations.evidence import intake  # on first use: it brings pyhanko

    await intake.on_file(ctx)
