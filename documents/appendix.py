"""The decision's appendix (.docx, .xlsx, .pdf) as plain tables of text, for /catalog: the core's
:class:`~conversations.formats.AppendixReader`, backed by :mod:`catalog_draft.readers` (python-docx,
openpyxl, pdfplumber)."""

from __future__ import annotations

from catalog_draft.readers import read_document
from catalog_draft.source import SourceDocument


class CatalogAppendix:
    """The appendix reader the composition root passes to the core."""

    def read(self, name: str, data: bytes) -> SourceDocument:
        """The document's tables and lines; :class:`catalog_draft.errors.DraftError` for a file
        that is too big, of another type, or damaged."""
        return read_document(name, data)
