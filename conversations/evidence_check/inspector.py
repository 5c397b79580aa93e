"""``inspect_file``: the appraiser's first look at an evidence file.

The type is decided by content only (magic bytes, then a real parse); the name and MIME type
Telegram reports are ignored, because phones and users get them wrong and they are trivially
forged. Order: empty → over 20 MB → sniff → PDF (parse under limits, then signatures) or photo
(convert to an A4 PDF) or a polite refusal saying what to send instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from conversations.evidence_check import messages
from conversations.evidence_check.limits import MAX_BOT_DOWNLOAD, too_large_verdict
from conversations.evidence_check.risk_policy import DEFAULT_POLICY, ordered, refuses
from conversations.evidence_check.sniff import PHOTO_TYPES, Sniffed, sniff
from conversations.evidence_check.trust_roots import load_trust_roots
from conversations.evidence_check.verdict import (
    REASON_BROKEN,
    REASON_EMPTY,
    REASON_NOT_PDF_ARCHIVE,
    REASON_NOT_PDF_DOCX,
    REASON_NOT_PDF_EXECUTABLE,
    REASON_NOT_PDF_ODF,
    REASON_NOT_PDF_OLE,
    REASON_NOT_PDF_PPTX,
    REASON_NOT_PDF_TIFF,
    REASON_NOT_PDF_XLSX,
    REASON_NOT_PDF_ZIP,
    REASON_PHOTO_UNREADABLE,
    REASON_RISKY_PDF,
    REASON_UNKNOWN_TYPE,
    FileVerdict,
    SignatureChecker,
    SignatureInfo,
    Status,
    rejected,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

_REFUSED_TYPES: dict[Sniffed, tuple[str, str]] = {
    "docx": (REASON_NOT_PDF_DOCX, messages.NOT_PDF_DOCX),
    "xlsx": (REASON_NOT_PDF_XLSX, messages.NOT_PDF_XLSX),
    "pptx": (REASON_NOT_PDF_PPTX, messages.NOT_PDF_PPTX),
    "odf": (REASON_NOT_PDF_ODF, messages.NOT_PDF_ODF),
    "zip": (REASON_NOT_PDF_ZIP, messages.NOT_PDF_ZIP),
    "ole": (REASON_NOT_PDF_OLE, messages.NOT_PDF_OLE),
    "archive": (REASON_NOT_PDF_ARCHIVE, messages.NOT_PDF_ARCHIVE),
    "tiff": (REASON_NOT_PDF_TIFF, messages.NOT_PDF_TIFF),
    "executable": (REASON_NOT_PDF_EXECUTABLE, messages.NOT_PDF_EXECUTABLE),
    "unknown": (REASON_UNKNOWN_TYPE, messages.UNKNOWN_TYPE),
}

_ACCEPTED_MESSAGE: dict[Status, str] = {
    "signed_intact": messages.ACCEPTED_SIGNED_INTACT,
    "signed_modified": messages.ACCEPTED_SIGNED_MODIFIED,
    "unsigned": messages.ACCEPTED_UNSIGNED,
}


def _off_event_loop(fn: Callable[..., T], *args: object) -> T:
    """Run ``fn`` here, or on a helper thread if this thread runs an event loop.

    pyHanko validates through ``asyncio.run``, which refuses to start inside a running loop.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="evidence-check") as pool:
        return pool.submit(fn, *args).result()


def _pdf_status(signatures: list[SignatureInfo]) -> Status:
    if not signatures:
        return "unsigned"
    if all(s.intact and not s.modified_after_signing for s in signatures):
        return "signed_intact"
    return "signed_modified"


def _pdf_warnings(signatures: list[SignatureInfo]) -> list[str]:
    if not signatures:
        return [messages.WARN_UNSIGNED]
    readable = [s for s in signatures if s.error is None]
    found: list[str] = []
    if len(readable) < len(signatures):
        found.append(messages.WARN_SIGNATURE_UNREADABLE)
    if any(not s.intact for s in readable):
        found.append(messages.WARN_NOT_INTACT)
    if any(s.modified_after_signing for s in readable):
        found.append(messages.WARN_MODIFIED)
    if any(s.trusted is None for s in readable):
        found.append(messages.WARN_TRUST_UNVERIFIED)
    if any(s.trusted is False for s in readable):
        found.append(messages.WARN_UNTRUSTED)
    return found


def _risky_refusal(risks: list[str]) -> FileVerdict:
    """Refused for the province's policy; ``risks`` lets the caller name them translated."""
    labels = ", ".join(messages.RISK_LABELS[r] for r in risks)
    return replace(rejected(REASON_RISKY_PDF, messages.RISKY_PDF, risks=labels), risks=risks)


def _inspect_pdf(
    data: bytes,
    trust_roots_dir: Path | None,
    now: datetime,
    risky_pdf: str,
    signatures_checker: SignatureChecker,
) -> FileVerdict:
    # the parser (pypdf, with cryptography, fontTools and Pillow: ~10 MB resident) loads
    # with the first PDF, not with the bot: most updates never see a file (bench/RESULTS.md)
    from conversations.evidence_check.pdf import PdfRefused, read_pdf

    try:
        facts = read_pdf(data)
    except PdfRefused as refused:
        return refused.verdict
    risks = ordered(facts.risks)
    if refuses(risky_pdf, facts.risks):
        return _risky_refusal(risks)
    signatures: list[SignatureInfo] = []
    if facts.has_signature_fields:
        roots = load_trust_roots(trust_roots_dir)
        signatures = _off_event_loop(signatures_checker.read, data, roots, now)
    status = _pdf_status(signatures)
    names = [s.signer_name or "?" for s in signatures]
    params: dict[str, object] = {"pages": facts.pages}
    if signatures:
        params["signers"] = ", ".join(dict.fromkeys(names))
    return FileVerdict(
        accepted=True,
        kind="pdf",
        status=status,
        reason=None,
        message=_ACCEPTED_MESSAGE[status],
        params=params,
        pages=facts.pages,
        pdf_bytes=data,
        signatures=signatures,
        warnings=_pdf_warnings(signatures),
        risks=risks,
    )


def _inspect_photo(data: bytes, sniffed: Sniffed) -> FileVerdict:
    from conversations.evidence_check.photo import PhotoRefused, photo_to_pdf  # see _inspect_pdf

    try:
        pdf = photo_to_pdf(data, heic=sniffed == "heic")
    except PhotoRefused as refused:
        return refused.verdict
    return FileVerdict(
        accepted=True,
        kind="photo",
        status="photo",
        reason=None,
        message=messages.ACCEPTED_PHOTO,
        params={"pages": 1},
        pages=1,
        pdf_bytes=pdf,
        warnings=[messages.WARN_PHOTO],
    )


def inspect_file(
    data: bytes,
    *,
    declared_name: str | None,
    declared_mime: str | None,
    signatures: SignatureChecker,
    trust_roots_dir: Path | None = None,
    now: datetime | None = None,
    risky_pdf: str = DEFAULT_POLICY,
) -> FileVerdict:
    """Check one evidence file as an appraiser would; never raises for bad input.

    ``declared_name`` and ``declared_mime`` are accepted for the caller's convenience and
    deliberately ignored: the content decides. ``trust_roots_dir`` holds the CA roots (see
    :mod:`.trust_roots`); ``now`` is the validation time (default: the current time);
    ``risky_pdf`` is the province's policy for risky PDFs (:func:`.risk_policy.refuses`);
    ``signatures`` reads a PDF's digital signatures (``documents.signatures``, pyHanko).

    CPU-bound and blocking (a large PDF may take a second or two): from async code, call
    :func:`inspect_file_async`.
    """
    del declared_name, declared_mime  # content decides, never the label
    if not data:
        return rejected(REASON_EMPTY, messages.EMPTY)
    if len(data) > MAX_BOT_DOWNLOAD:
        return too_large_verdict(len(data))
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    sniffed = sniff(data)
    try:
        if sniffed == "pdf":
            return _inspect_pdf(data, trust_roots_dir, moment, risky_pdf, signatures)
        if sniffed in PHOTO_TYPES:
            return _inspect_photo(data, sniffed)
    except Exception:  # a library bug on hostile input must not take the bot down
        log.exception("evidence check failed on a %s file", sniffed)
        if sniffed == "pdf":
            return rejected(REASON_BROKEN, messages.BROKEN)
        return rejected(REASON_PHOTO_UNREADABLE, messages.PHOTO_UNREADABLE)
    reason, message = _REFUSED_TYPES.get(sniffed, _REFUSED_TYPES["unknown"])
    return rejected(reason, message)


async def inspect_file_async(
    data: bytes,
    *,
    declared_name: str | None,
    declared_mime: str | None,
    signatures: SignatureChecker,
    trust_roots_dir: Path | None = None,
    now: datetime | None = None,
    risky_pdf: str = DEFAULT_POLICY,
) -> FileVerdict:
    """:func:`inspect_file` on a worker thread, so the event loop keeps serving updates."""
    return await asyncio.to_thread(
        inspect_file,
        data,
        declared_name=declared_name,
        declared_mime=declared_mime,
        signatures=signatures,
        trust_roots_dir=trust_roots_dir,
        now=now,
        risky_pdf=risky_pdf,
    )
