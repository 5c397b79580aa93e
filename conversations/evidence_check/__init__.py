"""Checking evidence files (tài liệu kiểm chứng) the way an appraiser would.

Pure and framework-free: bytes in, a :class:`FileVerdict` out. The type is read from the
content, never from the file name or MIME type. PDFs are parsed under resource limits and
their digital signatures (chữ ký số) checked offline; photos become a one-page A4 PDF;
anything else is refused with a polite msgid saying what to send instead.

    verdict = check_declared_size(update_file_size)        # before downloading
    verdict = await inspect_file_async(data, declared_name=..., declared_mime=...,
                                       signatures=config.formats.signatures,
                                       trust_roots_dir=settings.trust_roots_dir)
"""

from conversations.evidence_check.inspector import inspect_file, inspect_file_async
from conversations.evidence_check.limits import MAX_BOT_DOWNLOAD, check_declared_size
from conversations.evidence_check.trust_roots import DEFAULT_DIR as DEFAULT_TRUST_ROOTS_DIR
from conversations.evidence_check.trust_roots import load_trust_roots
from conversations.evidence_check.verdict import (
    REASONS,
    STATUSES,
    Coverage,
    FileVerdict,
    Kind,
    SignatureChecker,
    SignatureInfo,
    Status,
)

__all__ = [
    "DEFAULT_TRUST_ROOTS_DIR",
    "MAX_BOT_DOWNLOAD",
    "REASONS",
    "STATUSES",
    "Coverage",
    "FileVerdict",
    "Kind",
    "SignatureChecker",
    "SignatureInfo",
    "Status",
    "check_declared_size",
    "inspect_file",
    "inspect_file_async",
    "load_trust_roots",
]
