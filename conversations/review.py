"""Appraisal (thẩm định) in the chat, appraiser assignments, and survey points (ĐTXHH).

Appraisers are assigned to fields (and optionally one board) by Phòng Nội vụ. Once a unit has
submitted, the items of their fields are in their queue (``/review``): one card per item with
the self-score, the declared value, the explanation and the evidence files, and three verdicts —
accept (appraised = self points), set points, or ask for more evidence by a date with a comment.
A request goes to the unit's officers through the outbox; when they reply (an explanation here,
or a new evidence file), the item comes back to the queue.

Appraised and survey points replace self-scores item by item wherever results are computed
(``conversations.assessment.standings``). After the period is published nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from conversations import assessment as A
from conversations import frozen
from conversations.context import Ctx, Notice
from conversations.due_dates import EXAMPLE, parse_due
from conversations.evidence_names import shown_name
from conversations.i18n import th
from conversations.markup import button_text, esc, fmt, join_lines
from conversations.replies import Button, OutgoingFile
from conversations.walk import describe, rule_text
from scoring.answers import Answer, AnswerError, parse_number, score_answer
from scoring.catalog import DEFAULT_BOARDS, THOUSANDTH, Catalog, Item
from scoring.i18n import N_
from storage import models as m
from storage.files import EvidenceStore
from storage.uow import UnitOfWork

REVIEWABLE = ("submitted", "appraised")  # submission statuses whose items can be appraised
DONE = ("accepted", "adjusted")
PSEUDO_FIELDS = ("bonus", "penalty")  # bonus/penalty items are assigned under these names
MAX_COMMENT = 1000
MIN_REASON = 5
MAX_REPLY = 2000
MAX_FILES = 10

SIGNATURES = {
    "signed_intact": N_("✅ signed, intact"),
    "signed_modified": N_("⚠️ signed, but changed after signing"),
    "unsigned": N_("✖ not signed"),
    "unreadable": N_("⚠️ unreadable"),
    "photo": N_("📷 photo"),
}


def signature_text(tr, status: str) -> str:  # type: ignore[no-untyped-def]
    return tr(SIGNATURES[status]) if status in SIGNATURES else status


def field_key(catalog: Catalog, item: Item) -> str:
    """What an assignment names for this item: its field code, or "bonus"/"penalty"."""
    return catalog.field_of(item.code) or item.section


# ------------------------------------------------------------------ one unit's appraisal file


@dataclass
class UnitFile:
    """Everything about one unit an appraiser needs, read inside the update's transaction."""

    unit: m.Unit
    period: m.Period
    catalog: Catalog
    items: dict[str, m.CatalogItem]
    answers: dict[str, m.Answer]
    appraisals: dict[str, m.Appraisal]
    explanations: dict[str, m.Explanation]
    evidence: dict[str, list[m.Evidence]]
    submission: m.Submission | None
    scope: set[str] | None = None  # field keys this person appraises here (None = all)
    _by_id: dict[int, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else "draft"

    @property
    def reviewable(self) -> bool:
        return self.status in REVIEWABLE and self.period.published_at is None

    def leaves(self, scoped: bool = True) -> list[Item]:
        """Appraisable leaves (survey items come from the survey), in document order."""
        out = [leaf for leaf in self.catalog.leaves() if not leaf.is_survey]
        if scoped and self.scope is not None:
            out = [x for x in out if field_key(self.catalog, x) in self.scope]
        return out

    def in_scope(self, item: Item) -> bool:
        return self.scope is None or field_key(self.catalog, item) in self.scope

    def item_id(self, code: str) -> int:
        return self.items[code].id

    def item_by_id(self, item_id: int) -> Item | None:
        if not self._by_id:
            self._by_id = {row.id: code for code, row in self.items.items()}
        code = self._by_id.get(item_id)
        item = self.catalog.item(code) if code is not None else None
        return item if item is not None and item.is_leaf and not item.is_survey else None

    def answer(self, code: str) -> Answer | None:
        row = self.answers.get(code)
        if row is None:
            return None
        try:
            return Answer.from_json(row.value)
        except (ValueError, KeyError):
            return None

    def self_points(self, item: Item) -> tuple[Decimal | None, bool]:
        """(points, applicable): unanswered → (0, True); not applicable, excluded → (0, False)."""
        a = self.answer(item.code)
        if a is None:
            return None, True
        try:
            s = score_answer(item, a)
        except AnswerError:
            return None, True
        return s.points, s.applicable

    def replied_at(self, code: str) -> datetime | None:
        """When the unit last added an explanation, a file or an answer to this item."""
        times: list[datetime] = []
        if (ex := self.explanations.get(code)) is not None:
            times.append(ex.updated_at)
        times += [e.uploaded_at for e in self.evidence.get(code, [])]
        if (ans := self.answers.get(code)) is not None:
            times.append(ans.updated_at)
        return max(times) if times else None

    def state(self, code: str) -> str:
        """todo (no verdict) · done · waiting (more evidence asked) · returned (the unit replied,
        or changed its answer after the verdict, e.g. once reopened)."""
        ap = self.appraisals.get(code)
        if ap is None or ap.status == "pending":
            return "todo"
        if ap.status in DONE:
            ans = self.answers.get(code)
            return "returned" if ans is not None and ans.updated_at > ap.updated_at else "done"
        replied = self.replied_at(code)
        return "returned" if replied is not None and replied > ap.updated_at else "waiting"

    def queue(self) -> list[Item]:
        return [x for x in self.leaves() if self.state(x.code) in ("todo", "returned")]

    def counts(self, scoped: bool = True) -> dict[str, int]:
        out = {"todo": 0, "done": 0, "waiting": 0, "returned": 0}
        for leaf in self.leaves(scoped):
            out[self.state(leaf.code)] += 1
        return out


async def load_unit(
    uow: UnitOfWork, unit: m.Unit, scope: set[str] | None = None
) -> UnitFile | None:
    pair = await A.unit_catalog(uow, unit)
    period = await uow.periods.get(unit.period_id)
    if pair is None or period is None:
        return None
    row, cat = pair
    return UnitFile(
        unit=unit,
        period=period,
        catalog=cat,
        items=await uow.catalogs.items_by_code(row.id),
        answers=await uow.answers.list_for_unit(unit.id),
        appraisals=await uow.appraisals.list_for_unit(unit.id),
        explanations=await uow.answers.explanations_for_unit(unit.id),
        evidence=await uow.evidence.list_for_unit(unit.id),
        submission=await uow.submissions.get(unit.id),
        scope=scope,
    )


# ------------------------------------------------------------------ assignments


class AssignError(LookupError):
    def __init__(self, message: str, **params: object):
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)


def fields_of_period(catalogs: Iterable[Catalog], board: str | None) -> list[str]:
    out: list[str] = []
    for cat in catalogs:
        if board is not None and board not in cat.boards:
            continue
        for f in cat.fields:
            if f.code not in out:
                out.append(f.code)
        if cat.bonus and "bonus" not in out:
            out.append("bonus")
        if cat.penalty and "penalty" not in out:
            out.append("penalty")
    return out


PSEUDO_ALIASES = {
    "thuong": "bonus",
    "diem thuong": "bonus",
    "tru": "penalty",
    "diem tru": "penalty",
}
PSEUDO_WORDS = {"bonus": N_("bonus"), "penalty": N_("penalty")}


def field_key_of(typed: str) -> str:
    """What was typed for a field: its code, or "thưởng"/"trừ" (or bonus/penalty)."""
    from scoring.answers import fold

    return PSEUDO_ALIASES.get(fold(typed), typed)


@dataclass(frozen=True)
class FieldKeys:
    """The fields one can assign, as a reader types them: "1, 2, …, thưởng, trừ" in Vietnamese."""

    keys: tuple[str, ...]

    def localized(self, locale: str) -> str:
        from conversations.i18n import t

        return ", ".join(t(locale, PSEUDO_WORDS[k]) if k in PSEUDO_WORDS else k for k in self.keys)

    def __str__(self) -> str:
        return ", ".join(self.keys)


async def assign_appraiser(
    uow: UnitOfWork,
    year: int,
    field_code: str,
    board: str | None,
    *,
    telegram_id: int | None = None,
    invite_code: str | None = None,
    by: m.Person | None = None,
) -> tuple[m.Person, m.AppraiserAssignment]:
    """Let a person appraise one field (for one board, or all boards); grants the appraiser role."""
    period = await A.get_period(uow, year)
    person: m.Person | None = None
    if invite_code is not None:
        invite = await uow.invites.get_by_code(invite_code)
        if invite is None:
            raise AssignError(N_("there is no such invite code"))
        if invite.used_by is None:
            raise AssignError(
                N_("the invite has not been used yet; assign the field after the appraiser joins")
            )
        person = await uow.people.get(invite.used_by)
    elif telegram_id is not None:
        person = await uow.people.get_by_telegram_id(telegram_id)
        if person is None:
            raise AssignError(
                N_(
                    "nobody with Telegram id %(id)s has written to the bot yet; send them an "
                    "appraiser invite (parbot invite --role appraiser) first"
                ),
                id=telegram_id,
            )
    if person is None:
        raise AssignError(N_("say who: a Telegram id or the invite code they used"))
    catalogs = [A.catalog_of(c) for c in await uow.catalogs.list_for_period(period.id)]
    boards = sorted({b for c in catalogs for b in c.boards} | set(DEFAULT_BOARDS))
    if board is not None and board not in boards:
        raise AssignError(
            N_("unknown board %(board)s (use %(known)s)"), board=board, known=", ".join(boards)
        )
    known = fields_of_period(catalogs, board)
    if not catalogs:
        raise AssignError(N_("there is no criteria set for %(year)s yet"), year=year)
    field_code = field_key_of(field_code)
    if field_code not in known:
        raise AssignError(
            N_("unknown field %(field)s (fields: %(known)s)"),
            field=field_code,
            known=FieldKeys(tuple(known)),
        )
    if not await uow.people.has_role(person, "appraiser"):
        await uow.people.grant(person, "appraiser", None, by)
    row = await uow.appraisals.assign(person, period.id, field_code, board)
    return person, row


async def scope_by_board(
    uow: UnitOfWork, person: m.Person, period_id: int
) -> dict[str | None, set[str]]:
    """``{board or None (all boards): {field keys}}`` of one appraiser's assignments."""
    out: dict[str | None, set[str]] = {}
    for a in await uow.appraisals.assignments(person, period_id):
        out.setdefault(a.board, set()).add(a.field_code)
    return out


def scope_for(scopes: dict[str | None, set[str]], board: str) -> set[str]:
    return scopes.get(None, set()) | scopes.get(board, set())


# ------------------------------------------------------------------ survey points (ĐTXHH)


async def import_survey(uow: UnitOfWork, text: str, year: int, by: m.Person | None = None) -> int:
    """Import ``unit,item,points`` for survey items; all or nothing; returns rows stored."""
    rows = A.read_csv(text, ("unit", "item", "points"))
    period = await A.get_period(uow, year)
    A.refuse_published(period)
    problems: list[A.RowProblem] = []
    units: dict[str, m.Unit | None] = {}
    items: dict[int, dict[str, m.CatalogItem]] = {}
    seen: dict[tuple[str, str], int] = {}
    todo: list[tuple[int, int, Decimal]] = []
    for line, row in rows:
        ucode, code, raw = row["unit"], row["item"], row["points"]
        if ucode not in units:
            units[ucode] = await uow.units.get_by_code(period.id, ucode)
        unit = units[ucode]
        if unit is None:
            problems.append(A.RowProblem(line, N_("unknown unit %(unit)s"), {"unit": ucode}))
            continue
        pair = await A.unit_catalog(uow, unit)
        if pair is None:
            problems.append(
                A.RowProblem(
                    line, N_("unit %(unit)s has no catalog for its board yet"), {"unit": ucode}
                )
            )
            continue
        row_cat, cat = pair
        if row_cat.id not in items:
            items[row_cat.id] = await uow.catalogs.items_by_code(row_cat.id)
        item, db_item = cat.item(code), items[row_cat.id].get(code)
        where = f"{ucode} / {code}"
        if item is None or db_item is None:
            problems.append(
                A.RowProblem(
                    line,
                    N_("unknown item %(item)s in catalog %(catalog)s"),
                    {"item": code, "catalog": cat.id},
                )
            )
            continue
        if not item.is_leaf or not item.is_survey:
            problems.append(
                A.RowProblem(
                    line,
                    N_("item %(item)s is not a survey item; its points come from self-assessment"),
                    {"item": code},
                    where,
                )
            )
            continue
        if (ucode, code) in seen:
            problems.append(
                A.RowProblem(
                    line,
                    N_("%(unit)s / %(item)s is repeated (first on line %(first)s)"),
                    {"unit": ucode, "item": code, "first": seen[(ucode, code)]},
                )
            )
            continue
        seen[(ucode, code)] = line
        try:
            points = parse_number(raw)
        except AnswerError as err:
            problems.append(A.RowProblem(line, err.message, err.params, where))
            continue
        if points < 0:
            problems.append(A.RowProblem(line, N_("points cannot be negative"), {}, where))
            continue
        if points > item.max:
            problems.append(
                A.RowProblem(
                    line,
                    N_("%(points)s points are over the item's max of %(max)s"),
                    {"points": points, "max": item.max},
                    where,
                )
            )
            continue
        if points != points.quantize(THOUSANDTH):
            problems.append(A.RowProblem(line, N_("points have at most three decimals"), {}, where))
            continue
        todo.append((unit.id, db_item.id, points))
    if problems:
        raise A.RowsRejected(problems)
    for unit_id, item_id, points in todo:
        await uow.survey.set_points(unit_id, item_id, points, by)
    return len(todo)


# ------------------------------------------------------------------ chat: entry points


async def start_cmd(ctx: Ctx, args: str = "") -> None:
    """/review · /review status · /review UNIT [ITEM] · /review assign TELEGRAM_ID FIELD [BOARD]."""
    words = args.split()
    ctx.state["mode"] = None
    if words and words[0].lower() in ("status", "progress", "tiendo", "tiến độ"):
        await status(ctx)
        return
    if words and words[0].lower() == "assign":
        from conversations.review_assign import assign_cmd

        await assign_cmd(ctx, words[1:])
        return
    if not (ctx.is_admin or ctx.has_role("appraiser")):
        ctx.say(
            ctx.tr(
                "/review is for appraisers (thẩm định). Phòng Nội vụ sends appraisers an "
                "invite and assigns them fields."
            )
        )
        return
    if words:
        await _open_unit(ctx, words[0], words[1] if len(words) > 1 else None)
        return
    await show_queue(ctx)


async def _scoped_units(ctx: Ctx, period: m.Period) -> list[UnitFile]:
    """Submitted units with something this person appraises, in board/code order."""
    subs = await ctx.uow.submissions.list_for_period(period.id)
    scopes = None if ctx.is_admin else await scope_by_board(ctx.uow, ctx.person, period.id)
    out: list[UnitFile] = []
    for unit in await ctx.uow.units.list_for_period(period.id):
        sub = subs.get(unit.id)
        if sub is None or sub.status not in REVIEWABLE:
            continue
        scope = None if scopes is None else scope_for(scopes, unit.board)
        if scope is not None and not scope:
            continue
        uf = await load_unit(ctx.uow, unit, scope)
        if uf is not None and uf.leaves():
            out.append(uf)
    return out


async def show_queue(ctx: Ctx) -> None:
    period = await ctx.uow.periods.latest()
    if period is None:
        ctx.say(ctx.tr("No assessment period has been set up yet."))
        return
    if period.published_at is not None:
        frozen.say_published(ctx, period.year)
        return
    if not ctx.is_admin and not await ctx.uow.appraisals.assignments(ctx.person, period.id):
        ctx.say(
            ctx.tr(
                "You have not been assigned any field to appraise in %(year)s yet. Phòng Nội "
                "vụ assigns fields in the chat with /review assign; you will be told here.",
                year=period.year,
            )
        )
        return
    units = await _scoped_units(ctx, period)
    if not units:
        ctx.say(
            ctx.tr(
                "No unit has submitted its self-assessment yet. Units appear here once they submit."
            )
        )
        return
    lines: list[str] = [ctx.tr("<b>Your appraisal queue %(year)s</b>", year=period.year)]
    buttons: list[tuple[Button, ...]] = []
    total = 0
    for uf in units:
        c = uf.counts()
        todo = c["todo"] + c["returned"]
        total += todo
        lines.append(
            ctx.tr(
                "• %(unit)s: %(todo)s to appraise (%(returned)s replied) · %(waiting)s waiting "
                "for evidence · %(done)s done",
                unit=esc(uf.unit.name),
                todo=todo,
                returned=c["returned"],
                waiting=c["waiting"],
                done=c["done"],
            )
        )
        if todo and len(buttons) < 30:
            buttons.append(
                (
                    Button(
                        button_text(f"{uf.unit.code} · {uf.unit.name}", f"({todo})"),
                        f"rv:u:{uf.unit.id}",
                    ),
                )
            )
    lines.append("")
    if total:
        lines.append(ctx.tr("Tap a unit to start."))
    else:
        lines.append(ctx.tr("🎉 Nothing left to appraise right now."))
    say_long(ctx, lines, buttons=tuple(buttons))


async def _open_unit(ctx: Ctx, code: str, item_code: str | None) -> None:
    period = await ctx.uow.periods.latest()
    unit = await ctx.uow.units.get_by_code(period.id, code) if period else None
    if unit is None:
        ctx.say(ctx.tr("There is no unit %(code)s this year.", code=code[:32]))
        return
    uf = await _unit_file(ctx, unit.id)
    if uf is None:
        return
    if item_code is not None:
        item = uf.catalog.item(item_code)
        if item is None or not item.is_leaf or item.is_survey or not uf.in_scope(item):
            ctx.say(
                ctx.tr(
                    "%(code)s is not an item you appraise in %(unit)s.",
                    code=item_code[:32],
                    unit=esc(uf.unit.name),
                )
            )
            return
        show_card(ctx, uf, item)
        return
    await _next(ctx, uf, None)


def _refuse(ctx: Ctx, text: str, *, alert: bool = False) -> None:
    """Say no where the person sees it: Telegram shows a toast only under a pressed button, so
    a typed command or text gets a message instead (a toast there would be silently lost)."""
    if ctx.is_callback:
        ctx.toast(text, alert=alert)
    else:
        ctx.say(text)


async def _unit_file(ctx: Ctx, unit_id: int, *, quiet: bool = False) -> UnitFile | None:
    """The unit, if this person may appraise it now; otherwise says why and returns None."""
    unit = await ctx.uow.units.get(unit_id)
    if unit is None:
        _refuse(ctx, ctx.tr("This button is out of date. Type /review again."))
        return None
    scope: set[str] | None = None
    if not ctx.is_admin:
        scope = scope_for(await scope_by_board(ctx.uow, ctx.person, unit.period_id), unit.board)
        if not scope:
            _refuse(ctx, ctx.tr("You do not appraise this unit."), alert=True)
            return None
    uf = await load_unit(ctx.uow, unit, scope)
    if uf is None:
        ctx.say(ctx.tr("This unit has no criteria set (bộ chỉ số) yet."))
        return None
    if uf.period.published_at is not None:
        frozen.say_published(ctx, uf.period.year)
        return None
    if uf.status not in REVIEWABLE:
        ctx.say(
            ctx.tr(
                "%(unit)s has not submitted its self-assessment (or it was reopened), so it "
                "cannot be appraised now. It returns to your queue when it submits.",
                unit=esc(uf.unit.name),
            )
        )
        return None
    return uf


# ------------------------------------------------------------------ cards


def show_card(ctx: Ctx, uf: UnitFile, item: Item, prefix: str | None = None) -> None:
    ctx.state["mode"] = None
    text = card_text(ctx, uf, item)
    if prefix:
        text = prefix + "\n\n" + text
    ctx.say(text, buttons=card_buttons(ctx, uf, item))


def card_text(ctx: Ctx, uf: UnitFile, item: Item) -> str:
    queue = uf.queue()
    lines: list[str] = [
        fmt("<b>%(name)s</b> (%(code)s) · ", name=uf.unit.name, code=uf.unit.code)
        + ctx.tr("%(n)s left to appraise here", n=len(queue))
    ]
    fcode = uf.catalog.field_of(item.code)
    fitem = uf.catalog.item(fcode) if fcode else None
    if fitem is not None:
        lines.append(fmt("<i>%(code)s. %(title)s</i>", code=fitem.code, title=ctx.title(fitem)))
    lines.append(fmt("<b>%(code)s · %(title)s</b>", code=item.code, title=ctx.title(item)))
    pts, applicable = uf.self_points(item)
    answer = uf.answer(item.code)
    if answer is None:
        self_text: str = ctx.tr("not answered (counts 0)")
    elif not applicable:
        self_text = ctx.tr("not applicable (left out of the max)")
    else:
        self_text = ctx.num(pts)
    lines.append(
        ctx.tr("Max points: %(max)s · self-score: %(self)s", max=ctx.num(item.max), self=self_text)
    )
    if item.rule or item.answer is not None:
        rule = item.rule or rule_text(ctx, item)
        lines.append(ctx.tr("📏 Rule: %(rule)s", rule=esc(_clip(rule, 500))))
    if answer is not None:
        lines.append(ctx.tr("Declared: %(value)s", value=esc(describe(ctx, item, answer))))
    if item.evidence:
        lines.append(ctx.tr("📎 Evidence expected: %(evidence)s", evidence=esc(item.evidence)))
    ex = uf.explanations.get(item.code)
    if ex is not None:
        lines.append(ctx.tr("✍️ Explanation: “%(text)s”", text=esc(_clip(ex.text, 700))))
    files = uf.evidence.get(item.code, [])
    if files:
        lines.append(ctx.tr("📄 Files (%(n)s):", n=len(files)))
        for e in files[:MAX_FILES]:
            lines.append(
                fmt(
                    "  • %(name)s — %(status)s",
                    name=shown_name(e.original_name),
                    status=signature_text(ctx.tr, e.signature_status),
                )
            )
    else:
        lines.append(ctx.tr("📄 No evidence files."))
    lines.append(_verdict_line(ctx, uf, item))
    return join_lines(lines)


def _verdict_line(ctx: Ctx, uf: UnitFile, item: Item) -> str:
    ap = uf.appraisals.get(item.code)
    state = uf.state(item.code)
    if ap is None or state == "todo":
        return ctx.tr("Appraisal: not yet.")
    if ap.status in DONE:
        if ap.status == "adjusted":
            text = ctx.tr("Appraisal: ✏️ set to %(points)s.", points=ctx.points(ap.points))
            if ap.comment:
                text += " " + ctx.tr("Reason: %(reason)s", reason=esc(_clip(ap.comment, 300)))
        elif ap.points is None:
            text = ctx.tr("Appraisal: ✅ accepted (not applicable).")
        else:
            text = ctx.tr("Appraisal: ✅ accepted, %(points)s.", points=ctx.points(ap.points))
        if state == "returned":
            text += "\n" + ctx.tr(
                "🔄 The unit changed its answer after this verdict; please look again."
            )
        return text
    text = ctx.tr(
        "Appraisal: 📎 more evidence asked by %(date)s: “%(comment)s”",
        date=ctx.date(ap.due_date) if ap.due_date else "—",
        comment=esc(ap.comment or ""),
    )
    if state == "returned":
        text += "\n" + ctx.tr("🔄 The unit has replied since; please look again.")
    elif ap.due_date is not None and ap.due_date < _today(ctx):
        text += "\n" + ctx.tr("⏰ The due date has passed without a reply.")
    return text


def card_buttons(ctx: Ctx, uf: UnitFile, item: Item) -> tuple[tuple[Button, ...], ...]:
    u, i = uf.unit.id, uf.item_id(item.code)
    pts, applicable = uf.self_points(item)
    accept = (
        ctx.tr("✅ Accept (%(points)s)", points=ctx.num(pts or 0))
        if applicable
        else ctx.tr("✅ Accept (not applicable)")
    )
    rows: list[tuple[Button, ...]] = [
        (Button(accept, f"rv:ok:{u}:{i}"), Button(ctx.tr("✏️ Set points"), f"rv:set:{u}:{i}")),
        (Button(ctx.tr("📎 Ask for more evidence"), f"rv:more:{u}:{i}"),),
    ]
    n = len(uf.evidence.get(item.code, []))
    if n:
        rows.append((Button(ctx.tr("📄 Send the files (%(n)s)", n=n), f"rv:files:{u}:{i}"),))
    rows.append(
        (
            Button(ctx.tr("Skip ▶"), f"rv:n:{u}:{i}"),
            Button(ctx.tr("☰ Queue"), "rv:q"),
        )
    )
    return tuple(rows)


async def _next(ctx: Ctx, uf: UnitFile, after: Item | None, prefix: str | None = None) -> None:
    """The next item to appraise in this unit after ``after`` (wrapping), else in other units."""
    queue = uf.queue()
    if after is not None and queue:
        order = [x.code for x in uf.leaves()]
        pos = order.index(after.code) if after.code in order else -1
        queue = sorted(queue, key=lambda x: (order.index(x.code) <= pos, order.index(x.code)))
        queue = [x for x in queue if x.code != after.code] or queue
    if queue:
        show_card(ctx, uf, queue[0], prefix)
        return
    period = uf.period
    for other in await _scoped_units(ctx, period):
        if other.unit.id != uf.unit.id and other.queue():
            head = ctx.tr("Nothing left to appraise in %(unit)s.", unit=esc(uf.unit.name))
            show_card(ctx, other, other.queue()[0], (prefix + "\n" if prefix else "") + head)
            return
    done = ctx.tr("🎉 Nothing left to appraise right now.")
    c = uf.counts()
    if c["waiting"]:
        done += "\n" + ctx.tr(
            "%(n)s items of %(unit)s wait for the unit's evidence; they come back here when "
            "it replies.",
            n=c["waiting"],
            unit=esc(uf.unit.name),
        )
    ctx.state["mode"] = None
    ctx.say((prefix + "\n\n" if prefix else "") + done)


# ------------------------------------------------------------------ callbacks


async def on_callback(ctx: Ctx, parts: list[str]) -> None:
    action = parts[1] if len(parts) > 1 else ""
    if action == "q":
        if not (ctx.is_admin or ctx.has_role("appraiser")):
            ctx.toast(ctx.tr("Only appraisers can do this."), alert=True)
            return
        await show_queue(ctx)
        return
    try:
        unit_id = int(parts[2])
        item_id = int(parts[3]) if len(parts) > 3 else None
    except (IndexError, ValueError):
        ctx.toast(ctx.tr("This button is out of date. Type /review again."))
        return
    if action == "reply":
        await _reply_start(ctx, unit_id, item_id)
        return
    if not (ctx.is_admin or ctx.has_role("appraiser")):
        ctx.toast(ctx.tr("Only appraisers can do this."), alert=True)
        return
    uf = await _unit_file(ctx, unit_id)
    if uf is None:
        return
    if action == "u":
        await _next(ctx, uf, None)
        return
    item = uf.item_by_id(item_id) if item_id is not None else None
    if item is None or not uf.in_scope(item):
        ctx.toast(ctx.tr("This button is out of date. Type /review again."))
        return
    if action == "g":
        show_card(ctx, uf, item)
    elif action == "n":
        await _next(ctx, uf, item)
    elif action == "ok":
        await _accept(ctx, uf, item)
    elif action == "set":
        ctx.state.update(mode="rv_points", rv_unit=uf.unit.id, rv_item=uf.item_id(item.code))
        step = _step(item)
        ctx.say(
            ctx.tr(
                "Type the appraised points for %(code)s: 0 to %(max)s, in steps of %(step)s.",
                code=item.code,
                max=ctx.num(item.max),
                step=ctx.num(step),
            )
        )
    elif action == "more":
        ctx.state.update(mode="rv_due", rv_unit=uf.unit.id, rv_item=uf.item_id(item.code))
        ctx.say(
            ctx.tr(
                "By when should %(unit)s send more evidence for %(code)s? Type the date, "
                "e.g. %(example)s.",
                unit=esc(uf.unit.name),
                code=item.code,
                example=due_example(ctx),
            )
        )
    elif action == "files":
        _send_files(ctx, uf, item)
    else:
        ctx.toast(ctx.tr("This button is out of date. Type /review again."))


def _step(item: Item) -> Decimal:
    """The appraised points' step: a manual item's own, else 0,001 (three decimals)."""
    return item.answer.step if item.answer is not None else THOUSANDTH


def _today(ctx: Ctx) -> date:
    return ctx.now.astimezone(ctx.config.tz).date()


async def _accept(ctx: Ctx, uf: UnitFile, item: Item) -> None:
    pts, applicable = uf.self_points(item)
    # a "not applicable" answer stays out of the max: accepted with no points of its own
    points = (pts or Decimal(0)) if applicable else None
    await _write(ctx, uf, item, "accepted", points)
    shown = ctx.num(points) if points is not None else ctx.tr("not applicable")
    await _next(
        ctx, uf, item, ctx.tr("✅ %(code)s accepted: %(points)s.", code=item.code, points=shown)
    )


async def _write(
    ctx: Ctx,
    uf: UnitFile,
    item: Item,
    status: str,
    points: Decimal | None,
    comment: str | None = None,
    due: date | None = None,
    reason: str | None = None,
) -> m.Appraisal:
    """``reason``: why the points differ from the self-score, kept in the history and shown
    on the card (it is the verdict's comment)."""
    row = await ctx.uow.appraisals.set_appraisal(
        uf.unit.id,
        uf.item_id(item.code),
        status,
        points,
        reason if reason is not None else comment,
        due,
        ctx.person,
        reason=f"chat: {reason}" if reason else "chat",
        at=ctx.now,
    )
    uf.appraisals[item.code] = row
    await _maybe_complete(ctx, uf)
    return row


async def _maybe_complete(ctx: Ctx, uf: UnitFile) -> None:
    """Every item of the unit has a final verdict: the submission becomes "appraised"."""
    if uf.status != "submitted":
        return
    if all(uf.state(x.code) == "done" for x in uf.leaves(scoped=False)):
        uf.submission = await ctx.uow.submissions.set_status(
            uf.unit.id, "appraised", ctx.person, note="all items appraised", at=ctx.now
        )


def _send_files(ctx: Ctx, uf: UnitFile, item: Item) -> None:
    store = EvidenceStore(ctx.config.data_dir / "evidence")
    files = uf.evidence.get(item.code, [])
    if not files:
        ctx.toast(ctx.tr("No evidence files."))
        return
    missing = []
    for e in files[:MAX_FILES]:
        caption = fmt(
            "%(code)s · %(name)s — %(status)s",
            code=item.code,
            name=shown_name(e.original_name),
            status=signature_text(ctx.tr, e.signature_status),
        )
        if e.signer:
            caption += "\n" + ctx.tr("Signed by %(signer)s", signer=esc(e.signer))
        try:
            path = store.path(e.sha256)
        except ValueError:
            path = None
        if path is None or not path.is_file():
            missing.append(shown_name(e.original_name))
            continue
        ctx.say(caption, document=OutgoingFile(str(path), shown_name(e.original_name), e.mime))
    if missing:
        ctx.say(
            ctx.tr(
                "These files are listed but not in the file store: %(names)s",
                names=esc(", ".join(missing)),
            )
        )


# ------------------------------------------------------------------ typed input


async def on_text(ctx: Ctx, text: str) -> bool:
    mode = str(ctx.state.get("mode") or "")
    if mode not in ("rv_points", "rv_reason", "rv_due", "rv_comment", "rv_reply"):
        return False
    unit_id, item_id = ctx.state.get("rv_unit"), ctx.state.get("rv_item")
    if not isinstance(unit_id, int) or not isinstance(item_id, int):
        ctx.state["mode"] = None
        return False
    if mode == "rv_reply":
        await _reply_text(ctx, unit_id, item_id, text)
        return True
    if not (ctx.is_admin or ctx.has_role("appraiser")):
        ctx.state["mode"] = None
        return False
    uf = await _unit_file(ctx, unit_id)
    item = uf.item_by_id(item_id) if uf is not None else None
    if uf is None or item is None or not uf.in_scope(item):
        ctx.state["mode"] = None
        if uf is not None:  # _unit_file has said why otherwise
            ctx.say(ctx.tr("This button is out of date. Type /review again."))
        return True
    if mode == "rv_points":
        await _typed_points(ctx, uf, item, text)
    elif mode == "rv_reason":
        await _typed_reason(ctx, uf, item, text)
    elif mode == "rv_due":
        _typed_due(ctx, uf, item, text)
    else:
        await _typed_comment(ctx, uf, item, text)
    return True


async def _typed_points(ctx: Ctx, uf: UnitFile, item: Item, text: str) -> None:
    """Points, optionally followed by the reason ("1,5 thiếu quyết định phê duyệt")."""
    step = _step(item)
    number, _, reason = text.strip().partition(" ")
    reason = reason.strip()[:MAX_COMMENT]
    try:
        value = parse_number(number)
        if value < 0 or value > item.max:
            raise AnswerError(N_("points must be between 0 and %(max)s"), max=item.max)
        if value % step != 0:
            raise AnswerError(N_("points must be a multiple of %(step)s"), step=step)
    except AnswerError as err:
        ctx.say(
            ctx.tr("⚠️ %(problem)s.", problem=ctx.problem(err.message, err.params))
            + "\n"
            + ctx.tr(
                "Type the appraised points for %(code)s: 0 to %(max)s, in steps of %(step)s.",
                code=item.code,
                max=ctx.num(item.max),
                step=ctx.num(step),
            )
            + "\n"
            + ctx.tr("Nothing was changed.")
        )
        return
    value = value.quantize(THOUSANDTH)
    pts, applicable = uf.self_points(item)
    same = applicable and value == (pts or Decimal(0))
    if not same and len(reason) < MIN_REASON:
        ctx.state.update(mode="rv_reason", rv_points=str(value))
        ctx.say(
            ctx.tr(
                "Why %(points)s instead of the self-score %(self)s? Write the reason in one "
                "message; it is kept in the appraisal history.",
                points=ctx.num(value),
                self=ctx.num(pts) if applicable else ctx.tr("not applicable"),
            )
        )
        return
    await _write(ctx, uf, item, "accepted" if same else "adjusted", value, reason=reason or None)
    ctx.state["mode"] = None
    await _next(
        ctx,
        uf,
        item,
        ctx.tr("✏️ %(code)s: %(points)s.", code=item.code, points=ctx.points(value)),
    )


def due_example(ctx: Ctx) -> str:
    """One example, in the one short form every prompt shows: "15/12 or thứ sáu tuần sau"."""
    return ctx.tr("%(date)s or “thứ sáu tuần sau”", date=EXAMPLE)


async def _typed_reason(ctx: Ctx, uf: UnitFile, item: Item, text: str) -> None:
    """The reason for points other than the self-score: written with them, into the history."""
    points = str(ctx.state.get("rv_points") or "")
    if len(text.strip()) < MIN_REASON:
        ctx.say(ctx.tr("Please write the reason in a few words (at least 5 characters)."))
        return
    ctx.state.pop("rv_points", None)
    await _typed_points(ctx, uf, item, f"{points} {text.strip()}")


def _typed_due(ctx: Ctx, uf: UnitFile, item: Item, text: str) -> None:
    try:
        due = parse_due(text, _today(ctx))
    except AnswerError as err:
        ctx.say(
            ctx.tr("⚠️ %(problem)s.", problem=ctx.problem(err.message, err.params))
            + "\n"
            + ctx.tr("Type the due date, e.g. %(example)s.", example=due_example(ctx))
        )
        return
    today = _today(ctx)
    if due < today:
        ctx.say(
            ctx.tr(
                "%(date)s has already passed. Type a date from today (%(today)s) on.",
                date=ctx.date(due),
                today=ctx.date(today),
            )
        )
        return
    if (due - today).days > 366:
        ctx.say(ctx.tr("That is more than a year away. Type a nearer date."))
        return
    ctx.state.update(mode="rv_comment", rv_due=due.isoformat())
    ctx.say(
        ctx.tr(
            "Due %(date)s. Now write what is missing for %(code)s, in one message; the unit's "
            "officers will read it.",
            date=ctx.date(due),
            code=item.code,
        )
    )


async def _typed_comment(ctx: Ctx, uf: UnitFile, item: Item, text: str) -> None:
    comment = text.strip()
    if len(comment) < 5:
        ctx.say(
            ctx.tr(
                "Please write a little more (at least 5 characters) so the unit knows what to send."
            )
        )
        return
    if len(comment) > MAX_COMMENT:
        ctx.say(
            ctx.tr(
                "The comment is too long (%(n)s characters; at most %(max)s). Please shorten it.",
                n=len(comment),
                max=MAX_COMMENT,
            )
        )
        return
    try:
        due = date.fromisoformat(str(ctx.state.get("rv_due")))
    except ValueError:
        ctx.state["mode"] = "rv_due"
        ctx.say(ctx.tr("Type the due date, e.g. %(example)s.", example=due_example(ctx)))
        return
    row = await _write(ctx, uf, item, "more_evidence", None, comment, due)
    ctx.state.pop("rv_due", None)
    ctx.state["mode"] = None
    officers = await ctx.uow.people.with_role("officer", uf.unit.id, include_all_units=False)
    stamp = int(row.updated_at.timestamp() * 1000)
    item_id = uf.item_id(item.code)
    for officer in officers:
        loc = officer.language or ctx.config.default_locale
        body = th(
            loc,
            "📎 The appraiser asks %(unit)s for more evidence on %(code)s (%(title)s) by "
            "%(date)s:\n“%(comment)s”\n\nReply with an explanation below, or send the file "
            "with the code at the start of its caption, e.g. “%(code)s …”.",
            unit=esc(uf.unit.name),
            code=item.code,
            title=esc(item.title),
            date=_fmt_date(due, loc),
            comment=esc(comment),
        )
        ctx.notices.append(
            Notice(
                f"rv:more:{uf.unit.id}:{item_id}:{stamp}:{officer.id}",
                officer,
                body,
                (
                    (
                        Button(
                            th(loc, "✍️ Reply with an explanation"),
                            f"rv:reply:{uf.unit.id}:{item_id}",
                        ),
                    ),
                ),
            )
        )
    told = ctx.tr(
        "📎 Asked %(unit)s for more evidence on %(code)s by %(date)s.",
        unit=esc(uf.unit.name),
        code=item.code,
        date=ctx.date(due),
    )
    if not officers:
        told += "\n" + ctx.tr(
            "⚠️ The unit has no focal officer registered in the bot; tell them another way."
        )
    await _next(ctx, uf, item, told)


def _fmt_date(d: date, loc: str) -> str:
    from conversations.i18n import fmt_date

    return fmt_date(d, loc)


# ------------------------------------------------------------------ the unit's reply


async def _reply_start(ctx: Ctx, unit_id: int, item_id: int | None) -> None:
    if not ctx.has_role("officer", unit_id):
        ctx.toast(ctx.tr("You cannot answer for this unit."), alert=True)
        return
    unit = await ctx.uow.units.get(unit_id)
    uf = await load_unit(ctx.uow, unit) if unit is not None else None
    item = uf.item_by_id(item_id) if uf is not None and item_id is not None else None
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
    ctx.state.update(
        mode="rv_reply", rv_unit=unit_id, rv_item=item_id, unit_id=unit_id, item=item.code
    )
    ctx.say(
        ctx.tr(
            "Write your explanation for %(code)s in one message (the appraiser asked: "
            "“%(comment)s”). To send a file instead, attach it with the caption “%(code)s …”.",
            code=item.code,
            comment=esc(ap.comment or ""),
        )
    )


async def _reply_text(ctx: Ctx, unit_id: int, item_id: int, text: str) -> None:
    if not ctx.has_role("officer", unit_id):
        ctx.state["mode"] = None
        ctx.say(ctx.tr("You cannot answer for this unit."))
        return
    unit = await ctx.uow.units.get(unit_id)
    uf = await load_unit(ctx.uow, unit) if unit is not None else None
    item = uf.item_by_id(item_id) if uf is not None else None
    if uf is None or item is None:
        ctx.state["mode"] = None
        ctx.say(ctx.tr("This button is out of date."))
        return
    if uf.period.published_at is not None:
        ctx.state["mode"] = None
        frozen.say_published(ctx, uf.period.year)
        return
    ap = uf.appraisals.get(item.code)
    if ap is None or ap.status != "more_evidence":
        ctx.state["mode"] = None
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
    await ctx.uow.answers.set_explanation(unit_id, item_id, body, ctx.person, at=ctx.now)
    ctx.state["mode"] = None
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
                    text=esc(_clip(body, 300)),
                ),
                ((Button(th(loc, "Open the item"), f"rv:g:{unit_id}:{item_id}"),),),
            )
        )


# ------------------------------------------------------------------ progress (admins)


async def status(ctx: Ctx) -> None:
    if not (ctx.is_admin or ctx.has_role("appraiser")):
        ctx.say(ctx.tr("Only Phòng Nội vụ and appraisers can see the appraisal progress."))
        return
    period = await ctx.uow.periods.latest()
    if period is None:
        ctx.say(ctx.tr("No assessment period has been set up yet."))
        return
    units = await ctx.uow.units.list_for_period(period.id)
    files: dict[int, UnitFile] = {}
    for u in units:
        uf = await load_unit(ctx.uow, u)
        if uf is not None:
            files[u.id] = uf
    lines: list[str] = [ctx.tr("<b>Appraisal progress %(year)s</b>", year=period.year)]
    cats = list({id(uf.catalog): uf.catalog for uf in files.values()}.values())
    if period.published_at is not None:
        lines.append(ctx.tr("Results published; appraisals are closed."))
    people = await ctx.uow.people.with_role("appraiser") if ctx.is_admin else [ctx.person]
    lines.append("")
    lines.append(ctx.tr("<b>Appraisers</b>"))
    covered: dict[str, set[str]] = {"department": set(), "commune": set()}
    any_appraiser = False
    for p in people:
        scopes = await scope_by_board(ctx.uow, p, period.id)
        for b in covered:
            covered[b] |= scope_for(scopes, b)
        if not scopes:
            lines.append(ctx.tr("• %(name)s: no field assigned", name=esc(p.full_name)))
            continue
        any_appraiser = True
        c = {"todo": 0, "done": 0, "waiting": 0, "returned": 0}
        for uf in files.values():
            if uf.status not in (*REVIEWABLE, "published"):
                continue
            uf.scope = scope_for(scopes, uf.unit.board)
            if not uf.scope:
                continue
            for k, v in uf.counts().items():
                c[k] += v
            uf.scope = None
        what = "; ".join(
            f"{', '.join(field_title(cats, f, ctx.locale) for f in sorted(fs))} "
            f"({_board_short(ctx, b)})"
            for b, fs in sorted(scopes.items(), key=lambda kv: str(kv[0]))
        )
        total = sum(c.values())
        lines.append(
            ctx.tr(
                "• %(name)s — fields %(fields)s: %(done)s/%(total)s appraised · %(waiting)s "
                "waiting for evidence · %(returned)s replied",
                name=esc(p.full_name),
                fields=esc(what),
                done=c["done"],
                total=total,
                waiting=c["waiting"],
                returned=c["returned"],
            )
        )
    if ctx.is_admin:
        if not any_appraiser:
            lines.append(ctx.tr("No appraiser has been assigned a field yet."))
        gaps = []
        for b, have in covered.items():
            on_board = {id(uf.catalog): uf.catalog for uf in files.values() if uf.unit.board == b}
            wanted = fields_of_period(on_board.values(), None)
            missing = [f for f in wanted if f not in have]
            if missing:
                named = ", ".join(field_title(on_board.values(), f, ctx.locale) for f in missing)
                gaps.append(f"{_board_short(ctx, b)}: {named}")
        if gaps:
            lines.append(ctx.tr("⚠️ Fields nobody appraises: %(gaps)s", gaps=esc("; ".join(gaps))))
        lines.append("")
        lines.append(ctx.tr("<b>Units</b>"))
        from conversations.submission import status_text

        for uf in files.values():
            c = uf.counts(scoped=False)
            total = sum(c.values())
            lines.append(
                ctx.tr(
                    "• %(code)s %(unit)s (%(status)s): %(done)s/%(total)s appraised · "
                    "%(waiting)s waiting for evidence · %(returned)s replied",
                    code=esc(uf.unit.code),
                    unit=esc(uf.unit.name),
                    status=status_text(ctx, uf.status),
                    done=c["done"],
                    total=total,
                    waiting=c["waiting"],
                    returned=c["returned"],
                )
            )
    say_long(ctx, lines)


def say_long(
    ctx: Ctx, lines: list[str], buttons: tuple[tuple[Button, ...], ...] = (), limit: int = 3800
) -> None:
    """Long lists in several messages (Telegram stops at 4096 characters); buttons on the last."""
    chunks: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if chunks[-1] and size + len(line) + 1 > limit:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    for n, chunk in enumerate(chunks):
        last = n == len(chunks) - 1
        ctx.say(join_lines(chunk), buttons=buttons if last else ())


def _board_short(ctx: Ctx, board: str | None) -> str:
    if board is None:
        return ctx.tr("all boards")
    return {"department": ctx.tr("departments"), "commune": ctx.tr("communes")}.get(board, board)


def field_title(catalogs: Iterable[Catalog], key: str, locale: str) -> str:
    from conversations.review_assign import field_title as title

    return title(catalogs, key, locale)


def _clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
