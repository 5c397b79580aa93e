"""/evidence: a unit's evidence files, their buttons and the typed answers they ask for."""

from __future__ import annotations

from conversations.context import Ctx
from conversations.flow_state import ModeFamily
from conversations.routing import ADMIN, APPRAISER, LEADER, OFFICER, Registry
from scoring.i18n import N_

route = Registry()
# the modules of conversations.evidence are imported on first use, as before the registry: they
# bring the PDF signature checker (pyhanko), seconds of start-up the bot need not pay to poll
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
    from conversations.evidence import listing

    await listing.list_cmd(ctx, args)


@route.button("ev", roles=EVERY_ROLE)
async def file_button(ctx: Ctx, parts: list[str]) -> None:
    """ev:…: download, list, remove, replace, pack (which file, whose unit: checked there)."""
    from conversations.evidence import callbacks

    await callbacks.on_callback(ctx, parts)


@route.mode(ModeFamily.EV, roles={OFFICER})
async def typed(ctx: Ctx, text: str) -> bool:
    """The criterion or section typed for files just received."""
    from conversations.evidence import typed as evidence_typed

    return await evidence_typed.on_text(ctx, text)
