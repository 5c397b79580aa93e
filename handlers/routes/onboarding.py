"""Joining, help, roles, language and /cancel: what anyone may use, registered or not."""

from __future__ import annotations

from conversations import onboarding, unit_move
from conversations.callbacks import Language
from conversations.context import Ctx
from conversations.routing import Registry
from scoring.i18n import N_

route = Registry()


@route.command("start", roles=None)
async def start(ctx: Ctx, args: str) -> None:
    """/start [INVITE CODE]: join with an invite, or be greeted."""
    await onboarding.start(ctx, args)


@route.command(
    "whoami",
    roles=None,
    help=N_("/whoami — your roles · /lang — language · /cancel — stop what you are doing"),
    menu=N_("My roles"),
)
async def whoami(ctx: Ctx, _args: str) -> None:
    await onboarding.whoami(ctx)


@route.command("lang", roles=None, menu=N_("Language / Ngôn ngữ"), key=N_("🌐 Language"), pinned=1)
async def lang(ctx: Ctx, _args: str) -> None:
    await onboarding.choose_language(ctx)


@route.command("help", roles=None, menu=N_("Help"), key=N_("❓ Help"), pinned=0)
async def help_(ctx: Ctx, _args: str) -> None:
    await onboarding.help_text(ctx)


@route.command("cancel", roles=None)
async def cancel(ctx: Ctx, _args: str) -> None:
    """/cancel (or typing "hủy"): leave any question; nothing saved is lost."""
    ctx.state.mode = None
    ctx.say(ctx.tr("Stopped. Your saved answers are kept."), keyboard=onboarding.menu(ctx))


@route.button("l", roles=None)
async def language_button(ctx: Ctx, parts: list[str]) -> None:
    """l:<vi|en>."""
    pressed = Language.unpack(":".join(parts))
    if pressed is None:
        ctx.toast(ctx.tr("This button is out of date. Type /help to continue."))
        return
    await onboarding.set_language(ctx, pressed.code)


# the move-or-keep question of a second unit's invite: the invite waiting in the person's own
# state is the key, whatever their roles
@route.button("mv", roles=None)
async def move_button(ctx: Ctx, parts: list[str]) -> None:
    """mv:<move|both|no>:<invite>: answer the question, then join if still usable."""
    chosen = await unit_move.on_callback(ctx, parts)
    if chosen is not None and onboarding.usable(ctx, chosen[0]):
        await onboarding.join(ctx, *chosen)
