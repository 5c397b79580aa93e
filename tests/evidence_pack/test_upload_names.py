"""File names as officers send them, cleaned at upload (issue 18, finding 3)."""

from __future__ import annotations

import unicodedata

import pytest

from conversations.evidence_names import (
    MAX_NAME,
    clean_file_name,
    escape_name,
    generated_name,
    shown_name,
    visible,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Kế hoạch CCHC 2024.pdf", "Kế hoạch CCHC 2024.pdf"),
        ("a\x1b[31mred.pdf", "a[31mred.pdf"),
        ("x\x00.pdf", "x.pdf"),
        ("bao\u202egpj.exe", "baogpj.exe"),  # right-to-left override: the classic disguise
        ("Báo cáo: năm/2024.pdf", "Báo cáo: năm-2024.pdf"),
        ("../../etc/passwd", "etc-passwd"),
        ("C:\\Users\\Lan\\Ke hoach.pdf", "C:-Users-Lan-Ke hoach.pdf"),
        (".htaccess", "htaccess"),
        ("  ...Ke hoach .pdf", "Ke hoach.pdf"),
        ("Ke\r\n\thoach.pdf", "Ke hoach.pdf"),
        ("\x00\x01/..", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_file_name(raw: str | None, clean: str) -> None:
    assert clean_file_name(raw) == clean


def test_decomposed_vietnamese_becomes_composed() -> None:
    nfd = unicodedata.normalize("NFD", "Kế hoạch.pdf")
    assert nfd != "Kế hoạch.pdf"
    assert clean_file_name(nfd) == "Kế hoạch.pdf"


def test_a_long_name_keeps_its_extension() -> None:
    name = clean_file_name("Tài liệu kiểm chứng " * 30 + ".pdf")
    assert len(name) <= MAX_NAME and name.endswith(".pdf") and not name.endswith(" .pdf")
    assert len(clean_file_name("x" * 400)) == MAX_NAME


def test_the_original_is_only_kept_escaped() -> None:
    assert escape_name("a\x1b[31mred.pdf") == "a\\x1b[31mred.pdf"
    assert escape_name("x\x00.pdf") == "x\\x00.pdf"
    assert escape_name("bao\u202egpj.exe") == "bao\\u202egpj.exe"
    assert escape_name("C:\\x00") == "C:\\\\x00"  # a real backslash is told apart
    assert escape_name("Kế hoạch.pdf") == "Kế hoạch.pdf"
    assert len(escape_name("\x00" * 1000)) <= 600


def test_visible_keeps_line_breaks_and_backslashes() -> None:
    assert visible("Mục II\ntrang 3") == "Mục II\ntrang 3"
    assert visible("Lan\x1b[0m \\ B") == "Lan\\x1b[0m \\ B"


def test_generated_and_shown_names() -> None:
    assert generated_name("1.2.3", "20240301-093000") == "TLKC-1.2.3-20240301-093000.pdf"
    assert shown_name("a\x1b[31mred.pdf") == "a[31mred.pdf"
    assert shown_name("\x00") == "tai-lieu.pdf"
