"""Card revisions and the one live card per item (issue 16, finding 1).

A card shows an item as it was when the card was drawn: its *revision* is the saved answer's
version counter (0 while unanswered). Every answer button carries that revision, so a press
from an older message, or on a card drawn before someone else answered, is recognised: instead
of silently replacing the saved answer the bot shows it and asks "Change it to …?".

The conversation state remembers which message shows which item's card (``cards``: item code →
Telegram message id), so after a typed answer the card is edited in place and never goes on
saying "Not answered yet". Ids of new messages are learnt after delivery through
:meth:`conversations.engine.ChatEngine.delivered` (replies tagged ``card:<code>``).
"""

from __future__ import annotations

from typing import Any

from conversations.context import Ctx
from conversations.flow_state import FlowState
from conversations.replies import Button
from conversations.unitview import UnitView

MAX_CARDS = 40  # remembered live cards per person (oldest forgotten first)
CARD_TAG = "card:"


def revision(view: UnitView, code: str) -> int:
    """The revision a card of ``code`` shows: the answer's version, 0 when unanswered."""
    row = view.answers.get(code)
    return int(row.version) if row is not None and row.version is not None else 0


def parse_rev(raw: str | None) -> int | None:
    """A revision from callback data; None for buttons drawn before revisions existed."""
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return None


def needs_confirmation(view: UnitView, code: str, seen: int | None, new: dict[str, Any]) -> bool:
    """True when saving ``new`` would replace an answer the person did not see on the card."""
    row = view.answers.get(code)
    if row is None or row.value == new:
        return False
    return seen != revision(view, code)


def cards(state: FlowState) -> dict[str, int]:
    """Every remembered live card (item code → message id), oldest first."""
    return dict(state.cards)


def card_message(state: FlowState, code: str) -> int | None:
    """The message that shows ``code``'s live card, if one is known."""
    return state.cards.get(code)


def forget_message(state: FlowState, message_id: int | None) -> None:
    """``message_id`` no longer shows a card (it became a summary or a question)."""
    if message_id is None:
        return
    state.cards = {k: v for k, v in state.cards.items() if v != message_id}


def note_card(state: FlowState, code: str, message_id: int) -> None:
    """``message_id`` now shows ``code``'s card (and no other item's)."""
    cards = {k: v for k, v in state.cards.items() if v != message_id and k != code}
    cards[code] = message_id
    state.cards = dict(list(cards.items())[-MAX_CARDS:])


def note_sent(state: FlowState, tag: str, message_id: int) -> None:
    """A tagged reply was delivered as ``message_id`` (called after the update's transaction)."""
    if tag.startswith(CARD_TAG):
        note_card(state, tag[len(CARD_TAG) :], message_id)


def ask_text(ctx: Ctx, code: str, current: str, points: str, by: str | None, new: str) -> str:
    """Two lines: what is saved now (and by whom), and the question."""
    if by:
        saved = ctx.tr(
            "%(code)s already has an answer: %(value)s → %(points)s points (saved by %(name)s).",
            code=code,
            value=current,
            points=points,
            name=by,
        )
    else:
        saved = ctx.tr(
            "%(code)s already has an answer: %(value)s → %(points)s points.",
            code=code,
            value=current,
            points=points,
        )
    return "⚠️ " + saved + "\n" + ctx.tr("Change it to “%(new)s”?", new=new)


def ask_buttons(ctx: Ctx, change: str, keep: str) -> tuple[tuple[Button, ...], ...]:
    """Change (carrying the current revision) / Keep (shows the card as it is)."""
    return ((Button(ctx.tr("Change"), change), Button(ctx.tr("Keep"), keep)),)
