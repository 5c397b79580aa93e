"""Guessing a leaf's answer kind from its rule text (cách tính điểm).

The order of the checks is the order of certainty: a survey item is never self-scored whatever
its rule says; a formula ("Tỷ lệ % × 3") and a per-occurrence deduction ("mỗi báo cáo chậm trừ
0,25 điểm") are explicit; then the clauses "condition: points" are read as percentage bands,
a deadline, count bands or plain options. Anything else becomes ``manual`` with a note, never a
wrong guess dressed as a sure one.
"""

from __future__ import annotations

import re

from catalog_draft import bands
from catalog_draft.clauses import NUM, scored, split_clauses, zero_denominator
from catalog_draft.leaf import RuleContext, manual, ratio_labels
from catalog_draft.model import Guess, Note
from catalog_draft.numbers import plain, to_decimal
from catalog_draft.options import additive, choice_guess
from conversations.plan.text import nfc
from scoring.i18n import N_
from scoring.values import fold_chars

SURVEY = re.compile(
    r"dieu tra xa hoi hoc|dieu tra xhh|\bdtxhh\b|\bsipas\b|khao sat (?:y kien|muc do hai long)"
)
_PROPORTIONAL = re.compile(
    rf"ty le[^;\n]{{0,120}}?(?:\bx\b|×|\*|nhan voi|nhan)\s*\(?\s*(?P<k>{NUM}|diem toi da)"
)
_PROPORTIONAL_WORDS = re.compile(
    rf"tinh (?:diem )?theo ty le|ty le thuan|tuong ung voi ty le"
    rf"|/[^;\n]{{0,80}}?\)\s*(?:\bx\b|×|\*|nhan voi)\s*(?P<k>{NUM}|diem toi da)"
)
_PER_DEDUCT = re.compile(
    rf"moi\s+(?P<what>[^;:\n]{{1,80}}?)\s+(?:thi\s+)?(?:bi\s+)?tru\s+(?P<per>{NUM})\s*(?:diem|d)\b"
)
_PER_ADD = re.compile(
    rf"moi\s+(?P<what>[^;:\n]{{1,80}}?)\s+(?:thi\s+)?(?:duoc\s+)?cong\s+(?P<per>{NUM})\s*(?:diem|d)\b"
)
_CAP = re.compile(
    rf"(?:tru|cong)?\s*toi da\s+(?:bi\s+)?(?:tru\s+|cong\s+)?(?P<cap>{NUM})\s*(?:diem|d)\b"
)
_ALL_POINTS = re.compile(r"tru het (?:so )?diem")

UNREADABLE = N_("the rule could not be read; it is asked as points typed by the officer")
NO_RULE = N_("there is no rule text; it is asked as points typed by the officer")
MULTIPLIER = N_("the rule multiplies by %(k)s but the item's maximum is %(max)s")
CAP_OVER = N_("the most that can be deducted (%(cap)s) is more than the maximum %(max)s")


def guess(rule: str, ctx: RuleContext) -> Guess:
    folded = fold_chars(rule)
    quoted = nfc(rule)
    for check in (_survey, _proportional, _per_occurrence):
        found = check(rule, folded, quoted, ctx)
        if found is not None:
            return found
    if not rule.strip():
        return manual(ctx.maxp, "", Note(NO_RULE))
    clauses = split_clauses(rule)
    pairs = scored(clauses, ctx.maxp)
    if not pairs:
        return manual(ctx.maxp, quoted.strip(), Note(UNREADABLE))
    parts = additive(pairs, ctx.maxp)
    if parts is not None:
        return manual(ctx.maxp, "; ".join(c.text for c, _ in pairs), parts)
    for reader in (bands.ratio_guess, bands.date_guess, bands.count_guess):
        found = reader(clauses, pairs, ctx)
        if found is not None:
            return found
    return choice_guess(clauses, pairs, ctx)


def _survey(rule: str, folded: str, quoted: str, ctx: RuleContext) -> Guess | None:
    m = SURVEY.search(folded)
    if m is not None:
        return Guess("survey", {"kind": "survey"}, quoted[m.start() : m.end()])
    if ctx.survey_hint is not None:
        return Guess("survey", {"kind": "survey"}, ctx.survey_hint)
    return None


def _proportional(rule: str, folded: str, quoted: str, ctx: RuleContext) -> Guess | None:
    m = _PROPORTIONAL.search(folded) or _PROPORTIONAL_WORDS.search(folded)
    if m is None or ctx.section != "field":
        return None
    review: list[Note] = []
    k_text = m.groupdict().get("k")
    if k_text and k_text != "diem toi da":
        k = to_decimal(k_text)
        if k is not None and k != ctx.maxp:
            review.append(Note(MULTIPLIER, {"k": k, "max": ctx.maxp}))
    numerator, denominator = ratio_labels(ctx.title)
    answer: dict[str, object] = {
        "kind": "proportional",
        "numerator": numerator,
        "denominator": denominator,
    }
    zero = zero_denominator(split_clauses(rule), ctx.maxp)
    if zero is not None:
        answer["zero_denominator"] = zero
    return Guess("proportional", answer, quoted[m.start() : m.end()], review=review)


def _per_occurrence(rule: str, folded: str, quoted: str, ctx: RuleContext) -> Guess | None:
    m = _PER_DEDUCT.search(folded)
    if m is None and ctx.section == "bonus":
        m = _PER_ADD.search(folded)
    if m is None:
        return None
    per = to_decimal(m.group("per"))
    if per is None or per <= 0:
        return None
    phrase = quoted[m.start() : m.end()]
    cap_m = _CAP.search(folded)
    cap = to_decimal(cap_m.group("cap")) if cap_m is not None else None
    if _ALL_POINTS.search(folded):
        cap = None
    if ctx.section != "field":
        return bands.per_occurrence_bands(
            per, cap, ctx, phrase, quoted[m.start("what") : m.end("what")]
        )
    answer: dict[str, object] = {"kind": "deduction", "per": plain(per)}
    review: list[Note] = []
    if cap is not None and cap != ctx.maxp:
        answer["cap"] = plain(cap)
        if cap > ctx.maxp:
            review.append(Note(CAP_OVER, {"cap": cap, "max": ctx.maxp}))
    return Guess("deduction", answer, phrase, review=review)
