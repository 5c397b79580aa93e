"""The self-scoring walk: one card per criterion, answers become points, nothing is ever lost.

Every answer is written (with its audit row) in the update's own transaction before the reply
goes out. Buttons carry only short ids and the unit; each press is re-checked against the
database, so an old card, a restart or a forged button can never write where it should not.
"""

from __future__ import annotations

import re
from decimal import Decimal

from conversations import frozen
from conversations import yearover_chat as YC
from conversations.context import Ctx, Notice
from conversations.i18n import th
from conversations.markup import esc, fmt, join_lines
from conversations.replies import Button
from conversations.unitview import UnitView, active_unit, load_view, load_view_or_explain
from scoring.answers import (
    Answer,
    AnswerError,
    fold,
    needs_explanation,
    parse_answer,
    parse_number,
    score_answer,
    validate_ratio,
)
from scoring.catalog import Item
from scoring.i18n import N_

CODE_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9A-Za-z]+)*|[A-Za-z]\.[0-9]+(?:\.[0-9A-Za-z]+)*)\s*$")
MAX_EXPLANATION = 2000


# ------------------------------------------------------------------ entry points


async def start(ctx: Ctx, code: str | None = None) -> None:
    """/score: resume at the remembered item (or the first unanswered one)."""
    view = await _officer_view(ctx)
    if view is None:
        return
    item = _item_or_none(view, code or ctx.state.get("item"))
    if item is None:
        item = _next_unanswered(view, None)
    if item is None:
        ctx.say(ctx.tr("Every criterion has an answer. Check /progress, then /submit."))
        return
    _show_card(ctx, view, item)


async def jump(ctx: Ctx, code: str) -> bool:
    """A typed item code ("1.2.3") opens that item; False when the text is not an item code."""
    if not CODE_RE.match(code):
        return False
    view = await _officer_view(ctx)
    if view is None:
        return True
    node = view.catalog.item(code.strip())
    if node is None:
        ctx.say(
            ctx.tr(
                "There is no criterion %(code)s in %(catalog)s. Type a code like 1.2.3 "
                "or tap ☰ Fields.",
                code=code.strip()[:20],
                catalog=view.catalog.id,
            ),
            buttons=((Button(ctx.tr("☰ Fields"), f"fl:{view.unit.id}"),),),
        )
        return True
    leaves = [x for x in node.leaves() if not x.is_survey]
    if not leaves:
        ctx.say(
            ctx.tr(
                "%(code)s is filled from the survey results; there is nothing to answer.",
                code=node.code,
            )
        )
        return True
    target = next((x for x in leaves if x.code not in view.answers), leaves[0])
    _show_card(ctx, view, target)
    return True


async def on_text(ctx: Ctx, text: str) -> bool:
    """Typed input while a card is open. False when the walk is not waiting for anything."""
    mode = ctx.state.get("mode")
    if mode not in ("walk", "den", "explain", "evidence", "need"):
        return False
    view = await _officer_view(ctx)
    if view is None:
        return True
    item = _item_or_none(view, ctx.state.get("item"))
    if item is None:
        ctx.state["mode"] = None
        return False
    if mode == "explain":
        await _save_explanation(ctx, view, item, text)
        return True
    code_text = text.strip().lstrip("#")
    looks_like_code = bool(CODE_RE.match(code_text)) and (
        view.catalog.item(code_text) is not None or code_text.count(".") >= 2
    )
    if (
        mode != "den"
        and looks_like_code
        and (
            text.strip().startswith("#")
            or mode != "walk"
            or item.kind not in ("number", "manual", "ratio", "date")
        )
    ):
        return await jump(ctx, code_text)
    if mode == "need" and len(text.strip()) >= 15 and " " in text.strip():
        await _save_explanation(ctx, view, item, text)
        return True
    if mode == "need":
        ctx.say(
            ctx.tr(
                "%(code)s needs evidence or an explanation. Send the file, or tap "
                "“Write an explanation”.",
                code=item.code,
            ),
            buttons=_need_buttons(ctx, view, item),
        )
        return True
    if mode == "evidence":
        ctx.say(
            ctx.tr(
                "Please send the evidence file (PDF) for %(code)s here, or tap "
                "“Write an explanation”.",
                code=item.code,
            ),
            buttons=_need_buttons(ctx, view, item),
        )
        return True
    if mode == "den":
        await _denominator(ctx, view, item, text)
        return True
    if item.kind == "ratio" and "/" not in text and fold(text) not in ("na", "khong ap dung"):
        try:
            num = parse_number(text, integer_grouping=True)
            if num < 0:
                raise AnswerError(N_("numbers in a ratio cannot be negative"))
        except AnswerError as err:
            _refuse(ctx, view, item, err)
            return True
        ctx.state.update(mode="den", num=str(num))
        label = item.answer.denominator if item.answer and item.answer.denominator else ""
        ctx.say(
            ctx.tr(
                "Numerator: %(num)s. Now the denominator — %(label)s:",
                num=ctx.num(num),
                label=esc(label),
            )
        )
        return True
    try:
        answer = parse_answer(item, text)
    except AnswerError as err:
        _refuse(ctx, view, item, err)
        return True
    await save(ctx, view, item, answer)
    return True


# ------------------------------------------------------------------ callbacks


async def on_callback(ctx: Ctx, parts: list[str]) -> None:
    """Buttons of the walk: a:<unit>:<item>:<option>, na/nd/g/p/n/x/e:<unit>:<item>, fl/f."""
    kind = parts[0]
    try:
        unit_id = int(parts[1])
    except (IndexError, ValueError):
        return _stale(ctx)
    if not ctx.has_role("officer", unit_id):
        ctx.toast(ctx.tr("You cannot answer for this unit."), alert=True)
        return
    ctx.state["unit_id"] = unit_id
    view = await load_view(ctx, unit_id)
    if view is None:
        return _stale(ctx)
    if kind == "fl":
        _field_list(ctx, view)
        return
    if kind == "f":
        field = view.catalog.item(parts[2]) if len(parts) > 2 else None
        if field is None:
            return _stale(ctx)
        leaves = [x for x in field.leaves() if not x.is_survey]
        if not leaves:
            ctx.toast(ctx.tr("This field is filled from the survey results."))
            return _field_list(ctx, view)
        _show_card(ctx, view, next((x for x in leaves if x.code not in view.answers), leaves[0]))
        return
    item = _item_from_id(view, parts[2] if len(parts) > 2 else "")
    if item is None:
        ctx.toast(ctx.tr("This button is out of date; here is where you are."))
        return await start(ctx)
    if kind == "g":
        return _show_card(ctx, view, item)
    if kind == "p":
        return _show_card(ctx, view, _neighbour(view, item, -1))
    if kind == "n":
        nxt = _next_unanswered(view, item) or _neighbour(view, item, +1)
        return _show_card(ctx, view, nxt)
    if kind == "x":
        ctx.state.update(mode="explain", item=item.code)
        ctx.say(
            ctx.tr(
                "Write the explanation (giải trình) for %(code)s in one message: what was "
                "done and why the points are claimed.",
                code=item.code,
            )
        )
        return
    if kind == "e":
        ctx.state.update(mode="evidence", item=item.code)
        ctx.say(
            ctx.tr(
                "Send the evidence file (signed PDF) for %(code)s now. You can also put "
                "the code at the start of the caption, e.g. “%(code)s Kế hoạch…”.",
                code=item.code,
            )
        )
        return
    if kind == "na":
        if item.na is None:
            return _stale(ctx)
        return await save(ctx, view, item, Answer(na=True))
    if kind == "nd":
        if item.kind != "date":
            return _stale(ctx)
        return await save(ctx, view, item, Answer(done=False))
    if kind == "a":
        spec = item.answer
        try:
            option = spec.options[int(parts[3])] if spec is not None else None
        except (IndexError, ValueError):
            option = None
        if option is None or spec is None or spec.kind != "choice":
            ctx.toast(ctx.tr("This button is out of date; the card is shown again."))
            return _show_card(ctx, view, item)
        return await save(
            ctx, view, item, Answer(na=True) if option.na else Answer(option=option.id)
        )
    _stale(ctx)


# ------------------------------------------------------------------ saving


async def save(ctx: Ctx, view: UnitView, item: Item, answer: Answer) -> None:
    """Write one answer with its audit row, tell whoever it overwrote, then show the next card."""
    if not _editable(ctx, view):
        return
    score = score_answer(item, answer)
    item_id = view.item_id(item.code)
    before = view.answers.get(item.code)
    prev_by = before.updated_by if before is not None else None
    row, _prev = await ctx.uow.answers.set_answer(
        view.unit.id, item_id, answer.to_json(), score.points, ctx.person, "chat"
    )
    view.answers[item.code] = row
    if before is not None and prev_by not in (None, ctx.person.id) and _prev != row.version:
        await _tell_overwritten(ctx, view, item, prev_by, row.version)
    summary = ctx.tr(
        "✅ Saved %(code)s: %(value)s → %(points)s points.",
        code=item.code,
        value=describe(ctx, item, answer),
        points=ctx.num(score.points) if score.applicable else ctx.tr("not counted"),
    )
    has_file = view.evidence_counts.get(item.code, 0) > 0
    if needs_explanation(item, answer, has_file) and item.code not in view.explanations:
        ctx.state.update(mode="need", item=item.code)
        if item.answer is not None and item.answer.kind == "manual":
            ctx.state["mode"] = "explain"
            ctx.say(
                summary
                + "\n\n"
                + ctx.tr(
                    "Points typed directly need an explanation "
                    "(giải trình). Write it now in one message."
                ),
                buttons=_need_buttons(ctx, view, item)[1:],
                edit=ctx.is_callback,
            )
            return
        ctx.say(
            summary
            + "\n\n"
            + ctx.tr(
                "📎 This criterion needs evidence: %(evidence)s.\n"
                "Send the file now, or write an explanation.",
                evidence=item.evidence or "—",
            ),
            buttons=_need_buttons(ctx, view, item),
            edit=ctx.is_callback,
        )
        return
    nxt = _next_unanswered(view, item)
    if nxt is None:
        ctx.state.update(mode=None, item=item.code)
        ctx.say(
            summary
            + "\n\n"
            + ctx.tr(
                "🎉 Every criterion has an answer. Check /progress, "
                "then /submit when the unit is ready."
            ),
            edit=ctx.is_callback,
        )
        return
    _show_card(ctx, view, nxt, prefix=summary)


async def _tell_overwritten(
    ctx: Ctx, view: UnitView, item: Item, person_id: int, version: int
) -> None:
    other = await ctx.uow.people.get(person_id)
    if other is None:
        return
    loc = other.language or ctx.config.default_locale
    ans = view.answer(item.code)
    text = th(
        loc,
        "ℹ️ %(name)s has just changed the answer to %(code)s (%(title)s) to: "
        "%(value)s. The later answer is kept; both are in the history.",
        name=ctx.person.full_name,
        code=item.code,
        title=item.title,
        value=describe(ctx, item, ans) if ans else "—",
    )
    ctx.notices.append(Notice(f"overwrite:{view.unit.id}:{item.code}:{version}", other, text))


async def _save_explanation(ctx: Ctx, view: UnitView, item: Item, text: str) -> None:
    text = text.strip()
    if len(text) < 10:
        ctx.say(
            ctx.tr(
                "The explanation is too short. Write a sentence or two about what the unit "
                "did (at least 10 characters)."
            )
        )
        return
    if len(text) > MAX_EXPLANATION:
        ctx.say(
            ctx.tr(
                "The explanation is too long (%(n)s characters; at most %(max)s). Please "
                "shorten it and send it again.",
                n=len(text),
                max=MAX_EXPLANATION,
            )
        )
        return
    if not (await _answering_appraiser(ctx, view, item) or _editable(ctx, view)):
        return
    await ctx.uow.answers.set_explanation(view.unit.id, view.item_id(item.code), text, ctx.person)
    view.explanations[item.code] = True  # type: ignore[assignment]
    summary = ctx.tr("✅ Explanation saved for %(code)s.", code=item.code)
    nxt = _next_unanswered(view, item)
    if nxt is None:
        ctx.state.update(mode=None)
        ctx.say(
            summary
            + "\n\n"
            + ctx.tr(
                "🎉 Every criterion has an answer. Check /progress, "
                "then /submit when the unit is ready."
            )
        )
        return
    _show_card(ctx, view, nxt, prefix=summary)


async def _denominator(ctx: Ctx, view: UnitView, item: Item, text: str) -> None:
    try:
        num = Decimal(ctx.state.get("num", "x"))
    except ArithmeticError:
        ctx.state["mode"] = "walk"
        return _show_card(ctx, view, item)
    try:
        den = parse_number(text, integer_grouping=True)
        answer = validate_ratio(num, den)
    except AnswerError as err:
        ctx.say(
            ctx.tr(
                "⚠️ %(problem)s. Type the denominator again — %(label)s:",
                problem=ctx.problem(err.message, err.params),
                label=item.answer.denominator if item.answer else "",
            )
        )
        return
    ctx.state.pop("num", None)
    await save(ctx, view, item, answer)


# ------------------------------------------------------------------ cards


def _show_card(ctx: Ctx, view: UnitView, item: Item, prefix: str | None = None) -> None:
    ctx.state.update(mode="walk", item=item.code, unit_id=view.unit.id)
    ctx.state.pop("num", None)
    text = card_text(ctx, view, item)
    if prefix:
        text = prefix + "\n\n" + text
    ctx.say(text, buttons=card_buttons(ctx, view, item), edit=ctx.is_callback)


def card_text(ctx: Ctx, view: UnitView, item: Item) -> str:
    walk = view.walk
    pos = next((i for i, x in enumerate(walk) if x.code == item.code), 0) + 1
    got, total = view.self_points()
    field_code = view.catalog.field_of(item.code)
    field = view.catalog.item(field_code) if field_code else None
    lines: list[str] = []
    if field is not None:
        lines.append(fmt("<i>%(code)s. %(title)s</i>", code=field.code, title=field.title))
    lines.append(fmt("<b>%(code)s · %(title)s</b>", code=item.code, title=item.title))
    lines.append(ctx.tr("Max points: %(max)s", max=ctx.num(item.max)))
    lines.append(ctx.tr("Scoring: %(rule)s", rule=esc(item.rule or rule_text(ctx, item))))
    if item.evidence:
        req = ctx.tr(" (required)") if item.evidence_required else ""
        lines.append(ctx.tr("📎 Evidence: %(evidence)s", evidence=esc(item.evidence)) + req)
        files = view.evidence_counts.get(item.code, 0)
        if files:
            lines.append(ctx.tr("Files attached: %(n)s", n=files))
    current = view.answer(item.code)
    if current is not None:
        row = view.answers[item.code]
        pts = ctx.num(row.points) if row.points is not None else "—"
        lines.append(
            ctx.tr(
                "Current answer: %(value)s → %(points)s points",
                value=esc(describe(ctx, item, current)),
                points=pts,
            )
        )
    else:
        lines.append(ctx.tr("Not answered yet"))
    if item.code in view.explanations:
        lines.append(ctx.tr("✍️ Explanation given"))
    lines += YC.card_lines(ctx, view.last_year.get(item.code), describe)  # read only
    lines.append(
        ctx.tr(
            "Criterion %(pos)s/%(total)s · %(got)s/%(max)s points",
            pos=pos,
            total=len(walk),
            got=ctx.num(got),
            max=ctx.num(total),
        )
    )
    lines.append("")
    lines.append("👉 " + prompt(ctx, item))
    return join_lines(lines)


def prompt(ctx: Ctx, item: Item) -> str:
    a = item.answer
    assert a is not None
    if a.kind == "choice":
        return ctx.tr("Choose an answer:")
    if a.kind == "ratio":
        return ctx.tr(
            "Type %(num)s / %(den)s, e.g. 45/50 (or the numerator first).",
            num=esc(a.numerator or ""),
            den=esc(a.denominator or ""),
        )
    if a.kind == "number":
        return ctx.tr("Type the number: %(label)s", label=esc(a.label or item.title))
    if a.kind == "date":
        return ctx.tr("Type the date it was done, e.g. 16/3/2024, or tap “Not done”.")
    return ctx.tr(
        "Type the points (0 to %(max)s, in steps of %(step)s).",
        max=ctx.num(item.max),
        step=ctx.num(a.step),
    )


def card_buttons(ctx: Ctx, view: UnitView, item: Item) -> tuple[tuple[Button, ...], ...]:
    u, i = view.unit.id, view.item_id(item.code)
    rows: list[tuple[Button, ...]] = []
    a = item.answer
    assert a is not None
    if a.kind == "choice":
        for n, o in enumerate(a.options):
            label = o.label if ctx.locale == "vi" or not o.label_en else o.label_en
            if not o.na:
                label = (
                    f"{label} ({ctx.num(o.points)}đ)"
                    if ctx.locale == "vi"
                    else f"{label} ({ctx.num(o.points)} pts)"
                )
            rows.append((Button(label, f"a:{u}:{i}:{n}"),))
    if a.kind == "date":
        rows.append((Button(ctx.tr("Not done"), f"nd:{u}:{i}"),))
    if item.na is not None and not any(o.na for o in a.options):
        rows.append((Button(ctx.tr("Not applicable"), f"na:{u}:{i}"),))
    rows.append(
        (
            Button(ctx.tr("◀ Back"), f"p:{u}:{i}"),
            Button(ctx.tr("Later ▶"), f"n:{u}:{i}"),
        )
    )
    extra = [Button(ctx.tr("☰ Fields"), f"fl:{u}")]
    if item.evidence:
        extra.append(Button(ctx.tr("📎 Evidence"), f"e:{u}:{i}"))
    rows.append(tuple(extra))
    return tuple(rows)


def _need_buttons(ctx: Ctx, view: UnitView, item: Item) -> tuple[tuple[Button, ...], ...]:
    u, i = view.unit.id, view.item_id(item.code)
    return (
        (Button(ctx.tr("📎 Send the file"), f"e:{u}:{i}"),),
        (Button(ctx.tr("✍️ Write an explanation"), f"x:{u}:{i}"),),
        (Button(ctx.tr("Later ▶"), f"n:{u}:{i}"),),
    )


def _field_list(ctx: Ctx, view: UnitView) -> None:
    rows = []
    for f in view.catalog.fields:
        leaves = [x for x in f.leaves() if not x.is_survey]
        if not leaves:
            continue
        done = sum(1 for x in leaves if x.code in view.answers)
        title = f.title if len(f.title) <= 40 else f.title[:39] + "…"
        rows.append(
            (Button(f"{f.code}. {title} ({done}/{len(leaves)})", f"f:{view.unit.id}:{f.code}"),)
        )
    extras = [x for top in (*view.catalog.bonus, *view.catalog.penalty) for x in top.leaves()]
    if extras:
        top = extras[0]
        rows.append(
            (
                Button(
                    ctx.tr("Bonus and penalty points"), f"g:{view.unit.id}:{view.item_id(top.code)}"
                ),
            )
        )
    ctx.state["mode"] = "walk"
    ctx.say(
        ctx.tr("Choose a field, or type an item code such as 1.2.3:"),
        buttons=tuple(rows),
        edit=ctx.is_callback,
    )


# ------------------------------------------------------------------ descriptions


def rule_text(ctx: Ctx, item: Item) -> str:
    a = item.answer
    assert a is not None
    pts = ctx.tr("pts")
    if a.kind == "choice":
        return "; ".join(f"{o.label}: {ctx.num(o.points)} {pts}" for o in a.options if not o.na)
    if a.kind == "ratio":
        return "; ".join(f"≥ {ctx.num(b.min)}%: {ctx.num(b.points)} {pts}" for b in a.bands)
    if a.kind == "number":
        return "; ".join(f"≥ {ctx.num(b.min)}: {ctx.num(b.points)} {pts}" for b in a.bands)
    if a.kind == "date" and a.deadline is not None:
        return ctx.tr(
            "by %(date)s: %(on)s; later: %(late)s; not done: 0",
            date=ctx.date(a.deadline),
            on=ctx.num(a.on_time),
            late=ctx.num(a.late),
        )
    return ctx.tr("points as assessed, 0 to %(max)s", max=ctx.num(item.max))


def describe(ctx: Ctx, item: Item, answer: Answer) -> str:
    """The declared value in words, as the officer would say it."""
    if answer.na:
        return ctx.tr("Not applicable")
    if answer.option is not None and item.answer is not None:
        o = item.answer.option(answer.option)
        return o.label if o else answer.option
    if answer.num is not None and answer.den is not None:
        pct = "" if answer.den == 0 else f" ({ctx.num(answer.num * 100 / answer.den)}%)"
        return f"{ctx.num(answer.num)}/{ctx.num(answer.den)}{pct}"
    if answer.number is not None:
        return ctx.num(answer.number)
    if not answer.done:
        return ctx.tr("Not done")
    if answer.on is not None:
        return ctx.date(answer.on)
    if answer.points is not None:
        return ctx.tr("%(points)s points", points=ctx.num(answer.points))
    return "—"


# ------------------------------------------------------------------ helpers


async def _officer_view(ctx: Ctx) -> UnitView | None:
    unit_id = await active_unit(ctx, ("officer",))
    if unit_id is None:
        if ctx.unit_ids("leader"):
            ctx.say(
                ctx.tr(
                    "Only the unit's focal officers answer the criteria. As a leader you "
                    "can follow the work with /progress and /rank."
                )
            )
        else:
            ctx.say(
                ctx.tr(
                    "You are not registered as a focal officer of any unit. Ask Phòng Nội "
                    "vụ for an invite link, then open it."
                )
            )
        return None
    return await load_view_or_explain(ctx, unit_id)


async def _answering_appraiser(ctx: Ctx, view: UnitView, item: Item) -> bool:
    """A submitted unit may still explain an item the council asked more evidence for."""
    if not view.locked or view.period.published_at is not None:
        return False
    appraisal = await ctx.uow.appraisals.get(view.unit.id, view.item_id(item.code))
    return appraisal is not None and appraisal.status == "more_evidence"


def _editable(ctx: Ctx, view: UnitView) -> bool:
    if view.period.published_at is not None:
        frozen.say_published(ctx, view.period.year)
        return False
    if view.locked:
        ctx.say(
            ctx.tr(
                "The unit has already submitted its self-assessment, so answers are locked. "
                "Use /withdraw to reopen it before the deadline."
            )
        )
        return False
    today = ctx.now.astimezone(ctx.config.tz).date()
    if view.past_deadline(today):
        assert view.deadline is not None
        ctx.say(
            ctx.tr(
                "The self-assessment deadline (%(date)s) has passed, so answers can no "
                "longer be changed. Phòng Nội vụ can reopen the unit if needed.",
                date=ctx.date(view.deadline),
            )
        )
        return False
    return True


def _refuse(ctx: Ctx, view: UnitView, item: Item, err: AnswerError) -> None:
    ctx.say(
        ctx.tr("⚠️ %(problem)s.", problem=ctx.problem(err.message, err.params))
        + "\n"
        + prompt(ctx, item)
        + "\n"
        + ctx.tr("Nothing was changed."),
        buttons=card_buttons(ctx, view, item),
    )


def _stale(ctx: Ctx) -> None:
    ctx.toast(ctx.tr("This button is out of date. Type /score to continue."))
    ctx.state["mode"] = None


def _item_or_none(view: UnitView, code: object) -> Item | None:
    if not isinstance(code, str):
        return None
    item = view.catalog.item(code)
    return item if item is not None and item.is_leaf and not item.is_survey else None


def _item_from_id(view: UnitView, raw: str) -> Item | None:
    try:
        item = view.item_by_id(int(raw))
    except ValueError:
        return None
    return item if item is not None and item.is_leaf and not item.is_survey else None


def _neighbour(view: UnitView, item: Item, step: int) -> Item:
    walk = view.walk
    pos = next((i for i, x in enumerate(walk) if x.code == item.code), 0)
    return walk[(pos + step) % len(walk)]


def _next_unanswered(view: UnitView, item: Item | None) -> Item | None:
    walk = view.walk
    start = 0
    if item is not None:
        start = next((i + 1 for i, x in enumerate(walk) if x.code == item.code), 0)
    for k in range(len(walk)):
        cand = walk[(start + k) % len(walk)]
        if cand.code not in view.answers:
            return cand
    return None
