"""/publish and /unpublish in chat (Phòng Nội vụ admins).

/publish shows what is still missing; with nothing missing one tap publishes, otherwise the
admin types the period's year followed by the reason (kept with the snapshot), so a forced
publication is never one careless tap.  "✖ Cancel" leaves everything as it was.
"""

from __future__ import annotations

from conversations import assessment as A
from conversations import publication as P
from conversations.callbacks import PUBLICATION, Publish, PublishCancel, first
from conversations.context import Ctx
from conversations.flow_state import Mode
from conversations.markup import join_lines
from conversations.replies import Button

MODE = Mode.PUB_CONFIRM


def _cancel_button(ctx: Ctx) -> tuple[tuple[Button, ...], ...]:
    return ((Button(ctx.tr("✖ Cancel"), PublishCancel().pack()),),)


async def publish_cmd(ctx: Ctx, args: str = "") -> None:
    period = await ctx.uow.periods.latest()
    if period is None:
        ctx.say(ctx.tr("No assessment period has been set up yet."))
        return
    if period.published_at is not None:
        ctx.say(
            ctx.tr(
                "The results of %(year)s were published on %(date)s. To reopen them: "
                "/unpublish followed by the reason.",
                year=period.year,
                date=ctx.date(period.published_at.astimezone(ctx.config.tz).date()),
            )
        )
        return
    ready = await P.readiness(ctx.uow, period.year)
    if not ready.units:
        ctx.say(ctx.tr("No units with a criteria set in %(year)s yet.", year=period.year))
        return
    lines = [
        ctx.tr("<b>Publish the results of %(year)s?</b>", year=period.year),
        ctx.tr("%(n)s units will get their official result.", n=ready.units),
        *P.readiness_lines(ctx.tr, ready),
        ctx.tr(
            "After publishing, answers and appraisals can no longer change, and every "
            "unit's leaders and officers are told their result."
        ),
    ]
    if ready.ready:
        buttons = (
            (Button(ctx.tr("📣 Publish"), Publish(period.year).pack()),),
            *_cancel_button(ctx),
        )
        ctx.say(join_lines(lines), buttons=buttons)
        return
    ctx.state.mode = MODE
    ctx.state.pub_year = period.year
    lines.append(
        ctx.tr(
            "To publish anyway, type the year %(year)s followed by the reason, e.g. "
            "“%(year)s survey results will not come this year”.",
            year=period.year,
        )
    )
    ctx.say(join_lines(lines), buttons=_cancel_button(ctx))


async def on_text(ctx: Ctx, text: str) -> bool:
    """The typed confirmation of a forced publication: "YEAR reason"."""
    if ctx.state.mode != MODE:
        return False
    year = ctx.state.pub_year or 0
    if not year:
        ctx.state.mode = None
        return False
    head, _, reason = text.strip().partition(" ")
    if head != str(year):
        ctx.say(
            ctx.tr(
                "Not published. To confirm, type the year %(year)s followed by the reason, "
                "or tap ✖ Cancel.",
                year=year,
            ),
            buttons=_cancel_button(ctx),
        )
        return True
    if not reason.strip():
        ctx.say(
            ctx.tr("Add the reason after the year, e.g. “%(year)s …”.", year=year),
            buttons=_cancel_button(ctx),
        )
        return True
    ctx.state.mode = None
    ctx.state.pub_year = None
    await _publish(ctx, year, force=True, reason=reason.strip(), edit=False)
    return True


async def on_callback(ctx: Ctx, parts: list[str]) -> None:
    """pub:ok:<year> · pub:no (:mod:`conversations.callbacks.publication`)."""
    pressed = first(":".join(parts), PUBLICATION)
    if isinstance(pressed, PublishCancel):
        if ctx.state.mode == MODE:
            ctx.state.mode = None
        ctx.say(ctx.tr("Not published. Nothing was changed."), edit=True)
        return
    if pressed is None:
        ctx.toast(ctx.tr("This button is out of date."))
        return
    await _publish(ctx, pressed.year, force=False, reason=None, edit=True)


async def _publish(ctx: Ctx, year: int, *, force: bool, reason: str | None, edit: bool) -> None:
    try:
        report = await P.publish_period(
            ctx.uow,
            year,
            data_dir=ctx.config.data_dir,
            writer=ctx.config.need_formats().sheets,
            now=ctx.now,
            by=ctx.person,
            default_locale=ctx.config.default_locale,
            force=force,
            reason=reason,
        )
    except P.NotReady as err:  # something went missing since the summary: show it again
        lines = P.readiness_lines(ctx.tr, err.ready)
        lines.append(ctx.tr("Not published. Type /publish to see what is missing."))
        ctx.say(join_lines(lines), edit=edit)
        return
    except (P.PublicationError, A.NotFound) as err:
        ctx.say(ctx.tr("⚠️ %(problem)s.", problem=ctx.problem(err.message, err.params)), edit=edit)
        return
    ctx.say(
        ctx.tr(
            "📣 Published the results of %(year)s (version %(version)s): %(units)s units; "
            "%(n)s people are being told their result.",
            year=report.year,
            version=report.version,
            units=report.units,
            n=report.messages,
        ),
        edit=edit,
    )


async def unpublish_cmd(ctx: Ctx, args: str = "") -> None:
    """/unpublish REASON — reopen the latest period (the snapshot is kept)."""
    period = await ctx.uow.periods.latest()
    if period is None:
        ctx.say(ctx.tr("No assessment period has been set up yet."))
        return
    reason = args.strip()
    if not reason:
        ctx.say(
            ctx.tr(
                "Usage: /unpublish followed by the reason, e.g. /unpublish survey points of "
                "X03 corrected"
            )
        )
        return
    try:
        version = await P.unpublish_period(
            ctx.uow, period.year, reason=reason[:1000], by=ctx.person, now=ctx.now
        )
    except (P.PublicationError, A.NotFound) as err:
        ctx.say(ctx.tr("⚠️ %(problem)s.", problem=ctx.problem(err.message, err.params)))
        return
    ctx.say(
        ctx.tr(
            "↩️ The results of %(year)s are reopened (publication %(version)s is kept in the "
            "history). Answers, appraisals and imports are open again; /publish makes a new "
            "version.",
            year=period.year,
            version=version,
        )
    )
