"""Self-scoring, one card at a time: /score (/chamdiem), /go CODE and the card's buttons."""

from __future__ import annotations

from conversations import walk
from conversations.context import Ctx
from conversations.routing import OFFICER, Registry
from scoring.i18n import N_

route = Registry()

SELF_SCORES = N_("Only the unit's focal officer (cán bộ đầu mối) self-scores the criteria.")
NOT_AN_OFFICER = N_(
    "You are not registered as a focal officer of any unit. Ask Phòng Nội vụ for an invite "
    "link, then open it."
)
# the card's buttons: answer, not applicable, no data, typed change, go, previous, next,
# explanation, evidence, field list, field (see walk.on_callback)
WALK_HEADS = ("a", "na", "nd", "t", "g", "p", "n", "x", "e", "fl", "f")


@route.command(
    "score",
    aliases=("chamdiem",),
    roles={OFFICER},
    help=(
        (N_("/score — self-assess the criteria one card at a time"), {OFFICER}),
        (
            N_("Type #1.2.3 or “go 1.2.3” to jump to a criterion; “cancel” leaves any question"),
            {OFFICER},
        ),
    ),
    menu=N_("Self-assess the criteria"),
    key=N_("📝 Score"),
    refusal=SELF_SCORES,
    stranger=NOT_AN_OFFICER,
)
async def score(ctx: Ctx, args: str) -> None:
    """/score [CODE]: resume the walk, or open the criterion named."""
    await walk.start(ctx, args.strip() or None)


@route.command("go", roles={OFFICER}, refusal=SELF_SCORES, stranger=NOT_AN_OFFICER)
async def go(ctx: Ctx, args: str) -> None:
    """/go CODE: open that criterion's card."""
    if not args.strip() or not await walk.jump(ctx, args.strip()):
        ctx.say(ctx.tr("Type a criterion code after /go, e.g. /go 1.2.3"))


@route.button(*WALK_HEADS, roles={OFFICER}, refusal=N_("You cannot answer for this unit."))
async def card_button(ctx: Ctx, parts: list[str]) -> None:
    await walk.on_callback(ctx, parts)
