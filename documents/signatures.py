"""Embedded digital signatures (chữ ký số), read and checked with pyHanko, offline (the core's
:class:`~conversations.evidence_check.verdict.SignatureChecker`).

For each signature: who signed (certificate common name), when (timestamp token if any,
otherwise the time the signer states), whether the signed bytes still match (``intact``),
whether the document changed afterwards other than by further signatures
(``modified_after_signing``), and whether the signer's certificate chains to a configured root
(``trusted``; ``None`` when no roots are configured). No network: CRL/OCSP are never fetched and
missing revocation data is not held against the signature ("soft-fail").

Run this only on a PDF that :func:`conversations.evidence_check.pdf.read_pdf` has accepted:
pyHanko has no decompression limits of its own. It calls ``asyncio.run`` internally, so it
must not run on a thread with a running event loop (:func:`conversations.evidence_check.
inspect_file` takes care of that).
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

from conversations.evidence_check.verdict import SIGNATURE_UNREADABLE, Coverage, SignatureInfo

log = logging.getLogger(__name__)

# Either usage is accepted on the signer's certificate, as Adobe Reader does.
KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)
CLOCK_SKEW = timedelta(minutes=10)

# pyHanko logs a WARNING with a traceback for every untrusted chain and every unexpected
# incremental update. Those are expected outcomes here and end up in SignatureInfo, so while
# this module validates (and only on that thread) they are demoted to DEBUG.
_NOISY_LOGGERS = ("pyhanko.sign.validation.generic_cms", "pyhanko.sign.diff_analysis.policies")
_quiet = threading.local()


class _DemoteWhileChecking(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(_quiet, "on", False) and record.levelno < logging.ERROR:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


_DEMOTE = _DemoteWhileChecking()
for _logger in map(logging.getLogger, _NOISY_LOGGERS):
    _logger.addFilter(_DEMOTE)


@contextmanager
def _quiet_pyhanko() -> Iterator[None]:
    previous = getattr(_quiet, "on", False)
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = previous


_COVERAGE: dict[SignatureCoverageLevel, Coverage] = {
    SignatureCoverageLevel.ENTIRE_FILE: "entire_file",
    SignatureCoverageLevel.ENTIRE_REVISION: "entire_revision",
    SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START: "partial",
    SignatureCoverageLevel.UNCLEAR: "unclear",
}


def _name(name: Any) -> str | None:
    """The common name of an asn1crypto ``Name``, else its readable form."""
    try:
        native = name.native
        cn = native.get("common_name") if isinstance(native, dict) else None
        if isinstance(cn, list | tuple):
            cn = ", ".join(str(c) for c in cn)
        if cn:
            return str(cn)
        text = name.human_friendly
        return str(text) if text else None
    except Exception:
        return None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _modified_after(status: PdfSignatureStatus, later_signatures: set[str]) -> bool:
    """Changed after signing, counting later signatures in other fields as no change."""
    coverage = status.coverage
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return False
    if coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return True
    if status.docmdp_ok is False:
        return True
    diff = status.diff_result
    if not isinstance(diff, DiffResult):
        return True  # suspicious modification, or no analysis possible
    if diff.modification_level > ModificationLevel.FORM_FILLING:
        return True
    # form filling: fine only if the filled fields are the other signatures
    return not set(diff.changed_form_fields) <= later_signatures


def _chains_to_root(status: PdfSignatureStatus) -> bool:
    """The certificate chain is valid up to a configured root, whether or not the content
    still matches (that is ``intact``); pyHanko's own ``trusted`` mixes the two."""
    return status.validation_path is not None and status.trust_problem_indic is None


def _signing_time(status: PdfSignatureStatus) -> datetime | None:
    tst = status.timestamp_validity
    if tst is not None and tst.intact and tst.valid:
        return tst.timestamp
    return status.signer_reported_dt


def _unreadable(field_name: str | None, signer: str | None = None) -> SignatureInfo:
    return SignatureInfo(
        signer_name=signer,
        signing_time=None,
        intact=False,
        modified_after_signing=False,
        trusted=None,
        coverage="unknown",
        field_name=field_name,
        error=SIGNATURE_UNREADABLE,
    )


def _check(
    emb: EmbeddedPdfSignature,
    roots: list[Any],
    now: datetime,
    later_signatures: set[str],
) -> SignatureInfo:
    signer: str | None = None
    try:
        signer = _name(emb.signer_cert.subject)
        claimed = emb.self_reported_timestamp
        moment = now
        if claimed is not None and _aware(claimed) <= now + CLOCK_SKEW:
            moment = _aware(claimed)  # the certificate must have been valid when it signed
        context = ValidationContext(
            trust_roots=roots,
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=moment,
        )
        status = validate_pdf_signature(
            emb, signer_validation_context=context, key_usage_settings=KEY_USAGE
        )
    except Exception:
        log.info("signature %s could not be validated", emb.fq_name, exc_info=True)
        return _unreadable(emb.fq_name, signer)
    return SignatureInfo(
        signer_name=_name(status.signing_cert.subject),
        signing_time=_signing_time(status),
        intact=bool(status.intact and status.valid),
        modified_after_signing=_modified_after(status, later_signatures),
        trusted=_chains_to_root(status) if roots else None,
        coverage=_COVERAGE.get(status.coverage, "unknown") if status.coverage else "unknown",
        issuer_name=_name(status.signing_cert.issuer),
        field_name=emb.fq_name,
    )


class PyhankoSignatures:
    """The signature checker the composition root passes to the core."""

    def read(self, data: bytes, roots_der: tuple[bytes, ...], now: datetime) -> list[SignatureInfo]:
        return read_signatures(data, roots_der, now)


def read_signatures(
    data: bytes, roots_der: tuple[bytes, ...], now: datetime
) -> list[SignatureInfo]:
    """Every signer signature in the PDF, in signing order (document timestamps are skipped).

    A signature that cannot be read or validated at all is reported with
    ``error="unreadable"`` and ``intact=False``.
    """
    with _quiet_pyhanko():
        return _read_signatures(data, roots_der, _aware(now))


def _read_signatures(
    data: bytes, roots_der: tuple[bytes, ...], now: datetime
) -> list[SignatureInfo]:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            reader.decrypt(b"")
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception:
        log.info("signature fields could not be read", exc_info=True)
        return [_unreadable(None)]

    roots = [asn1_x509.Certificate.load(der) for der in roots_der]
    embedded: list[EmbeddedPdfSignature] = []
    broken: list[SignatureInfo] = []
    for fq_name, sig_obj, sig_field in fields:
        try:
            if sig_obj.get_object().get("/Type") == "/DocTimeStamp":
                continue  # a document timestamp, not a person's signature
            embedded.append(EmbeddedPdfSignature(reader, sig_field, fq_name))
        except Exception:
            log.info("signature %s could not be read", fq_name, exc_info=True)
            broken.append(_unreadable(fq_name))
    embedded.sort(key=lambda e: e.signed_revision)

    unread = {b.field_name for b in broken if b.field_name}
    checked = [
        _check(e, roots, now, {later.fq_name for later in embedded[i + 1 :]} | unread)
        for i, e in enumerate(embedded)
    ]
    return checked + broken
