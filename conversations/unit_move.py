"""An invite for another unit, redeemed by someone who already acts for a unit in that role.

Officers (and leaders) act for one unit: the bot asks before it moves them, and the old role
ends only when they confirm. Holding both is possible only when Phòng Nội vụ made the invite
so (``parbot invite --second-unit``). Until the person answers, nothing changes and the invite
stays unused; the buttons work only for the invite remembered in their own state.
"""

from __future__ import annotations

from conversations import access
from conversations.callbacks import UnitMove
from conversations.context import Ctx
from conversations.markup import join_lines
from conversations.replies import Button
from storage.repositories.access import GrantRow
from storage.repositories.rows_people import InviteRow

UNIT_ROLES = ("officer", "leader")


async def _others(ctx: Ctx, invite: InviteRow) -> list[GrantRow]:
    """The person's grants of the invite's role for other units."""
    if invite.role not in UNIT_ROLES or invite.unit_id is None:
        return []
    mine = await ctx.uow.access.grants(person_id=ctx.person.id)
    return [g for g in mine if g.role == invite.role and g.unit_id not in (None, invite.unit_id)]


async def asks_first(ctx: Ctx, invite: InviteRow) -> bool:
    """True if the person must first choose between moving and keeping both (asked now)."""
    others = await _others(ctx, invite)
    if not others:
        return False
    unit = await ctx.uow.units.get(invite.unit_id) if invite.unit_id is not None else None
    ctx.state.mv_invite = invite.id
    old = join_lines((g.unit_name or "" for g in others), ", ")
    role = ctx.tr(access.ROLE_NAMES[invite.role])
    lines = [
        ctx.tr(
            "You are already %(role)s of %(old)s. This invite is for %(new)s.",
            role=role,
            old=old,
            new=unit.name if unit else "",
        )
    ]
    move = Button(ctx.tr("Move to the new unit"), UnitMove("move", invite.id).pack())
    cancel = Button(ctx.tr("Cancel"), UnitMove("no", invite.id).pack())
    if invite.allow_second_unit:
        lines.append(ctx.tr("Phòng Nội vụ allows you to keep both. Move, or keep both?"))
        both = Button(ctx.tr("Keep both"), UnitMove("both", invite.id).pack())
        buttons: tuple[tuple[Button, ...], ...] = ((move,), (both,), (cancel,))
    else:
        lines.append(
            ctx.tr(
                "If you move, your role in %(old)s ends. To keep both, ask Phòng Nội vụ "
                "for an invite that allows it.",
                old=old,
            )
        )
        buttons = ((move,), (cancel,))
    ctx.say(join_lines(lines), buttons=buttons)
    return True


async def on_callback(ctx: Ctx, parts: list[str]) -> tuple[InviteRow, list[GrantRow]] | None:
    """mv:<move|both|no>:<invite id>: the invite to join with and the grants the move ends
    (the caller checks the invite is still usable and joins), or None when the answer is
    already given (out of date, cancelled, not allowed)."""
    pressed = UnitMove.unpack(":".join(parts))
    pending = ctx.state.mv_invite
    if pressed is None or pending is None or str(pressed.invite) != str(pending):
        ctx.toast(ctx.tr("This button is out of date. Open the invite link again."))
        return None
    action = pressed.choice
    invite = await ctx.uow.invites.get(int(pending))
    if action == "both" and invite is not None and not invite.allow_second_unit:
        ctx.toast(ctx.tr("This invite does not allow holding two units."), alert=True)
        return None  # the question stays open: "move" or "cancel" still work
    ctx.state.mv_invite = None
    if action == "no" or invite is None:
        ctx.say(ctx.tr("Nothing was changed. The invite can still be used."), edit=True)
        return None
    return invite, (await _others(ctx, invite) if action == "move" else [])
