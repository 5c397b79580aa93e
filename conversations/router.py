"""Routes one event to the flow that owns it. No dead ends: anything unrecognised gets help.

Flows are looked up in three tables (commands, callback prefixes, conversation modes) and
imported on first use, so each capability lives in its own module and the router stays small.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from typing import Any

from conversations import onboarding, role_hints, submission, walk, walk_input
from conversations.context import Ctx
from conversations.replies import Event

MAX_INPUT = 4000

# command → (module, function); the function takes (ctx, args)
COMMANDS: dict[str, tuple[str, str]] = {
    "rank": ("conversations.standing", "rank"),
    "deadlines": ("conversations.deadlines", "list_deadlines_cmd"),
    "evidence": ("conversations.evidence.listing", "list_cmd"),
    "broadcast": ("conversations.broadcast", "start_cmd"),
    "review": ("conversations.review.queue", "start_cmd"),
    "export": ("conversations.exports", "export_cmd"),
    "publish": ("conversations.publish_chat", "publish_cmd"),
    "unpublish": ("conversations.publish_chat", "unpublish_cmd"),
    "reopen": ("conversations.publication", "reopen_cmd"),
    "plan": ("conversations.plan_chat", "plan_cmd"),
    "access": ("conversations.access_chat", "access_cmd"),
    "catalog": ("conversations.catalog_upload", "catalog_cmd"),
}
# first field of the callback data → (module, function); the function takes (ctx, parts)
CALLBACKS: dict[str, tuple[str, str]] = {
    "ev": ("conversations.evidence.callbacks", "on_callback"),
    "bc": ("conversations.broadcast", "on_callback"),
    "ack": ("conversations.broadcast", "on_ack"),
    "rv": ("conversations.review.callbacks", "on_callback"),
    "rk": ("conversations.standing", "on_callback"),
    "ex": ("conversations.exports", "on_callback"),
    "pub": ("conversations.publish_chat", "on_callback"),
    "acc": ("conversations.access_chat", "on_callback"),
    "mv": ("conversations.unit_move", "on_callback"),
}
# prefix of ctx.state["mode"] → (module, function); the function takes (ctx, text) → bool
MODES: dict[str, tuple[str, str]] = {
    "ev": ("conversations.evidence.typed", "on_text"),
    "bc": ("conversations.broadcast", "on_text"),
    "rv": ("conversations.review.typed", "on_text"),
    "pub": ("conversations.publish_chat", "on_text"),
    "acc": ("conversations.access_chat", "on_text"),
}


def _resolve(entry: tuple[str, str]) -> Callable[..., Awaitable[Any]] | None:
    module_name, func = entry
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None  # capability not part of this build
        raise
    return getattr(module, func, None)


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


async def command(ctx: Ctx, name: str, args: str) -> None:
    if name == "start":
        await onboarding.start(ctx, args)
    elif name == "help":
        await onboarding.help_text(ctx)
    elif name == "whoami":
        await onboarding.whoami(ctx)
    elif name == "lang":
        await onboarding.choose_language(ctx)
    elif name == "cancel":
        ctx.state["mode"] = None
        ctx.say(ctx.tr("Stopped. Your saved answers are kept."), keyboard=onboarding.menu(ctx))
    elif _not_theirs(ctx, name, args):
        role_hints.refuse(ctx, name)
    elif name == "progress" and ctx.is_admin and not ctx.unit_ids("officer", "leader"):
        from conversations.board_progress import board_progress

        await board_progress(ctx)
    elif name in ("score", "chamdiem"):
        await walk.start(ctx, args.strip() or None)
    elif name == "go" and args.strip():
        if not await walk.jump(ctx, args.strip()):
            ctx.say(ctx.tr("Type a criterion code after /go, e.g. /go 1.2.3"))
    elif name == "progress":
        await submission.progress(ctx)
    elif name == "submit":
        await submission.submit(ctx)
    elif name == "withdraw":
        await submission.withdraw(ctx)
    elif name in COMMANDS and (handler := _resolve(COMMANDS[name])) is not None:
        await handler(ctx, args)
    else:
        ctx.say(
            ctx.tr(
                "I don't know the command /%(name)s. Type /help to see what I can do.",
                name=name[:32],
            ),
            keyboard=onboarding.menu(ctx),
        )


def _not_theirs(ctx: Ctx, name: str, args: str) -> bool:
    """A registered person asking for an officer's command their roles do not include."""
    if not ctx.roles or name not in role_hints.ONLY_OFFICERS:
        return False
    if name == "progress":
        return not ctx.is_admin and not ctx.unit_ids("officer", "leader")
    if name == "go" and not args.strip():
        return False
    return not ctx.unit_ids("officer")


async def _callback(ctx: Ctx, data: str) -> None:
    parts = data.split(":")
    head = parts[0]
    if head == "l" and len(parts) == 2:
        await onboarding.set_language(ctx, parts[1])
    elif head in ("a", "na", "nd", "t", "g", "p", "n", "x", "e", "fl", "f"):
        await walk.on_callback(ctx, parts)
    elif head in ("s", "w", "pg"):
        await submission.on_callback(ctx, parts)
    elif head in CALLBACKS and (handler := _resolve(CALLBACKS[head])) is not None:
        await handler(ctx, parts)
    else:
        ctx.toast(ctx.tr("This button is out of date. Type /help to continue."))


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
    mode = str(ctx.state.get("mode") or "")
    prefix = mode.split("_", 1)[0]
    handler = _resolve(MODES[prefix]) if prefix in MODES else None
    if handler is not None and await handler(ctx, text):
        return
    if await walk.on_text(ctx, text):
        return
    if ctx.unit_ids("officer") and await walk.jump(ctx, text):
        return
    from conversations import deadlines

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


async def _file(ctx: Ctx) -> None:
    f = ctx.event.file
    parsed = Event.parse_command((f.caption or "").strip()) if f is not None else None
    if parsed is not None and parsed[0] == "catalog":
        from conversations import catalog_upload

        await catalog_upload.on_file(ctx, parsed[1])
        return
    from conversations import plan_chat

    if f is not None and plan_chat.wants_plan(f.caption):
        await plan_chat.on_file(ctx)
        return
    if str(ctx.state.get("mode") or "").startswith("bc_"):
        from conversations import broadcast

        if await broadcast.on_file(ctx):
            return
    from conversations.evidence import intake

    await intake.on_file(ctx)
