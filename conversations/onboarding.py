"""Invites, roles, language and help: how a person comes to act for a unit.

An invite code binds a Telegram account to a unit and role exactly once; a bad, expired or used
code changes nothing and says why, so a forwarded link can never quietly add a stranger.
"""

from __future__ import annotations

from datetime import UTC

from conversations import access, role_hints, unit_move
from conversations.callbacks import Language
from conversations.context import Ctx
from conversations.i18n import SUPPORTED, t
from conversations.markup import fmt, join_lines
from conversations.replies import Button
from scoring.i18n import N_
from storage.repositories.access import GrantRow
from storage.repositories.rows_people import InviteRow

ROLE_NAMES = access.ROLE_NAMES


def menu(ctx: Ctx) -> tuple[tuple[str, ...], ...]:
    """The reply keyboard: big buttons for what this person can do (from the routes)."""
    return ctx.routes.keyboard_for(ctx.role_set, ctx.tr)


def commands(ctx: Ctx) -> tuple[tuple[str, str], ...]:
    """The person's own "/" command menu, sent with the replies that change what they can do."""
    return ctx.routes.commands_for(ctx.role_set, ctx.tr)


def menu_command(ctx: Ctx, text: str) -> str | None:
    """Which command a reply-keyboard label stands for, in any supported language."""
    return ctx.routes.key_command(text, lambda label: {t(loc, label) for loc in SUPPORTED})


async def start(ctx: Ctx, code: str) -> None:
    if code:
        await _redeem(ctx, code.strip())
        return
    if ctx.roles:
        lines: list[str] = [ctx.tr("Welcome back, %(name)s!", name=ctx.person.full_name)]
        lines += role_hints.can_do(ctx)
        lines.append(ctx.tr("❓ Help shows everything else."))
        ctx.say(join_lines(lines), keyboard=menu(ctx), commands=commands(ctx))
        return
    ctx.say(
        ctx.tr(
            "Hello! I am parbot, the assistant for the public administration reform index "
            "(Chỉ số CCHC).\n\nTo start, open the invite link that Phòng Nội vụ sent to "
            "your unit's focal officer (it looks like t.me/%(bot)s?start=…). If you have "
            "none, ask Phòng Nội vụ for one.\n\nYou can already ask about deadlines, e.g. "
            "“khi nào hết hạn nộp báo cáo?”.",
            bot=ctx.config.bot_username,
        ),
        keyboard=menu(ctx),
        commands=commands(ctx),
    )


INVALID = N_(
    "This invite code is not valid. Check that you opened the whole link, or ask "
    "Phòng Nội vụ for a new one. Nothing was changed."
)
USED = N_(
    "This invite has already been used. Each invite works once; ask Phòng "
    "Nội vụ for your own. Nothing was changed."
)


async def _redeem(ctx: Ctx, code: str) -> None:
    from conversations import invite_throttle

    until = await invite_throttle.blocked_until(ctx)
    if until is not None:
        invite_throttle.say_wait(ctx, until)
        return
    valid_form = len(code) <= 64 and code.replace("-", "").replace("_", "").isalnum()
    invite = await ctx.uow.invites.get_by_code(code) if valid_form else None
    if invite is None:
        await invite_throttle.note_wrong(ctx)
        ctx.say(ctx.tr(INVALID))
        return
    if invite.used_at is not None and invite.used_by == ctx.person.id:
        ctx.say(ctx.tr("You have already joined with this invite."), keyboard=menu(ctx))
        return
    if not usable(ctx, invite):
        return
    if await unit_move.asks_first(ctx, invite):
        return
    await join(ctx, invite)


def usable(ctx: Ctx, invite: InviteRow) -> bool:
    """False (and the person told why) if the invite is used or expired."""
    if invite.used_at is not None:
        ctx.say(ctx.tr(USED))
        return False
    expires = (
        invite.expires_at if invite.expires_at.tzinfo else invite.expires_at.replace(tzinfo=UTC)
    )
    if expires <= ctx.now:
        ctx.say(
            ctx.tr(
                "This invite expired on %(date)s. Ask Phòng Nội vụ for a new one. Nothing "
                "was changed.",
                date=ctx.date(expires.astimezone(ctx.config.tz).date()),
            )
        )
        return False
    return True


async def join(ctx: Ctx, invite: InviteRow, leaving: list[GrantRow] | None = None) -> None:
    """Consume the invite and give its role; ``leaving``: the roles this move ends."""
    if not await ctx.uow.invites.mark_used(invite, ctx.person.id, ctx.now):
        ctx.say(ctx.tr(USED))
        return
    unit = await ctx.uow.units.get(invite.unit_id) if invite.unit_id is not None else None
    label = f"{unit.code} {unit.name}" if unit else None
    await access.grant_from_invite(ctx.uow, ctx.person, invite, label, ctx.now)
    if leaving:
        reason = ctx.tr("moved to %(unit)s", unit=label or "")
        actor = access.Actor(ctx.person.full_name, ctx.person.id)
        await access.revoke(
            ctx.uow,
            ctx.person,
            leaving,
            reason=reason,
            actor=actor,
            now=ctx.now,
            live_state=ctx.state,
            menus=ctx.routes,
        )
    ctx.roles = await ctx.uow.people.roles(ctx.person)
    if unit is not None:
        ctx.state.unit_id = unit.id
        await _catalog_language(ctx, unit)
    _welcome(ctx, invite.role, unit.name if unit else "")


def _welcome(ctx: Ctx, role: str, where: str) -> None:
    text = ctx.tr(
        "✅ Welcome, %(name)s! You are now %(role)s of %(unit)s.",
        name=ctx.person.full_name,
        role=ctx.tr(ROLE_NAMES[role]),
        unit=where or ctx.tr("all units"),
    )
    hints = role_hints.can_do(ctx)
    if hints:
        text += "\n\n" + join_lines(hints)
    ctx.say(text, keyboard=menu(ctx), commands=commands(ctx))


async def _catalog_language(ctx: Ctx, unit: object) -> None:
    """The unit's criteria set may declare the language its people use; it comes before the
    Telegram app's language, and a choice made with /lang comes before both."""
    from conversations.assessment import unit_catalog

    if ctx.state.lang_chosen or unit is None:
        return
    pair = await unit_catalog(ctx.uow, unit)  # type: ignore[arg-type]
    locale = pair[1].locale if pair else None
    if locale in SUPPORTED and locale != ctx.locale:
        await ctx.uow.people.set_language(ctx.person, locale)
        ctx.locale = locale


async def whoami(ctx: Ctx) -> None:
    if not ctx.roles:
        ctx.say(
            ctx.tr(
                "You are not registered with any unit yet. Open the invite link from Phòng "
                "Nội vụ to join."
            )
        )
        return
    lines = [ctx.tr("<b>%(name)s</b> — your roles:", name=ctx.person.full_name)]
    for r in ctx.roles:
        unit = await ctx.uow.units.get(r.unit_id) if r.unit_id is not None else None
        lines.append(
            fmt(
                "• %(role)s: %(unit)s",
                role=ctx.tr(ROLE_NAMES.get(r.role, r.role)),
                unit=unit.name if unit else ctx.tr("all units"),
            )
        )
    lang = ctx.tr("Tiếng Việt") if ctx.locale == "vi" else "English"
    lines.append(ctx.tr("Language: %(lang)s (change with /lang)", lang=lang))
    ctx.say(join_lines(lines))


async def choose_language(ctx: Ctx) -> None:
    ctx.say(
        ctx.tr("Choose your language / Chọn ngôn ngữ:"),
        buttons=(
            (
                Button("🇻🇳 Tiếng Việt", Language("vi").pack()),
                Button("🇬🇧 English", Language("en").pack()),
            ),
        ),
    )


async def set_language(ctx: Ctx, code: str) -> None:
    if code not in SUPPORTED:
        ctx.toast(ctx.tr("This button is out of date. Type /lang to choose again."))
        return
    await ctx.uow.people.set_language(ctx.person, code)
    ctx.state.lang_chosen = True
    ctx.locale = code
    ctx.say(
        ctx.tr("Language set to English.")
        if code == "en"
        else ctx.tr("Đã chuyển sang tiếng Việt."),
        keyboard=menu(ctx),
        commands=commands(ctx),  # the "/" menu's descriptions follow the language too
    )


async def help_text(ctx: Ctx) -> None:
    """/help: the lines of the commands this person's roles may use (from the routes)."""
    lines = [ctx.tr("<b>parbot — Chỉ số CCHC</b>")]
    lines += ctx.routes.help_lines(ctx.role_set, ctx.tr)
    if not ctx.roles:
        lines.append(ctx.tr("To join a unit, open the invite link from Phòng Nội vụ."))
    ctx.say(join_lines(lines), keyboard=menu(ctx))
