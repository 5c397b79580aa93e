"""/rank: the preliminary index, rank and classification, and its chart buttons."""

from __future__ import annotations

from conversations import standing
from conversations.context import Ctx
from conversations.role_hints import RANK_IS_FOR
from conversations.routing import ADMIN, LEADER, OFFICER, Registry
from scoring.i18n import N_

route = Registry()


# officers may use /rank only where the setting PARBOT_OFFICERS_SEE_RANK allows it: the handler
# checks that (a setting, like "this unit's leader", is data); the menus show it to leaders
@route.command(
    "rank",
    roles={OFFICER, LEADER, ADMIN},
    shown_to={LEADER, ADMIN},
    help=N_("/rank — preliminary index, rank and classification"),
    menu=N_("Preliminary score, rank, classification"),
    key=N_("🏆 Rank"),
    refusal=RANK_IS_FOR,
    stranger=N_("/rank is for leaders of a unit. Open the invite link from Phòng Nội vụ to join."),
)
async def rank(ctx: Ctx, args: str) -> None:
    """/rank [UNIT | BOARD]."""
    await standing.rank(ctx, args)


@route.button("rk", roles={OFFICER, LEADER, ADMIN})
async def chart_button(ctx: Ctx, parts: list[str]) -> None:
    """rk:fields|full|yoy:<unit> · rk:board:<board>."""
    await standing.on_callback(ctx, parts)
