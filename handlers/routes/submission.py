"""Progress, submission and withdrawal of a unit's self-assessment."""

from __future__ import annotations

from conversations import submission
from conversations.board_progress import board_progress
from conversations.callbacks import Decision, ProgressPage
from conversations.context import Ctx
from conversations.routing import ADMIN, LEADER, OFFICER, Registry
from scoring.i18n import N_

route = Registry()
NOT_IN_A_UNIT = N_(
    "You are not registered with a unit. Open the invite link from Phòng Nội vụ to join."
)


@route.command(
    "progress",
    roles={OFFICER, LEADER, ADMIN},
    help=(
        (N_("/progress — what is done, missing, and points at risk"), {OFFICER}),
        (N_("/progress — every unit's self-assessment progress"), {ADMIN}),
        (N_("/progress — your unit's progress"), {LEADER}),
    ),
    menu=N_("Progress and missing criteria"),
    key=N_("📊 Progress"),
    refusal=N_("A unit's self-assessment progress is for its officers and leaders."),
    stranger=NOT_IN_A_UNIT,
)
async def progress(ctx: Ctx, _args: str) -> None:
    """/progress: the unit's own progress; Phòng Nội vụ (without a unit) sees every unit."""
    if ctx.is_admin and not ctx.unit_ids("officer", "leader"):
        await board_progress(ctx)
    else:
        await submission.progress(ctx)


@route.command(
    "submit",
    roles={OFFICER},
    help=N_("/submit — submit the unit's self-assessment; /withdraw — reopen it"),
    menu=N_("Submit the self-assessment"),
    key=N_("📤 Submit"),
    refusal=N_("Only the unit's focal officer (cán bộ đầu mối) submits the self-assessment."),
    stranger=NOT_IN_A_UNIT,
)
async def submit(ctx: Ctx, _args: str) -> None:
    await submission.submit(ctx)


@route.command(
    "withdraw",
    roles={OFFICER},
    menu=N_("Withdraw the submission to correct it"),
    refusal=N_("Only the unit's focal officer (cán bộ đầu mối) withdraws a submission."),
    stranger=NOT_IN_A_UNIT,
)
async def withdraw(ctx: Ctx, _args: str) -> None:
    await submission.withdraw(ctx)


@route.button("s", "w", roles={OFFICER})
async def confirm_button(ctx: Ctx, parts: list[str]) -> None:
    """s|w:<ok|no>:<unit>: confirm or cancel a submission or withdrawal."""
    pressed = Decision.unpack(":".join(parts))
    if pressed is None:
        ctx.toast(ctx.tr("This button is out of date."))
        return
    await submission.on_decision(ctx, pressed)


@route.button("pg", roles={OFFICER, LEADER})
async def page_button(ctx: Ctx, parts: list[str]) -> None:
    """pg:<unit>:<page>: another page of /progress."""
    pressed = ProgressPage.unpack(":".join(parts))
    if pressed is None:
        ctx.toast(ctx.tr("This button is out of date."))
        return
    await submission.on_page(ctx, pressed)
