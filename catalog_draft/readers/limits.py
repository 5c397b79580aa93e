"""Size limits applied before any document library parses a file.

An appendix table is a few hundred kilobytes; a file far larger is either the wrong file or a
decompression bomb (a tiny .xlsx that inflates to gigabytes), and parsing it would stall the
bot for everyone. Both are refused with a message before any parsing starts.
"""

from __future__ import annotations

import io
import zipfile

from catalog_draft.errors import SEND_APPENDIX, DraftError
from catalog_draft.source import MAX_APPENDIX_BYTES
from scoring.i18n import N_

MAX_UNPACKED_BYTES = 60 * 1024 * 1024
TOO_BIG = N_(
    "The file is %(size)s MB; an appendix table is far smaller (at most %(limit)s MB), so "
    "this is probably not the appendix."
)
TOO_BIG_HINT = N_(
    "Send only the appendix with the criteria table (Phụ lục Bộ chỉ số), without pictures or "
    "other sheets."
)
NOT_ZIP = N_("The file is damaged or is not a real .docx/.xlsx file.")


def too_big(size: int) -> DraftError:
    return DraftError(
        TOO_BIG,
        TOO_BIG_HINT,
        size=round(size / 1024 / 1024, 1),
        limit=MAX_APPENDIX_BYTES // 1024 // 1024,
    )


def check_size(size: int) -> None:
    if size > MAX_APPENDIX_BYTES:
        raise too_big(size)


def check_zip(data: bytes) -> None:
    """Office files are zip archives: refuse ones that are not, or that unpack too large."""
    check_size(len(data))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile as exc:
        raise DraftError(NOT_ZIP, SEND_APPENDIX) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise too_big(unpacked)
