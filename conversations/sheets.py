"""Excel files: a unit's self-scoring sheet (biểu tự chấm điểm) and the ranking per board.

Both are official-looking Vietnamese documents: Vietnamese headers, numbers stored as numbers
with two- to three-decimal formats (0,875), fixed column widths, a frozen header row, and A4
landscape print set-up (fit to one page wide, header row repeated, margins, page numbers).
Figures come from the same computation as /rank (``conversations.assessment.standings``), so
the sheet, the chat and ``parbot rank`` always agree.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from conversations import assessment as A
from conversations import yearover as Y
from conversations.class_reason import class_reason
from conversations.evidence_names import shown_name
from conversations.figures import na_note, out_of
from conversations.formats import SheetWriter
from conversations.i18n import fmt_date, fmt_num, t
from conversations.markup import plain
from conversations.review.card import SIGNATURES
from conversations.tabular import put
from conversations.unitview import DONE, UnitView, load_for_appraisal
from conversations.walk import describe
from conversations.workbook import (
    Alignment,
    Border,
    Font,
    PatternFill,
    PrintLayout,
    Side,
    Workbook,
    Worksheet,
    get_column_letter,
)
from scoring.answers import Answer
from scoring.catalog import ZERO, Catalog, Item
from scoring.i18n import N_
from scoring.results import FieldScore, LeafScore, ResultSummary, UnitResult
from storage.repositories.rows import PeriodRow, UnitRow
from storage.repositories.rows_evidence import AppraisalRow
from storage.uow import UnitOfWork

LOCALE = "vi"
NUM = "#,##0.00#"
"""Points keep up to three decimals (0,125); indexes and percentages have two."""
NOT_FOR_UNIT = "không áp dụng với đơn vị"
"""What a unit's sheet says of an item whose ``applies_to`` names none of the unit's tags."""
NOT_APPLICABLE = "Không áp dụng"
"""The points of an item answered "không áp dụng" and left out of the max (not a 0)."""
NA_FULL = "Không áp dụng (tính đủ điểm)"
"""The declared value of an item answered "không áp dụng" that counts its full points."""
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FIELD_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
BOARD_TITLES = {
    "department": "Bảng 1: Cơ quan chuyên môn",
    "commune": "Bảng 2: UBND xã, phường",
}


def board_title(board: str) -> str:
    """The board's Vietnamese title; a board a catalog declares (district…) by its code."""
    return BOARD_TITLES.get(board, f"Bảng {board}")


SIGNATURE_VI = {
    "signed_intact": "đã ký số, nguyên vẹn",
    "signed_modified": "đã ký số nhưng bị sửa sau khi ký",
    "unsigned": "chưa ký số",
    "unreadable": "không đọc được",
    "photo": "ảnh chụp",
}
assert set(SIGNATURE_VI) == set(SIGNATURES)

# the unit sheet's columns: (header, width)
UNIT_COLUMNS = (
    ("STT", 6),
    ("Mã tiêu chí", 10),
    ("Lĩnh vực / tiêu chí", 46),
    ("Điểm tối đa", 9),
    ("Số liệu kê khai", 22),
    ("Điểm tự chấm", 9),
    ("Điểm thẩm định", 10),
    ("Điểm đạt", 9),
    ("Tài liệu kiểm chứng", 34),
    ("Giải trình", 34),
    ("Ghi chú thẩm định", 26),
)
COL = {name: i + 1 for i, (name, _) in enumerate(UNIT_COLUMNS)}
HEADER_ROW = 5


class _Fmt:
    """What ``walk.describe`` needs from a chat context, in Vietnamese, outside any chat."""

    locale = LOCALE

    def tr(self, message: str, /, **params: object) -> str:
        return t(LOCALE, message, **params)

    def num(self, value: Any) -> str:
        return fmt_num(value, LOCALE)

    def date(self, value: Any) -> str:
        return fmt_date(value, LOCALE)


def export_path(data_dir: Path, stem: str) -> Path:
    folder = Path(data_dir) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in stem)
    return folder / f"{safe}-{uuid.uuid4().hex[:10]}.xlsx"


def roman(n: int) -> str:
    out = ""
    for value, sym in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out += sym
            n -= value
    return out


def _f(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _print_setup(ws: Worksheet, title_rows: str) -> None:
    """Landscape A4, one page wide, ``title_rows`` on every page (the writer lays it out)."""
    ws.print_layout = PrintLayout(title_rows)


def _header(ws: Worksheet, row: int, columns: Sequence[tuple[str, float]]) -> None:
    for c, (name, width) in enumerate(columns, start=1):
        cell = put(ws, row, c, name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.row_dimensions[row].height = 32


def _title(ws: Worksheet, row: int, text: str, ncols: int, *, bold: bool, size: int = 11) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    cell = put(ws, row, 1, text)
    cell.font = Font(bold=bold, size=size)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


# ------------------------------------------------------------------ the unit's sheet


@dataclass
class UnitSheet:
    unit: UnitRow
    period: PeriodRow
    catalog: Catalog
    result: UnitResult
    standing: A.Standing
    file: UnitView


async def load_unit_sheet(uow: UnitOfWork, year: int, unit_code: str) -> UnitSheet:
    period = await A.get_period(uow, year)
    unit = await uow.units.get_by_code(period.id, unit_code)
    if unit is None:
        raise A.NotFound(N_("unknown unit %(unit)s"), unit=unit_code)
    uf = await load_for_appraisal(uow, unit.id)
    if uf is None:
        raise A.NotFound(N_("unit %(unit)s has no catalog for its board yet"), unit=unit_code)
    rows = await A.standings(uow, year, unit.board)
    mine = next(r for r in rows if r.unit.id == unit.id)
    full = await A.unit_result(uow, unit)  # the ranking keeps summaries; the sheet needs items
    assert full is not None  # the unit has a catalog (load_for_appraisal found it)
    return UnitSheet(unit, period, uf.catalog, full[1], mine, uf)


def build_unit_workbook(data: UnitSheet) -> Workbook:
    wb = Workbook()
    ws = wb.create_sheet("Biểu tự chấm điểm")
    _unit_heading(ws, data)
    rows = _UnitRows(ws, data.result, data.file, HEADER_ROW + 1)
    rows.fields(data.catalog)
    rows.bonus_and_penalty(data.catalog)
    row = _unit_summary(ws, rows.row + 1, data)
    ws.print_area = f"A1:{get_column_letter(len(UNIT_COLUMNS))}{row}"
    wb.properties.title = f"Biểu tự chấm điểm {data.unit.code} {data.period.year}"
    wb.properties.creator = "parbot"
    return wb


def _unit_heading(ws: Worksheet, data: UnitSheet) -> None:
    """The title rows, the column header and the print set-up above the items."""
    n = len(UNIT_COLUMNS)
    cat = data.catalog
    _title(
        ws, 1, f"BIỂU TỰ CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {data.period.year}", n,
        bold=True, size=13,
    )  # fmt: skip
    _title(ws, 2, f"Đơn vị: {data.unit.name} ({data.unit.code})", n, bold=True)
    sub = cat.title + (f" — {cat.decision}" if cat.decision else "")
    _title(ws, 3, sub, n, bold=False, size=10)
    ws.row_dimensions[3].height = 28
    _header(ws, HEADER_ROW, UNIT_COLUMNS)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    _print_setup(ws, f"{HEADER_ROW}:{HEADER_ROW}")


class _UnitRows:
    """The item rows of a unit's sheet, written one below the other: the next free row is
    state shared by the field, subtotal and leaf rows, so it lives here."""

    def __init__(self, ws: Worksheet, res: UnitResult, uf: UnitView, row: int) -> None:
        self.ws, self.res, self.uf, self.row = ws, res, uf, row
        self.fmt = _Fmt()

    def write(
        self,
        values: dict[str, Any],
        *,
        bold: bool = False,
        italic: bool = False,
        fill: PatternFill | None = None,
    ) -> None:
        """One row in the sheet's columns, bordered; numbers (but the STT) in ``NUM``."""
        ws, row = self.ws, self.row
        for name, c in COL.items():
            cell = put(ws, row, c, values.get(name))
            cell.border = BORDER
            cell.alignment = WRAP_TOP
            if bold or italic:
                cell.font = Font(bold=bold, italic=italic)
            if fill is not None:
                cell.fill = fill
            if isinstance(cell.value, float | int) and name not in ("STT",):
                cell.number_format = NUM
        ws.cell(row=row, column=COL["STT"]).alignment = Alignment(
            horizontal="center", vertical="top"
        )
        self.row += 1

    def fields(self, cat: Catalog) -> None:
        """Each field in bold with its note (points over the applicable max), then its items."""
        for k, fld in enumerate(cat.fields, start=1):
            values = self.totals(fld)
            values["STT"] = roman(k)
            values["Ghi chú thẩm định"] = _field_note(self.res.field(fld.code))
            self.write(values, bold=True, fill=FIELD_FILL)
            if fld.is_leaf:
                self.write(self.leaf_values(fld, "1"))
            else:
                self.walk(fld, [0])

    def bonus_and_penalty(self, cat: Catalog) -> None:
        """The bonus and penalty sections after the fields, numbered on from them."""
        res = self.res
        for section, items, cap, label in (
            ("bonus", cat.bonus, cat.bonus_max, "ĐIỂM THƯỞNG"),
            ("penalty", cat.penalty, cat.penalty_max, "ĐIỂM TRỪ"),
        ):
            if not items:
                continue
            got = res.bonus if section == "bonus" else res.penalty
            self.write(
                {
                    "STT": roman(len(cat.fields) + (1 if section == "bonus" else 2)),
                    "Lĩnh vực / tiêu chí": f"{label} (tối đa {fmt_num(cap, LOCALE)} điểm)",
                    "Điểm tối đa": float(cap),
                    "Điểm đạt": float(got),
                },
                bold=True,
                fill=FIELD_FILL,
            )
            counter = [0]
            for top in items:
                counter[0] += 1
                if top.is_leaf:
                    self.write(self.leaf_values(top, str(counter[0])))
                else:
                    self.write({**self.totals(top), "STT": str(counter[0])}, italic=True)
                    self.walk(top, counter)

    def walk(self, node: Item, counter: list[int]) -> None:
        """The items under ``node`` depth first, numbered on from ``counter``."""
        for child in node.children:
            counter[0] += 1
            stt = str(counter[0])
            if child.is_leaf:
                self.write(self.leaf_values(child, stt))
            else:
                self.write({**self.totals(child), "STT": stt}, italic=True)
                self.walk(child, counter)

    def totals(self, node: Item) -> dict[str, Any]:
        """A group's subtotals: self-scored, appraised (only once every own item below has
        its verdict) and final points."""
        res, uf = self.res, self.uf
        leaves = list(node.leaves())
        self_sum = sum(
            (res.leaves[x.code].self_points or ZERO for x in leaves if x.code in res.leaves), ZERO
        )
        own = [x for x in leaves if not x.is_survey]
        verdicts = [uf.appraisals.get(x.code) for x in own]
        complete = bool(own) and all(v is not None and v.status in DONE for v in verdicts)
        appraised = sum((res.leaves[x.code].points for x in own if x.code in res.leaves), ZERO)
        final = sum((res.leaves[x.code].points for x in leaves if x.code in res.leaves), ZERO)
        has_self = any(not x.is_survey for x in leaves)
        return {
            "Mã tiêu chí": node.code,
            "Lĩnh vực / tiêu chí": node.title,
            "Điểm tối đa": float(node.max),
            "Điểm tự chấm": float(self_sum) if has_self else None,
            "Điểm thẩm định": float(appraised) if complete else None,
            "Điểm đạt": float(final),
        }  # fmt: skip

    def leaf_values(self, item: Item, stt: str) -> dict[str, Any]:
        """A criterion's row: what was declared, the points, the evidence and the notes."""
        ls = self.res.leaves.get(item.code)
        uf = self.uf
        ap = uf.appraisals.get(item.code)
        note = _appraisal_note(ap)
        files = uf.evidence.get(item.code, [])
        evidence = "\n".join(
            f"{shown_name(e.original_name)} "
            f"({SIGNATURE_VI.get(e.signature_status, e.signature_status)})"
            for e in files
        )
        ex = uf.explanations.get(item.code)
        final: float | str | None = None
        own: float | str | None = None
        if ls is not None and ls.source not in ("pending", "not_for_unit"):
            final = float(ls.points)
        if ls is not None and not item.is_survey:
            own = _f(ls.self_points)
        if ls is not None and ls.source == "na":  # left out of the max: not a 0
            final = own = NOT_APPLICABLE
        return {
            "STT": stt,
            "Mã tiêu chí": item.code,
            "Lĩnh vực / tiêu chí": item.title,
            "Điểm tối đa": float(item.max),
            "Số liệu kê khai": self.declared(item, ls),
            "Điểm tự chấm": own,
            "Ghi chú thẩm định": note or (_zeroed_note(ls.zeroed_by) if ls else None),
            "Điểm thẩm định": _f(ap.points) if ap is not None else None,
            "Điểm đạt": final,
            "Tài liệu kiểm chứng": evidence or None,
            "Giải trình": ex.text if ex is not None else None,
        }

    def declared(self, item: Item, ls: LeafScore | None) -> str:
        """The "declared value" column: the answer in words, or why there is none."""
        ans_row = self.uf.answers.get(item.code)
        answer = None
        if ans_row is not None:
            try:
                answer = Answer.from_json(ans_row.value)
            except (ValueError, KeyError):
                answer = None
        if ls is not None and ls.source == "not_for_unit":
            return NOT_FOR_UNIT
        if item.is_survey:
            return (
                "Điều tra xã hội học"
                if ls and ls.source == "survey"
                else "Chờ kết quả điều tra XHH"
            )
        if ls is not None and ls.source == "na_full":
            return NA_FULL
        if answer is not None:
            return describe(self.fmt, item, answer)  # type: ignore[arg-type]
        return "Chưa kê khai"


def _unit_summary(ws: Worksheet, row: int, data: UnitSheet) -> int:
    """The totals below the items (index, class, rank, status) and, while survey points are
    pending, the range the index can still end in; returns the row after them."""
    res, rk = data.result, data.standing.ranked
    published = data.period.published_at is not None
    summary: list[tuple[str, Any]] = [
        ("Tổng điểm các lĩnh vực", float(res.points)),
        ("Điểm tối đa được tính (trừ tiêu chí không áp dụng, chờ điều tra)",
         float(res.applicable_max)),
        ("Số tiêu chí chưa trả lời", res.unanswered),
        ("Tiêu chí không áp dụng", _na_text(res)),
        ("Điểm thưởng", float(res.bonus)),
        ("Điểm trừ", float(res.penalty)),
        ("CHỈ SỐ CCHC", float(res.index)),
        ("XẾP LOẠI", res.classification),
        ("Lý do xếp loại", class_reason(LOCALE, data.catalog, res) or None),
        ("Xếp hạng", f"{rk.rank}/{rk.of} — {board_title(data.unit.board)}"),
        ("Tình trạng", _status_text(data.period, res)),
    ]  # fmt: skip
    for label, value in summary:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=COL["Điểm đạt"] - 1)
        head = put(ws, row, 1, label)
        head.font = Font(bold=True)
        head.alignment = Alignment(horizontal="right", vertical="center")
        cell = put(ws, row, COL["Điểm đạt"], value)
        cell.font = Font(bold=True, size=12 if label == "CHỈ SỐ CCHC" else 11)
        cell.border = BORDER
        if isinstance(value, float):
            cell.number_format = NUM
        elif not isinstance(value, int):
            ws.merge_cells(
                start_row=row,
                start_column=COL["Điểm đạt"],
                end_row=row,
                end_column=len(UNIT_COLUMNS),
            )
        row += 1
    if res.pending and not published:
        put(
            ws,
            row,
            1,
            f"Chỉ số sơ bộ chưa tính điểm điều tra XHH; khi có kết quả, chỉ số nằm trong "
            f"khoảng {fmt_num(res.index_low, LOCALE)}–{fmt_num(res.index_high, LOCALE)}.",
        ).font = Font(italic=True)
        row += 1
    return row


def _field_note(fs: FieldScore | None) -> str:
    """A field's points over its applicable max, as /progress and /rank show them, and the
    max its not-applicable items leave out."""
    if fs is None or fs.pct is None:
        return "Chờ kết quả điều tra XHH"
    note = (
        f"Đạt {out_of(LOCALE, fs.points, fs.applicable_max)} điểm được tính "
        f"({fmt_num(fs.pct, LOCALE)}%)"
    )
    if fs.na_max:
        note += f"; không áp dụng: {fmt_num(fs.na_max, LOCALE)} điểm"
    return note


def _na_text(res: ResultSummary) -> str:
    """How the unit's not-applicable answers count (the chat's line, in Vietnamese)."""
    note = na_note(LOCALE, res)
    return plain(note) if note else "Không có"


def _zeroed_note(code: str | None) -> str | None:
    return f"0 điểm vì tiêu chí {code} đạt 0 điểm" if code else None


def _appraisal_note(ap: AppraisalRow | None) -> str | None:
    if ap is None or ap.status == "pending":
        return None
    if ap.status == "accepted":
        return "Thống nhất với điểm tự chấm"
    if ap.status == "adjusted":
        return "Điều chỉnh" + (f": {ap.comment}" if ap.comment else "")
    due = f" trước ngày {ap.due_date.strftime('%d/%m/%Y')}" if ap.due_date else ""
    return f"Đề nghị bổ sung tài liệu kiểm chứng{due}" + (f": {ap.comment}" if ap.comment else "")


def _status_text(period: PeriodRow, res: UnitResult) -> str:
    if period.published_at is not None:
        return f"Kết quả chính thức, công bố ngày {period.published_at.strftime('%d/%m/%Y')}"
    if res.preliminary:
        return "Sơ bộ: chưa thẩm định đầy đủ hoặc chưa có kết quả điều tra XHH"
    return "Đã thẩm định, chưa công bố"


async def write_workbook(writer: SheetWriter, build: Callable[[], Workbook], out: Path) -> None:
    """Build a workbook from data already read and save it, on a worker thread: the ranking
    of 5,000 units took 1 s to build and 3 s to save (21 s before the writer shared styles),
    and on the event loop that long every officer's update waited (2026-12-07)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(lambda: writer.save(build(), out))


async def write_unit_sheet(
    uow: UnitOfWork, year: int, unit_code: str, out: Path, writer: SheetWriter
) -> Path:
    data = await load_unit_sheet(uow, year, unit_code)
    await write_workbook(writer, lambda: build_unit_workbook(data), out)
    return out


# ------------------------------------------------------------------ the ranking


RANKING_NOTES = (
    "Tỷ lệ % của mỗi lĩnh vực = điểm ÷ điểm tối đa được tính, như chỉ số CCHC.",
    "Điểm tối đa được tính không gồm tiêu chí không áp dụng (cột “Không áp dụng”: số tiêu chí) "
    "và tiêu chí chờ điều tra XHH; tiêu chí mà bộ chỉ số quy định “không áp dụng thì tính đủ "
    "điểm” được tính đủ điểm.",
)
"""Below the ranking table: how the percentages and the not-applicable items count."""

BASIS_TEXT = {
    "full": "Đủ điểm điều tra XHH",
    "rescaled": "Thiếu điểm ĐTXHH: tính trên điểm tối đa được chấm",
    "zero": "Thiếu điểm ĐTXHH: tính 0 điểm",
}
"""The ranking sheet's "basis" column (the sheets are Vietnamese documents)."""


def ranking_columns(catalog: Catalog, prev_year: int | None = None) -> list[tuple[str, float]]:
    """Per field its points, the max they count against (without not-applicable and pending
    survey items; the catalog's max in the header) and the percentage, then the totals."""
    cols: list[tuple[str, float]] = [("Hạng", 7), ("Mã đơn vị", 10), ("Tên đơn vị", 34)]
    for f in catalog.fields:
        cols.append((f"LV {f.code}: điểm", 9))
        cols.append((f"LV {f.code}: tối đa được tính (bộ chỉ số: {fmt_num(f.max, LOCALE)})", 11))
        cols.append((f"LV {f.code}: tỷ lệ %", 9))
    cols += [
        ("Tổng điểm", 9),
        ("Tối đa được tính", 9),
        ("Chưa trả lời", 8),
        ("Không áp dụng", 8),
        ("Điểm thưởng", 9),
        ("Điểm trừ", 9),
        ("Chỉ số CCHC", 10),
        ("Xếp loại", 24),
        ("Lý do xếp loại", 34),
        ("Cơ sở xếp hạng", 22),
    ]
    if prev_year is not None:  # the previous year's columns (year over year)
        cols += [
            (f"Năm {prev_year}: Chỉ số CCHC", 10),
            (f"Năm {prev_year}: hạng", 8),
            (f"Năm {prev_year}: xếp loại", 22),
            ("Chỉ số tăng/giảm", 9),
        ]
    cols.append(("Ghi chú", 30))
    return cols


def _previous_values(before: Y.Previous | None, index: Decimal) -> list[Any]:
    if before is None:
        return [None, None, "(đơn vị mới)", None]
    return [float(before.index), before.rank, before.classification, float(index - before.index)]


def build_ranking_workbook(
    rows: Sequence[A.Standing],
    period: PeriodRow,
    previous: Mapping[str, Y.Previous] | None = None,
) -> Workbook:
    """One sheet per board; with ``previous`` (unit code → last year), its columns too."""
    wb = Workbook()
    by_board: dict[str, list[A.Standing]] = {}
    for r in rows:
        by_board.setdefault(r.unit.board, []).append(r)
    for board, members in by_board.items():
        _board_sheet(wb, board, members, period, previous)
    wb.properties.title = f"Xếp hạng Chỉ số CCHC {period.year}"
    wb.properties.creator = "parbot"
    return wb


def _board_sheet(
    wb: Workbook,
    board: str,
    members: Sequence[A.Standing],
    period: PeriodRow,
    previous: Mapping[str, Y.Previous] | None,
) -> None:
    """One board's sheet: title and status, the header, a row per unit and the notes."""
    title = board_title(board)
    ws = wb.create_sheet(title.replace(":", " -")[:31])
    cat = members[0].catalog
    prev_year = next(iter(previous.values())).year if previous else None
    cols = ranking_columns(cat, prev_year)
    n = len(cols)
    _title(
        ws, 1, f"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {period.year} — {title.upper()}", n,
        bold=True, size=13,
    )  # fmt: skip
    status = (
        f"Kết quả chính thức, công bố ngày {period.published_at.strftime('%d/%m/%Y')}"
        if period.published_at is not None
        else "Kết quả sơ bộ (chưa công bố)"
    )
    _title(ws, 2, f"{cat.title} · {status}", n, bold=False, size=10)
    _header(ws, 3, cols)
    ws.row_dimensions[3].height = 45
    ws.freeze_panes = ws.cell(row=4, column=4)
    _print_setup(ws, "3:3")
    published = period.published_at is not None
    index_col = cols.index(("Chỉ số CCHC", 10)) + 1
    for i, r in enumerate(members, start=4):
        values = _ranking_values(r, cat, published, prev_year, previous)
        for c, v in enumerate(values, start=1):
            cell = put(ws, i, c, v)
            cell.border = BORDER
            cell.alignment = WRAP_TOP
            if isinstance(v, float):
                cell.number_format = NUM
        ws.cell(row=i, column=1).alignment = Alignment(horizontal="center", vertical="top")
        ws.cell(row=i, column=index_col).font = Font(bold=True)
    last = len(members) + 3
    for k, text in enumerate(RANKING_NOTES, start=last + 2):
        ws.merge_cells(start_row=k, start_column=1, end_row=k, end_column=n)
        put(ws, k, 1, text).font = Font(italic=True, size=9)
    ws.print_area = f"A1:{get_column_letter(n)}{last + 1 + len(RANKING_NOTES)}"


def _ranking_values(
    r: A.Standing,
    cat: Catalog,
    published: bool,
    prev_year: int | None,
    previous: Mapping[str, Y.Previous] | None,
) -> list[Any]:
    """A unit's row in the order of ``ranking_columns``: per field points, applicable max
    and percentage, then the totals, last year's figures and the note."""
    res = r.result
    values: list[Any] = [r.ranked.rank, r.unit.code, r.unit.name]
    for f in cat.fields:
        fs = res.field(f.code)
        values.append(float(fs.points) if fs is not None else None)
        values.append(float(fs.applicable_max) if fs is not None else None)
        values.append(_f(fs.pct) if fs is not None else None)
    values += [
        float(res.points),
        float(res.applicable_max),
        res.unanswered,
        res.not_applicable,
    ]
    note = []
    if not published and res.preliminary:
        note.append("Sơ bộ")
    if (
        not published
        and res.pending
        and (r.ranked.best_rank, r.ranked.worst_rank) != (r.ranked.rank, r.ranked.rank)
    ):
        note.append(f"chờ điều tra XHH: hạng {r.ranked.best_rank}–{r.ranked.worst_rank}")
    values += [
        float(res.bonus),
        float(res.penalty),
        float(res.index),
        res.classification,
        class_reason(LOCALE, r.catalog, res) or None,
        BASIS_TEXT.get(r.basis, r.basis),
    ]
    if prev_year is not None and previous is not None:
        values += _previous_values(previous.get(r.unit.code), res.index)
    values.append("; ".join(note) or None)
    return values


async def write_ranking(
    uow: UnitOfWork, year: int, board: str | None, out: Path, writer: SheetWriter
) -> Path:
    period = await A.get_period(uow, year)
    rows = await A.standings(uow, year, board)
    if not rows:
        raise A.NotFound(N_("No units with a catalog in %(year)s yet."), year=year)
    previous = await Y.previous_figures(uow, period)
    await write_workbook(writer, lambda: build_ranking_workbook(rows, period, previous), out)
    return out
