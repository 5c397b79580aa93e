"""The primitives of declared values: what an answer is, what it scores, and the forgiving
readers of numbers and dates that every answer kind shares.

Officers type on phones in Vietnamese conventions ("3,5", "16/3/2024", "1.250/1.300", "không áp
dụng"), so parsing is forgiving about form but strict about meaning.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from scoring.i18n import N_

MAX_NUMBER = Decimal("1000000000")


class AnswerError(ValueError):
    """A value the officer typed that cannot be an answer to this item."""

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)


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


def _fold_char(c: str) -> str:
    if c in "đĐ":
        return "d"
    low = c.lower()
    if len(low) != 1:
        low = c
    return unicodedata.normalize("NFD", low)[0]


def fold_chars(text: str) -> str:
    """Lowercase without diacritics (đ → d), one output character per NFC input character, so
    an index found in the folded text is the same index in the NFC text (the plan and catalog
    readers quote the original wording by it)."""
    return "".join(_fold_char(c) for c in unicodedata.normalize("NFC", text))


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d) and squeeze spaces, for lenient matching
    of what people type (:func:`fold_chars`, trimmed and with runs of spaces made one)."""
    return re.sub(r"\s+", " ", fold_chars(text.strip()))


_NA_WORDS = {"na", "n/a", "khong ap dung", "kad", "not applicable", "khong phat sinh", "kps"}
NOT_DONE = {"khong", "chua", "no", "not done", "chua thuc hien", "khong thuc hien", "none"}


def is_na_text(text: str) -> bool:
    return fold(text) in _NA_WORDS


def parse_number(text: str, *, integer_grouping: bool = False) -> Decimal:
    """Parse "3,5", "3.5", "-0" or (for counts) "1.250" meaning one thousand two hundred fifty."""
    s = text.strip().replace(" ", "").replace("\u00a0", "")
    if integer_grouping and re.fullmatch(r"\d{1,3}([.,]\d{3})+", s):
        s = re.sub(r"[.,]", "", s)
    s = s.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", s):
        raise AnswerError(N_("'%(text)s' is not a number"), text=clip(text))
    try:
        value = Decimal(s)
    except InvalidOperation as exc:
        raise AnswerError(N_("'%(text)s' is not a number"), text=clip(text)) from exc
    if abs(value) > MAX_NUMBER:
        raise AnswerError(N_("%(text)s is too large"), text=clip(text))
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
                N_("'%(text)s' is not a date; write it like 16/3/2024"), text=clip(text)
            )
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    try:
        return date(y, mo, d)
    except ValueError as exc:
        raise AnswerError(N_("'%(text)s' is not a real date"), text=clip(text)) from exc


def clip(text: str, limit: int = 40) -> str:
    """``text`` on one line in at most ``limit`` characters, cut at a word boundary and ended
    with "…" — so a title reads "…và thực hiện…", never "…và thực hi". A single word longer
    than the limit is cut inside it (there is no boundary to use). Works on plain text: clip
    before escaping, never Html."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    head = text[: limit - 1]
    cut = head.rfind(" ")
    if cut > 0 and text[limit - 1] != " ":
        head = head[:cut]
    return head.rstrip(" ,;:.–—-") + "…"
