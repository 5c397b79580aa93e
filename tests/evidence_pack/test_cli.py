"""`parbot export evidence` end to end on a real database and evidence store."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from conversations import evidence_pack as pack
from scoring.catalog import sample_catalog_paths
from storage.files import EvidenceStore
from tests.evidence_pack.helpers import seed_evidence

XA = sample_catalog_paths()["xa-mau-2024"]


@pytest.fixture
def seeded(cli, db_url: str, tmp_path: Path) -> Path:
    cli("catalog", "import", str(XA), "--period", "2024")
    units = tmp_path / "units.csv"
    units.write_text(
        "code,name,board\nX01,UBND xã Canh Thuận,commune\nX02,UBND xã Canh Hiệp,commune\n",
        encoding="utf-8",
    )
    cli("units", "import", str(units), "--period", "2024")
    seed_evidence(
        db_url,
        EvidenceStore(tmp_path / "data" / "evidence"),
        [
            ("X01", "1.1.1.a", "Kế hoạch CCHC.pdf"),
            ("X01", "1.1.1.a", "Kế hoạch CCHC.pdf"),
            ("X01", "3.2", "Ảnh niêm yết.jpg"),
            ("X02", "1.2", "Báo cáo quý I.pdf"),
        ],
    )
    return tmp_path


def test_export_one_unit_a_board_and_everything(cli, seeded: Path) -> None:
    out = seeded / "X01.zip"
    result = cli("export", "evidence", "--period", "2024", "--unit", "X01", "--out", str(out))
    assert "3 file(s)" in result.output and "1 unit(s)" in result.output
    names = set(zipfile.ZipFile(out).namelist())
    assert names == {
        "1.1.1.a/Ke hoach CCHC.pdf",
        "1.1.1.a/Ke hoach CCHC (2).pdf",
        "3.2/Anh niem yet.pdf",
        pack.INDEX_XLSX,
        pack.INDEX_CSV,
    }
    for flag in (["--board", "commune"], ["--board", "bang 2"], ["--all"]):
        out = seeded / "many.zip"
        result = cli("export", "evidence", "--period", "2024", *flag, "--out", str(out))
        names = set(zipfile.ZipFile(out).namelist())
        assert "X02/1.2/Bao cao quy I.pdf" in names and "X01/3.2/Anh niem yet.pdf" in names
        assert "4 file(s)" in result.output and "2 unit(s)" in result.output


def test_unknown_unit_period_or_board_exit_1_and_write_nothing(cli, seeded: Path) -> None:
    out = seeded / "none.zip"
    r = cli("export", "evidence", "--period", "2024", "--unit", "X99", "--out", str(out), code=1)
    assert "X99" in r.stderr
    r = cli("export", "evidence", "--period", "1999", "--all", "--out", str(out), code=1)
    assert "1999" in r.stderr
    r = cli("export", "evidence", "--period", "2024", "--board", "tinh", "--out", str(out), code=1)
    assert "tinh" in r.stderr
    assert not out.exists()
    r = cli("export", "evidence", "--period", "2024", "--out", str(out), code=2)
    r = cli(
        "export",
        "evidence",
        "--period",
        "2024",
        "--all",
        "--unit",
        "X01",
        "--out",
        str(out),
        code=2,
    )
    assert not out.exists()


def test_help_is_bilingual(cli) -> None:
    r = cli("export", "evidence", "--help")
    assert "tài liệu kiểm chứng" in r.output and "evidence pack" in r.output
