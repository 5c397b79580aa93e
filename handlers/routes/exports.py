"""/export: the Excel sheets (a unit's self-scoring sheet, the ranking)."""

from __future__ import annotations

from conversations.context import Ctx
from conversations.routing import ADMIN, LEADER, Registry
from scoring.i18n import N_

route = Registry()
# conversations.exports is imported on first use: it brings openpyxl (start-up time)


@route.command(
    "export",
    roles={LEADER, ADMIN},
    help=(
        (N_("/export — the unit's self-scoring sheet (Excel)"), {LEADER, ADMIN}),
        (N_("/export ranking · /export sheet X01 — Excel files"), {ADMIN}),
    ),
    menu=N_("Excel files"),
    refusal=N_(
        "/export is for a unit's leaders (their unit's self-scoring sheet) and for Phòng Nội vụ."
    ),
)
async def export(ctx: Ctx, args: str) -> None:
    """/export · /export sheet UNIT · /export ranking [BOARD]."""
    from conversations import exports

    await exports.export_cmd(ctx, args)


@route.button("ex", roles={LEADER, ADMIN})
async def file_button(ctx: Ctx, parts: list[str]) -> None:
    """ex:ranking[:board] · ex:sheet:<unit>."""
    from conversations import exports

    await exports.on_callback(ctx, parts)
