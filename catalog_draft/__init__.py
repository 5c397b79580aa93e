"""Drafting a catalog (bộ chỉ số) from the decision's own appendix: .docx, .xlsx or a PDF.

The officer gives the appendix and gets a catalog to review rather than to write. Readers
(``catalog_draft.readers``) are the only modules touching document libraries; the rest works
on plain tables of text and returns a :class:`Draft` with the YAML and what to check.
"""

from catalog_draft.draft import Draft, DraftError, Options, draft_document
from catalog_draft.files import draft_file

__all__ = ["Draft", "DraftError", "Options", "draft_document", "draft_file"]
