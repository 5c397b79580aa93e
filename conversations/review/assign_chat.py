"""/review assign in the chat: Phòng Nội vụ gives an appraiser a field, and the appraiser is told.

An appraiser who is assigned and never hears of it waits for nothing; the notice names the field
by its title (in their language), the board, and the command that opens their queue, and brings
the keyboard and "/" menu of the role it may have just given them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from conversations import assessment as A
from conversations import reply_json
from conversations.context import Ctx
from conversations.i18n import t, th
from conversations.markup import esc
from conversations.replies import Reply
from conversations.review.assignment import AssignError, assign_appraiser
from conversations.routing import Registry, roles_of
from scoring.catalog import Catalog
from scoring.i18n import N_
from storage.repositories.rows import PeriodRow, PersonRow
from storage.uow import UnitOfWork

PSEUDO_TITLES = {"bonus": N_("Bonus points"), "penalty": N_("Penalty points")}
ASSIGNED = N_(
    "🔍 Phòng Nội vụ has asked you to appraise %(field)s (%(board)s) in %(year)s. Units "
    "appear in your queue once they submit: open it with /review."
)
BOARDS = {"department": N_("Board 1: departments"), "commune": N_("Board 2: communes")}


def field_title(catalogs: Iterable[Catalog], key: str, locale: str) -> str:
    """A field (or "bonus"/"penalty") as a reader knows it: "2. Cải cách thể chế"."""
    if key in PSEUDO_TITLES:
        return t(locale, PSEUDO_TITLES[key])
    for cat in catalogs:
        for f in cat.fields:
            if f.code == key:
                title = f.title_en if locale == "en" and f.title_en else f.title
                return f"{key}. {title}"
    return key


def board_text(locale: str, board: str | None) -> str:
    return t(locale, BOARDS[board]) if board in BOARDS else t(locale, "all boards")


async def assign_cmd(ctx: Ctx, words: list[str]) -> None:
    """/review assign TELEGRAM_ID FIELD [BOARD]: assign, confirm, and notify the appraiser."""
    if not ctx.is_admin:
        ctx.say(ctx.tr("Only Phòng Nội vụ can assign appraisers."))
        return
    usage = ctx.tr(
        "Usage: /review assign TELEGRAM_ID FIELD [BOARD] — board 1 departments, 2 communes; "
        "e.g. /review assign 123456789 2 2"
    )
    board = A.parse_board(words[2]) if len(words) == 3 else None
    if len(words) not in (2, 3) or not words[0].isdigit() or (len(words) == 3 and not board):
        ctx.say(usage)
        return
    period = await ctx.uow.periods.latest()
    if period is None:
        ctx.say(ctx.tr("No assessment period has been set up yet."))
        return
    try:
        person, row = await assign_appraiser(
            ctx.uow, period.year, words[1], board, telegram_id=int(words[0]), by=ctx.person
        )
    except (AssignError, A.NotFound) as err:
        ctx.say(ctx.tr("⚠️ %(problem)s.", problem=ctx.problem(err.message, err.params)))
        return
    catalogs = [A.catalog_of(c) for c in await ctx.uow.catalogs.list_for_period(period.id)]
    ctx.say(
        ctx.tr(
            "✅ %(name)s now appraises %(field)s (%(board)s) in %(year)s. They have been told.",
            name=esc(person.full_name),
            field=field_title(catalogs, row.field_code, ctx.locale),
            board=board_text(ctx.locale, board),
            year=period.year,
        )
    )
    await notify_assigned(
        ctx.uow,
        person,
        period,
        row.field_code,
        board,
        ctx.now,
        ctx.config.default_locale,
        menus=ctx.routes,
    )


async def notify_assigned(
    uow: UnitOfWork,
    person: PersonRow,
    period: PeriodRow,
    key: str,
    board: str | None,
    now: datetime,
    default_locale: str,
    *,
    menus: Registry,
) -> None:
    """Tell the appraiser, in their language, with the keyboard and "/" menu of their roles
    (the assignment may have just made them an appraiser). Chat and command line alike;
    ``menus``: the chat's routes."""
    locale = person.language or default_locale
    catalogs = [A.catalog_of(c) for c in await uow.catalogs.list_for_period(period.id)]
    roles = await uow.people.roles(person)

    def tr(msg: str) -> str:
        return t(locale, msg)

    text = th(
        locale,
        ASSIGNED,
        field=field_title(catalogs, key, locale),
        board=board_text(locale, board),
        year=period.year,
    )
    payload = reply_json.encode(
        Reply(
            text,
            keyboard=menus.keyboard_for(roles_of(roles), tr),
            commands=menus.commands_for(roles_of(roles), tr),
        )
    )
    # one notice per assignment: assigning the same field again says nothing new
    once = f"rv:assign:{period.id}:{person.id}:{key}:{board or 'all'}"
    await uow.outbox.enqueue(once[:255], person.chat_id, payload, person=person.id, not_before=now)
