"""Milestones out of a real plan's text.

Plans put their timeline in one of two shapes, often both in one document:

* a table (see ``tables``): one row per task with its time, lead and coordinating agency;
* prose: a numbered task heading followed by lines such as "Cơ quan chủ trì: …",
  "Cơ quan phối hợp: …", "Thời gian: Hoàn thành trước ngày 16/3/2024" (or "Thời gian thực
  hiện tự đánh giá: Tháng 01 năm 2022", where the words after "Thời gian" name the task).

Besides, a sentence anywhere that sets a deadline ("… gửi Biểu tự chấm điểm … trước ngày
16/3/2024") is a milestone of its own; when it repeats one already found (same kind and due
date) it is dropped.

Before that, a sentence a PDF or a page break cut in two is joined back (``_unwrap``), so a
title is the whole action and never the fragment after the break. Who leads each step, who
coordinates and who must act are read from the table, the labels, the sentence's subject,
its section and the plan's list of duties (see ``actors``); the quoted ``source`` is the
sentence (or table row) that dates the step.

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

from conversations.plan.actors import decide_audience, has_action, is_agency, split_actor
from conversations.plan.classify import classify_kind
from conversations.plan.dates import DateMatch, best_date
from conversations.plan.model import Audience, Kind, Milestone, Plan
from conversations.plan.sections import split_sections
from conversations.plan.tables import Columns, Row, header_columns, is_separator, split_row
from conversations.plan.text import clean
from scoring.values import fold_chars

__all__ = ["extract_milestones", "extract_plan", "infer_period"]

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
# Time words a broken sentence leaves at the end of its title ("…, thời gian hoàn thành dự kiến").
_TITLE_TAIL = re.compile(
    r"[\s,;:\-–]*(?:(?:thoi gian|thoi han)\b\s*(?:(?:thuc hien|hoan thanh|trien khai)\b\s*)?"
    r"(?:du kien\b\s*)?|(?:(?:thuc hien|hoan thanh|trien khai)\b\s*)?du kien\b\s*)"
    r"(?:la\b\s*)?[\s,;:\-–]*$"
)
# A page number or running footer between the two halves of a sentence broken by a page.
_PAGE_FURNITURE = re.compile(
    r"^(?:[-–]\s*)?\d{1,3}(?:\s*[-–])?$|^trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?$"
)
_SECTION_WORDS = 40
# What each kind's duties say, to find who leads a step from the plan's list of duties.
_DUTY_CUES: dict[str, re.Pattern[str]] = {
    "self_assessment": re.compile(r"tu danh gia|tu cham|tai lieu kiem chung"),
    "survey": re.compile(r"dieu tra|khao sat|\bxhh\b|phieu|sipas|hai long"),
    "appraisal": re.compile(r"tham dinh|phuc tra"),
    "publication": re.compile(r"cong bo|xep hang"),
}
_COORDINATION = re.compile(r"^(?:[-+*•–]\s*)?phoi hop\b")
_GUIDANCE = re.compile(r"^(?:[-+*•–]\s*)?(?:huong dan|don doc|theo doi)\b")


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
    source: str = ""


@dataclass
class _Block:
    """An open numbered heading and what its lines said.

    ``agency`` blocks are headed by an agency ("1. Phòng Nội vụ", "1.2. Sở Tư pháp"): what
    they date is that agency's work. ``subjects`` are the agencies the block's sentences
    start with; ``field_leads`` the agency sub-blocks that chair a field ("Chủ trì chấm điểm
    về lĩnh vực …"), which together lead the block's step.
    """

    level: int
    title: str
    line: int
    lead: str | None = None
    coordinate: str | None = None
    times: list[tuple[str, str, int, str]] = field(default_factory=list)
    agency: str | None = None  # the agency whose section this is
    subjects: list[str] = field(default_factory=list)
    field_leads: list[str] = field(default_factory=list)
    chairs: bool = False

    def who(self) -> str | None:
        """The agency that leads this block's steps, as the plan says it."""
        if self.lead:
            return self.lead
        if self.agency:
            return self.agency
        if self.field_leads:
            return "; ".join(self.field_leads)
        return self.subjects[0] if self.subjects else None

    def drafts(self) -> list[_Draft]:
        plain = [(t, s) for q, t, _, s in self.times if not q]
        out: list[_Draft] = []
        if plain:
            text = "; ".join(t for t, _ in plain)
            out.append(self._draft("", text, self.line, "; ".join(s for _, s in plain)))
        for qualifier, text, line, source in self.times:
            if qualifier:
                out.append(self._draft(qualifier, text, line, source))
        return out

    def _draft(self, qualifier: str, text: str, line: int, source: str) -> _Draft:
        title = self.title
        if qualifier:
            head = f"{qualifier[0].upper()}{qualifier[1:]}"
            topic = re.match(r"(?i)nội dung\s+", title)  # "Nội dung chấm điểm …" names no action
            if self.agency:
                title = head
            elif topic:
                title = f"{head}, {title[topic.end() :]}"
            else:
                title = f"{head}: {self.title}"
        return _Draft(
            line=line,
            title=title,
            time_text=text,
            kind_texts=(qualifier, self.title) if qualifier else (self.title,),
            lead=self.who(),
            coordinate=self.coordinate,
            context=self.title,
            source=source if self.agency else f"{self.title} — {source}",
        )


def _section_agency(title: str) -> str | None:
    """The agency a heading opens a section of duties for, or None.

    "1. Phòng Nội vụ", "2. Văn phòng UBND tỉnh và các sở: Nội vụ, Tư pháp …", "Trách nhiệm
    của các cơ quan: …" name one; so does "2. Phòng Nội vụ … có trách nhiệm:" (its subject).
    "3. Các cơ quan, đơn vị tự đánh giá" is a step, not a section: its subject acts in it.
    """
    text = _trim_clause(title)
    m = re.match(r"(?i)trách nhiệm của\s+(?:các cơ quan\s*:\s*)?", text)
    if m:
        text = text[m.end() :]
    if is_agency(text, _SECTION_WORDS) and not has_action(text):
        return text
    actor = split_actor(text)
    return actor.lead if actor.lead and title.rstrip(" *").endswith(":") else None


def _strip_tail(title: str) -> str:
    """A title without the time words a broken sentence left at its end."""
    m = _TITLE_TAIL.search(fold_chars(title))
    return title[: m.start()] if m and m.start() > 0 else title


def _trim_clause(text: str) -> str:
    """A quoted clause without list dashes, emptied brackets and trailing punctuation."""
    text = _BULLET.sub("", clean(re.sub(r"\(\s*\)", " ", text)))
    return text.strip(" ;,.:-–")


def _short_title(text: str) -> str:
    """The first sentence of a task cell (the rest is usually a list of details), without
    time words left at its end ("…, thời gian dự kiến")."""
    text = _strip_tail(_trim_clause(text))
    m = re.search(r"[.:]\s+(?=[-+–•]|[A-ZĐÀ-Ỹ])", text)
    if m:
        text = text[: m.start()]
    return text.strip(" ;,.:-–")


def _heading(body: str) -> tuple[int, str] | None:
    """(level, title) when ``body`` is a numbered or lettered heading."""
    folded = fold_chars(body)
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
    folded = fold_chars(body)
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
        self.duties: list[tuple[str, str]] = []  # (agency, a line of its section)

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
                source=f"{_trim_clause(row.task)} — {_trim_clause(row.time)}".strip(" —"),
            )
        )

    # -- prose ------------------------------------------------------------------------------
    def close_blocks(self, level: int) -> None:
        while self.stack and self.stack[-1].level >= level:
            block = self.stack.pop()
            self.drafts.extend(block.drafts())
            if block.agency and block.chairs and self.stack:
                self.stack[-1].field_leads.append(block.agency)

    def section_agency(self) -> str | None:
        """The lead named by the innermost open section, if any."""
        for block in reversed(self.stack):
            if block.lead:
                return block.lead
            if block.agency:
                return block.agency
        return None

    def note(self, body: str) -> None:
        """Remember who a sentence without a date says does what (leads in prose)."""
        top = self.stack[-1] if self.stack else None
        if top is None:
            return
        folded = fold_chars(body)
        if top.agency:
            self.duties.append((top.agency, body))
            if re.search(r"\bchu tri\b", folded) and not _COORDINATION.match(folded):
                top.chairs = True
            return
        actor = split_actor(_BULLET.sub("", body))
        if actor.lead and not _COORDINATION.match(fold_chars(actor.action)):
            top.subjects.append(actor.lead)

    def inline(self, index: int, body: str, match: DateMatch, begin: int) -> _Draft:
        """A sentence that sets a date: its dated clause says what is done, and by whom."""
        start = body.rfind(";", 0, begin) + 1
        end = body.find(";", match.end)
        end = len(body) if end < 0 else end
        clause = _trim_clause(body[start:begin] + " " + body[match.end : end])
        if len(clause.split()) < 3:
            start, clause = 0, _trim_clause(body[:begin] + " " + body[match.end :])
        actor = split_actor(clause)
        lead, coordinate = actor.lead, actor.coordinate
        if lead is None and start > 0:
            head = split_actor(_trim_clause(body[:start]))
            lead, coordinate = head.lead, head.coordinate
        title = _short_title(_strip_tail(actor.action))
        return _Draft(
            line=index,
            title=(title[:1].upper() + title[1:]) or _trim_clause(body),
            time_text=_trim_clause(body[begin : match.end]),
            kind_texts=(body,),
            lead=lead or self.section_agency(),
            coordinate=coordinate,
            context=body,
            inline=True,
            source=_trim_clause(body),
        )

    def open_heading(self, index: int, level: int, title: str) -> None:
        """A numbered heading opens a block; a date in it ("2. Điều tra xã hội học (trước
        ngày 20/12)") dates the block, and its subject ("Phòng Tư pháp: …") leads it."""
        self.columns = None
        self.close_blocks(level)
        block = _Block(level=level, title=title, line=index, agency=_section_agency(title))
        self.stack.append(block)
        if block.agency is None:
            block.lead = split_actor(title).lead  # "3. Các xã tự đánh giá": its doer leads it
        clause = _dated_clause(title, None, self.period, heading=True)
        if clause is not None:
            match, begin = clause
            actor = split_actor(_trim_clause(title[:begin] + " " + title[match.end :]))
            block.title = _strip_tail(actor.action)
            block.lead, block.coordinate = actor.lead, actor.coordinate
            block.agency = None
            time = _trim_clause(title[begin : match.end])
            block.times.append(("", time, index, time))

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
        folded = fold_chars(body)
        number_depth = None
        if heading is not None:
            level, title = heading
            if _TIME_LABEL.match(fold_chars(title)):
                number_depth, body, folded = level, title, fold_chars(title)
            else:
                self.open_heading(index, level, title)
                return
        label = _TIME_LABEL.match(folded)
        if label is not None:
            if number_depth is not None:
                self.close_blocks(number_depth)
            block = self.current_block(index)
            qualifier = _QUALIFIER_NOISE.sub(" ", label[1])
            qualifier_text = body[label.start(1) : label.end(1)] if qualifier.strip() else ""
            qualifier_text = " ".join(
                w for w in qualifier_text.split() if not _QUALIFIER_NOISE.fullmatch(fold_chars(w))
            )
            qualifier_text = re.sub(
                r"^(thực hiện|hoàn thành|triển khai)\s+", "", qualifier_text, flags=re.IGNORECASE
            )
            value = body[label.end() :]
            if not qualifier_text.strip():
                qualifier_text = _trailing_task(value, self.period)
            block.times.append(
                (qualifier_text.strip(), _trim_clause(value), index, _trim_clause(body))
            )
            return
        for pattern, attr in ((_COORDINATE_LABEL, "coordinate"), (_LEAD_LABEL, "lead")):
            m = pattern.match(folded)
            if m is not None and self.stack:
                setattr(self.stack[-1], attr, _trim_clause(body[m.end() :]) or None)
                return
        clause = _dated_clause(body, None, self.period)
        if clause is not None:
            self.drafts.append(self.inline(index, body, *clause))
            return
        self.note(body)
        if not _BULLET.match(text) and len(text) <= 160:
            self.last_plain = (index, text)

    def finish(self) -> list[_Draft]:
        self.flush_row()
        self.close_blocks(-1)
        return sorted(self.drafts, key=lambda d: d.line)


def _continues(previous: str, raw: str, across_gap: bool) -> bool:
    """Whether the text line ``raw`` carries on the sentence of ``previous``."""
    stripped = clean(raw)
    if not previous or split_row(raw) is not None or split_row(previous) is not None:
        return False
    if is_separator(raw) or _heading(stripped) is not None:
        return False
    if _TIME_LABEL.match(fold_chars(stripped)) or _LEAD_LABEL.match(fold_chars(stripped)):
        return False
    starts_low = stripped[0].islower() or stripped[0].isdigit()
    before = clean(previous)
    if not starts_low or not before or before[-1] in ".;:!?":
        return False
    # across a page break only a long line can have been cut: a short one is a heading
    return not across_gap or (len(before) >= 40 and _heading(before) is None)


def _unwrap(text: str) -> list[tuple[int, str]]:
    """Lines with prose that a PDF, a narrow page or a page break cut mid-sentence joined back.

    A line continues the previous text line when it starts in lowercase or with a digit that
    is not a heading number, and the previous line did not end a sentence or clause. Blank
    lines and page numbers between the two halves (a page break) are dropped when they are
    joined; elsewhere a page number becomes a blank line. Table rows are left alone
    (``_Walker`` mends wrapped rows itself).
    """
    out: list[tuple[int, str]] = []
    gap: list[tuple[int, str]] = []
    for index, raw in enumerate(text.splitlines()):
        stripped = clean(raw)
        if not stripped or _PAGE_FURNITURE.match(fold_chars(stripped)):
            gap.append((index, ""))
            continue
        if out and _continues(out[-1][1], raw, bool(gap)):
            out[-1] = (out[-1][0], f"{out[-1][1].rstrip()} {raw.strip()}")
        else:
            out.extend(gap)
            out.append((index, raw))
        gap = []
    out.extend(gap)
    return out


def _issue_date(text: str) -> date | None:
    """The plan's own date ("Uông Bí, ngày 20 tháng 11 năm 2023"), if written."""
    for raw in text.splitlines()[:80]:
        m = _ISSUE_DATE.match(fold_chars(clean(raw)))
        if m:
            try:
                return date(int(m[3]), int(m[2]), int(m[1]))
            except ValueError:
                return None
    return None


def infer_period(text: str) -> int | None:
    """The assessed year, from the plan's title ("… chỉ số cải cách hành chính năm 2021")."""
    lines = [fold_chars(clean(x.lstrip("#"))) for x in text.splitlines()]
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


def _who_and_what(d: _Draft) -> tuple[Kind, Audience]:
    """The step's kind and audience; a self-assessment step the organisers do ("Tổng hợp kết
    quả tự đánh giá") is their own work, not the units' self-assessment."""
    kind = classify_kind(*d.kind_texts)
    audience = decide_audience(kind, d.lead, d.title, d.context)
    if kind == "self_assessment" and audience == "admins":
        kind = "other"
    return kind, audience


def _resolve(drafts: list[_Draft], period: int | None, issued: date | None) -> list[Milestone]:
    """Date each draft in document order, classify it, and drop repeats (a repeat that names
    the lead its kept twin lacks lends it)."""
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
        twin = next(
            (
                kd
                for kd, k in kept
                if match.span.due == k.span.due
                and (
                    (kind != "other" and kind == classify_kind(*kd.kind_texts))
                    or fold_chars(kd.title) == fold_chars(d.title)
                )
            ),
            None,
        )
        if twin is None:
            kept.append((d, match))
        elif twin.lead is None and d.lead is not None:
            twin.lead, twin.coordinate = d.lead, twin.coordinate or d.coordinate
    kept.sort(key=lambda dm: (dm[1].span.due, dm[0].line))
    out: list[Milestone] = []
    seen: Counter[str] = Counter()
    for position, (d, match) in enumerate(kept, start=1):
        kind, audience = _who_and_what(d)
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
                audience=audience,
                source=_trim_clause(d.source or d.time_text),
            )
        )
    return out


def _lead_from_duties(d: _Draft, duties: list[tuple[str, str]]) -> None:
    """Fill a step's lead (and coordinating agencies) from the sections of duties.

    A step the plan dates without saying who does it ("2. Điều tra xã hội học … Thời gian:
    Tháng 11") is led by the agency whose section takes on that work; the agencies whose
    section only "phối hợp" (coordinates) in it coordinate. Guiding and urging others
    ("hướng dẫn, đôn đốc") counts as leading only the organisers' own kinds of work.
    """
    kind = classify_kind(*d.kind_texts)
    cue = _DUTY_CUES.get(kind)
    if cue is None:
        return
    leads: list[str] = []
    coordinating: list[str] = []
    for agency, line in duties:
        folded = fold_chars(line)
        if not cue.search(folded):
            continue
        if _COORDINATION.match(folded):
            coordinating.append(agency)
        elif kind != "self_assessment" or not _GUIDANCE.match(folded):
            leads.append(agency)
    if leads:
        d.lead = leads[0]
        others = [a for a in dict.fromkeys(coordinating) if a != d.lead]
        d.coordinate = d.coordinate or "; ".join(others) or None


def extract_milestones(text: str, period: int | None = None) -> list[Milestone]:
    """The dated steps of a plan, in date order (see the module doc for what is read)."""
    if period is None:
        period = infer_period(text)
    walker = _Walker(period)
    for index, raw in _unwrap(text):
        walker.line(index, raw)
    drafts = walker.finish()
    for d in drafts:
        if d.lead is None:
            _lead_from_duties(d, walker.duties)
    return _resolve(drafts, period, _issue_date(text))


def extract_plan(text: str, period: int | None = None) -> Plan:
    """A Plan from a plan's text; ValueError when the assessed year cannot be told."""
    year = period if period is not None else infer_period(text)
    if year is None:
        raise ValueError("cannot tell the plan's year: pass period=")
    return Plan(
        period=year,
        milestones=tuple(extract_milestones(text, year)),
        sections=split_sections(text),
    )
