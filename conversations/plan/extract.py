"""Milestones out of a real plan's text.

Plans put their timeline in one of two shapes, often both in one document:

* a table (see ``tables``): one row per task with its time, lead and coordinating agency;
* prose: a numbered task heading followed by lines such as "Cơ quan chủ trì: …",
  "Cơ quan phối hợp: …", "Thời gian: Hoàn thành trước ngày 16/3/2024" (or "Thời gian thực
  hiện tự đánh giá: Tháng 01 năm 2022", where the words after "Thời gian" name the task).

Besides, a sentence anywhere that sets a deadline ("… gửi Biểu tự chấm điểm … trước ngày
16/3/2024") is a milestone of its own; when it repeats one already found (same kind and due
date) it is dropped.

Nothing here knows any particular plan: every rule is about the shapes above and the general
vocabulary of the PAR process, so unseen plans import the same way. Steps without a date
("Thường xuyên") are not milestones. Milestones are returned in date order; ids are the kind
for the first of each kind ("self_assessment", then "self_assessment_2") and "m03" (position
in the list) for other steps, so re-importing the same plan gives the same ids.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from conversations.plan.classify import classify_audience, classify_kind
from conversations.plan.dates import DateMatch, best_date
from conversations.plan.files import read_plan_file
from conversations.plan.model import Milestone, Plan
from conversations.plan.tables import Columns, Row, header_columns, is_separator, split_row
from conversations.plan.text import clean, fold

__all__ = ["extract_milestones", "extract_plan", "infer_period", "read_plan_file"]

_HEADINGS: tuple[tuple[re.Pattern[str], int | None], ...] = (
    (re.compile(r"^([IVXL]{1,5})[.)]\s+(\S.*)$"), 0),
    (re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(\S.*)$"), None),
    (re.compile(r"^(\d{1,2})[.)]\s+(\S.*)$"), None),
    (re.compile(r"^((?:buoc|giai doan|step)\s+\d{1,2})\s*[:.)\-–]\s*(\S.*)$"), 1),
    (re.compile(r"^([a-zđ])\)\s+(\S.*)$"), 9),
)
_BULLET = re.compile(r"^(?:[-+*•–—]\s*)+")
_TIME_LABEL = re.compile(
    r"^(?:thoi gian|thoi han|tien do|han chot|han nop|deadline|due)\b([^:]{0,60}?)\s*:\s*"
)
_QUALIFIER_NOISE = re.compile(r"\b(thuc hien|hoan thanh|trien khai|du kien|bat dau)\b")
_LEAD_LABEL = re.compile(
    r"^(?:(?:co quan|don vi|bo phan)\s+(?:chu tri|thuc hien|dau moi|chiu trach nhiem)"
    r"|chu tri|lead)\b[^:]{0,15}:\s*"
)
_COORDINATE_LABEL = re.compile(
    r"^(?:(?:co quan|don vi|bo phan)\s+phoi hop|phoi hop|coordinat\w*)\b[^:]{0,15}:\s*"
)
_TRIGGER = re.compile(
    r"(?:truoc ngay|truoc|cham nhat(?: la)?(?: vao)?(?: ngay)?|han chot(?: la)?(?: ngay)?"
    r"|han nop(?: la)?|hoan thanh(?: truoc| trong| vao)?(?: ngay)?|xong truoc(?: ngay)?"
    r"|trong thang|tu ngay|by|before)\s*(?:ngay\s*)?$"
)
# Softer words that introduce a month or a quarter, but are too common before a bare year.
_SOFT_TRIGGER = re.compile(r"(?:trong|du kien(?: trong| vao)?|vao)\s*$")
_REFERENCE = re.compile(r"\bso\s*:?\s*\d+[^\s]*\s*(?:ngay)?\s*$")
_ISSUE_DATE = re.compile(r"^[^\d\n]{2,50},\s*ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_PERIOD_TOPIC = re.compile(r"chi so|cai cach hanh chinh|\bcchc\b|par index")
_YEAR = re.compile(r"\bnam\s+(\d{4})\b")


@dataclass
class _Draft:
    """A step found in the text, before its date is resolved."""

    line: int
    title: str
    time_text: str
    kind_texts: tuple[str, ...]
    lead: str | None = None
    coordinate: str | None = None
    context: str = ""
    inline: bool = False


@dataclass
class _Block:
    """An open numbered heading and what its lines said."""

    level: int
    title: str
    line: int
    lead: str | None = None
    coordinate: str | None = None
    times: list[tuple[str, str, int]] = field(default_factory=list)

    def drafts(self) -> list[_Draft]:
        plain = [t for q, t, _ in self.times if not q]
        out: list[_Draft] = []
        if plain:
            out.append(self._draft("", "; ".join(plain), self.line))
        for qualifier, text, line in self.times:
            if qualifier:
                out.append(self._draft(qualifier, text, line))
        return out

    def _draft(self, qualifier: str, text: str, line: int) -> _Draft:
        title = self.title
        if qualifier:
            title = f"{qualifier[0].upper()}{qualifier[1:]}: {self.title}"
        return _Draft(
            line=line,
            title=title,
            time_text=text,
            kind_texts=(qualifier, self.title) if qualifier else (self.title,),
            lead=self.lead,
            coordinate=self.coordinate,
            context=self.title,
        )


def _trim_clause(text: str) -> str:
    """A quoted clause without list dashes, emptied brackets and trailing punctuation."""
    text = _BULLET.sub("", clean(re.sub(r"\(\s*\)", " ", text)))
    return text.strip(" ;,.:-–")


def _short_title(text: str) -> str:
    """The first sentence of a task cell: the rest is usually a list of details."""
    text = _trim_clause(text)
    m = re.search(r"[.:]\s+(?=[-+–•]|[A-ZĐÀ-Ỹ])", text)
    if m:
        text = text[: m.start()]
    return text.strip(" ;,.:-–")


def _heading(body: str) -> tuple[int, str] | None:
    """(level, title) when ``body`` is a numbered or lettered heading."""
    folded = fold(body)
    for pattern, level in _HEADINGS:
        m = pattern.match(folded if level == 1 else body)
        if m is None:
            continue
        number = m[1]
        depth = level if level is not None else number.count(".") + 1
        return depth, body[m.start(2) :].strip()
    return None


def _dated_clause(
    body: str, after: date | None, year: int | None, *, heading: bool = False
) -> tuple[DateMatch, int] | None:
    """A deadline stated inside a sentence, and where its clause starts.

    Only dates introduced by a deadline word (trước, chậm nhất, hạn, hoàn thành, trong tháng,
    từ ngày, dự kiến) or set apart in brackets (or, in a heading, after a colon) count; bare
    dates are references to other documents, and a bare year ("trong năm 2022") is narrative.
    """
    match = best_date(body, year, after=after)
    if match is None:
        return None
    span = match.span
    if span.start == date(span.due.year, 1, 1) and span.due == date(span.due.year, 12, 31):
        return None
    folded = fold(body)
    before = folded[: match.begin]
    if _REFERENCE.search(before):
        return None
    trigger = _TRIGGER.search(before)
    if trigger is None and span.precision != "day":
        trigger = _SOFT_TRIGGER.search(before)
    if trigger is not None:
        return match, trigger.start()
    stripped = before.rstrip()
    if stripped.endswith("(") and folded[match.end :].lstrip().startswith(")"):
        return match, len(stripped) - 1
    if heading and stripped.endswith(":"):
        return match, len(stripped)
    return None


def _trailing_task(value: str, year: int | None) -> str:
    """Words after the date in a time line ("05/01/2025 ban hành hướng dẫn") name the task."""
    match = best_date(value, year)
    if match is None:
        return ""
    rest = _trim_clause(value[match.end :])
    return rest if len(rest.split()) >= 2 and rest[:1].isalpha() else ""


class _Walker:
    """Reads the plan line by line, keeping the open headings and the current table."""

    def __init__(self, period: int | None) -> None:
        self.period = period
        self.drafts: list[_Draft] = []
        self.stack: list[_Block] = []
        self.columns: Columns | None = None
        self.row: Row | None = None
        self.gap = True
        self.last_plain: tuple[int, str] | None = None

    # -- tables -----------------------------------------------------------------------------
    def table_line(self, index: int, cells: list[str]) -> None:
        header = header_columns(cells)
        if header is not None:
            self.flush_row()
            self.columns = header
            return
        if self.columns is None:
            self.columns = Columns.positional(cells)
        row = Row(cells, index, self.columns)
        if self.row is not None and not self.gap and row.is_continuation_of_previous():
            self.row.merge(cells)
            return
        self.flush_row()
        self.row = row

    def flush_row(self) -> None:
        row, self.row = self.row, None
        if row is None or not row.time:
            return
        cols = row.columns
        lead = _trim_clause(row.cell(cols.lead)) or None
        self.drafts.append(
            _Draft(
                line=row.line,
                title=_short_title(row.task) or _trim_clause(row.time),
                time_text=row.time,
                kind_texts=(row.task,),
                lead=lead,
                coordinate=_trim_clause(row.cell(cols.coordinate)) or None,
                context=row.task,
            )
        )

    # -- prose ------------------------------------------------------------------------------
    def close_blocks(self, level: int) -> None:
        while self.stack and self.stack[-1].level >= level:
            self.drafts.extend(self.stack.pop().drafts())

    def current_block(self, index: int) -> _Block:
        top = self.stack[-1] if self.stack else None
        plain = self.last_plain
        if (
            (top is None or top.level == 0)
            and plain is not None
            and (top is None or plain[0] > top.line)
        ):
            block = _Block(level=8, title=_short_title(plain[1]), line=plain[0])
            self.stack.append(block)
            self.last_plain = None
            return block
        if top is None:
            top = _Block(level=8, title="", line=index)
            self.stack.append(top)
        return top

    def line(self, index: int, raw: str) -> None:
        cells = split_row(raw)
        if cells is not None or is_separator(raw):
            if cells is not None:
                self.table_line(index, cells)
            self.gap = False
            return
        text = clean(raw.lstrip("#").strip())
        if not text:
            self.gap = True
            return
        heading = _heading(text)
        if self.row is not None:
            if heading is None and not self.gap and not _BULLET.match(text):
                spill = best_date(text, self.period)
                if spill is not None and best_date(self.row.time, self.period) is None:
                    self.row.append_text(text[: spill.begin], to_time=False)
                    self.row.append_text(text[spill.begin :], to_time=True)
                else:
                    self.row.append_text(text, to_time=False)
                return
            self.flush_row()
        if heading is None and self.columns is not None and self.gap:
            self.columns = None
        self.gap = False
        body = _BULLET.sub("", text)
        folded = fold(body)
        number_depth = None
        if heading is not None:
            level, title = heading
            if _TIME_LABEL.match(fold(title)):
                number_depth, body, folded = level, title, fold(title)
            else:
                self.columns = None
                self.close_blocks(level)
                block = _Block(level=level, title=title, line=index)
                self.stack.append(block)
                clause = _dated_clause(title, None, self.period, heading=True)
                if clause is not None:
                    match, begin = clause
                    block.title = _trim_clause(title[:begin] + " " + title[match.end :])
                    block.times.append(("", _trim_clause(title[begin : match.end]), index))
                return
        label = _TIME_LABEL.match(folded)
        if label is not None:
            if number_depth is not None:
                self.close_blocks(number_depth)
            block = self.current_block(index)
            qualifier = _QUALIFIER_NOISE.sub(" ", label[1])
            qualifier_text = body[label.start(1) : label.end(1)] if qualifier.strip() else ""
            qualifier_text = " ".join(
                w for w in qualifier_text.split() if not _QUALIFIER_NOISE.fullmatch(fold(w))
            )
            qualifier_text = re.sub(
                r"^(thực hiện|hoàn thành|triển khai)\s+", "", qualifier_text, flags=re.IGNORECASE
            )
            value = body[label.end() :]
            if not qualifier_text.strip():
                qualifier_text = _trailing_task(value, self.period)
            block.times.append((qualifier_text.strip(), _trim_clause(value), index))
            return
        for pattern, attr in ((_COORDINATE_LABEL, "coordinate"), (_LEAD_LABEL, "lead")):
            m = pattern.match(folded)
            if m is not None and self.stack:
                setattr(self.stack[-1], attr, _trim_clause(body[m.end() :]) or None)
                return
        clause = _dated_clause(body, None, self.period)
        if clause is not None:
            match, begin = clause
            title = _trim_clause(body[:begin] + " " + body[match.end :])
            self.drafts.append(
                _Draft(
                    line=index,
                    title=_short_title(title) or _trim_clause(body),
                    time_text=_trim_clause(body[begin : match.end]),
                    kind_texts=(body,),
                    context=body,
                    inline=True,
                )
            )
            return
        if not _BULLET.match(text) and len(text) <= 160:
            self.last_plain = (index, text)

    def finish(self) -> list[_Draft]:
        self.flush_row()
        self.close_blocks(-1)
        return sorted(self.drafts, key=lambda d: d.line)


def _unwrap(text: str) -> list[tuple[int, str]]:
    """Lines with prose that a PDF or a narrow page broke mid-sentence joined back.

    A line continues the previous one when it starts in lowercase or with a digit that is
    not a heading number, and the previous line did not end a sentence or clause. Table rows
    are left alone (``_Walker`` mends wrapped rows itself).
    """
    out: list[tuple[int, str]] = []
    for index, raw in enumerate(text.splitlines()):
        stripped = clean(raw)
        if out and stripped and split_row(raw) is None and split_row(out[-1][1]) is None:
            previous = clean(out[-1][1])
            starts_low = stripped[0].islower() or (
                stripped[0].isdigit() and _heading(stripped) is None
            )
            label = _TIME_LABEL.match(fold(stripped)) or _LEAD_LABEL.match(fold(stripped))
            if (
                previous
                and starts_low
                and label is None
                and previous[-1] not in ".;:!?"
                and not is_separator(raw)
            ):
                out[-1] = (out[-1][0], f"{out[-1][1].rstrip()} {raw.strip()}")
                continue
        out.append((index, raw))
    return out


def _issue_date(text: str) -> date | None:
    """The plan's own date ("Uông Bí, ngày 20 tháng 11 năm 2023"), if written."""
    for raw in text.splitlines()[:80]:
        m = _ISSUE_DATE.match(fold(clean(raw)))
        if m:
            try:
                return date(int(m[3]), int(m[2]), int(m[1]))
            except ValueError:
                return None
    return None


def infer_period(text: str) -> int | None:
    """The assessed year, from the plan's title ("… chỉ số cải cách hành chính năm 2021")."""
    lines = [fold(clean(x.lstrip("#"))) for x in text.splitlines()]
    for i, line in enumerate(lines):
        if line.strip(" *") in ("ke hoach", "plan"):
            title = " ".join(x for x in lines[i + 1 : i + 6] if x)
            m = _YEAR.search(title)
            if m:
                return int(m[1])
    for line in lines:
        for topic in _PERIOD_TOPIC.finditer(line):
            for m in _YEAR.finditer(line, topic.end()):
                if m.start() - topic.end() > 200:
                    break
                if not re.search(r"thang\s+\d{1,2}\s*$", line[: m.start()]):
                    return int(m[1])
    years = Counter(int(m[1]) for line in lines for m in _YEAR.finditer(line))
    return years.most_common(1)[0][0] if years else None


def _resolve(drafts: list[_Draft], period: int | None, issued: date | None) -> list[Milestone]:
    """Date each draft in document order, classify it, and drop repeats."""
    after = issued or (date(period, 1, 1) if period else None)
    dated: list[tuple[_Draft, DateMatch]] = []
    for d in drafts:
        match = best_date(d.time_text, period, after=after)
        if match is None:
            continue
        dated.append((d, match))
        after = max(after, match.span.due) if after else match.span.due
    kept: list[tuple[_Draft, DateMatch]] = []
    for d, match in sorted(dated, key=lambda dm: dm[0].inline):
        kind = classify_kind(*d.kind_texts)
        if any(
            match.span.due == k.span.due
            and (
                (kind != "other" and kind == classify_kind(*kd.kind_texts))
                or fold(kd.title) == fold(d.title)
            )
            for kd, k in kept
        ):
            continue
        kept.append((d, match))
    kept.sort(key=lambda dm: (dm[1].span.due, dm[0].line))
    out: list[Milestone] = []
    seen: Counter[str] = Counter()
    for position, (d, match) in enumerate(kept, start=1):
        kind = classify_kind(*d.kind_texts)
        seen[kind] += 1
        if kind == "other":
            mid = f"m{position:02d}"
        else:
            mid = kind if seen[kind] == 1 else f"{kind}_{seen[kind]}"
        span = match.span
        out.append(
            Milestone(
                id=mid,
                title=d.title or f"Mốc {position}",
                kind=kind,
                due=span.due,
                start=span.start,
                precision=span.precision,
                lead=d.lead,
                coordinate=d.coordinate,
                audience=classify_audience(d.lead, d.context),
                source=_trim_clause(d.time_text),
            )
        )
    return out


def extract_milestones(text: str, period: int | None = None) -> list[Milestone]:
    """The dated steps of a plan, in date order (see the module doc for what is read)."""
    if period is None:
        period = infer_period(text)
    walker = _Walker(period)
    for index, raw in _unwrap(text):
        walker.line(index, raw)
    return _resolve(walker.finish(), period, _issue_date(text))


def extract_plan(text: str, period: int | None = None) -> Plan:
    """A Plan from a plan's text; ValueError when the assessed year cannot be told."""
    year = period if period is not None else infer_period(text)
    if year is None:
        raise ValueError("cannot tell the plan's year: pass period=")
    return Plan(period=year, milestones=tuple(extract_milestones(text, year)))
