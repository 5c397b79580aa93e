"""Type detection by content: names and MIME types are ignored, refusals say what to send."""

from __future__ import annotations

import pytest

from conversations.evidence_check import messages
from tests.evidence_check import factories as f
from tests.evidence_check.helpers import assert_accepted_pdf, assert_refused, check

REFUSED = [
    ("docx", f.docx, "not_pdf_docx", messages.NOT_PDF_DOCX),
    ("xlsx", f.xlsx, "not_pdf_xlsx", messages.NOT_PDF_XLSX),
    ("zip", f.plain_zip, "not_pdf_zip", messages.NOT_PDF_ZIP),
    ("ole", f.ole, "not_pdf_ole", messages.NOT_PDF_OLE),
    ("exe", f.windows_exe, "not_pdf_executable", messages.NOT_PDF_EXECUTABLE),
    ("elf", f.elf, "not_pdf_executable", messages.NOT_PDF_EXECUTABLE),
    ("script", lambda: b"#!/bin/sh\nrm -rf /\n", "not_pdf_executable", messages.NOT_PDF_EXECUTABLE),
    (
        "rar",
        lambda: b"Rar!\x1a\x07\x01\x00" + bytes(100),
        "not_pdf_archive",
        messages.NOT_PDF_ARCHIVE,
    ),
    (
        "tiff",
        lambda: b"II*\x00\x08\x00\x00\x00" + bytes(100),
        "not_pdf_tiff",
        messages.NOT_PDF_TIFF,
    ),
    ("random", f.random_bytes, "unknown_type", messages.UNKNOWN_TYPE),
    (
        "html",
        lambda: b"<!DOCTYPE html><html><body>%PDF</body></html>",
        "unknown_type",
        messages.UNKNOWN_TYPE,
    ),
    ("empty", lambda: b"", "empty", messages.EMPTY),
]


@pytest.mark.parametrize(
    ("label", "make", "reason", "message"), REFUSED, ids=[r[0] for r in REFUSED]
)
def test_refused_types(label: str, make: object, reason: str, message: str) -> None:
    verdict = check(make(), name=f"{label}.pdf", mime="application/pdf")  # type: ignore[operator]
    assert_refused(verdict, reason)
    assert verdict.message == message


def test_word_message_explains_how_to_export() -> None:
    verdict = check(f.docx(), name="bao-cao.docx")
    assert "Word document" in verdict.message
    assert "Save as" in verdict.message and "PDF" in verdict.message


def test_pdf_with_office_name_and_mime_is_still_a_pdf() -> None:
    data = f.text_page_pdf()
    verdict = check(data, name="x.docx", mime="application/msword")
    assert_accepted_pdf(verdict, data, "unsigned")


def test_docx_named_pdf_is_still_refused() -> None:
    verdict = check(f.docx(), name="x.pdf", mime="application/pdf")
    assert_refused(verdict, "not_pdf_docx")


def test_zip_renamed_pdf_is_refused_as_zip() -> None:
    # the archive even holds a real PDF: what counts is what was sent
    verdict = check(f.plain_zip(), name="tai-lieu.pdf", mime="application/pdf")
    assert_refused(verdict, "not_pdf_zip")


def test_photo_with_pdf_name_is_a_photo() -> None:
    verdict = check(f.jpeg(), name="scan.pdf", mime="application/pdf")
    assert verdict.accepted and verdict.kind == "photo"


def test_executable_with_embedded_pdf_header_is_refused() -> None:
    data = f.windows_exe() + f.text_page_pdf()
    assert_refused(check(data, name="x.pdf"), "not_pdf_executable")


def test_pdf_header_after_leading_bytes_is_accepted() -> None:
    data = b"\r\n" + b"x" * 200 + b"\n" + f.text_page_pdf()
    verdict = check(data)
    assert_accepted_pdf(verdict, data, "unsigned")


def test_pdf_header_too_far_in_is_not_a_pdf() -> None:
    data = b"x" * 2000 + f.text_page_pdf()
    assert_refused(check(data), "unknown_type")
