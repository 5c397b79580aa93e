"""What the appendix says around the table: its title, decision, year, board and classes.

The classification sentence ("Xuất sắc: từ 90 điểm trở lên; Tốt: từ 80 đến dưới 90 điểm …")
is usually a note under the table or a paragraph of the decision; it is read clause by clause
into the catalog's rules (min_index, min_field_pct, max_penalty).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from catalog_draft.model import ClassRuleDraft, Extras
from catalog_draft.numbers import to_decimal
from conversations.plan.text import nfc
from scoring.values import fold_chars

_TITLE = re.compile(r"^(?:bo chi so|bo tieu chi|chi so cai cach|tieu chi (?:danh gia|xac dinh))")
_TITLE_ANY = re.compile(r"bo chi so|bo tieu chi|xac dinh chi so")
_DECISION = re.compile(r"(?:Quyết định|QĐ)\s+số[^)\n]{3,160}", re.IGNORECASE)
_YEAR = re.compile(r"\bnam (20\d\d)\b")
BOARDS = (  # "cơ quan chuyên môn thuộc UBND huyện" is about departments, so they come first
    ("department", re.compile(r"co quan chuyen mon|cac phong|cac so|so, ban, nganh|cap phong")),
    ("commune", re.compile(r"cap xa|xa, phuong|cac xa|xa, thi tran|phuong, thi tran|ubnd xa")),
    ("district", re.compile(r"cap huyen|cac huyen|huyen, thi xa|quan, huyen|ubnd huyen")),
)
ABBREVIATIONS = ("CCHC", "UBND", "HĐND", "TTHC", "QĐ", "ĐTXHH")
_CLASS = re.compile(
    r"^\s*[-–•+*]?\s*(?:(?:xếp\s+)?loại\s+)?(?P<label>[^:;()\d]{2,60}?)\s*[:(–-]\s*(?P<cond>.*\d.*)$",
    re.IGNORECASE,
)
_CLASS_WORDS = re.compile(r"xuat sac|\btot\b|\bkha\b|trung binh|\byeu\b|\bkem\b|hoan thanh|\bdat\b")
_NUM = r"(\d+(?:[.,]\d+)?)"


def read_extras(texts: Iterable[str]) -> Extras:
    lines = [nfc(t).strip() for t in texts if t and t.strip()]
    extras = Extras()
    for line in lines:
        f = fold_chars(line)
        if extras.title is None and (_TITLE.match(f) or (_TITLE_ANY.search(f) and len(line) < 300)):
            extras.title = sentence_case(line)
        if extras.decision is None and (m := _DECISION.search(line)) is not None:
            extras.decision = m.group(0).strip(" .;,")
    source = nfc(" ".join(x for x in (extras.title, extras.decision) if x) or " ".join(lines[:5]))
    head = fold_chars(source)  # same length as source: a match's span quotes the original words
    if (m := _YEAR.search(head)) is not None:
        extras.year = int(m.group(1))
    named = [(b, m) for b, regex in BOARDS if (m := regex.search(head))]
    if named:
        extras.board, match = named[0]
        extras.board_phrase = source[match.start() : match.end()]
        extras.other_boards = [b for b, _ in named[1:] if b != "district"]
    extras.classification, extras.classification_phrase = classification(lines)
    return extras


def sentence_case(text: str) -> str:
    if not text.isupper():
        return text
    out = text[0] + text[1:].lower()
    for abbr in ABBREVIATIONS:
        out = re.sub(rf"\b{re.escape(abbr.lower())}\b", abbr, out)
    return out


def classification(lines: list[str]) -> tuple[list[ClassRuleDraft], str]:
    """The longest run of consecutive "label: condition" clauses that name classes."""
    clauses = [c.strip() for line in lines for c in re.split(r";|\n", line) if c.strip()]
    best: list[ClassRuleDraft] = []
    run: list[ClassRuleDraft] = []
    texts: list[str] = []
    best_text = ""
    for clause in clauses:
        rule = _class_rule(clause)
        if rule is None:
            if len(run) > len(best):
                best, best_text = run, "; ".join(texts)
            run, texts = [], []
            continue
        run.append(rule)
        texts.append(clause)
    if len(run) > len(best):
        best, best_text = run, "; ".join(texts)
    return (best, best_text) if len(best) >= 2 else ([], "")


def _class_rule(clause: str) -> ClassRuleDraft | None:
    tail = re.split(r"(?i)xếp loại(?: như sau)?\s*:?", clause)[-1]
    m = _CLASS.match(tail)
    if m is None:
        return None
    label = " ".join(m.group("label").split()).strip(" .")
    if not _CLASS_WORDS.search(fold_chars(label)):
        return None
    cond = fold_chars(m.group("cond"))
    rule = ClassRuleDraft(label=label[0].upper() + label[1:], phrase=clause)
    field = re.search(rf"linh vuc[^;]*?(?:duoi|tu|dat|>=|≥|thap hon|tren)\s*{_NUM}\s*%", cond)
    if field is not None:
        rule.min_field_pct = to_decimal(field.group(1))
        cond = cond[: field.start()] + cond[field.end() :]
    if re.search(r"khong (?:bi|co) (?:diem tru|tru diem|bi tru)", cond):
        rule.max_penalty = Decimal(0)
    lead = re.search(rf"(?:\btu\b|\bdat\b|>=|≥|\btren\b|lon hon)\s*(?:tu\s*)?{_NUM}", cond)
    if lead is not None and not re.match(r"^\s*(?:duoi|<|nho hon|thap hon)", cond):
        rule.min_index = to_decimal(lead.group(1))
    return rule
