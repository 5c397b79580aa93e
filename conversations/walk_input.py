"""One grammar for what an officer types while a card is open (issue 16, finding 2).

The same words mean the same thing on every card, so a phone user never has to guess:

* ``#1.2.3``, ``đi 1.2.3`` or ``go 1.2.3`` jumps to a criterion, everywhere;
* a bare code jumps only where it cannot be an answer (a choice or date card, never a number,
  ratio or points card, where "1.3" is a number);
* on a choice card a number picks that option;
* ``hủy`` / ``cancel`` leaves whatever prompt is open (like /cancel);
* counts (a ratio's numerator and denominator) are whole numbers.
"""

from __future__ import annotations

import re
from decimal import Decimal

from conversations.context import Ctx
from conversations.plan.questions import is_question
from scoring.answers import AnswerError, fold, parse_answer
from scoring.catalog import Item
from scoring.i18n import N_

CODE_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9A-Za-z]+)*|[A-Za-z]\.[0-9]+(?:\.[0-9A-Za-z]+)*)\s*$")
_JUMP_RE = re.compile(r"^\s*(?:#|(?:di|go)\s+)\s*(\S+)\s*$")
_CANCEL_WORDS = frozenset({"huy", "cancel", "/huy"})
_LATER_WORDS = frozenset({"de sau", "bo qua", "tiep", "tiep theo", "later", "skip", "next"})
# kinds whose typed answers are words or dates: only there can a bare code be told from an answer;
# on every other card (number, ratio, points, …) "1.3" or "2.2.1" reads as a (bad) number
WORDY_KINDS = frozenset({"choice", "date"})


def is_cancel(text: str) -> bool:
    """``hủy`` (with or without diacritics) or ``cancel``: leave the open prompt."""
    return fold(text) in _CANCEL_WORDS


def is_later(text: str) -> bool:
    """``để sau``, ``bỏ qua``, ``tiếp`` (or later, skip, next), as the card's “Để sau ▶”
    button: leave this criterion for now and open the next one to answer."""
    return fold(text).strip(" .!▶>") in _LATER_WORDS


_INTERROGATIVE = (
    r"(?:khi nao|bao gio|luc nao|hom nao|ngay nao|thang nao|con may ngay|con bao lau"
    r"|when|how long)"
)
_ASKING = re.compile(rf"^{_INTERROGATIVE}\b|\b{_INTERROGATIVE}$")
"""A question's interrogative at its start or end (folded): "khi nào hết hạn…", "…là ngày
nào". An explanation is a statement: it may begin "Hạn nộp báo cáo là 15/3…", not so."""


def asks(text: str) -> bool:
    """Whether text typed while the walk waits for an answer, a file or an explanation is a
    question about the plan ("khi nào hết hạn nộp báo cáo?") rather than the thing awaited:
    ``is_question`` and either a question mark at the end or an interrogative at the start
    or end. Stricter than ``is_question`` alone, which also matches statements that mention
    a deadline ("đã nộp báo cáo nhưng hết hạn"), which an explanation may well be."""
    stripped = text.strip()
    if not (stripped.endswith("?") or _ASKING.search(fold(stripped).rstrip(" .!"))):
        return False
    return is_question(stripped)


_NUMBER = r"[-+]?\d[\d.,]*"
_WORDS = r"[^\W\d_][^\d/%]*"
_RATIO_IN_WORDS = re.compile(rf"({_NUMBER})\s*(?:/|tren|out of|of)\s*({_NUMBER})(?:\s+{_WORDS})?")
_NUMBER_AND_WORDS = re.compile(rf"({_NUMBER})\s+{_WORDS}")


def numeric_text(text: str) -> str:
    """What an officer types at a number or ratio card, as the parser reads it: a number
    followed by what it counts ("2 cuộc", "5 văn bản") is the number, and "9 trên 10" (or
    "9 of 10", "9 / 10 nhiệm vụ") is 9/10; anything else is left as typed.  Only for
    cards whose answers are numbers: on a choice card "2 cuộc" may be an option's words."""
    folded = fold(text)
    ratio = _RATIO_IN_WORDS.fullmatch(folded)
    if ratio is not None:
        return f"{ratio[1]}/{ratio[2]}"
    counted = _NUMBER_AND_WORDS.fullmatch(folded)
    return counted[1] if counted is not None else text


def jump_code(text: str) -> str | None:
    """The code of an explicit jump (``#1.2.3``, ``đi 1.2.3``, ``go 1.2.3``), else None."""
    m = _JUMP_RE.match(fold(text))
    if m is None:
        return None
    code = text.strip()[-len(m[1]) :]  # the code as typed (case kept: "B.1")
    return code if CODE_RE.match(code) else None


def bare_code_jumps(item: Item, text: str, *, awaiting_answer: bool) -> bool:
    """Whether a bare code (``3.2``) typed on this card means "go there" rather than an answer.

    Only where it cannot be an answer: while no answer is awaited, or on a card whose answers
    do not read it (a choice card where it is no option number, a date card); never on a
    number card, where a code and a number look alike."""
    if not CODE_RE.match(text):
        return False
    if not awaiting_answer:
        return True
    kind = item.answer.kind if item.answer is not None else ""
    if kind not in WORDY_KINDS:
        return False
    try:
        parse_answer(item, text)
    except AnswerError:
        return True
    return False


def whole_count(value: Decimal) -> Decimal:
    """A count (a ratio's numerator or denominator) must be a whole number: "1,3" is refused."""
    if value != value.to_integral_value():
        raise AnswerError(N_("this is a count; give a whole number"))
    return value


def hint(ctx: Ctx) -> str:
    """The one short line every card ends with: how to jump and how to stop."""
    return ctx.tr("⌨️ Go to a criterion: #1.2.3 or “go 1.2.3” · stop: “cancel”")


def jump_hint(ctx: Ctx, code: str) -> str:
    """What to do when a code was typed where it reads as an answer."""
    return ctx.tr("To go to %(code)s, type #%(code)s.", code=code.strip()[:20])
