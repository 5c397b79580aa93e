"""The council's evidence pack (hồ sơ tài liệu kiểm chứng): one ZIP the appraisers can open.

Layout: one folder per unit code when the pack holds several units, then one folder per item
code (``1.1.1.a/``) holding that item's files under safe readable names, plus an index at the
root in Excel (``danh-muc-tai-lieu.xlsx``) and CSV (UTF-8 with BOM, so Excel shows Vietnamese):

    X01/1.1.1.a/Ke hoach CCHC 2024.pdf
    X01/1.1.1.a/Ke hoach CCHC 2024 (2).pdf
    X02/3.2/Anh niem yet.pdf
    danh-muc-tai-lieu.xlsx
    danh-muc-tai-lieu.csv

Reading the database is async (:func:`collect`); writing the ZIP is blocking and streams every
file from the content-addressed store into the archive on disk (:func:`write_zip`), so a pack of
several gigabytes never sits in memory. :func:`build_evidence_zip` does both.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from conversations import assessment as A
from conversations import tabular
from conversations.evidence_names import escape_name, visible
from conversations.formats import SheetWriter
from conversations.workbook import Alignment, Font, PatternFill, Workbook, get_column_letter
from scoring.i18n import N_
from storage.enums import ItemSection
from storage.files import EvidenceStore
from storage.repositories.rows import PeriodRow, UnitRow
from storage.repositories.rows_evidence import EvidenceRow
from storage.uow import UnitOfWork

INDEX_XLSX = "danh-muc-tai-lieu.xlsx"
INDEX_CSV = "danh-muc-tai-lieu.csv"
MAX_STEM = 80
DEFAULT_TZ = "Asia/Ho_Chi_Minh"

HEADERS = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Mã tiêu chí",
    "Tên tiêu chí",
    "Tệp trong thư mục",
    "Tên tệp gốc",
    "Số trang",
    "Mục/trang trích dẫn",
    "Chữ ký số",
    "Người ký",
    "Thời điểm ký",
    "Người gửi",
    "Thời gian gửi",
    "Dung lượng (byte)",
    "Nội dung rủi ro",
    "Ghi chú",
)
WIDTHS = (10, 30, 12, 50, 45, 35, 9, 24, 32, 28, 17, 24, 17, 14, 28, 24)

STATUS_VI = {
    "signed_intact": "Có chữ ký số, còn nguyên vẹn",
    "signed_modified": "Có chữ ký số nhưng bị sửa sau khi ký",
    "unsigned": "Không có chữ ký số",
    "photo": "Ảnh chụp chuyển sang PDF (không ký số)",
    "unreadable": "Không đọc được",
}
MISSING_NOTE = "Không tìm thấy nội dung tệp trong kho lưu trữ"
FAILED_NOTE = "Không xuất được tệp này"
RISK_VI = {
    "javascript": "JavaScript",
    "launch": "lệnh chạy chương trình (Launch)",
    "embedded_executable": "tệp chương trình đính kèm",
    "embedded_file": "tệp đính kèm bên trong",
    "polyglot": "dữ liệu lạ ghép vào tệp (ZIP/đầu tệp)",
    "auto_action": "thao tác tự động khi mở",
}

_PICTURE_EXT = re.compile(r"\.(pdf|jpe?g|png|webp|gif|bmp|tiff?|heic|heif)$", re.IGNORECASE)
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9 ._,()+-]+")
_RUNS = re.compile(r"[-\s]*-[-\s]*|\s+")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$", re.IGNORECASE)


# ------------------------------------------------------------------ names


def ascii_fold(text: str) -> str:
    """Vietnamese without diacritics ("Kế hoạch" → "Ke hoach", "Đ" → "D")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def safe_name(original: str | None, suffix: str = ".pdf", fallback: str = "tai-lieu") -> str:
    """A readable file name that is safe on every system: no path separators, no control or
    reserved characters, ASCII only (old Windows unzip tools garble anything else), at most
    ``MAX_STEM`` characters before ``suffix``. The stored content is always a PDF, so a photo's
    ``.jpg`` becomes ``.pdf``."""
    name = _PICTURE_EXT.sub("", " ".join((original or "").split()))
    stem = _NOT_ALLOWED.sub("-", ascii_fold(name))
    stem = _RUNS.sub(lambda mt: "-" if "-" in mt.group(0) else " ", stem)
    stem = stem.strip(" .-_,")[:MAX_STEM].rstrip(" .-_,")
    if not stem:
        stem = fallback
    if _WINDOWS_RESERVED.match(stem):
        stem = "_" + stem
    return stem + suffix


def safe_folder(code: str) -> str:
    """A folder name for a unit or item code ("1.1.1.a" stays as it is)."""
    return safe_name(code, suffix="", fallback="_")


def dedupe(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``… — the first not in ``taken`` (case-insensitive,
    as on Windows and macOS); the result is added to ``taken``."""
    stem, dot, ext = name.rpartition(".")
    if not dot or "/" in ext:
        stem, ext = name, ""
    else:
        ext = "." + ext
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem} ({n}){ext}"
    taken.add(candidate.lower())
    return candidate


# ------------------------------------------------------------------ data


@dataclass(frozen=True)
class PackEntry:
    """One evidence file as it appears in the pack and its index."""

    unit_code: str
    unit_name: str
    board: str
    item_code: str
    item_title: str
    field_code: str | None
    arcname: str  # path inside the ZIP, POSIX separators
    original_name: str  # as stored; shown escaped in the index
    sha256: str
    size: int
    pages: int | None
    section_ref: str | None
    signature_status: str
    signer: str | None
    signed_at: datetime | None
    uploader: str | None
    uploaded_at: datetime | None
    risks: tuple[str, ...] = ()  # risky PDF content found at upload (see evidence_check.risks)

    @property
    def file_name(self) -> str:
        return self.arcname.rsplit("/", 1)[-1]


@dataclass
class ZipSummary:
    path: Path
    units: int  # units in the selection (with or without files)
    files: int  # files written into the ZIP
    bytes: int  # content bytes written (before ZIP overhead)
    items: int  # distinct (unit, item) folders
    entries: list[PackEntry] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # arcnames whose content was absent
    failed: dict[str, str] = field(default_factory=dict)  # arcname → why it was left out


@dataclass(frozen=True)
class Selection:
    period: PeriodRow
    units: list[UnitRow]
    entries: list[PackEntry]

    @property
    def total_bytes(self) -> int:
        return sum(e.size for e in self.entries)


# ------------------------------------------------------------------ reading


async def select_units(
    uow: UnitOfWork,
    period_year: int,
    unit_codes: list[str] | None = None,
    board: str | None = None,
) -> tuple[PeriodRow, list[UnitRow]]:
    """The period and its units: the given codes (in that order), or one board, or all.

    Raises :class:`conversations.assessment.NotFound` for an unknown period or unit code.
    """
    period = await A.get_period(uow, period_year)
    if unit_codes:
        units: list[UnitRow] = []
        unknown: list[str] = []
        for code in dict.fromkeys(c.strip() for c in unit_codes if c.strip()):
            unit = await uow.units.get_by_code(period.id, code)
            if unit is None:
                unknown.append(code)
            else:
                units.append(unit)
        if unknown:
            raise A.NotFound(N_("unknown unit %(unit)s"), unit=", ".join(unknown))
        if board is not None:
            units = [u for u in units if u.board == board]
        return period, units
    return period, await uow.units.list_for_period(period.id, board)


async def collect(
    uow: UnitOfWork,
    period_year: int,
    unit_codes: list[str] | None = None,
    board: str | None = None,
    *,
    fields_by_unit: Mapping[str, Collection[str] | None] | None = None,
) -> Selection:
    """Everything the pack will hold, with the names the files get inside it.

    ``fields_by_unit`` restricts the pack (an appraiser sees only the fields assigned to them):
    ``{unit code: field codes, or None for every item}``; a unit missing from it contributes
    nothing. Bonus and penalty items belong to no field, so only a full view includes them.
    """
    period, units = await select_units(uow, period_year, unit_codes, board)
    nested = not (unit_codes and len(unit_codes) == 1)  # one folder per unit unless just one
    entries: list[PackEntry] = []
    if not units:
        return Selection(period, units, entries)
    by_unit: dict[int, list[tuple[EvidenceRow, str, str, int]]] = {}
    for row in await uow.evidence.live_for_units([u.id for u in units]):
        ev = row.evidence
        by_unit.setdefault(ev.unit_id, []).append(
            (ev, row.item_code, row.item_title, row.item_position)
        )
    people_ids = sorted(
        {ev.uploaded_by for lst in by_unit.values() for ev, *_ in lst if ev.uploaded_by}
    )
    names = {p.id: p.full_name for p in await uow.people.list_by_ids(people_ids)}
    fields_of: dict[int, dict[str, str | None]] = {}
    for unit in units:
        unit_rows = by_unit.get(unit.id, [])
        if not unit_rows:
            continue
        if unit.catalog_id is not None and unit.catalog_id not in fields_of:
            fields_of[unit.catalog_id] = await _fields(uow, unit.catalog_id)
        field_map = fields_of.get(unit.catalog_id or 0, {})
        allowed: set[str | None] | None = None
        if fields_by_unit is not None:
            if unit.code not in fields_by_unit:
                continue
            chosen = fields_by_unit[unit.code]
            allowed = None if chosen is None else set(chosen)
        unit_dir = safe_folder(unit.code) + "/" if nested else ""
        taken: dict[str, set[str]] = {}
        for ev, code, title, _pos in unit_rows:
            field_code = field_map.get(code)
            if allowed is not None and field_code not in allowed:
                continue
            folder = unit_dir + safe_folder(code)
            name = dedupe(safe_name(ev.original_name), taken.setdefault(folder, set()))
            entries.append(
                PackEntry(
                    unit_code=unit.code,
                    unit_name=unit.name,
                    board=unit.board,
                    item_code=code,
                    item_title=title,
                    field_code=field_code,
                    arcname=f"{folder}/{name}",
                    original_name=_original(ev),
                    sha256=ev.sha256,
                    size=int(ev.size),
                    pages=ev.pages,
                    section_ref=ev.section_ref,
                    signature_status=ev.signature_status,
                    signer=ev.signer,
                    signed_at=ev.signed_at,
                    uploader=names.get(ev.uploaded_by) if ev.uploaded_by else None,
                    uploaded_at=ev.uploaded_at,
                    risks=_risks(ev),
                )
            )
    return Selection(period, units, entries)


def _detail(ev: EvidenceRow) -> dict[str, object]:
    return ev.signature_detail if isinstance(ev.signature_detail, dict) else {}


def _original(ev: EvidenceRow) -> str:
    """The name as the officer sent it (kept escaped at upload), else the stored name."""
    kept = _detail(ev).get("original_name")
    return kept if isinstance(kept, str) and kept else escape_name(ev.original_name)


def _risks(ev: EvidenceRow) -> tuple[str, ...]:
    found = _detail(ev).get("risks")
    return tuple(str(r) for r in found) if isinstance(found, list) else ()


async def _fields(uow: UnitOfWork, catalog_id: int) -> dict[str, str | None]:
    """``{item code: its field's code}`` from the stored item tree (None for bonus/penalty)."""
    rows = await uow.catalogs.items_by_code(catalog_id)
    out: dict[str, str | None] = {}
    for code in rows:
        top = rows[code]
        for _ in range(64):  # the tree is shallow; the bound only guards a corrupt cycle
            parent = rows.get(top.parent_code) if top.parent_code else None
            if parent is None:
                break
            top = parent
        out[code] = top.code if top.section == ItemSection.FIELD.value else None
    return out


# ------------------------------------------------------------------ writing


def _local(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value
    return value.astimezone(tz).replace(tzinfo=None)


def _note(arcname: str, missing: Collection[str], failed: Mapping[str, str]) -> str:
    if arcname in failed:
        return f"{FAILED_NOTE}: {failed[arcname]}"
    return MISSING_NOTE if arcname in missing else ""


def _row(e: PackEntry, tz: ZoneInfo, note: str) -> list[object]:
    """One index row; free text from users is written with control characters escaped,
    since a spreadsheet refuses them (one such name once broke a whole board's pack)."""
    return [
        e.unit_code,
        visible(e.unit_name),
        e.item_code,
        visible(e.item_title),
        e.arcname,
        visible(e.original_name),
        e.pages,
        visible(e.section_ref or ""),
        STATUS_VI.get(e.signature_status, e.signature_status),
        visible(e.signer or ""),
        _local(e.signed_at, tz),
        visible(e.uploader or ""),
        _local(e.uploaded_at, tz),
        e.size,
        ", ".join(RISK_VI.get(r, r) for r in e.risks),
        note,
    ]


def index_xlsx(
    entries: list[PackEntry],
    tz: ZoneInfo,
    missing: Collection[str] = (),
    failed: Mapping[str, str] | None = None,
    *,
    sheets: SheetWriter,
) -> bytes:
    """The index as an Excel workbook: Vietnamese headers, numbers and times as real values,
    header row frozen, filters on, sensible column widths, file cells linked to the files."""
    wb = Workbook()
    ws = wb.create_sheet("Danh mục TLKC")
    tabular.append(ws, HEADERS)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws.row_cells(1):
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    time_cols = (HEADERS.index("Thời điểm ký") + 1, HEADERS.index("Thời gian gửi") + 1)
    file_col = HEADERS.index("Tệp trong thư mục") + 1
    for e in entries:
        r = tabular.append(ws, _row(e, tz, _note(e.arcname, missing, failed or {})))
        for c in time_cols:
            ws.cell(r, c).number_format = "DD/MM/YYYY HH:MM"
        link = ws.cell(r, file_col)
        if e.arcname not in missing and e.arcname not in (failed or {}):
            link.hyperlink = e.arcname
            link.font = Font(color="0563C1", underline="single")
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter = f"A1:{get_column_letter(len(HEADERS))}{max(ws.max_row, 1)}"
    buf = io.BytesIO()
    sheets.save(wb, buf)
    return buf.getvalue()


def index_csv(
    entries: list[PackEntry],
    tz: ZoneInfo,
    missing: Collection[str] = (),
    failed: Mapping[str, str] | None = None,
) -> bytes:
    """The same index as CSV, UTF-8 with a BOM so Excel opens Vietnamese correctly."""
    rows: list[list[object]] = [list(HEADERS)]
    for e in entries:
        row = _row(e, tz, _note(e.arcname, missing, failed or {}))
        rows.append([v.strftime("%d/%m/%Y %H:%M") if isinstance(v, datetime) else v for v in row])
    return tabular.csv_bytes(rows)


def write_zip(
    entries: list[PackEntry],
    store: EvidenceStore,
    out_path: Path | str,
    *,
    units: int = 0,
    tz: ZoneInfo | str = DEFAULT_TZ,
    sheets: SheetWriter,
) -> ZipSummary:
    """Write the pack to ``out_path`` (blocking). Files are streamed from the store into the
    archive (never read whole into memory); the archive is written to a temporary name beside
    ``out_path`` and renamed when complete, so a reader never sees half a pack. ``sheets``
    writes the index workbook."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    missing: list[str] = []
    failed: dict[str, str] = {}
    written = 0
    total = 0
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            for e in entries:
                problem = _add_file(zf, store, e)
                if problem is None:
                    written += 1
                    total += e.size
                elif problem == "missing":
                    missing.append(e.arcname)
                else:
                    failed[e.arcname] = problem
            zf.writestr(INDEX_XLSX, index_xlsx(entries, zone, missing, failed, sheets=sheets))
            zf.writestr(INDEX_CSV, index_csv(entries, zone, missing, failed))
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return ZipSummary(
        path=out,
        units=units,
        files=written,
        bytes=total,
        items=len({(e.unit_code, e.item_code) for e in entries}),
        entries=entries,
        missing=missing,
        failed=failed,
    )


def _add_file(zf: zipfile.ZipFile, store: EvidenceStore, e: PackEntry) -> str | None:
    """Stream one stored file into the archive: None, ``"missing"``, or why it failed.

    One unreadable file (a bad row, a disk error) is reported in the index and the rest of
    the pack still goes out, so one unit's file never blocks a whole board's pack. The source
    is opened before the archive entry is started, so a failure leaves no half entry."""
    try:
        src = store.open(e.sha256)
    except FileNotFoundError:
        return "missing"
    except (OSError, ValueError) as exc:
        return _reason(exc)
    try:
        with src, zf.open(_zip_info(e.arcname, src), "w") as dest:
            # PDFs are compressed already: stored, deflating gains little
            shutil.copyfileobj(src, dest, 1 << 16)
    except OSError as exc:  # a read error mid-file: the index marks the entry as failed
        return _reason(exc)
    return None


def _zip_info(arcname: str, src: BinaryIO) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo.from_file(src.name, arcname)
    info.compress_type = zipfile.ZIP_STORED
    return info


def _reason(exc: BaseException) -> str:
    """A short, Vietnamese-first reason for the index (no paths: they say nothing to the
    council and may reveal the server's layout)."""
    if isinstance(exc, ValueError):
        return "bản ghi không hợp lệ"
    text = os.strerror(exc.errno) if isinstance(exc, OSError) and exc.errno else type(exc).__name__
    return f"không đọc được tệp trong kho ({text})"


async def build_evidence_zip(
    uow: UnitOfWork,
    store: EvidenceStore,
    period_year: int,
    out_path: Path | str,
    unit_codes: list[str] | None = None,
    board: str | None = None,
    *,
    fields_by_unit: Mapping[str, Collection[str] | None] | None = None,
    tz: ZoneInfo | str = DEFAULT_TZ,
    sheets: SheetWriter,
) -> ZipSummary:
    """Build the evidence pack of one period: the given units, or one board, or every unit.

    Raises :class:`conversations.assessment.NotFound` for an unknown period or unit code.
    """
    sel = await collect(uow, period_year, unit_codes, board, fields_by_unit=fields_by_unit)
    return await asyncio.to_thread(
        write_zip, sel.entries, store, out_path, units=len(sel.units), tz=tz, sheets=sheets
    )
