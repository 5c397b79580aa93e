"""The one cell writer for exports (conversations/tabular.py, with the .xlsx writer of
documents/xlsx.py that stores its cells), and a guard that every export uses it: a direct
openpyxl cell write or csv writer anywhere else in the product fails here."""

from __future__ import annotations

import ast
import csv
import io
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conversations import tabular
from conversations.workbook import Workbook
from documents.xlsx import OpenpyxlSheets

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "bot",
    "conversations",
    "handlers",
    "scheduler",
    "scoring",
    "storage",
    "documents",
    "delivery",
)
# the one writer: typed, cleaned values into the workbook model, and the model into .xlsx cells
ONE_WRITER = (Path("conversations/tabular.py"), Path("documents/xlsx.py"))
# writers that feed parbot's own importers (not files handed to people) may use csv directly
NOT_EXPORTS = {
    Path("bot/demo_seed.py"): "builds the demo's units CSV for the units importer",
}


@pytest.mark.parametrize(
    ("text", "risky"),
    [
        ('=HYPERLINK("http://evil.example/","click")', True),
        ("+84 912", True),
        ("-2+3", True),
        ("@SUM(A1)", True),
        ("\tx", True),
        ("\rx", True),
        ("UBND xã A", False),
        ("1.1.1.a", False),
        ("", False),
    ],
)
def test_csv_value_prefixes_a_quote_only_where_a_formula_could_start(text, risky):
    assert tabular.csv_value(text) == ("'" + text if risky else text)


def test_numbers_and_dates_stay_typed_and_control_characters_go():
    when = datetime(2024, 3, 1, 9, 30)
    assert tabular.csv_value(-2.5) == -2.5
    assert tabular.csv_value(Decimal("-1")) == Decimal("-1")
    assert tabular.csv_value(when) is when
    assert tabular.csv_value(None) is None
    assert tabular.csv_value("a\x1b[31mred\x00.pdf") == "a[31mred.pdf"
    wb = Workbook()
    ws = wb.create_sheet("Sheet")
    assert tabular.append(ws, ["-Tên", -3, 1.5, when, "#REF!", "x\x00y", None]) == 1
    assert tabular.append(ws, ["second"]) == 2
    buf = io.BytesIO()
    OpenpyxlSheets().save(wb, buf)  # the composition root's writer keeps text as text
    back = openpyxl.load_workbook(buf).active
    row = [c for c in back[1]]
    assert [c.value for c in row[:6]] == ["-Tên", -3, 1.5, when, "#REF!", "xy"]
    assert [c.data_type for c in row[:6]] == ["s", "n", "n", "d", "s", "s"]
    assert row[0].quotePrefix and not row[4].quotePrefix


def test_csv_bytes_round_trips_through_the_csv_module():
    data = tabular.csv_bytes([["Tên", "Số"], ["=1+1", -2], ['a,b\n"c"', 3]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["Tên", "Số"], ["'=1+1", "-2"], ['a,b\n"c"', "3"]]


# ------------------------------------------------------------------ nothing writes around it


def _direct_writes(path: Path) -> list[str]:
    """Cell writes that bypass :mod:`conversations.tabular` in one module."""
    tree = ast.parse(path.read_text("utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name = node.func.attr
        owner = ast.unparse(node.func.value)
        if name == "cell" and (len(node.args) > 2 or any(k.arg == "value" for k in node.keywords)):
            found.append(f"{path}:{node.lineno} {owner}.cell(..., value)")
        elif name in ("writer", "DictWriter") and owner == "csv":
            found.append(f"{path}:{node.lineno} csv.{name}")
        elif name == "append" and re.fullmatch(r"(\w*_)?ws|\w*sheet|wb\.active", owner, re.I):
            found.append(f"{path}:{node.lineno} {owner}.append")
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr == "value"
                    and "cell" in ast.unparse(target.value).lower()
                ):
                    found.append(f"{path}:{node.lineno} {ast.unparse(target)} = …")
    return found


def test_every_export_writes_its_cells_through_the_one_writer():
    offenders: list[str] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if rel in ONE_WRITER or rel in NOT_EXPORTS:
                continue
            offenders += _direct_writes(path)
    assert offenders == [], "write cells with conversations.tabular.put/append/csv_bytes"


def test_the_guard_catches_a_direct_write(tmp_path: Path):
    bad = tmp_path / "bad_export.py"
    bad.write_text(
        "import csv\n"
        "def f(ws, out, name):\n"
        "    ws.cell(row=1, column=1, value=name)\n"
        "    ws.cell(2, 1, name)\n"
        "    ws.append([name])\n"
        "    csv.writer(out).writerow([name])\n"
        "    cell = ws['A1']\n"
        "    cell.value = name\n",
        "utf-8",
    )
    assert len(_direct_writes(bad)) == 5
