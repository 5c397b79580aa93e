"""Declared values (số liệu kê khai) and the points they earn, through the answer-kind registry.

What is common to every kind lives here (empty text, "không áp dụng", evidence); what differs
lives in :mod:`scoring.kinds`.  The value primitives are re-exported for the callers that read
numbers and dates (:mod:`scoring.values`).
"""

from __future__ import annotations

from scoring.catalog import Item
from scoring.i18n import N_
from scoring.kinds import kind_of, not_applicable, validate_manual, validate_ratio
from scoring.values import (
    MAX_NUMBER,
    Answer,
    AnswerError,
    Score,
    fold,
    is_na_text,
    parse_date,
    parse_number,
)

__all__ = [
    "MAX_NUMBER",
    "Answer",
    "AnswerError",
    "Score",
    "fold",
    "is_na_text",
    "needs_explanation",
    "parse_answer",
    "parse_date",
    "parse_number",
    "score_answer",
    "validate_manual",
    "validate_ratio",
]


def parse_answer(item: Item, text: str) -> Answer:
    """Turn what an officer typed (or a CSV cell) into an Answer, or explain why it cannot be."""
    kind, spec = kind_of(item)
    if not kind.self_scored:
        return kind.parse(item, spec, text)
    if not text or not text.strip():
        raise AnswerError(N_("the answer is empty"))
    if is_na_text(text):
        if item.na is None:
            raise AnswerError(N_("item %(code)s does not allow 'not applicable'"), code=item.code)
        return Answer(na=True)
    return kind.parse(item, spec, text)


def score_answer(item: Item, answer: Answer) -> Score:
    """Points for a declared value; the caller decides what an unanswered item is worth."""
    kind, spec = kind_of(item)
    if answer.na and kind.self_scored:
        return not_applicable(item)
    return kind.score(item, spec, answer)


def needs_explanation(item: Item, answer: Answer, has_evidence: bool) -> bool:
    """Points claimed without the required evidence need a giải trình; manual points always do."""
    if kind_of(item)[0].explained:
        return True
    if not item.evidence_required or has_evidence:
        return False
    s = score_answer(item, answer)
    return s.applicable and s.points > 0
