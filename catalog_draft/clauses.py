"""A rule's text cut into clauses "condition: points", as appendices write them.

"Có: 0,5 điểm; Không: 0 điểm", "Từ 80% đến dưới 100%: 0,5 điểm", "Ban hành sau thời hạn được
0,25 điểm", "Đạt: điểm tối đa". Matching runs on the folded text (same length as the original),
so every clause keeps its original wording for the option label and the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from catalog_draft.numbers import to_decimal
from conversations.plan.text import nfc
from scoring.values import fold_chars

NUM = r"\d+(?:[.,]\d+)?"
_SPLIT = re.compile(r";|\n|\.\s+(?=[-+•*]?\s*[A-ZĐÀ-Ỹ])")
_POINTS = re.compile(
    rf"(?P<num>{NUM})\s*(?:diem|d)\b|(?P<max>diem toi da|toi da so diem|du so diem)"
    r"|(?P<zero>khong (?:duoc |tinh |cho )*diem)"
    rf"|[:=\-–]\s*(?P<bare>{NUM})\s*$"
)
_TAIL = re.compile(r"(?:[\s:=\-–—,.(]+|\b(?:thi|duoc|cho|tinh|cong|tru|bi|la|se)\b)$")
_BULLET = re.compile(r"^\s*(?:[-+•*]|[a-zđ]\)|\d+\))\s*")


@dataclass(frozen=True)
class Clause:
    label: str  # the condition, original wording ("Từ 80% đến dưới 100%")
    folded: str  # the condition folded ("tu 80% den duoi 100%")
    points: Decimal | None  # None: the clause names no points
    is_max: bool  # "điểm tối đa"
    text: str  # the whole clause, original wording


def split_clauses(rule: str) -> list[Clause]:
    text = nfc(rule)
    out: list[Clause] = []
    for raw in _SPLIT.split(text):
        part = _BULLET.sub("", raw).strip(" .")
        if part:
            out.append(_clause(part))
    return out


def _clause(part: str) -> Clause:
    folded = fold_chars(part)
    matches = list(_POINTS.finditer(folded))
    if not matches:
        return Clause(part, folded, None, False, part)
    last = matches[-1]
    label_end = last.start()
    label = part[:label_end]
    label_folded = folded[:label_end]
    while (cut := _TAIL.search(label_folded)) is not None and cut.start() > 0:
        label, label_folded = label[: cut.start()], label_folded[: cut.start()]
    if last.group("max"):
        return Clause(label.strip(), label_folded.strip(), None, True, part)
    if last.group("zero"):
        return Clause(label.strip(), label_folded.strip(), Decimal(0), False, part)
    number = last.group("num") or last.group("bare")
    return Clause(label.strip(), label_folded.strip(), to_decimal(number), False, part)


def scored(clauses: list[Clause], maxp: Decimal | None) -> list[tuple[Clause, Decimal]]:
    """The clauses that give points, with "điểm tối đa" read as the item's max."""
    out = []
    for c in clauses:
        if c.is_max and maxp is not None:
            out.append((c, maxp))
        elif c.points is not None:
            out.append((c, c.points))
    return out


_SCORED_END = re.compile(r"(?:điểm|đ|\d)\.?$")
_BULLET_START = re.compile(r"^(?:[-+•*–]\s|[a-zđ]\)\s|\d+\)\s)")


def glue(before: str, after: str) -> str:
    """How two pieces of one cell's text join: a new clause when the first ends with points
    ("… 1,25 điểm" / "Xử lý từ 80% …") or the second is a bullet, else a wrapped line."""
    if not before:
        return after
    if _BULLET_START.match(after) or (_SCORED_END.search(before) and after[:1].isupper()):
        return f"{before}\n{after}"
    return f"{before} {after}"


def join_wrapped(lines: list[str]) -> str:
    """A PDF cell's visual lines back into its text (a PDF wraps a sentence anywhere)."""
    out = ""
    for line in lines:
        out = glue(out, line)
    return out


_NO_CASE = re.compile(r"khong (?:co|phat sinh)|khong ap dung")


def zero_denominator(clauses: list[Clause], maxp: Decimal) -> str | None:
    """What "no cases" scores when the rule says so: full points, zero, or not applicable."""
    for c in clauses:
        if not _NO_CASE.search(c.folded):
            continue
        if c.is_max or (c.points is not None and c.points == maxp):
            return "full"
        if c.points == 0:
            return "zero"
        if "khong ap dung" in fold_chars(c.text):
            return "na"
    return None
