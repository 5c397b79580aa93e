"""/plan and /catalog: Phòng Nội vụ's documents (sent as files with the command as caption),
and /deadlines, the plan's answer for everyone."""

from __future__ import annotations

from conversations import deadlines, plan_chat
from conversations.context import Ctx
from conversations.routing import ADMIN, Registry
from scoring.i18n import N_

route = Registry()
# conversations.catalog_upload is imported on first use: it brings openpyxl and the appendix
# reader (catalog_draft), start-up time the bot need not pay before polling


ONLY_CATALOG_ADMINS = N_("Only Phòng Nội vụ can draft or import a criteria set (bộ chỉ số).")
ONLY_PLAN_ADMINS = N_("Only Phòng Nội vụ can import the plan.")


@route.command(
    "catalog",
    roles={ADMIN},
    help=N_("/catalog — caption for the decision's appendix: drafts the criteria set"),
    refusal=ONLY_CATALOG_ADMINS,
)
async def catalog(ctx: Ctx, args: str) -> None:
    """/catalog typed without a file: how to send one."""
    from conversations import catalog_upload

    await catalog_upload.catalog_cmd(ctx, args)


@route.file("catalog", roles={ADMIN}, refusal=ONLY_CATALOG_ADMINS)
async def catalog_file(ctx: Ctx, args: str) -> None:
    """The decision's appendix to draft from (/catalog), or a reviewed YAML (/catalog import)."""
    from conversations import catalog_upload

    await catalog_upload.on_file(ctx, args)


@route.command("plan", roles={ADMIN}, refusal=ONLY_PLAN_ADMINS)
async def plan(ctx: Ctx, args: str) -> None:
    """/plan typed without a file: how to send one."""
    await plan_chat.plan_cmd(ctx, args)


@route.file("plan", roles={ADMIN}, refusal=ONLY_PLAN_ADMINS)
async def plan_file(ctx: Ctx, _args: str) -> None:
    """The plan to review (a document) or to import (its reviewed YAML); /plan YEAR."""
    await plan_chat.on_file(ctx)


@route.command(
    "deadlines",
    roles=None,
    help=N_("/deadlines — the plan's deadlines; or just ask “khi nào hết hạn…?”"),
    menu=N_("The plan's deadlines"),
    key=N_("📅 Deadlines"),
)
async def upcoming(ctx: Ctx, args: str) -> None:
    await deadlines.list_deadlines_cmd(ctx, args)
