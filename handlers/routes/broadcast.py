"""/broadcast: Phòng Nội vụ's notices to the units, and the recipients' "received" button."""

from __future__ import annotations

from conversations import broadcast
from conversations.context import Ctx
from conversations.flow_state import ModeFamily
from conversations.routing import ADMIN, Registry
from scoring.i18n import N_

route = Registry()
ONLY_ADMINS = N_(
    "Sorry, only Phòng Nội vụ (administrators) can send notices to the units. If you need to "
    "tell them something, please contact Phòng Nội vụ directly."
)


@route.command(
    "broadcast",
    roles={ADMIN},
    help=N_("/broadcast — send a notice to units, with delivery report"),
    menu=N_("Send a notice to units"),
    refusal=ONLY_ADMINS,
)
async def compose(ctx: Ctx, args: str) -> None:
    """/broadcast [TEXT]: start a notice (the text may follow the command)."""
    await broadcast.start_cmd(ctx, args)


@route.button("bc", roles={ADMIN}, refusal=ONLY_ADMINS)
async def compose_button(ctx: Ctx, parts: list[str]) -> None:
    """bc:aud|back|send|cancel|report|remind…"""
    await broadcast.on_callback(ctx, parts)


# anyone the notice reached may acknowledge it: the key of their own outbox row is the check
@route.button("ack", roles=None)
async def received(ctx: Ctx, parts: list[str]) -> None:
    await broadcast.on_ack(ctx, parts)


@route.mode(ModeFamily.BC, roles={ADMIN}, refusal=ONLY_ADMINS)
async def typed(ctx: Ctx, text: str) -> bool:
    """The notice's text."""
    return await broadcast.on_text(ctx, text)
