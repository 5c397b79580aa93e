"""Safe, readable names for the files inside the council's pack."""

from __future__ import annotations

import pytest

from conversations.evidence_names import download_name
from conversations.evidence_pack import dedupe, safe_folder, safe_name


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("Kế hoạch CCHC 2024.pdf", "Ke hoach CCHC 2024.pdf"),
        ("Đề án — số 12 .PDF", "De an-so 12.pdf"),
        ("IMG_0001.JPG", "IMG_0001.pdf"),  # a photo is stored as a PDF
        ("scan.heic", "scan.pdf"),
        ("Quyết định 12.2024", "Quyet dinh 12.2024.pdf"),  # not an extension: kept
        ("../../etc/passwd", "etc-passwd.pdf"),
        ("C:\\Users\\Lan\\Báo cáo: quý I/2024?.pdf", "C-Users-Lan-Bao cao-quy I-2024.pdf"),
        ("\x00\x01evil\n.pdf", "evil.pdf"),
        ("con.pdf", "_con.pdf"),  # reserved device name on Windows
        ("LPT1", "_LPT1.pdf"),
        ("...pdf", "tai-lieu.pdf"),
        ("   ", "tai-lieu.pdf"),
        (None, "tai-lieu.pdf"),
        ("a    b\t\tc.pdf", "a b c.pdf"),
    ],
)
def test_safe_name(original: str | None, expected: str) -> None:
    assert safe_name(original) == expected


def test_safe_name_is_short_ascii_and_has_no_separators() -> None:
    name = safe_name("Tài liệu kiểm chứng " * 20 + ".pdf")
    assert len(name) <= 84 and name.endswith(".pdf")
    assert name.isascii() and "/" not in name and "\\" not in name
    assert not name[:-4].endswith((" ", ".", "-"))


def test_safe_folder_keeps_codes() -> None:
    assert safe_folder("1.1.1.a") == "1.1.1.a"
    assert safe_folder("X01") == "X01"
    assert safe_folder("../x") == "x"


def test_dedupe_adds_numbers_case_insensitively() -> None:
    taken: set[str] = set()
    assert [dedupe("Ke hoach.pdf", taken) for _ in range(3)] == [
        "Ke hoach.pdf",
        "Ke hoach (2).pdf",
        "Ke hoach (3).pdf",
    ]
    assert dedupe("KE HOACH.PDF", taken) == "KE HOACH (4).PDF"
    assert dedupe("noext", taken) == "noext"
    assert dedupe("noext", taken) == "noext (2)"
    assert dedupe("Ke hoach (2).pdf", set()) == "Ke hoach (2).pdf"


def test_download_name_keeps_vietnamese() -> None:
    assert download_name("Báo cáo năm 2024.pdf") == "Báo cáo năm 2024.pdf"
    assert download_name("photo-20240101-101010.jpg") == "photo-20240101-101010.pdf"
    assert download_name("a/b\\c:d.pdf") == "a-b-c-d.pdf"
    assert download_name("  ") == "tai-lieu.pdf"
