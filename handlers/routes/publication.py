"""/publish, /unpublish and /reopen: the results' publication and a unit's reopening."""

from __future__ import annotations

from conversations.context import Ctx
from conversations.flow_state import ModeFamily
from conversations.routing import ADMIN, Registry
from scoring.i18n import N_

route = Registry()
# the publication modules are imported on first use: they build the published sheets (openpyxl),
# start-up time the bot need not pay before polling
ONLY_PUBLISHER = N_("Only Phòng Nội vụ can publish the results.")


@route.command(
    "publish",
    roles={ADMIN},
    help=N_("/reopen X01 — reopen a unit after the deadline · /publish — publish results"),
    menu=N_("Publish the results"),
    refusal=ONLY_PUBLISHER,
)
async def publish(ctx: Ctx, args: str) -> None:
    from conversations import publish_chat

    await publish_chat.publish_cmd(ctx, args)


@route.command(
    "unpublish", roles={ADMIN}, refusal=N_("Only Phòng Nội vụ can reopen published results.")
)
async def unpublish(ctx: Ctx, args: str) -> None:
    """/unpublish REASON."""
    from conversations import publish_chat

    await publish_chat.unpublish_cmd(ctx, args)


@route.command("reopen", roles={ADMIN}, refusal=N_("Only Phòng Nội vụ can reopen a unit."))
async def reopen(ctx: Ctx, args: str) -> None:
    """/reopen UNIT: a unit may correct its submission after the deadline."""
    from conversations import publication

    await publication.reopen_cmd(ctx, args)


@route.button("pub", roles={ADMIN}, refusal=ONLY_PUBLISHER)
async def confirm_button(ctx: Ctx, parts: list[str]) -> None:
    """pub:ok:<year> · pub:no."""
    from conversations import publish_chat

    await publish_chat.on_callback(ctx, parts)


@route.mode(ModeFamily.PUB, roles={ADMIN}, refusal=ONLY_PUBLISHER)
async def typed(ctx: Ctx, text: str) -> bool:
    """The typed confirmation of a forced publication: "YEAR reason"."""
    from conversations import publish_chat

    return await publish_chat.on_text(ctx, text)
