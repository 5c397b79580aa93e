"""Declared values (số liệu kê khai) and the points they earn.

Officers type on phones in Vietnamese conventions ("3,5", "16/3/2024", "1.250/1.300", "không áp
dụng"), so parsing is forgiving about form but strict about meaning: a value that would make the
points ambiguous is refused with a reason the chat can show.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from scoring.catalog import CENT, ZERO, Item, Option
from scoring.i18n import N_

MAX_NUMBER = Decimal("1000000000")


class AnswerError(ValueError):
    """A value the officer typed that cannot be an answer to this item."""

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)


@dataclass(frozen=True)
class OptionList:
    """The options of a choice, as a message names them: by number and label ("1 Đạt, 2 Chưa
    đạt"), never by their internal ids; :meth:`localized` gives the English labels."""

    options: tuple[Option, ...]

    def localized(self, locale: str) -> str:
        def label(o: Option) -> str:
            return o.label_en if locale == "en" and o.label_en else o.label

        return ", ".join(f"{i} {label(o)}" for i, o in enumerate(self.options, start=1))

    def __str__(self) -> str:
        return self.localized("vi")


@dataclass(frozen=True)
class Answer:
    """One declared value. Exactly one of the fields is meaningful, chosen by the item's kind."""

    na: bool = False
    option: str | None = None
    num: Decimal | None = None
    den: Decimal | None = None
    number: Decimal | None = None
    on: date | None = None
    done: bool = True
    points: Decimal | None = None

    def to_json(self) -> dict[str, Any]:
        if self.na:
            return {"na": True}
        if self.option is not None:
            return {"option": self.option}
        if self.num is not None and self.den is not None:
            return {"num": str(self.num), "den": str(self.den)}
        if self.number is not None:
            return {"number": str(self.number)}
        if not self.done:
            return {"done": False}
        if self.on is not None:
            return {"date": self.on.isoformat()}
        if self.points is not None:
            return {"points": str(self.points)}
        return {}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Answer:
        if data.get("na"):
            return cls(na=True)
        if "option" in data:
            return cls(option=str(data["option"]))
        if "num" in data:
            return cls(num=Decimal(data["num"]), den=Decimal(data["den"]))
        if "number" in data:
            return cls(number=Decimal(data["number"]))
        if data.get("done") is False:
            return cls(done=False)
        if "date" in data:
            return cls(on=date.fromisoformat(data["date"]))
        if "points" in data:
            return cls(points=Decimal(data["points"]))
        raise ValueError(f"unrecognised stored answer {data!r}")


@dataclass(frozen=True)
class Score:
    """Points earned by one leaf; ``applicable`` False means dropped from the max (na: exclude)."""

    points: Decimal
    applicable: bool = True


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d) and squeeze spaces, for lenient matching."""
    text = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", text)


_NA_WORDS = {"na", "n/a", "khong ap dung", "kad", "not applicable", "khong phat sinh", "kps"}
_NOT_DONE = {"khong", "chua", "no", "not done", "chua thuc hien", "khong thuc hien", "none"}


def is_na_text(text: str) -> bool:
    return fold(text) in _NA_WORDS


def parse_number(text: str, *, integer_grouping: bool = False) -> Decimal:
    """Parse "3,5", "3.5", "-0" or (for counts) "1.250" meaning one thousand two hundred fifty."""
    s = text.strip().replace(" ", "").replace("\u00a0", "")
    if integer_grouping and re.fullmatch(r"\d{1,3}([.,]\d{3})+", s):
        s = re.sub(r"[.,]", "", s)
    s = s.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", s):
        raise AnswerError(N_("'%(text)s' is not a number"), text=_clip(text))
    try:
        value = Decimal(s)
    except InvalidOperation as exc:
        raise AnswerError(N_("'%(text)s' is not a number"), text=_clip(text)) from exc
    if abs(value) > MAX_NUMBER:
        raise AnswerError(N_("%(text)s is too large"), text=_clip(text))
    return value


def parse_date(text: str) -> date:
    s = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", s)
        if not m:
            raise AnswerError(
                N_("'%(text)s' is not a date; write it like 16/3/2024"), text=_clip(text)
            )
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    try:
        return date(y, mo, d)
    except ValueError as exc:
        raise AnswerError(N_("'%(text)s' is not a real date"), text=_clip(text)) from exc


def _clip(text: str, limit: int = 40) -> str:
    text = text.strip().replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_answer(item: Item, text: str) -> Answer:
    """Turn what an officer typed (or a CSV cell) into an Answer, or explain why it cannot be."""
    spec = item.answer
    if spec is None:
        raise AnswerError(N_("item %(code)s is a group; answer its sub-items"), code=item.code)
    if spec.kind == "survey":
        raise AnswerError(
            N_("item %(code)s is filled from the survey, not self-scored"), code=item.code
        )
    if not text or not text.strip():
        raise AnswerError(N_("the answer is empty"))
    if is_na_text(text):
        if item.na is None:
            raise AnswerError(N_("item %(code)s does not allow 'not applicable'"), code=item.code)
        return Answer(na=True)
    folded = fold(text)
    if spec.kind == "choice":
        for i, o in enumerate(spec.options, start=1):
            if folded in (fold(o.id), fold(o.label), str(i)) or (
                o.label_en and folded == fold(o.label_en)
            ):
                return Answer(na=True) if o.na else Answer(option=o.id)
        choices = OptionList(spec.options)
        raise AnswerError(
            N_("'%(text)s' is not one of the choices (%(choices)s)"),
            text=_clip(text),
            choices=choices,
        )
    if spec.kind == "ratio":
        m = re.fullmatch(r"\s*([^/]+?)\s*(?:/|tren|of)\s*([^/]+?)\s*", folded)
        if not m:
            raise AnswerError(N_("write the ratio as numerator/denominator, e.g. 45/50"))
        num = parse_number(m[1], integer_grouping=True)
        den = parse_number(m[2], integer_grouping=True)
        return validate_ratio(num, den)
    if spec.kind == "number":
        value = parse_number(text, integer_grouping=spec.integer)
        if value < 0:
            raise AnswerError(N_("the number cannot be negative"))
        if spec.integer and value != value.to_integral_value():
            raise AnswerError(N_("this is a count; give a whole number"))
        return Answer(number=value)
    if spec.kind == "date":
        if folded in _NOT_DONE:
            return Answer(done=False)
        return Answer(on=parse_date(text))
    # manual
    value = parse_number(text)
    return Answer(points=validate_manual(item, value))


def validate_ratio(num: Decimal, den: Decimal) -> Answer:
    if num < 0 or den < 0:
        raise AnswerError(N_("numbers in a ratio cannot be negative"))
    if num > den:
        raise AnswerError(
            N_("the numerator (%(num)s) cannot exceed the denominator (%(den)s)"), num=num, den=den
        )
    return Answer(num=num, den=den)


def validate_manual(item: Item, value: Decimal) -> Decimal:
    assert item.answer is not None
    step = item.answer.step
    if value < 0 or value > item.max:
        raise AnswerError(N_("points must be between 0 and %(max)s"), max=item.max)
    if value % step != 0:
        raise AnswerError(N_("points must be a multiple of %(step)s"), step=step)
    return value.quantize(CENT)


def score_answer(item: Item, answer: Answer) -> Score:
    """Points for a declared value; the caller decides what an unanswered item is worth."""
    spec = item.answer
    assert spec is not None
    if answer.na:
        return Score(item.max, True) if item.na == "full" else Score(ZERO, False)
    kind = spec.kind
    if kind == "choice":
        opt = spec.option(answer.option or "")
        if opt is None:
            raise AnswerError(N_("unknown option %(id)s"), id=answer.option)
        if opt.na:
            return score_answer(item, Answer(na=True))
        return Score(opt.points)
    if kind == "ratio":
        if answer.num is None or answer.den is None:
            raise AnswerError(N_("a ratio answer needs numerator and denominator"))
        if answer.den == 0:
            if spec.zero_denominator == "full":
                return Score(item.max)
            if spec.zero_denominator == "zero":
                return Score(ZERO)
            return Score(ZERO, False)
        pct = answer.num * 100 / answer.den
        return Score(spec.band_points(pct))
    if kind == "number":
        if answer.number is None:
            raise AnswerError(N_("a number answer needs a value"))
        return Score(spec.band_points(answer.number))
    if kind == "date":
        if not answer.done or answer.on is None:
            return Score(ZERO)
        assert spec.deadline is not None
        return Score(spec.on_time if answer.on <= spec.deadline else spec.late)
    if kind == "manual":
        if answer.points is None:
            raise AnswerError(N_("a manual answer needs points"))
        return Score(min(max(answer.points, ZERO), item.max))
    raise AnswerError(
        N_("item %(code)s is filled from the survey, not self-scored"), code=item.code
    )


def needs_explanation(item: Item, answer: Answer, has_evidence: bool) -> bool:
    """Points claimed without the required evidence need a giải trình; manual points always do."""
    if item.answer is not None and item.answer.kind == "manual":
        return True
    if not item.evidence_required or has_evidence:
        return False
    s = score_answer(item, answer)
    return s.applicable and s.points > 0
