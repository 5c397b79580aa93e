"""What every kind reader needs about the leaf: its max, section, title, the year."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from catalog_draft.model import Guess, Note, Section
from conversations.plan.text import nfc
from scoring.values import fold_chars

STEPS = (Decimal("0.25"), Decimal("0.125"), Decimal("0.05"), Decimal("0.01"))


@dataclass(frozen=True)
class RuleContext:
    maxp: Decimal
    section: Section
    title: str
    year: int | None
    survey_hint: str | None = None


def manual(maxp: Decimal, phrase: str, *notes: Note) -> Guess:
    """Points typed by the officer (with an explanation), in steps that divide the max."""
    step = next((s for s in STEPS if maxp > 0 and maxp % s == 0), Decimal("0.001"))
    return Guess("manual", {"kind": "manual", "step": step}, phrase, review=list(notes))


def ratio_labels(title: str) -> tuple[str, str]:
    """'Tỷ lệ hồ sơ TTHC giải quyết đúng hạn' → ('Số hồ sơ TTHC giải quyết đúng hạn', 'Tổng
    số hồ sơ TTHC'): the officer types the two counts the rule divides."""
    head = re.match(r"^\s*(?:tỷ lệ|tỉ lệ)\s*(?:%\s*)?", nfc(title).strip(), flags=re.IGNORECASE)
    text = nfc(title).strip()[head.end() :].rstrip(" .:") if head is not None else ""
    if not text:
        return "Số đạt yêu cầu", "Tổng số phải thực hiện"
    text = text[0].lower() + text[1:] if not text[:2].isupper() else text
    f = fold_chars(text)
    m = re.search(r"\s(?:duoc|da|dung|co|giai quyet|thuc hien|dat|tiep nhan|xu ly|cong khai)\b", f)
    whole = text[: m.start()] if m is not None else text
    return f"Số {text}"[:120], f"Tổng số {whole}"[:120]


def count_label(title: str) -> str:
    text = title.strip().rstrip(".:")
    return text if fold_chars(text).startswith("so ") else f"Số lượng — {text}"[:120]
