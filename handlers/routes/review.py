"""/review: the appraisal queue, its buttons and the typed points, reasons and comments."""

from __future__ import annotations

from conversations.context import Ctx
from conversations.flow_state import ModeFamily
from conversations.review import callbacks
from conversations.review import queue as review_queue
from conversations.review import typed as review_typed
from conversations.routing import ADMIN, APPRAISER, OFFICER, Registry
from scoring.i18n import N_

route = Registry()


@route.command(
    "review",
    roles={APPRAISER, ADMIN},
    help=(
        (N_("/review — the appraisal queue; /review status — progress"), {APPRAISER, ADMIN}),
        (N_("/review assign TELEGRAM_ID FIELD — assign an appraiser"), {ADMIN}),
    ),
    menu=N_("Appraisal queue"),
    key=N_("🔍 Review"),
    refusal=N_(
        "/review is for appraisers (thẩm định). Phòng Nội vụ sends appraisers an invite and "
        "assigns them fields."
    ),
)
async def queue(ctx: Ctx, args: str) -> None:
    """/review · /review status · /review UNIT [ITEM] · /review assign TELEGRAM_ID FIELD [BOARD]."""
    await review_queue.start_cmd(ctx, args)


# an officer answers the council's request for more evidence (rv:reply); which unit: checked there
@route.button("rv", roles={OFFICER, APPRAISER, ADMIN})
async def appraisal_button(ctx: Ctx, parts: list[str]) -> None:
    await callbacks.on_callback(ctx, parts)


@route.mode(ModeFamily.RV, roles={OFFICER, APPRAISER, ADMIN})
async def typed(ctx: Ctx, text: str) -> bool:
    """Typed points, reason, due date, comment (appraisers) or reply (the unit's officer)."""
    return await review_typed.on_text(ctx, text)
