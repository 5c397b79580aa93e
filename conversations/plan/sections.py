"""The plan's text as numbered sections, so a rule question can be answered by quoting it.

Officers ask more than dates: "do the evidence files have to be digitally signed?", "where does
the funding come from?". The plan answers some of these in its sections on evidence, funding
and organisation ("III. KINH PHÍ THỰC HIỆN", "IV. TỔ CHỨC THỰC HIỆN" …). Quoting the sentence
with its section number lets the officer check it in the document; paraphrasing would not.

Numbering follows the document: a Roman heading ("III") opens a part, Arabic numbers below it
("1.", "2.1") make "IV.1", "II.2.1". Table rows of the timeline are left out (their content is
the milestones).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conversations.plan.text import clean

_ROMAN = re.compile(r"^\s*#*\s*(?P<num>[IVX]{1,5})\s*[./)]\s+(?P<head>\S.*)$")
_ARABIC = re.compile(r"^\s*#*\s*(?P<num>\d{1,2}(?:\.\d{1,2}){0,2})\s*[./)]?\s+(?P<head>\S.*)$")
_TABLE_ROW = re.compile(r"\t|^\s*\|")
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ(\"“-])|(?<=[;])\s+")
_HEADING_MAX = 160


@dataclass(frozen=True)
class Section:
    """One numbered part of the plan: ``number`` as written ("III", "IV.1"), its heading and
    its body's sentences (the plan's words, markup removed)."""

    number: str
    heading: str
    sentences: tuple[str, ...]


def _sentences(line: str) -> list[str]:
    text = clean(line).lstrip("-•*+ ").strip()
    if not text:
        return []
    return [s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) > 3]


@dataclass
class _Open:
    number: str
    heading: str
    body: list[str]


def _number(roman: str, arabic: str | None) -> str:
    if not roman:
        return arabic or ""
    return f"{roman}.{arabic}" if arabic else roman


def split_sections(text: str) -> tuple[Section, ...]:
    """The plan's numbered sections in document order (text before the first one is left out).

    A numbered line whose text is long is a numbered paragraph, not a heading: its text is
    the section's first sentence(s), so "1.8. Thời gian thực hiện tự đánh giá: Tháng 01 năm
    2022." is quotable as section II.1.8.
    """
    out: list[Section] = []
    current: _Open | None = None
    roman = ""
    for raw in text.splitlines():
        if not raw.strip() or _TABLE_ROW.search(raw):
            continue
        line = clean(raw)
        found = _ROMAN.match(line)
        arabic = None if found else _ARABIC.match(line)
        if found or arabic:
            if current is not None:
                out.append(Section(current.number, current.heading, tuple(current.body)))
            if found:
                roman = found["num"]
                number, head = roman, found["head"]
            else:
                assert arabic is not None
                number, head = _number(roman, arabic["num"]), arabic["head"]
            head = head.strip().rstrip(":").strip()
            if len(head) > _HEADING_MAX:
                current = _Open(number, "", _sentences(head))
            else:
                current = _Open(number, head, [])
            continue
        if current is not None:
            current.body.extend(_sentences(line))
    if current is not None:
        out.append(Section(current.number, current.heading, tuple(current.body)))
    return tuple(s for s in out if s.heading or s.sentences)
