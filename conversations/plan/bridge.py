"""Between the plan types and the stored rows (``storage.repositories.rows_plan.MilestoneRow``).

Duck-typed on purpose: this package must not import storage (it is pure and is used by the
CLI importer and by tests without a database), so a row is anything with the columns below.
The row's ``key`` is the milestone's ``id``; ``due_start``/``due_end`` are ``start``/``due``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol

from conversations.plan.model import Milestone, MilestoneError, Plan


class MilestoneRow(Protocol):
    """The columns of a stored milestone that a Plan needs."""

    @property
    def key(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def title_en(self) -> str | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def due_start(self) -> date | None: ...
    @property
    def due_end(self) -> date: ...
    @property
    def precision(self) -> str: ...
    @property
    def lead(self) -> str | None: ...
    @property
    def coordinate(self) -> str | None: ...
    @property
    def audience(self) -> str: ...
    @property
    def source(self) -> str | None: ...


def milestone_from_row(row: MilestoneRow) -> Milestone:
    """The Milestone a stored row describes; MilestoneError if the row is inconsistent."""
    precision = str(row.precision)
    return Milestone(
        id=row.key,
        title=row.title,
        title_en=row.title_en,
        kind=str(row.kind),  # type: ignore[arg-type]  # checked by Milestone
        due=row.due_end,
        start=None if precision == "day" else row.due_start,
        precision=precision,  # type: ignore[arg-type]
        lead=row.lead,
        coordinate=row.coordinate,
        audience=str(row.audience),  # type: ignore[arg-type]
        source=row.source or "",
    )


def plan_from_rows(period: int, rows: Iterable[MilestoneRow]) -> Plan:
    """A Plan of the stored rows, for answering questions; inconsistent rows are left out
    (a bad row must not stop officers from getting the other deadlines)."""
    milestones: list[Milestone] = []
    seen: set[str] = set()
    for row in rows:
        try:
            m = milestone_from_row(row)
        except MilestoneError:
            continue
        if m.id not in seen:
            seen.add(m.id)
            milestones.append(m)
    return Plan(period=period, milestones=tuple(milestones))


def row_values(m: Milestone) -> dict[str, Any]:
    """Column values to store ``m`` (without ``period_id``, ``reminder_days`` and ``id``)."""
    return {
        "key": m.id,
        "title": m.title,
        "title_en": m.title_en,
        "kind": m.kind,
        "due_start": m.start,
        "due_end": m.due,
        "precision": m.precision,
        "lead": m.lead,
        "coordinate": m.coordinate,
        "audience": m.audience,
        "source": m.source or None,
    }
