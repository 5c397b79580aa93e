"""The self-scoring walk: one card per criterion, answers become points, nothing is ever lost.

Every answer is written (with its audit row) in the update's own transaction before the reply
goes out. Buttons carry only short ids, the unit and the card's revision; each press is
re-checked against the database, so an old card, a restart or a forged button can never write
where it should not, and never replaces an answer the person did not see (walk_cards). Typed
input follows one grammar on every card (walk_input).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import cast

from conversations import deadlines, frozen, walk_cards, walk_input
from conversations import yearover_chat as YC
from conversations.callbacks import (
    FieldList,
    FieldOpen,
    WalkAnswer,
    WalkMark,
    WalkNav,
    WalkTyped,
    unpack,
)
from conversations.callbacks.walk import MarkKind
from conversations.context import Ctx, Notice
from conversations.flow_state import WALK_MODES, Mode, PendingAnswer
from conversations.i18n import th
from conversations.markup import button_text, esc, fmt, join_lines
from conversations.replies import Button
from conversations.unitview import UnitView, active_unit, load_view, load_view_or_explain
from conversations.walk_input import CODE_RE
from scoring.answers import (
    Answer,
    AnswerError,
    is_na_text,
    needs_explanation,
    parse_answer,
    parse_number,
    score_answer,
    validate_ratio,
)
from scoring.catalog import Item
from scoring.i18n import N_
from scoring.kinds import kind_of
from scoring.results import q2

__all__ = [
    "CODE_RE",
    "describe",
    "esc",
    "jump",
    "on_callback",
    "on_text",
    "refresh_cards",
    "save",
    "start",
]
MAX_EXPLANATION = 2000
ANSWER_ACTIONS = frozenset({"a", "na", "nd", "t"})  # buttons that change an answer
REFRESHED_CARDS = 5  # live cards edited when the unit is submitted or withdrawn


# ------------------------------------------------------------------ entry points


async def start(ctx: Ctx, code: str | None = None) -> None:
    """/score: resume at the remembered item (or the first unanswered one); /score CODE:
    open that criterion as a typed jump does (a field opens at its first unanswered
    criterion, an unknown code is said so, never silently replaced by another card)."""
    if code is not None and await jump(ctx, code):
        return
    view = await _officer_view(ctx)
    if view is None:
        return
    if code is not None:  # not shaped like a code at all ("/score abc")
        ctx.say("⚠️ " + ctx.tr("There is no criterion %(code)s.", code=code.strip()[:20]))
    item = _item_or_none(view, ctx.state.item)
    if item is None:
        item = _next_unanswered(view, None)
    if item is None:
        done = ctx.tr("Every criterion has an answer. Check /progress, then /submit.")
        ctx.say(read_only_line(ctx, view) or done)
        return
    _show_card(ctx, view, item)


async def jump(ctx: Ctx, code: str) -> bool:
    """A typed item code ("1.2.3", "#1.2.3", "đi 1.2.3") opens that item; False when the text
    is not an item code."""
    code = walk_input.jump_code(code) or code
    if not CODE_RE.match(code):
        return False
    view = await _officer_view(ctx)
    if view is None:
        return True
    node = view.catalog.item(code.strip())
    if node is None:
        ctx.say(
            "⚠️ "
            + ctx.tr("There is no criterion %(code)s.", code=code.strip()[:20])
            + "\n"
            + ctx.tr("Type a code like 1.2.3, or tap ☰ Fields."),
            buttons=((Button(ctx.tr("☰ Fields"), FieldList(view.unit.id).pack()),),),
        )
        return True
    leaves = view.answerable(node)
    if not leaves and any(not x.is_survey for x in node.leaves()):
        ctx.say(ctx.tr("%(code)s does not apply to your unit.", code=node.code))
        return True
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
    """Typed input while a card is open, read by one grammar (see conversations.walk_input).
    False when the walk is not waiting for anything."""
    mode = ctx.state.mode
    if mode not in WALK_MODES:
        return False
    view = await _officer_view(ctx)
    if view is None:
        return True
    item = _item_or_none(view, ctx.state.item)
    if item is None:
        ctx.state.mode = None
        return False
    target = walk_input.jump_code(text)
    bare = text.strip()
    if (
        target is None
        and mode != Mode.EXPLAIN
        and (view.catalog.item(bare) is not None or bare.count(".") >= 2)
        and walk_input.bare_code_jumps(item, bare, awaiting_answer=mode in (Mode.WALK, Mode.DEN))
    ):
        target = bare
    if target is not None:
        return await jump(ctx, target)
    if mode != Mode.EXPLAIN and walk_input.asks(text):  # a question, not the thing awaited
        return await _question_meanwhile(ctx, view, item, text, mode)
    if mode != Mode.EXPLAIN and walk_input.is_later(text):  # typed “Để sau ▶”
        _show_card(ctx, view, _next_unanswered(view, item) or _neighbour(view, item, +1))
        return True
    if mode == Mode.EXPLAIN:
        await _save_explanation(ctx, view, item, text)
        return True
    if mode in (Mode.NEED, Mode.EVIDENCE):
        await _not_an_answer(ctx, view, item, text, mode)
        return True
    if item.kind not in walk_input.WORDY_KINDS:
        text = walk_input.numeric_text(text)  # "2 cuộc" → "2", "9 trên 10" → "9/10"
    if mode == Mode.DEN and "/" not in text:
        await _denominator(ctx, view, item, text)
        return True
    fraction = item.kind == "ratio" or (
        item.answer is not None and item.answer.denominator is not None
    )
    if fraction and "/" not in text and "%" not in text and not is_na_text(text):
        _numerator(ctx, view, item, text)
        return True
    try:
        answer = parse_answer(item, text)
        if fraction and answer.num is not None and answer.den is not None:
            walk_input.whole_count(answer.num)
            walk_input.whole_count(answer.den)
    except AnswerError as err:
        _refuse(ctx, view, item, err, text)
        return True
    ctx.state.num = None
    await save_checked(ctx, view, item, answer, _seen_rev(ctx))
    return True


async def _question_meanwhile(ctx: Ctx, view: UnitView, item: Item, text: str, mode: Mode) -> bool:
    """A deadline question typed while a card waits: answered, and the card still waits (a
    question was once saved as the criterion's explanation, or refused as "not a date").
    A card that takes no answer now (submitted, published) is not said to wait."""
    if read_only_line(ctx, view) is not None:
        return await deadlines.maybe_answer(ctx, text)
    if mode in (Mode.NEED, Mode.EVIDENCE):
        still = N_(
            "↩️ %(code)s still needs evidence or an explanation; type “later” to leave it "
            "for now or “cancel” to stop."
        )
    else:
        still = N_(
            "↩️ %(code)s is still waiting for your answer; type “later” to leave it for now "
            "or “cancel” to stop."
        )
    return await deadlines.maybe_answer(ctx, text, then=ctx.tr(still, code=item.code))


async def _not_an_answer(ctx: Ctx, view: UnitView, item: Item, text: str, mode: Mode) -> None:
    """Text while the walk waits for a file or an explanation: a long sentence is taken as the
    explanation, anything else is told what is awaited."""
    if mode == Mode.NEED and len(text.strip()) >= 15 and " " in text.strip():
        await _save_explanation(ctx, view, item, text)
        return
    if mode == Mode.NEED:
        msg = ctx.tr(
            "%(code)s needs evidence or an explanation. Send the file, or tap "
            "“Write an explanation”.",
            code=item.code,
        )
    else:
        msg = ctx.tr(
            "Please send the evidence file (PDF) for %(code)s here, or tap “Write an explanation”.",
            code=item.code,
        )
    ctx.say(msg, buttons=_need_buttons(ctx, view, item))


def _numerator(ctx: Ctx, view: UnitView, item: Item, text: str) -> None:
    """The first half of a ratio typed alone: remember it and ask for the denominator."""
    try:
        num = walk_input.whole_count(parse_number(text, integer_grouping=True))
        if num < 0:
            raise AnswerError(N_("numbers in a ratio cannot be negative"))
    except AnswerError as err:
        _refuse(ctx, view, item, err, text)
        return
    ctx.state.mode, ctx.state.num = Mode.DEN, num
    label = item.answer.denominator if item.answer and item.answer.denominator else ""
    ctx.say(
        ctx.tr(
            "Numerator: %(num)s. Now the denominator — %(label)s:",
            num=ctx.num(num),
            label=esc(label),
        )
        + "\n"
        + walk_input.hint(ctx)
    )


# ------------------------------------------------------------------ callbacks


async def on_callback(ctx: Ctx, parts: list[str]) -> None:
    """Buttons of the walk: a:<unit>:<item>:<option>:<rev>, na/nd:<unit>:<item>:<rev>,
    t:<unit>:<item>:<rev> (confirm a typed change), g/p/n/x/e:<unit>:<item>, fl/f.

    ``rev`` is the revision of the card the button was drawn on (walk_cards); buttons drawn
    before revisions existed have none and are treated as old."""
    kind = parts[0]
    try:
        unit_id = int(parts[1])
    except (IndexError, ValueError):
        return _stale(ctx)
    if not ctx.has_role("officer", unit_id):
        ctx.toast(ctx.tr("You cannot answer for this unit."), alert=True)
        return
    ctx.state.unit_id = unit_id
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
        leaves = view.answerable(field)
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
    locked = read_only_line(ctx, view)
    if kind in ANSWER_ACTIONS and locked is not None:  # an answer button from before /submit
        ctx.toast(locked)
        return _show_card(ctx, view, item)  # the pressed card becomes read only, in place
    if kind == "t":
        return await _confirm_typed(ctx, view, item, parts)
    if kind == "p":
        return _show_card(ctx, view, _neighbour(view, item, -1))
    if kind == "n":
        nxt = _next_unanswered(view, item) or _neighbour(view, item, +1)
        return _show_card(ctx, view, nxt)
    if kind == "x":
        ctx.state.mode, ctx.state.item = Mode.EXPLAIN, item.code
        ctx.say(
            ctx.tr(
                "Write the explanation (giải trình) for %(code)s in one message: what was "
                "done and why the points are claimed.",
                code=item.code,
            )
        )
        return
    if kind == "e":
        ctx.state.mode, ctx.state.item = Mode.EVIDENCE, item.code
        ctx.say(
            ctx.tr(
                "Send the evidence file (signed PDF) for %(code)s now. You can also put "
                "the code at the start of the caption, e.g. “%(code)s Kế hoạch…”.",
                code=item.code,
            )
        )
        return
    answer, rev = _button_answer(ctx, item, kind, parts)
    if answer is None:
        if kind == "a":
            ctx.toast(ctx.tr("This button is out of date; the card is shown again."))
            return _show_card(ctx, view, item)
        return _stale(ctx)
    await save_checked(ctx, view, item, answer, rev)


def _button_answer(
    ctx: Ctx, item: Item, action: str, parts: list[str]
) -> tuple[Answer | None, int | None]:
    """The answer a pressed answer button stands for (checked against the buttons the item's
    kind offers now), and the card revision the button carries."""
    if action == "na":
        ok = item.na is not None
        return (Answer(na=True) if ok else None), walk_cards.parse_rev(_part(parts, 3))
    kind, spec = kind_of(item)
    for b in kind.buttons(ctx, item, spec):
        if b.action != action:
            continue
        if b.arg is None:
            rev = _part(parts, 3)
        elif _part(parts, 3) == str(b.arg):
            rev = _part(parts, 4)
        else:
            continue
        if action == "nd":
            return Answer(done=False), walk_cards.parse_rev(rev)
        if action == "a" and b.arg is not None:
            option = spec.options[b.arg]
            answer = Answer(na=True) if option.na else Answer(option=option.id)
            return answer, walk_cards.parse_rev(rev)
    return None, None


def _part(parts: list[str], n: int) -> str | None:
    return parts[n] if len(parts) > n else None


def _seen_rev(ctx: Ctx) -> int | None:
    """The revision of the card the person was typing at (None if not known)."""
    return ctx.state.rev


async def _confirm_typed(ctx: Ctx, view: UnitView, item: Item, parts: list[str]) -> None:
    """ "Change" under the question about a typed answer: the answer waits in the state."""
    pending = ctx.state.pending
    if pending is None or pending.code != item.code:
        ctx.toast(ctx.tr("This button is out of date; here is where you are."))
        return _show_card(ctx, view, item)
    try:
        answer = Answer.from_json(pending.value)
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return _show_card(ctx, view, item)
    await save_checked(ctx, view, item, answer, walk_cards.parse_rev(_part(parts, 3)))


# ------------------------------------------------------------------ saving


async def save_checked(
    ctx: Ctx, view: UnitView, item: Item, answer: Answer, seen_rev: int | None
) -> None:
    """Save, unless that would replace an answer the person did not see (an old button, or a
    card drawn before someone else answered): then show what is saved and ask first."""
    if not walk_cards.needs_confirmation(view, item.code, seen_rev, answer.to_json()):
        await save(ctx, view, item, answer)
        return
    if not _editable(ctx, view):
        return
    row = view.answers[item.code]
    current = view.answer(item.code)
    by = None
    if row.updated_by not in (None, ctx.person.id):
        other = await ctx.uow.people.get(row.updated_by)
        by = other.full_name if other is not None else None
    rev = walk_cards.revision(view, item.code)
    u, i = view.unit.id, view.item_id(item.code)
    pressed = unpack(ctx.event.callback_data or "") if ctx.is_callback else None
    if isinstance(pressed, WalkAnswer | WalkMark | WalkTyped):  # the same button, this revision
        data = replace(pressed, rev=rev).pack()
        walk_cards.forget_message(ctx.state, ctx.event.message_id)
    else:
        data = WalkTyped(u, i, rev).pack()
        ctx.state.pending = PendingAnswer(item.code, answer.to_json())
    ctx.say(
        walk_cards.ask_text(
            ctx,
            item.code,
            esc(describe(ctx, item, current)) if current else "—",
            ctx.num(row.points) if row.points is not None else "—",
            esc(by) if by else None,
            esc(describe(ctx, item, answer)),
        ),
        buttons=walk_cards.ask_buttons(ctx, data, WalkNav("g", u, i).pack()),
        edit=ctx.is_callback,
    )


async def save(ctx: Ctx, view: UnitView, item: Item, answer: Answer) -> None:
    """Write one answer with its audit row, tell whoever it overwrote, then show the next card.

    A typed answer also refreshes the item's live card in place, so it never goes on saying
    "Not answered yet"; a pressed button's own message becomes the summary and the next card."""
    if not _editable(ctx, view):
        return
    score = score_answer(item, answer)
    item_id = view.item_id(item.code)
    before = view.answers.get(item.code)
    prev_by = before.updated_by if before is not None else None
    row, _prev = await ctx.uow.answers.save_seen(
        before, view.unit.id, item_id, answer.to_json(), score.points, ctx.person.id, "chat"
    )
    view.answers[item.code] = row
    ctx.state.pending = None
    live_card = walk_cards.card_message(ctx.state, item.code)
    if ctx.is_callback:  # the pressed message becomes the summary (and maybe the next card)
        walk_cards.forget_message(ctx.state, ctx.event.message_id)
    if before is not None and prev_by not in (None, ctx.person.id) and _prev != row.version:
        await _tell_overwritten(ctx, view, item, prev_by, row.version)
    _saved_reply(ctx, view, item, answer, score.points if score.applicable else None)
    if live_card is not None and not (ctx.is_callback and live_card == ctx.event.message_id):
        _edit_card_above(ctx, view, item, live_card, live=True)  # shows the answer just saved
    if ctx.state.item == item.code:
        ctx.state.rev = walk_cards.revision(view, item.code)


def _saved_reply(
    ctx: Ctx, view: UnitView, item: Item, answer: Answer, points: Decimal | None
) -> None:
    """The summary of a saved answer, then what is needed next (evidence, an explanation, the
    next unanswered card, or the end of the walk)."""
    summary = ctx.tr(
        "✅ Saved %(code)s: %(value)s → %(points)s points.",
        code=item.code,
        value=describe(ctx, item, answer),
        points=ctx.num(points) if points is not None else ctx.tr("not counted"),
    )
    has_file = view.evidence_counts.get(item.code, 0) > 0
    if needs_explanation(item, answer, has_file) and item.code not in view.explanations:
        ctx.state.mode, ctx.state.item = Mode.NEED, item.code
        if kind_of(item)[0].explained:
            ctx.state.mode = Mode.EXPLAIN
            ctx.say(
                summary
                + "\n"
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
            + "\n"
            + ctx.tr(
                "📎 It needs evidence (%(evidence)s): send the file now, or write an explanation.",
                evidence=item.evidence or "—",
            ),
            buttons=_need_buttons(ctx, view, item),
            edit=ctx.is_callback,
        )
        return
    nxt = _next_unanswered(view, item)
    if nxt is None:
        ctx.state.mode, ctx.state.item = None, item.code
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
    view.explanations[item.code] = await ctx.uow.answers.set_explanation(
        view.unit.id, view.item_id(item.code), text, ctx.person.id
    )
    live_card = walk_cards.card_message(ctx.state, item.code)
    if live_card is not None:
        _edit_card_above(ctx, view, item, live_card, live=True)  # "✍️ Explanation given"
    summary = ctx.tr("✅ Explanation saved for %(code)s.", code=item.code)
    nxt = _next_unanswered(view, item)
    if nxt is None:
        ctx.state.mode = None
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
    num = ctx.state.num
    if num is None:
        ctx.state.mode = Mode.WALK
        return _show_card(ctx, view, item)
    try:
        den = walk_input.whole_count(parse_number(text, integer_grouping=True))
        answer = validate_ratio(num, den)
    except AnswerError as err:
        ctx.say(
            ctx.tr(
                "⚠️ %(problem)s. Type the denominator again — %(label)s:",
                problem=ctx.problem(err.message, err.params),
                label=esc(item.answer.denominator or "") if item.answer else "",
            )
        )
        return
    ctx.state.num = None
    await save_checked(ctx, view, item, answer, _seen_rev(ctx))


# ------------------------------------------------------------------ cards


def _show_card(ctx: Ctx, view: UnitView, item: Item, prefix: str | None = None) -> None:
    """Show ``item``'s card: in the pressed message (a button) or as a new message whose id
    comes back after delivery; either way it becomes the item's one live card."""
    st = ctx.state
    st.mode, st.item, st.unit_id = Mode.WALK, item.code, view.unit.id
    st.rev = walk_cards.revision(view, item.code)
    ctx.state.num = None
    text = card_text(ctx, view, item)
    if prefix:
        text = prefix + "\n\n" + text
    buttons = card_buttons(ctx, view, item)
    older = walk_cards.card_message(ctx.state, item.code)
    if ctx.is_callback and ctx.event.message_id is not None:
        walk_cards.note_card(ctx.state, item.code, ctx.event.message_id)
        ctx.say(text, buttons=buttons, edit=True)
    else:
        ctx.say(text, buttons=buttons, tag=walk_cards.CARD_TAG + item.code)
    if older is not None and older != ctx.event.message_id:
        _edit_card_above(ctx, view, item, older, live=False)  # the new card takes over


def _edit_card_above(ctx: Ctx, view: UnitView, item: Item, message_id: int, *, live: bool) -> None:
    """Edit an earlier message showing ``item``'s card: refreshed with its buttons (``live``),
    or without them when a newer card of the item takes over, so one card per item answers.
    If that message cannot be edited any more, nothing is sent instead."""
    buttons = card_buttons(ctx, view, item) if live else ()
    ctx.say(card_text(ctx, view, item), buttons=buttons, edit_message_id=message_id, edit_only=True)


def card_text(ctx: Ctx, view: UnitView, item: Item) -> str:
    walk = view.walk
    pos = (view.walk_index(item.code) or 0) + 1
    got, total = view.self_points()
    field_code = view.catalog.field_of(item.code)
    field = view.catalog.item(field_code) if field_code else None
    lines: list[str] = []
    if field is not None:
        lines.append(fmt("<i>%(code)s. %(title)s</i>", code=field.code, title=field.title))
    lines.append(fmt("<b>%(code)s · %(title)s</b>", code=item.code, title=item.title))
    lines.append(ctx.tr("Max points: %(max)s", max=ctx.num(item.max)))
    lines.append(ctx.tr("Scoring: %(rule)s", rule=esc(item.rule or rule_text(ctx, item))))
    if item.zero_unless:
        lines.append(ctx.tr("⚠️ 0 points while %(code)s scores 0.", code=esc(item.zero_unless)))
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
    locked = read_only_line(ctx, view)
    if locked is not None:
        lines.append(locked)
        return join_lines(lines)
    lines.append("👉 " + prompt(ctx, item))
    options = option_buttons(ctx, item)
    if any(text != whole for _, text, whole in options):  # a button shows only part of it
        lines += [whole for _, _, whole in options]
    lines.append(walk_input.hint(ctx))
    return join_lines(lines)


def read_only_line(ctx: Ctx, view: UnitView) -> str | None:
    """Why the unit's answers cannot change now (submitted, published) and what can be done,
    in one line; None while they can. A card then shows the answer with navigation only."""
    if view.period.published_at is not None:
        return ctx.tr(
            "🔒 The results of %(year)s are published (official), so nothing can change. "
            "Only Phòng Nội vụ can reopen them (/unpublish).",
            year=view.period.year,
        )
    if not view.locked:
        return None
    today = ctx.now.astimezone(ctx.config.tz).date()
    status = view.submission.status if view.submission is not None else ""
    if status == "submitted" and not view.past_deadline(today):
        return ctx.tr(
            "📤 Submitted: the answers are read only. To change one, /withdraw first "
            "(before the deadline)."
        )
    return ctx.tr(
        "📤 Submitted: the answers are read only. Phòng Nội vụ can reopen the unit if needed."
    )


def option_buttons(ctx: Ctx, item: Item) -> list[tuple[int, str, str]]:
    """A choice's options as (index, button text, whole line): the button keeps the number and
    the points and shortens the label at a word boundary (markup.button_text), so a long
    option never hides its points; the whole line is what the card shows above the buttons."""
    kind, spec = kind_of(item)
    out = []
    for b in kind.buttons(ctx, item, spec):
        if b.action != "a" or b.arg is None:
            continue
        o = spec.options[b.arg]
        name = o.label_en if ctx.locale == "en" and o.label_en else o.label
        tail = b.label[len(name) :].strip() if b.label.startswith(name) else ""
        head = f"{b.arg + 1}. {name if tail else b.label}"
        whole = f"{head} {tail}" if tail else head
        out.append((b.arg, button_text(head, tail), whole))
    return out


def prompt(ctx: Ctx, item: Item) -> str:
    kind, spec = kind_of(item)
    if item.kind == "choice":
        return ctx.tr("Tap an answer or type its number:")
    return esc(kind.prompt(ctx, item, spec))


def card_buttons(ctx: Ctx, view: UnitView, item: Item) -> tuple[tuple[Button, ...], ...]:
    """The card's buttons; answer buttons carry the card's revision, options are numbered
    (typing the number picks the option too), and an answered card moves on with "Next"."""
    u, i = view.unit.id, view.item_id(item.code)
    rows: list[tuple[Button, ...]] = []
    if read_only_line(ctx, view) is None:  # a submitted unit's card has navigation only
        rows += _answer_rows(ctx, view, item)
    onward = ctx.tr("Next ▶") if item.code in view.answers else ctx.tr("Later ▶")
    back, forward = WalkNav("p", u, i).pack(), WalkNav("n", u, i).pack()
    rows.append((Button(ctx.tr("◀ Back"), back), Button(onward, forward)))
    extra = [Button(ctx.tr("☰ Fields"), FieldList(u).pack())]
    if item.evidence:
        extra.append(Button(ctx.tr("📎 Evidence"), WalkNav("e", u, i).pack()))
    rows.append(tuple(extra))
    return tuple(rows)


def _answer_rows(ctx: Ctx, view: UnitView, item: Item) -> list[tuple[Button, ...]]:
    """The answer buttons, one to a row, each carrying the card's revision."""
    u, i = view.unit.id, view.item_id(item.code)
    rev = walk_cards.revision(view, item.code)
    kind, a = kind_of(item)
    texts = {n: text for n, text, _ in option_buttons(ctx, item)}
    rows: list[tuple[Button, ...]] = []
    for b in kind.buttons(ctx, item, a):
        label = texts.get(b.arg, b.label) if b.action == "a" and b.arg is not None else b.label
        if b.action == "a" and b.arg is not None:
            data = WalkAnswer(u, i, b.arg, rev).pack()
        else:  # "nd": not done yet
            data = WalkMark(cast(MarkKind, b.action), u, i, rev).pack()
        rows.append((Button(label, data),))
    if item.na is not None and not any(o.na for o in a.options):
        rows.append((Button(ctx.tr("Not applicable"), WalkMark("na", u, i, rev).pack()),))
    return rows


def refresh_cards(ctx: Ctx, view: UnitView) -> None:
    """Edit the person's most recent live cards in place after the unit was submitted or
    withdrawn, so none of them goes on offering answer buttons (or stays read only); older
    cards turn read only when one of their buttons is pressed."""
    cards = walk_cards.cards(ctx.state)
    for code, message_id in list(cards.items())[-REFRESHED_CARDS:]:
        item = _item_or_none(view, code)
        if item is not None:
            _edit_card_above(ctx, view, item, message_id, live=True)


def _need_buttons(ctx: Ctx, view: UnitView, item: Item) -> tuple[tuple[Button, ...], ...]:
    u, i = view.unit.id, view.item_id(item.code)
    return (
        (Button(ctx.tr("📎 Send the file"), WalkNav("e", u, i).pack()),),
        (Button(ctx.tr("✍️ Write an explanation"), WalkNav("x", u, i).pack()),),
        (Button(ctx.tr("Later ▶"), WalkNav("n", u, i).pack()),),
    )


def _field_list(ctx: Ctx, view: UnitView) -> None:
    rows = []
    for f in view.catalog.fields:
        leaves = view.answerable(f)
        if not leaves:
            continue
        done = sum(1 for x in leaves if x.code in view.answers)
        text = button_text(f"{f.code}. {ctx.title(f)}", f"({done}/{len(leaves)})")
        rows.append((Button(text, FieldOpen(view.unit.id, f.code).pack()),))
    extras = [x for top in (*view.catalog.bonus, *view.catalog.penalty) for x in top.leaves()]
    if extras:
        top = extras[0]
        rows.append(
            (
                Button(
                    ctx.tr("Bonus and penalty points"),
                    WalkNav("g", view.unit.id, view.item_id(top.code)).pack(),
                ),
            )
        )
    ctx.state.mode = Mode.WALK
    ctx.say(
        ctx.tr("Choose a field, or type an item code such as 1.2.3:"),
        buttons=tuple(rows),
        edit=ctx.is_callback,
    )


# ------------------------------------------------------------------ descriptions


def rule_text(ctx: Ctx, item: Item) -> str:
    """The item's scoring rule in words, as its kind states it."""
    kind, spec = kind_of(item)
    return kind.rule(ctx, item, spec)


def describe(ctx: Ctx, item: Item, answer: Answer) -> str:
    """The declared value in words, as the officer would say it."""
    if answer.na:
        return ctx.tr("Not applicable")
    if answer.option is not None and item.answer is not None:
        o = item.answer.option(answer.option)
        return o.label if o else answer.option
    if answer.num is not None and answer.den is not None:
        pct = "" if answer.den == 0 else f" ({ctx.num(q2(answer.num * 100 / answer.den))}%)"
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
    locked = read_only_line(ctx, view)
    if locked is not None:
        ctx.say(locked)
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


def _refuse(ctx: Ctx, view: UnitView, item: Item, err: AnswerError, text: str) -> None:
    """Two lines, no buttons (the card above keeps the only live answer buttons): what was
    wrong, and what to type — or how to jump when a code was typed where it reads as a number."""
    bare = text.strip()
    if CODE_RE.match(bare) and bare.count(".") >= 1 and view.catalog.item(bare) is not None:
        todo = walk_input.jump_hint(ctx, bare)
    else:
        todo = prompt(ctx, item)
    ctx.say(ctx.tr("⚠️ %(problem)s.", problem=ctx.problem(err.message, err.params)) + "\n" + todo)


def _stale(ctx: Ctx) -> None:
    ctx.toast(ctx.tr("This button is out of date. Type /score to continue."))
    ctx.state.mode = None


def _item_or_none(view: UnitView, code: object) -> Item | None:
    if not isinstance(code, str):
        return None
    item = view.catalog.item(code)
    ok = item is not None and item.is_leaf and not item.is_survey and view.applies(item)
    return item if ok else None


def _item_from_id(view: UnitView, raw: str) -> Item | None:
    try:
        item = view.item_by_id(int(raw))
    except ValueError:
        return None
    ok = item is not None and item.is_leaf and not item.is_survey and view.applies(item)
    return item if ok else None


def _neighbour(view: UnitView, item: Item, step: int) -> Item:
    walk = view.walk
    pos = view.walk_index(item.code) or 0
    return walk[(pos + step) % len(walk)]


def _next_unanswered(view: UnitView, item: Item | None) -> Item | None:
    walk = view.walk
    start = 0
    if item is not None and (pos := view.walk_index(item.code)) is not None:
        start = pos + 1
    for k in range(len(walk)):
        cand = walk[(start + k) % len(walk)]
        if cand.code not in view.answers:
            return cand
    return None
