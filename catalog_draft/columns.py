"""Finding the criteria table and its columns from the header's wording.

Appendices name and order their columns freely ("STT" / "TT", "Lĩnh vực, tiêu chí, tiêu chí
thành phần" / "Nội dung", "Điểm tối đa" / "Điểm chuẩn", "Cách tính điểm" / "Hướng dẫn chấm
điểm", "Tài liệu kiểm chứng"), often with a row of column numbers (1) (2) (3) under the
header. Columns are recognised on folded text (no diacritics, lowercase).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from catalog_draft.source import SourceRow, SourceTable
from scoring.values import fold_chars

IGNORED = ("tu cham", "tu danh gia", "tham dinh", "ghi chu", "hien tai", "dat duoc", "giai trinh")
PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("evidence", ("tai lieu kiem chung", "tlkc", "ho so kiem chung", "kiem chung")),
    (
        "rule",
        (
            "cach tinh diem",
            "cach cham",
            "huong dan cham",
            "phuong phap cham",
            "phuong phap tinh",
            "huong dan danh gia",
            "cach danh gia",
            "tieu chuan danh gia",
            "cach xac dinh",
            "thang diem chi tiet",
        ),
    ),
    ("max", ("diem toi da", "diem chuan", "thang diem", "so diem", "diem so", "toi da", "diem")),
    (
        "title",
        (
            "linh vuc",
            "tieu chi",
            "noi dung",
            "chi so",
        ),
    ),
    ("code", ("stt", "so tt", "tt", "ma so", "ma", "ky hieu", "so thu tu")),
)
SCAN_ROWS = 8


@dataclass(frozen=True)
class Columns:
    """Where each part of a row is; ``header_rows`` is how many rows the header takes."""

    title: int
    max: int
    code: int | None = None
    rule: int | None = None
    evidence: int | None = None
    header_rows: int = 1
    start: int = 0  # rows above the header (the appendix's title in a spreadsheet)


def _kind(text: str) -> str | None:
    words = " ".join(re.findall(r"[a-z0-9]+", fold_chars(text)))
    if not words or any(k in words for k in IGNORED):
        return None
    matched = [k for k, keys in PATTERNS if any(re.search(rf"\b{key}\b", words) for key in keys)]
    if "title" in matched and "rule" in matched:
        return "title"  # "Nội dung, cách tính điểm": the rule is written under each title
    return matched[0] if matched else None


def header_of(row: SourceRow) -> dict[str, int]:
    """The columns a row names, first occurrence of each kind winning."""
    found: dict[str, int] = {}
    for i, cell in enumerate(row.cells):
        if cell.continued or not cell.text:
            continue
        kind = _kind(cell.text)
        if kind is not None and kind not in found:
            found[kind] = i
    return found


def is_number_row(row: SourceRow) -> bool:
    """A row of column numbers under the header: (1) (2) (3) … or 1 2 3 4 5."""
    cells = [c.text.strip("() ") for c in row.cells if c.text.strip()]
    if len(cells) < 3 or not all(c.isdigit() for c in cells):
        return False
    numbers = [int(c) for c in cells]
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def find_columns(table: SourceTable) -> Columns | None:
    """The table's columns if one of its first rows is a criteria header, else None."""
    for i, row in enumerate(table.rows[:SCAN_ROWS]):
        found = header_of(row)
        if "max" not in found or "title" not in found:
            continue
        used = i + 1
        # a two-row header ("Điểm" over "Tối đa | Tự chấm") and the column-number row
        while used < len(table.rows) and used <= i + 2:
            nxt = table.rows[used]
            if is_number_row(nxt):
                used += 1
                continue
            extra = header_of(nxt)
            if not extra or not _header_like(nxt):
                break
            for kind, col in extra.items():
                found.setdefault(kind, col)
            if "max" in extra:
                found["max"] = extra["max"]
            used += 1
        return Columns(
            title=found["title"],
            max=found["max"],
            code=found.get("code"),
            rule=found.get("rule"),
            evidence=found.get("evidence"),
            header_rows=used,
            start=i,
        )
    return None


def _header_like(row: SourceRow) -> bool:
    """A second header row: several short cells, each naming a column ("Tối đa", "Tự chấm")."""
    filled = row.filled
    return len(filled) >= 2 and all(
        len(t) <= 40 and (_kind(t) is not None or any(k in fold_chars(t) for k in IGNORED))
        for t in filled
    )


def same_shape(table: SourceTable, width: int) -> bool:
    """A table on a later page that continues the criteria table (same number of columns)."""
    return bool(table.rows) and all(len(r.cells) == width for r in table.rows[:3])
