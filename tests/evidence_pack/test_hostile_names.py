"""Issue 18, finding 3: a control character in a stored file name once crashed
`parbot export evidence --board commune` (openpyxl's IllegalCharacterError), so one file
blocked the whole board's pack. Names stored before upload cleaning existed are seeded here
straight into the database, as they were; a file whose content cannot be read shows that one
bad file is reported in the index while the rest of the pack goes out."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conversations import evidence_pack as pack
from storage.files import EvidenceStore
from tests.evidence_pack.helpers import seed_evidence

ESCAPE = "a\x1b[31mred.pdf"
NUL = "x\x00.pdf"


@pytest.fixture
def hostile(cli, db_url: str, tmp_path: Path) -> Path:
    cli("catalog", "import", str(pack_catalog()), "--period", "2024")
    units = tmp_path / "units.csv"
    units.write_text(
        "code,name,board\nX01,UBND xã Canh Thuận,commune\nX02,UBND xã Canh Hiệp,commune\n"
        "X03,UBND xã Canh Vinh,commune\n",
        encoding="utf-8",
    )
    cli("units", "import", str(units), "--period", "2024")
    files = [
        ("X01", "1.1.1.a", ESCAPE),
        ("X01", "1.2", '=HYPERLINK("http://evil.example/")\r\n.pdf'),
        ("X02", "1.2", "Báo cáo quý I.pdf"),
        ("X03", "1.2", "Kế hoạch.pdf"),
    ]
    if db_url.startswith("sqlite"):  # PostgreSQL cannot store NUL in text at all
        files.append(("X01", "3.2", NUL))
    seed_evidence(db_url, EvidenceStore(tmp_path / "data" / "evidence"), files)
    return tmp_path


def pack_catalog() -> Path:
    from scoring.catalog import sample_catalog_paths

    return sample_catalog_paths()["xa-mau-2024"]


def _index(zf: zipfile.ZipFile) -> dict[str, tuple[object, ...]]:
    ws = openpyxl.load_workbook(io.BytesIO(zf.read(pack.INDEX_XLSX))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == pack.HEADERS
    return {str(r[4]): r for r in rows[1:]}


def test_a_board_pack_survives_control_characters_in_stored_names(
    cli,
    hostile: Path,
    db_url: str,
) -> None:
    out = hostile / "xa.zip"
    result = cli("export", "evidence", "--period", "2024", "--board", "commune", "--out", str(out))
    zf = zipfile.ZipFile(out)
    names = set(zf.namelist())
    assert "X01/1.1.1.a/ared.pdf" in names or "X01/1.1.1.a/a-31mred.pdf" in names
    assert "X02/1.2/Bao cao quy I.pdf" in names and "X03/1.2/Ke hoach.pdf" in names
    assert all(n.isascii() and "\x00" not in n and "\x1b" not in n for n in names)
    index = _index(zf)
    shown = {str(r[5]) for r in index.values()}
    assert "a\\x1b[31mred.pdf" in shown  # the original, visibly escaped
    if db_url.startswith("sqlite"):
        assert "x\\x00.pdf" in shown
    assert not any(ch in "".join(shown) for ch in "\x00\x1b\r")
    table = list(csv.reader(io.StringIO(zf.read(pack.INDEX_CSV).decode("utf-8-sig"))))
    assert {r[4] for r in table[1:]} == set(index)
    assert "\x1b" not in zf.read(pack.INDEX_CSV).decode("utf-8-sig")
    assert "3 unit(s)" in result.output


def test_one_unreadable_file_is_reported_and_the_rest_goes_out(
    cli,
    hostile: Path,
) -> None:
    store = EvidenceStore(hostile / "data" / "evidence")
    x02 = next(p for p in store.root.rglob("*") if p.is_file() and b"X02/" in p.read_bytes())
    x02.unlink()
    x02.symlink_to(x02)  # a loop: opening it fails with ELOOP, as a broken disk would fail
    out = hostile / "xa.zip"
    result = cli("export", "evidence", "--period", "2024", "--board", "commune", "--out", str(out))
    zf = zipfile.ZipFile(out)
    names = set(zf.namelist())
    assert "X02/1.2/Bao cao quy I.pdf" not in names
    assert "X03/1.2/Ke hoach.pdf" in names
    row = _index(zf)["X02/1.2/Bao cao quy I.pdf"]
    assert str(row[len(pack.HEADERS) - 1]).startswith(pack.FAILED_NOTE)
    assert "X02/1.2/Bao cao quy I.pdf" in result.stderr and "could not be read" in result.stderr


def test_the_score_sheet_of_a_unit_with_such_names_exports(cli, hostile: Path) -> None:
    out = hostile / "X01.xlsx"
    cli("export", "sheet", "--unit", "X01", "--period", "2024", "--out", str(out))
    cells = [
        str(c)
        for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True)
        for c in row
        if c
    ]
    assert any("a[31mred.pdf" in c for c in cells)
    assert not any("\x1b" in c or "\x00" in c for c in cells)
