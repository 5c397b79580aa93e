"""/evidence: a unit's evidence files, their buttons and the typed answers they ask for."""

from __future__ import annotations

from conversations.context import Ctx
from conversations.routing import ADMIN, APPRAISER, LEADER, OFFICER, Registry
from scoring.i18n import N_

route = Registry()
# conversations.evidence is imported on first use, as before the registry: it brings the PDF
# signature checker (pyhanko), seconds of start-up the bot would otherwise pay before polling
EVERY_ROLE = {OFFICER, LEADER, APPRAISER, ADMIN}


@route.command(
    "evidence",
    roles=EVERY_ROLE,
    help=(
        (N_("/evidence — the unit's evidence files"), {OFFICER, LEADER}),
        (N_("/evidence export X01 — a unit's evidence pack"), {APPRAISER, ADMIN}),
    ),
    menu=N_("Evidence files"),
    shown_to={OFFICER, LEADER},  # the menu entry; /help names the pack to the others
)
async def files(ctx: Ctx, args: str) -> None:
    """/evidence [UNIT] [CODE | all] · /evidence export UNIT | BOARD | all."""
    from conversations import evidence

    await evidence.list_cmd(ctx, args)


@route.button("ev", roles=EVERY_ROLE)
async def file_button(ctx: Ctx, parts: list[str]) -> None:
    """ev:…: download, list, remove, replace, pack (which file, whose unit: checked there)."""
    from conversations import evidence

    await evidence.on_callback(ctx, parts)


@route.mode("ev", roles={OFFICER})
async def typed(ctx: Ctx, text: str) -> bool:
    """The criterion or section typed for files just received."""
    from conversations import evidence

    return await evidence.on_text(ctx, text)
