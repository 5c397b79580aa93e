"""The result of checking one evidence file: plain data, no library types.

``status`` is stored in the database, so its strings never change:

* ``signed_intact`` — a PDF whose every digital signature is intact and which was not changed
  after signing (other signatures added later, i.e. counter-signing, do not count as changes);
* ``signed_modified`` — a PDF with at least one signature whose signed bytes no longer match,
  whose signature value does not verify, that could not be read at all, or after which the
  document was changed;
* ``unsigned`` — a readable PDF without any digital signature;
* ``photo`` — a photo of a paper document, converted to a one-page PDF;
* ``unreadable`` — the file was refused (``kind == "rejected"``); ``reason`` says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

Kind = Literal["pdf", "photo", "rejected"]
Status = Literal["signed_intact", "signed_modified", "unsigned", "unreadable", "photo"]
Coverage = Literal["entire_file", "entire_revision", "partial", "unclear", "unknown"]

STATUSES: tuple[Status, ...] = (
    "signed_intact",
    "signed_modified",
    "unsigned",
    "unreadable",
    "photo",
)

# Stable machine codes for refused files (``FileVerdict.reason``).
REASON_EMPTY = "empty"
REASON_TOO_LARGE = "too_large"
REASON_NOT_PDF_DOCX = "not_pdf_docx"
REASON_NOT_PDF_XLSX = "not_pdf_xlsx"
REASON_NOT_PDF_PPTX = "not_pdf_pptx"
REASON_NOT_PDF_ODF = "not_pdf_odf"
REASON_NOT_PDF_OLE = "not_pdf_ole"
REASON_NOT_PDF_ZIP = "not_pdf_zip"
REASON_NOT_PDF_ARCHIVE = "not_pdf_archive"
REASON_NOT_PDF_TIFF = "not_pdf_tiff"
REASON_NOT_PDF_EXECUTABLE = "not_pdf_executable"
REASON_ENCRYPTED = "encrypted"
REASON_BROKEN = "broken"
REASON_TOO_MANY_PAGES = "too_many_pages"
REASON_PDF_BOMB = "pdf_bomb"
REASON_HEIC_UNSUPPORTED = "heic_unsupported"
REASON_PHOTO_TOO_LARGE = "photo_too_large"
REASON_PHOTO_UNREADABLE = "photo_unreadable"
REASON_UNKNOWN_TYPE = "unknown_type"
REASON_RISKY_PDF = "risky_pdf"

REASONS: tuple[str, ...] = (
    REASON_EMPTY,
    REASON_TOO_LARGE,
    REASON_NOT_PDF_DOCX,
    REASON_NOT_PDF_XLSX,
    REASON_NOT_PDF_PPTX,
    REASON_NOT_PDF_ODF,
    REASON_NOT_PDF_OLE,
    REASON_NOT_PDF_ZIP,
    REASON_NOT_PDF_ARCHIVE,
    REASON_NOT_PDF_TIFF,
    REASON_NOT_PDF_EXECUTABLE,
    REASON_ENCRYPTED,
    REASON_BROKEN,
    REASON_TOO_MANY_PAGES,
    REASON_PDF_BOMB,
    REASON_HEIC_UNSUPPORTED,
    REASON_PHOTO_TOO_LARGE,
    REASON_PHOTO_UNREADABLE,
    REASON_UNKNOWN_TYPE,
    REASON_RISKY_PDF,
)

# ``SignatureInfo.error`` when a signature could not be read or checked at all.
SIGNATURE_UNREADABLE = "unreadable"


@dataclass(frozen=True)
class SignatureInfo:
    """One embedded digital signature (chữ ký số), as an appraiser would read it.

    ``intact`` — the signed bytes still match the digest and the signature value verifies
    against the signer's certificate. ``modified_after_signing`` — the document was changed
    after this signature in a way other than adding further signatures. ``trusted`` — the
    signer's certificate chains to a configured root (checked at the signing time the
    signature states, as Adobe Reader does by default); ``None`` when no roots are
    configured (chưa xác minh được nguồn cấp chứng thư).
    """

    signer_name: str | None
    signing_time: datetime | None
    intact: bool
    modified_after_signing: bool
    trusted: bool | None
    coverage: Coverage
    issuer_name: str | None = None
    field_name: str | None = None
    error: str | None = None


class SignatureChecker(Protocol):
    """Reads and validates a PDF's digital signatures offline against ``roots_der`` (DER
    certificates), in signing order; the composition root passes ``documents.signatures``
    (pyHanko). Called only on a PDF that :func:`~.pdf.read_pdf` has accepted."""

    def read(
        self, data: bytes, roots_der: tuple[bytes, ...], now: datetime
    ) -> list[SignatureInfo]: ...


@dataclass(frozen=True)
class FileVerdict:
    """What the bot decided about one file.

    ``message`` is an English msgid with ``%(name)s`` parameters from ``params``; the caller
    translates it. ``warnings`` are msgids too (they use the same ``params``).
    ``pdf_bytes`` is what to store: the original bytes for a PDF, the converted PDF for a photo,
    ``None`` for a refused file. ``risks`` are the codes of :mod:`.risks` found in a PDF
    (accepted and flagged, or the reason it was refused).
    """

    accepted: bool
    kind: Kind
    status: Status
    reason: str | None
    message: str
    params: dict[str, object] = field(default_factory=dict)
    pages: int | None = None
    pdf_bytes: bytes | None = None
    signatures: list[SignatureInfo] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)


def rejected(reason: str, message: str, **params: object) -> FileVerdict:
    """A refused file: nothing is stored, ``message`` says what to send instead."""
    return FileVerdict(
        accepted=False,
        kind="rejected",
        status="unreadable",
        reason=reason,
        message=message,
        params=dict(params),
    )
