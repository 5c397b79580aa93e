"""The plan's value types: a yearly Plan made of dated Milestones.

Frozen dataclasses so a parsed plan can be shared between conversations and cached without
anyone mutating it; validation happens here once so every producer (YAML loader, extractor,
tests) gets the same guarantees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from conversations.plan.sections import Section

Kind = Literal["self_assessment", "survey", "appraisal", "publication", "other"]
Precision = Literal["day", "month", "range"]
Audience = Literal["all", "department", "commune", "admins"]

KINDS: Final[tuple[str, ...]] = ("self_assessment", "survey", "appraisal", "publication", "other")
PRECISIONS: Final[tuple[str, ...]] = ("day", "month", "range")
AUDIENCES: Final[tuple[str, ...]] = ("all", "department", "commune", "admins")

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class MilestoneError(ValueError):
    """An invalid milestone; ``milestone_id`` and ``field`` say which and where."""

    def __init__(self, milestone_id: str, field: str, message: str) -> None:
        self.milestone_id = milestone_id
        self.field = field
        self.message = message
        super().__init__(f"milestone {milestone_id!r}: field {field!r}: {message}")


@dataclass(frozen=True, kw_only=True)
class Milestone:
    """One dated step of the plan.

    ``due`` is the last day the step can be done: for "trước ngày 16/3/2024" it is the date
    written (officers read the written date as the deadline), for a month it is the month's
    last day, for a range its end. ``start`` is set for months and ranges only.
    ``source`` is the plan's own wording, so a reply can quote the document verbatim.
    Keyword-only, so call sites stay readable and fields can be added safely.
    """

    id: str
    title: str
    title_en: str | None = None
    kind: Kind
    due: date
    start: date | None = None
    precision: Precision
    lead: str | None = None
    coordinate: str | None = None
    audience: Audience = "all"
    source: str = ""

    def __post_init__(self) -> None:
        problems = milestone_problems(self)
        if problems:
            field, message = problems[0]
            raise MilestoneError(str(self.id), field, message)


def milestone_problems(m: Milestone) -> list[tuple[str, str]]:
    """Every (field, message) wrong with ``m``; shared by the constructor and the YAML loader."""
    out: list[tuple[str, str]] = []
    if not isinstance(m.id, str) or not _SLUG.match(m.id):
        out.append(("id", "must be a slug of lowercase letters, digits and '_'"))
    if not isinstance(m.title, str) or not m.title.strip():
        out.append(("title", "must be a non-empty string"))
    if m.kind not in KINDS:
        out.append(("kind", f"must be one of {', '.join(KINDS)}"))
    if m.precision not in PRECISIONS:
        out.append(("precision", f"must be one of {', '.join(PRECISIONS)}"))
    if m.audience not in AUDIENCES:
        out.append(("audience", f"must be one of {', '.join(AUDIENCES)}"))
    if not isinstance(m.due, date):
        out.append(("due", "must be a date"))
    if m.start is not None and not isinstance(m.start, date):
        out.append(("start", "must be a date"))
    if m.precision in ("month", "range") and m.start is None:
        out.append(("start", f"is required when precision is {m.precision!r}"))
    if m.precision == "day" and m.start is not None:
        out.append(("start", "must be empty when precision is 'day'"))
    if isinstance(m.start, date) and isinstance(m.due, date) and m.start > m.due:
        out.append(("start", "must not be after due"))
    return out


@dataclass(frozen=True)
class Plan:
    """A period's plan: ``period`` is the assessed year (the index of 2023 is run in 2024).

    ``sections`` is the plan's numbered text (empty when only the timeline is known), kept so
    rule questions ("phải ký số không?") can be answered with the plan's own sentence.
    """

    period: int
    milestones: tuple[Milestone, ...]
    sections: tuple[Section, ...] = ()

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for m in self.milestones:
            if m.id in seen:
                raise MilestoneError(m.id, "id", "duplicate id")
            seen.add(m.id)

    def get(self, milestone_id: str) -> Milestone | None:
        """The milestone with this id, or None."""
        return next((m for m in self.milestones if m.id == milestone_id), None)
