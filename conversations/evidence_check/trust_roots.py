"""Trust roots (chứng thư gốc) for checking who issued a signer's certificate.

Roots are PEM or DER certificate files in one folder, configured by the setting
``PARBOT_TRUST_ROOTS_DIR``; see ``trust_roots/README.md`` beside this file for which
certificates to put there. A missing or empty folder means "not configured": signatures are
still checked for integrity, but their issuer is reported as not verified (``trusted=None``).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # cryptography loads with the first signed PDF (see inspector._inspect_pdf)
    from cryptography import x509

log = logging.getLogger(__name__)

DEFAULT_DIR = Path(__file__).resolve().parent / "trust_roots"
"""The folder shipped with the code: empty except its README until roots are added."""

CERT_SUFFIXES = frozenset({".pem", ".crt", ".cer", ".der", ".cert"})
MAX_CERT_FILE = 1024 * 1024


def _certificates_in(blob: bytes) -> list[x509.Certificate]:
    from cryptography import x509

    if b"-----BEGIN CERTIFICATE-----" in blob:
        return x509.load_pem_x509_certificates(blob)
    return [x509.load_der_x509_certificate(blob)]


def _candidate_files(folder: Path) -> list[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [p for p in entries if p.is_file() and p.suffix.lower() in CERT_SUFFIXES]


@lru_cache(maxsize=16)
def _load(folder: Path, fingerprint: tuple[tuple[str, int, int], ...]) -> tuple[bytes, ...]:
    from cryptography.hazmat.primitives.serialization import Encoding

    del fingerprint  # part of the cache key only: a changed folder is read again
    seen: set[bytes] = set()
    roots: list[bytes] = []
    for path in _candidate_files(folder):
        try:
            if path.stat().st_size > MAX_CERT_FILE:
                log.warning("trust root %s is larger than 1 MB; skipped", path)
                continue
            certs = _certificates_in(path.read_bytes())
        except (OSError, ValueError) as exc:
            log.warning("trust root %s is not a PEM or DER certificate: %s", path, exc)
            continue
        for cert in certs:
            der = cert.public_bytes(Encoding.DER)
            if der not in seen:
                seen.add(der)
                roots.append(der)
    return tuple(roots)


def load_trust_roots(folder: Path | None) -> tuple[bytes, ...]:
    """DER bytes of every certificate in ``folder`` (``*.pem``, ``*.crt``, ``*.cer``, ``*.der``).

    A PEM file may hold several certificates. Unreadable files are logged and skipped. Returns an
    empty tuple when ``folder`` is ``None``, missing or holds no certificate. Cached until a file
    in the folder is added, removed or changed.
    """
    if folder is None:
        return ()
    folder = Path(folder)
    files = _candidate_files(folder)
    fingerprint: list[tuple[str, int, int]] = []
    for path in files:
        try:
            st = path.stat()
        except OSError:
            continue
        fingerprint.append((path.name, st.st_mtime_ns, st.st_size))
    if not fingerprint:
        return ()
    return _load(folder.resolve(), tuple(fingerprint))
