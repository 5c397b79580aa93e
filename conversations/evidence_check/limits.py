"""Size and resource limits for evidence files.

``check_declared_size`` runs on the size Telegram reports in the update, before anything is
downloaded: bots cannot download files over 20 MB through the Bot API.
"""

from __future__ import annotations

from conversations.evidence_check import messages
from conversations.evidence_check.verdict import REASON_TOO_LARGE, FileVerdict, rejected

MB = 1024 * 1024

MAX_BOT_DOWNLOAD = 20 * MB
"""Telegram's limit for files a bot can download (getFile)."""

PDF_HEADER_WINDOW = 1024
"""``%PDF-`` may start anywhere in the first 1024 bytes, as real readers allow."""

MAX_PAGES = 2000
"""More pages than this is refused (``too_many_pages``)."""

MAX_PAGE_TREE_NODES = 4 * MAX_PAGES + 1000
"""Page-tree nodes pypdf may visit while counting pages; hitting it means a forged tree."""

MAX_STREAM_DECODED = 128 * MB
"""Decoded size allowed for one PDF stream (a 600 dpi A4 colour scan is about 100 MB)."""

MAX_TOTAL_DECODED = 1024 * MB
"""Decoded size allowed for all the streams of one PDF together."""

MAX_NESTED_FLATE = 4
"""How many FlateDecode layers inside each other are unpacked while measuring a stream."""

MAX_PDF_IMAGE_PIXELS = 200_000_000
"""An image inside a PDF declaring more pixels than this is treated as a bomb."""

MAX_PHOTO_PIXELS = 50_000_000
"""Photos above 50 megapixels are refused before they are decoded."""

PHOTO_DPI = 200
"""Resolution of the A4 page a photo is placed on."""

MAX_SIGNATURE_FIELDS = 10_000
"""Form fields visited while looking for signature fields."""


def too_large_verdict(size: int) -> FileVerdict:
    return rejected(
        REASON_TOO_LARGE,
        messages.TOO_LARGE,
        size=round(size / MB, 1),
        limit=MAX_BOT_DOWNLOAD // MB,
    )


def check_declared_size(size: int | None) -> FileVerdict | None:
    """The "too large" verdict for a file Telegram says is over 20 MB, else ``None``.

    An unknown size (``None``) passes: the download itself will then fail or the content is
    checked by :func:`~conversations.evidence_check.inspect_file`.
    """
    if size is None or size <= MAX_BOT_DOWNLOAD:
        return None
    return too_large_verdict(size)
