"""The unit's side of a request for more evidence: an officer replies with an explanation, and
the appraiser is told (the item comes back to their queue).
"""

from __future__ import annotations

from conversations import frozen
from conversations.callbacks import ReviewItem
from conversations.context import Ctx, Notice
from conversations.flow_state import Mode
from conversations.i18n import th
from conversations.markup import clip, esc
from conversations.replies import Button
from conversations.unitview import load_for_appraisal

MAX_REPLY = 2000


async def reply_start(ctx: Ctx, unit_id: int, item_id: int | None) -> None:
    if not ctx.has_role("officer", unit_id):
        ctx.toast(ctx.tr("You cannot answer for this unit."), alert=True)
        return
    uf = await load_for_appraisal(ctx.uow, unit_id)
    item = uf.appraisable_item(item_id) if uf is not None and item_id is not None else None
    if uf is None or item is None:
        ctx.toast(ctx.tr("This button is out of date."))
        return
    if uf.period.published_at is not None:
        frozen.say_published(ctx, uf.period.year)
        return
    ap = uf.appraisals.get(item.code)
    if ap is None or ap.status != "more_evidence":
        ctx.say(ctx.tr("The appraiser no longer waits for anything on %(code)s.", code=item.code))
        return
    st = ctx.state
    st.mode, st.rv_unit, st.rv_item = Mode.RV_REPLY, unit_id, item_id
    st.unit_id, st.item = unit_id, item.code
    ctx.say(
        ctx.tr(
            "Write your explanation for %(code)s in one message (the appraiser asked: "
            "“%(comment)s”). To send a file instead, attach it with the caption “%(code)s …”.",
            code=item.code,
            comment=esc(ap.comment or ""),
        )
    )


async def reply_text(ctx: Ctx, unit_id: int, item_id: int, text: str) -> None:
    if not ctx.has_role("officer", unit_id):
        ctx.state.mode = None
        ctx.say(ctx.tr("You cannot answer for this unit."))
        return
    uf = await load_for_appraisal(ctx.uow, unit_id)
    item = uf.appraisable_item(item_id) if uf is not None else None
    if uf is None or item is None:
        ctx.state.mode = None
        ctx.say(ctx.tr("This button is out of date."))
        return
    if uf.period.published_at is not None:
        ctx.state.mode = None
        frozen.say_published(ctx, uf.period.year)
        return
    ap = uf.appraisals.get(item.code)
    if ap is None or ap.status != "more_evidence":
        ctx.state.mode = None
        ctx.say(ctx.tr("The appraiser no longer waits for anything on %(code)s.", code=item.code))
        return
    body = text.strip()
    if len(body) < 10:
        ctx.say(
            ctx.tr(
                "The explanation is too short. Write a sentence or two about what the unit "
                "did (at least 10 characters)."
            )
        )
        return
    if len(body) > MAX_REPLY:
        ctx.say(
            ctx.tr(
                "The explanation is too long (%(n)s characters; at most %(max)s). Please "
                "shorten it and send it again.",
                n=len(body),
                max=MAX_REPLY,
            )
        )
        return
    await ctx.uow.answers.set_explanation(unit_id, item_id, body, ctx.person.id, at=ctx.now)
    ctx.state.mode = None
    ctx.say(ctx.tr("✅ Your explanation for %(code)s was sent to the appraiser.", code=item.code))
    if ap.appraiser_id is not None and (appraiser := await ctx.uow.people.get(ap.appraiser_id)):
        loc = appraiser.language or ctx.config.default_locale
        stamp = int(ctx.now.timestamp())
        ctx.notices.append(
            Notice(
                f"rv:replied:{unit_id}:{item_id}:{ap.id}:{stamp}",
                appraiser,
                th(
                    loc,
                    "🔄 %(unit)s replied on %(code)s: “%(text)s”",
                    unit=esc(uf.unit.name),
                    code=item.code,
                    text=esc(clip(body, 300)),
                ),
                ((Button(th(loc, "Open the item"), ReviewItem("g", unit_id, item_id).pack()),),),
            )
        )
