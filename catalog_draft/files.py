"""A file in, a draft out: the readers (:mod:`catalog_draft.readers`, the only modules touching
python-docx, openpyxl and pdfplumber) and then :func:`~catalog_draft.draft.draft_document`.

The CLI and the tests draft files this way; the chat's /catalog gets the reader from the
composition root (``documents.appendix``) so the conversation core never imports a document
library.
"""

from __future__ import annotations

from catalog_draft.draft import Draft, Options, draft_document
from catalog_draft.readers import read_document


def draft_file(name: str, data: bytes, options: Options | None = None) -> Draft:
    return draft_document(read_document(name, data), name, options or Options())
