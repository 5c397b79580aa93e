"""/access: who holds which role, and revoking one (with the reason typed or chosen)."""

from __future__ import annotations

from conversations import access_chat
from conversations.context import Ctx
from conversations.flow_state import ModeFamily
from conversations.routing import ADMIN, Registry
from scoring.i18n import N_

route = Registry()
ONLY_ADMINS = N_("Only Phòng Nội vụ administrators can manage access.")


@route.command(
    "access",
    roles={ADMIN},
    help=N_("/access — who has access; revoke a role"),
    menu=N_("Who has access; revoke a role"),
    refusal=ONLY_ADMINS,
)
async def people(ctx: Ctx, args: str) -> None:
    """/access [UNIT]."""
    await access_chat.access_cmd(ctx, args)


@route.button("acc", roles={ADMIN}, refusal=ONLY_ADMINS)
async def grant_button(ctx: Ctx, parts: list[str]) -> None:
    await access_chat.on_callback(ctx, parts)


@route.mode(ModeFamily.ACC, roles={ADMIN}, refusal=ONLY_ADMINS)
async def typed(ctx: Ctx, text: str) -> bool:
    """The reason for a revocation."""
    return await access_chat.on_text(ctx, text)
