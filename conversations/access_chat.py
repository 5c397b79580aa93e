"""/access for Phòng Nội vụ admins: who holds which role, and taking a role away.

People (paged) → one person's roles → a reason (a big button or typed) → "Thu hồi" / "Hủy".
Only the confirmation changes anything; it uses the same use case as ``parbot access revoke``
(conversations.access), so the audit history, the person's notice, keyboard and command menu
are the same whichever way an admin revokes.

Callback data: the codecs of :mod:`conversations.callbacks.access` (acc:pg, acc:p, acc:r,
acc:why, acc:ok, acc:no). The reason waits in the admin's state under "acc".
"""

from __future__ import annotations

from conversations import access
from conversations.callbacks import (
    ACCESS,
    AccessCancel,
    AccessGrant,
    AccessPage,
    AccessPerson,
    AccessReason,
    first,
)
from conversations.context import Ctx
from conversations.flow_state import Mode, ModeFamily, RevocationDraft
from conversations.markup import esc, fmt, join_lines
from conversations.replies import Button
from scoring.i18n import N_
from storage.repositories.access import GrantRow

PAGE = 8
REASONS = (N_("Transferred to another post"), N_("Left the job"), N_("Granted by mistake"))


async def _unit_id(ctx: Ctx, unit_code: str) -> int | None:
    """The id of this year's unit ``unit_code``, or None after saying there is none."""
    period = await ctx.uow.periods.latest()
    unit = await ctx.uow.units.get_by_code(period.id, unit_code) if period else None
    if unit is None:
        ctx.say(
            ctx.tr(
                "There is no unit %(code)s. Type /access, or /access X01 for one unit.",
                code=esc(unit_code[:20]),
            )
        )
        return None
    return unit.id


async def _grants(ctx: Ctx, unit_id: int | None) -> list[GrantRow]:
    """One unit's roles, or this year's unit roles and the all-units roles."""
    if unit_id is not None:
        return await ctx.uow.access.grants(unit_id=unit_id)
    period = await ctx.uow.periods.latest()
    return await ctx.uow.access.grants(period_id=period.id if period else None)


async def access_cmd(ctx: Ctx, args: str) -> None:
    """/access [UNIT]: the people holding roles (this year's units and all-units roles)."""
    ctx.state.acc = None
    if ctx.state.in_family(ModeFamily.ACC):
        ctx.state.mode = None
    unit_id = None
    if args.strip():
        unit_id = await _unit_id(ctx, args.strip().split(" ", 1)[0])
        if unit_id is None:
            return
    _people_page(ctx, await _grants(ctx, unit_id), 0, unit_id, edit=False)


def _people_page(
    ctx: Ctx, grants: list[GrantRow], page: int, unit_id: int | None, *, edit: bool
) -> None:
    """One page of people; the unit filter (if any) rides along in every button."""
    people: dict[int, list[GrantRow]] = {}
    for g in grants:
        people.setdefault(g.person_id, []).append(g)
    if not people:
        ctx.say(ctx.tr("Nobody holds a role yet."), edit=edit)
        return
    ids = list(people)
    pages = (len(ids) + PAGE - 1) // PAGE
    page = min(max(page, 0), pages - 1)
    rows: list[tuple[Button, ...]] = []
    for pid in ids[page * PAGE : (page + 1) * PAGE]:
        mine = people[pid]
        units = ", ".join(sorted({g.unit_code or "*" for g in mine}))
        label = f"{mine[0].full_name[:40]} · {units}"
        rows.append((Button(label, AccessPerson(pid, page, unit_id).pack()),))
    nav = []
    if page > 0:
        nav.append(Button("◀", AccessPage(page - 1, unit_id).pack()))
    if page + 1 < pages:
        nav.append(Button("▶", AccessPage(page + 1, unit_id).pack()))
    if nav:
        rows.append(tuple(nav))
    text = ctx.tr(
        "<b>Access</b>: %(n)s people hold roles (page %(page)s/%(pages)s). Tap a person to "
        "see their roles and revoke one.",
        n=len(ids),
        page=page + 1,
        pages=pages,
    )
    ctx.say(text, buttons=tuple(rows), edit=edit)


async def on_callback(ctx: Ctx, parts: list[str]) -> None:
    pressed = first(":".join(parts), ACCESS)
    if isinstance(pressed, AccessPage):
        grants = await _grants(ctx, pressed.unit)
        _people_page(ctx, grants, pressed.page, pressed.unit, edit=True)
    elif isinstance(pressed, AccessPerson):
        await _person(ctx, pressed.person, pressed.back)
    elif isinstance(pressed, AccessGrant) and pressed.kind == "r":
        await _ask_reason(ctx, pressed.grant)
    elif isinstance(pressed, AccessReason) and pressed.reason < len(REASONS):
        await _confirm(ctx, pressed.grant, ctx.tr(REASONS[pressed.reason]))
    elif isinstance(pressed, AccessGrant):
        await _revoke(ctx, pressed.grant)
    elif isinstance(pressed, AccessCancel):
        ctx.state.acc = None
        ctx.state.mode = None
        ctx.say(ctx.tr("Nothing was changed."), edit=True)
    else:
        ctx.toast(ctx.tr("This button is out of date. Type /access to start again."))


async def _person(ctx: Ctx, person_id: int, back: AccessPage) -> None:
    """The person's roles, one button each; ``back``: the list page (and unit) to go back to."""
    grants = await ctx.uow.access.grants(person_id=person_id)
    if not grants:
        ctx.say(ctx.tr("This person holds no role any more."), edit=True)
        return
    g0 = grants[0]
    lines = [fmt("<b>%(name)s</b> (Telegram %(id)s)", name=g0.full_name, id=g0.telegram_user_id)]
    lines += [fmt("• %(what)s", what=access.describe(g, ctx.locale)) for g in grants]
    lines.append(ctx.tr("Tap a role to revoke it."))
    rows = [
        (Button("❌ " + access.describe(g, ctx.locale)[:50], AccessGrant("r", g.grant_id).pack()),)
        for g in grants
    ]
    rows.append((Button(ctx.tr("◀ Back"), back.pack()),))
    ctx.say(join_lines(lines), buttons=tuple(rows), edit=True)


async def _grant(ctx: Ctx, grant_id: int) -> GrantRow | None:
    """The grant (with person and unit), or None after saying it is gone."""
    found = await ctx.uow.access.grants(grant_id=grant_id)
    if not found:
        ctx.state.acc = None
        ctx.state.mode = None
        ctx.say(ctx.tr("This role has already been removed. Type /access to see the list."))
        return None
    g = found[0]
    if g.person_id == ctx.person.id and g.role == "admin":
        ctx.say(
            ctx.tr(
                "You cannot remove your own administrator role here; ask another "
                "administrator, or use <code>parbot access revoke</code> on the server."
            )
        )
        return None
    return g


async def _ask_reason(ctx: Ctx, grant_id: int) -> None:
    g = await _grant(ctx, grant_id)
    if g is None:
        return
    ctx.state.acc = RevocationDraft(grant_id)
    ctx.state.mode = Mode.ACC_REASON
    rows = [(Button(ctx.tr(r), AccessReason(grant_id, i).pack()),) for i, r in enumerate(REASONS)]
    rows.append((Button(ctx.tr("Cancel"), AccessCancel().pack()),))
    ctx.say(
        ctx.tr(
            "Revoke %(what)s from %(name)s. Why? Tap a reason or type it (it is kept in the "
            "access history).",
            what=esc(access.describe(g, ctx.locale)),
            name=esc(g.full_name),
        ),
        buttons=tuple(rows),
    )


async def on_text(ctx: Ctx, text: str) -> bool:
    """The reason typed in mode acc_reason."""
    if ctx.state.mode != Mode.ACC_REASON:
        return False
    pending = ctx.state.acc
    if pending is None:  # nothing waits for a reason any more: the text is read as any other
        ctx.state.mode = None
        return False
    reason = " ".join(text.split())
    if not reason or len(reason) > access.MAX_REASON:
        ctx.say(
            ctx.tr(
                "The reason must be 1 to %(max)s characters. Type it again, or tap Cancel.",
                max=access.MAX_REASON,
            )
        )
        return True
    await _confirm(ctx, pending.grant, reason)
    return True


async def _confirm(ctx: Ctx, grant_id: int, reason: str) -> None:
    pending = ctx.state.acc
    if pending is None or pending.grant != grant_id:
        ctx.toast(ctx.tr("This button is out of date. Type /access to start again."))
        return
    g = await _grant(ctx, grant_id)
    if g is None:
        return
    ctx.state.acc = RevocationDraft(grant_id, reason)
    ctx.state.mode = None
    ctx.say(
        ctx.tr(
            "Revoke %(what)s from %(name)s?\nReason: %(reason)s",
            what=esc(access.describe(g, ctx.locale)),
            name=esc(g.full_name),
            reason=esc(reason),
        ),
        buttons=(
            (
                Button(ctx.tr("Revoke"), AccessGrant("ok", grant_id).pack()),
                Button(ctx.tr("Cancel"), AccessCancel().pack()),
            ),
        ),
    )


async def _revoke(ctx: Ctx, grant_id: int) -> None:
    pending = ctx.state.acc
    if pending is None or pending.grant != grant_id or not pending.reason:
        ctx.toast(ctx.tr("This button is out of date. Type /access to start again."))
        return
    g = await _grant(ctx, grant_id)
    if g is None:
        return
    ctx.state.acc = None
    person = await ctx.uow.people.get(g.person_id)
    assert person is not None  # the grant joined it
    mine = person.id == ctx.person.id
    await access.revoke(
        ctx.uow,
        person,
        [g],
        reason=str(pending.reason),
        actor=access.Actor(ctx.person.full_name, ctx.person.id),
        now=ctx.now,
        default_locale=ctx.config.default_locale,
        live_state=ctx.state if mine else None,
        menus=ctx.routes,
    )
    done = ctx.tr(
        "✅ Revoked: %(what)s from %(name)s.",
        what=esc(access.describe(g, ctx.locale)),
        name=esc(g.full_name),
    )
    if not mine:
        ctx.say(done + " " + ctx.tr("They have been told."), edit=True)
        return
    from conversations import onboarding

    ctx.roles = await ctx.uow.people.roles(ctx.person)
    ctx.say(done, keyboard=onboarding.menu(ctx), commands=onboarding.commands(ctx))
