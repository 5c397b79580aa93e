"""Files that are not a usable appendix: each refused with what was wrong and what to send."""

from __future__ import annotations

import pytest

from catalog_draft import DraftError, draft_file
from catalog_draft.readers import limits
from tests.catalog_draft import builders
from tests.evidence_check import factories

LETTER = [
    "ỦY BAN NHÂN DÂN HUYỆN VÂN CANH",
    "Về việc cử cán bộ tham dự tập huấn CCHC",
    "Ủy ban nhân dân huyện cử các đồng chí có tên sau tham dự tập huấn:",
]


def refusal(name: str, data: bytes) -> tuple[str, str]:
    with pytest.raises(DraftError) as caught:
        draft_file(name, data)
    return caught.value.render(str)


def test_a_word_file_that_is_not_an_appendix():
    what, todo = refusal("cong-van.docx", builders.word_letter(LETTER))
    assert what == "No criteria table was found in cong-van.docx."
    assert "STT, Lĩnh vực/tiêu chí, Điểm tối đa" in todo


def test_an_empty_criteria_table():
    what, todo = refusal("phu-luc-trong.xlsx", builders.empty_table_xlsx())
    assert what == "The criteria table in phu-luc-trong.xlsx has no rows with codes and points."
    assert "codes 1, 1.1, 1.1.1" in todo


def test_a_scanned_pdf_says_what_to_send_instead():
    what, todo = refusal("phu-luc-scan.pdf", builders.scanned_pdf())
    assert what == "This PDF is a scan: its pages are pictures with no text to read."
    assert "Word (.docx) or Excel (.xlsx)" in todo


def test_a_20_mb_spreadsheet_is_refused_before_it_is_parsed():
    data = builders.huge_xlsx()
    assert len(data) >= 20 * 1024 * 1024
    what, todo = refusal("du-lieu.xlsx", data)
    assert what.startswith("The file is 2") and "at most 10 MB" in what
    assert "Send only the appendix" in todo


def test_a_small_spreadsheet_that_unpacks_to_gigabytes_is_refused(tmp_path):
    import zipfile

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (limits.MAX_UNPACKED_BYTES + 1))
    assert path.stat().st_size < 1024 * 1024
    what, _ = refusal("bomb.xlsx", path.read_bytes())
    assert what.startswith("The file is 6")


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("phu-luc.docx", factories.random_bytes(), "is not a Word (.docx), Excel (.xlsx) or PDF"),
        ("phu-luc.txt", b"STT;Tieu chi;Diem", "is not a Word (.docx), Excel (.xlsx) or PDF"),
        ("phu-luc.docx", factories.plain_zip(), "The Word file could not be opened"),
        ("phu-luc.pdf", b"%PDF-1.7\n garbage", "The PDF file could not be opened"),
    ],
)
def test_damaged_or_foreign_files(name: str, data: bytes, what: str):
    said, _todo = refusal(name, data)
    assert what in said


def test_a_renamed_file_is_read_by_its_content(appendix_files):
    assert draft_file("phu-luc.docx", appendix_files["xlsx"]).format == "xlsx"
    assert draft_file("phu-luc.xlsx", appendix_files["pdf"]).format == "pdf"
