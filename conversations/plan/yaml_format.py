"""The canonical YAML form of a plan: what Nội vụ reviews and edits after an import.

```yaml
period: 2023                 # the assessed year (its index is run in the next year)
milestones:
  - id: self_assessment      # slug: a-z, 0-9, _ ; unique in the plan
    title: Tự đánh giá, chấm điểm và gửi tài liệu kiểm chứng
    title_en: Self-assessment and evidence   # optional
    kind: self_assessment    # self_assessment | survey | appraisal | publication | other
    due: 2024-03-16          # a day ...
    lead: Các cơ quan chuyên môn và UBND các xã, phường      # optional
    coordinate: Phòng Nội vụ                                  # optional
    audience: all            # all | department | commune | admins
    source: "Hoàn thành trước ngày 16/3/2024"                 # the plan's words, optional
  - id: appraisal
    title: Họp Hội đồng thẩm định
    kind: appraisal
    due: 2024-03             # ... or a month (start = 1st, due = last day) ...
  - id: survey
    title: Điều tra xã hội học
    kind: survey
    start: 2024-01-05        # ... or a range: start and due
    due: 2024-01-15
```

An optional ``sections:`` list keeps the plan's numbered text (``number``, ``heading``,
``sentences``), written by a document import so rule questions can quote the plan.

``kind`` defaults to ``other`` and ``audience`` to ``all``; every other unknown key is an
error, so a typo ("dua:") is reported instead of silently ignored. Errors name the milestone
(its id, or its position when it has none) and the field, e.g.
``milestone 'survey': field 'due': not a date: '2024-13-01'``.

"trước ngày 16/3/2024" is stored as ``due: 2024-03-16``: the date written in the plan, which is
how officers read it (see ``dates``).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from typing import Any

import yaml

from conversations.plan.model import Milestone, MilestoneError, Plan
from conversations.plan.sections import Section

_KEYS = (
    "id",
    "title",
    "title_en",
    "kind",
    "start",
    "due",
    "lead",
    "coordinate",
    "audience",
    "source",
)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so a bad date is reported with its milestone."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class PlanFormatError(ValueError):
    """A plan file that cannot be loaded; ``milestone`` and ``field`` say where."""

    def __init__(self, milestone: str | None, field: str | None, message: str) -> None:
        self.milestone = milestone
        self.field = field
        where = []
        if milestone is not None:
            label = milestone if milestone.startswith("#") else repr(milestone)
            where.append(f"milestone {label}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(": ".join([*where, message]))


def _as_date(value: Any, where: str, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PlanFormatError(where, field, f"not a date: {value!r}")


def _optional_text(raw: dict[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, (str, int, float)):
        raise PlanFormatError(where, key, f"must be text, not {type(value).__name__}")
    text = str(value).strip()
    return text or None


def _milestone(raw: Any, position: int) -> Milestone:
    if not isinstance(raw, dict):
        raise PlanFormatError(f"#{position}", None, "must be a mapping of fields")
    mid = raw.get("id")
    where = mid if isinstance(mid, str) and mid else f"#{position}"
    for key in raw:
        if key not in _KEYS:
            raise PlanFormatError(where, str(key), "unknown field")
    for key in ("id", "title", "due"):
        if raw.get(key) in (None, ""):
            raise PlanFormatError(where, key, "missing")
    due_raw = raw["due"]
    start = _as_date(raw["start"], where, "start") if raw.get("start") is not None else None
    month = _MONTH.match(due_raw.strip()) if isinstance(due_raw, str) else None
    if month is not None:
        if start is not None:
            raise PlanFormatError(where, "start", "not allowed when due is a month")
        y, m = int(month[1]), int(month[2])
        if not 1 <= m <= 12:
            raise PlanFormatError(where, "due", f"not a month: {due_raw!r}")
        start = date(y, m, 1)
        due = date(y, m, calendar.monthrange(y, m)[1])
        precision = "month"
    else:
        due = _as_date(due_raw, where, "due")
        precision = "range" if start is not None else "day"
    fields: dict[str, Any] = {
        "id": str(mid),
        "title": str(raw["title"]).strip(),
        "title_en": _optional_text(raw, "title_en", where),
        "kind": raw.get("kind", "other"),
        "due": due,
        "start": start,
        "precision": precision,
        "lead": _optional_text(raw, "lead", where),
        "coordinate": _optional_text(raw, "coordinate", where),
        "audience": raw.get("audience", "all"),
        "source": _optional_text(raw, "source", where) or "",
    }
    try:
        return Milestone(**fields)
    except MilestoneError as exc:
        raise PlanFormatError(where, exc.field, exc.message) from exc


def load_plan(text: str) -> Plan:
    """Parse the canonical YAML; PlanFormatError names the milestone and field at fault."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise PlanFormatError(None, None, f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PlanFormatError(None, None, "must be a mapping with 'period' and 'milestones'")
    for key in data:
        if key not in ("period", "milestones", "sections"):
            raise PlanFormatError(None, str(key), "unknown field")
    period = data.get("period")
    if not isinstance(period, int) or isinstance(period, bool) or not 2000 <= period <= 2100:
        raise PlanFormatError(None, "period", f"must be a year, not {period!r}")
    raw_milestones = data.get("milestones") or []
    if not isinstance(raw_milestones, list):
        raise PlanFormatError(None, "milestones", "must be a list")
    milestones = [_milestone(raw, i) for i, raw in enumerate(raw_milestones, start=1)]
    seen: set[str] = set()
    for m in milestones:
        if m.id in seen:
            raise PlanFormatError(m.id, "id", "duplicate id")
        seen.add(m.id)
    return Plan(
        period=period, milestones=tuple(milestones), sections=_sections(data.get("sections"))
    )


def _sections(raw: Any) -> tuple[Section, ...]:
    """The plan's numbered text (optional): quoted when officers ask rule questions."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise PlanFormatError(None, "sections", "must be a list")
    out: list[Section] = []
    for i, item in enumerate(raw, start=1):
        where = f"section #{i}"
        if not isinstance(item, dict) or set(item) - {"number", "heading", "sentences"}:
            raise PlanFormatError(where, None, "must have number, heading and sentences only")
        sentences = item.get("sentences") or []
        if not isinstance(sentences, list) or not all(isinstance(x, str) for x in sentences):
            raise PlanFormatError(where, "sentences", "must be a list of text lines")
        out.append(
            Section(str(item.get("number", "")), str(item.get("heading") or ""), tuple(sentences))
        )
    return tuple(out)


def _milestone_dict(m: Milestone) -> dict[str, Any]:
    out: dict[str, Any] = {"id": m.id, "title": m.title}
    if m.title_en:
        out["title_en"] = m.title_en
    out["kind"] = m.kind
    if m.precision == "month":
        out["due"] = f"{m.due.year:04d}-{m.due.month:02d}"
    elif m.precision == "range":
        out["start"] = m.start
        out["due"] = m.due
    else:
        out["due"] = m.due
    for key in ("lead", "coordinate"):
        value = getattr(m, key)
        if value:
            out[key] = value
    out["audience"] = m.audience
    if m.source:
        out["source"] = m.source
    return out


def dump_plan(plan: Plan) -> str:
    """The canonical YAML of ``plan``; ``load_plan(dump_plan(p)) == p``."""
    data: dict[str, Any] = {
        "period": plan.period,
        "milestones": [_milestone_dict(m) for m in plan.milestones],
    }
    if plan.sections:
        data["sections"] = [
            {"number": x.number, "heading": x.heading, "sentences": list(x.sentences)}
            for x in plan.sections
        ]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100_000)
