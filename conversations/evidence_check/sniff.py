"""Content sniffing: what a file *is*, from its bytes; never from its name or declared MIME."""

from __future__ import annotations

import io
import zipfile
from typing import Literal

from conversations.evidence_check.limits import PDF_HEADER_WINDOW

Sniffed = Literal[
    "pdf",
    "jpeg",
    "png",
    "webp",
    "heic",
    "avif",
    "tiff",
    "docx",
    "xlsx",
    "pptx",
    "odf",
    "zip",
    "ole",
    "archive",
    "executable",
    "unknown",
]

PHOTO_TYPES: frozenset[Sniffed] = frozenset({"jpeg", "png", "webp", "heic", "avif"})

_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE / DOS
    b"\x7fELF",  # Linux
    b"#!",  # scripts
    b"\xfe\xed\xfa\xce",  # Mach-O 32
    b"\xfe\xed\xfa\xcf",  # Mach-O 64
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"dex\n",  # Android
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Compound File (old .doc, .xls, .ppt)
_ARCHIVE_MAGIC = (
    b"Rar!\x1a\x07",  # RAR
    b"7z\xbc\xaf\x27\x1c",  # 7-Zip
    b"\x1f\x8b",  # gzip
    b"BZh",  # bzip2
    b"\xfd7zXZ\x00",  # xz
)
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
)
_AVIF_BRANDS = frozenset({b"avif", b"avis"})


def pdf_header_offset(data: bytes) -> int | None:
    """Where ``%PDF-`` starts, if within the first 1024 bytes."""
    at = data.find(b"%PDF-", 0, PDF_HEADER_WINDOW + len(b"%PDF-"))
    return at if 0 <= at <= PDF_HEADER_WINDOW else None


def _iso_brands(data: bytes) -> set[bytes]:
    """Major and compatible brands of an ISO-BMFF file (HEIC, AVIF), else empty."""
    if len(data) < 16 or data[4:8] != b"ftyp":
        return set()
    size = int.from_bytes(data[0:4], "big")
    end = min(max(size, 16), len(data), 256)
    brands = {data[8:12]}
    brands.update(data[i : i + 4] for i in range(16, end - 3, 4))
    return brands


def _sniff_zip(data: bytes) -> Sniffed:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = {n.lower() for n in zf.namelist()}
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "ppt/presentation.xml" in names:
                return "pptx"
            if "mimetype" in names:
                with zf.open("mimetype") as fh:
                    if fh.read(128).startswith(b"application/vnd.oasis.opendocument"):
                        return "odf"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, NotImplementedError):
        pass
    return "zip"


def sniff(data: bytes) -> Sniffed:
    """Classify ``data`` by its leading bytes (and, for ZIPs, by the entries inside)."""
    head = data[:64]
    if head.startswith(_EXECUTABLE_MAGIC):
        return "executable"
    if head.startswith(_ZIP_MAGIC):
        return _sniff_zip(data)
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if head.startswith(_ARCHIVE_MAGIC):
        return "archive"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "tiff"
    brands = _iso_brands(data)
    if brands & _AVIF_BRANDS and not brands & {b"heic", b"heix"}:
        return "avif"
    if brands & _HEIF_BRANDS:
        return "heic"
    if pdf_header_offset(data) is not None:
        return "pdf"
    return "unknown"
