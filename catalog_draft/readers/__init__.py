"""Document readers: the only part of the drafter that imports python-docx, openpyxl or
pdfplumber (each imported when its format is read). Everything else sees SourceDocument."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from catalog_draft.errors import SEND_APPENDIX, UNSUPPORTED, DraftError
from catalog_draft.readers.limits import check_size
from catalog_draft.source import DocumentReader, SourceDocument

FORMATS = (".docx", ".xlsx", ".pdf")


def reader_for(name: str, data: bytes) -> DocumentReader:
    """The reader for a file, by its content (a renamed file still reads), else its name."""
    suffix = PurePath(name).suffix.lower()
    if data.startswith(b"%PDF"):
        from catalog_draft.readers.pdf_reader import read_pdf

        return read_pdf
    office = _office_kind(data) if data.startswith(b"PK") else None
    if office == "xlsx" or (office is None and suffix == ".xlsx" and data.startswith(b"PK")):
        from catalog_draft.readers.xlsx_reader import read_xlsx

        return read_xlsx
    if office == "docx" or (office is None and suffix == ".docx" and data.startswith(b"PK")):
        from catalog_draft.readers.docx_reader import read_docx

        return read_docx
    raise DraftError(UNSUPPORTED, SEND_APPENDIX, name=PurePath(name).name or "?")


def _office_kind(data: bytes) -> str | None:
    """'docx' or 'xlsx' from the archive's parts; None if it is no Office file (or damaged)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def read_document(name: str, data: bytes) -> SourceDocument:
    check_size(len(data))
    return reader_for(name, data)(data)
