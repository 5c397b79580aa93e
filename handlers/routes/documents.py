"""/plan and /catalog: Phòng Nội vụ's documents (sent as files with the command as caption),
and /deadlines, the plan's answer for everyone."""

from __future__ import annotations

from conversations import catalog_upload, deadlines, plan_chat
from conversations.context import Ctx
from conversations.routing import ADMIN, Registry
from scoring.i18n import N_

route = Registry()


@route.command(
    "catalog",
    roles={ADMIN},
    help=N_("/catalog — caption for the decision's appendix: drafts the criteria set"),
    refusal=N_("Only Phòng Nội vụ can draft or import a criteria set (bộ chỉ số)."),
)
async def catalog(ctx: Ctx, args: str) -> None:
    """/catalog typed without a file: how to send one."""
    await catalog_upload.catalog_cmd(ctx, args)


@route.command("plan", roles={ADMIN}, refusal=N_("Only Phòng Nội vụ can import the plan."))
async def plan(ctx: Ctx, args: str) -> None:
    """/plan typed without a file: how to send one."""
    await plan_chat.plan_cmd(ctx, args)


@route.command(
    "deadlines",
    roles=None,
    help=N_("/deadlines — the plan's deadlines; or just ask “khi nào hết hạn…?”"),
    menu=N_("The plan's deadlines"),
    key=N_("📅 Deadlines"),
)
async def upcoming(ctx: Ctx, args: str) -> None:
    await deadlines.list_deadlines_cmd(ctx, args)
