"""Document readers: the only part of the drafter that imports python-docx, openpyxl or
pdfplumber (each imported when its format is read). Everything else sees SourceDocument."""

from __future__ import annotations

from pathlib import PurePath

from catalog_draft.errors import SEND_APPENDIX, UNSUPPORTED, DraftError
from catalog_draft.readers.limits import check_size
from catalog_draft.source import DocumentReader, SourceDocument

FORMATS = (".docx", ".xlsx", ".pdf")


def reader_for(name: str, data: bytes) -> DocumentReader:
    """The reader for a file, by its content first (a renamed file still reads) then its name."""
    suffix = PurePath(name).suffix.lower()
    if data.startswith(b"%PDF") or suffix == ".pdf":
        from catalog_draft.readers.pdf_reader import read_pdf

        return read_pdf
    if data.startswith(b"PK") and suffix in (".docx", ".xlsx"):
        if suffix == ".xlsx":
            from catalog_draft.readers.xlsx_reader import read_xlsx

            return read_xlsx
        from catalog_draft.readers.docx_reader import read_docx

        return read_docx
    raise DraftError(UNSUPPORTED, SEND_APPENDIX, name=PurePath(name).name or "?")


def read_document(name: str, data: bytes) -> SourceDocument:
    check_size(len(data))
    return reader_for(name, data)(data)
