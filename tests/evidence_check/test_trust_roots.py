from __future__ import annotations

from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from conversations.evidence_check import DEFAULT_TRUST_ROOTS_DIR, load_trust_roots
from tests.evidence_check.conftest import Pki


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def test_pem_bundles_der_files_and_junk(pki: Pki, tmp_path: Path) -> None:
    (tmp_path / "bundle.pem").write_bytes(pki.root.cert_pem + b"\n" + pki.other_root.cert_pem)
    (tmp_path / "again.crt").write_bytes(pki.root.cert_pem)  # duplicates count once
    (tmp_path / "leaf.cer").write_bytes(_der(pki.leaf.cert))
    (tmp_path / "broken.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nnope\n")
    (tmp_path / "README.md").write_text("# roots\n", encoding="utf-8")
    (tmp_path / "key.txt").write_bytes(pki.root.key_pem)
    roots = load_trust_roots(tmp_path)
    assert set(roots) == {_der(pki.root.cert), _der(pki.other_root.cert), _der(pki.leaf.cert)}
    assert len(roots) == 3


def test_not_configured(tmp_path: Path) -> None:
    assert load_trust_roots(None) == ()
    assert load_trust_roots(tmp_path / "missing") == ()
    assert load_trust_roots(tmp_path) == ()


def test_folder_changes_are_seen(pki: Pki, tmp_path: Path) -> None:
    assert load_trust_roots(tmp_path) == ()
    (tmp_path / "root.pem").write_bytes(pki.root.cert_pem)
    assert load_trust_roots(tmp_path) == (_der(pki.root.cert),)


def test_shipped_folder_has_only_its_readme() -> None:
    assert DEFAULT_TRUST_ROOTS_DIR.is_dir()
    assert [p.name for p in DEFAULT_TRUST_ROOTS_DIR.iterdir()] == ["README.md"]
    assert load_trust_roots(DEFAULT_TRUST_ROOTS_DIR) == ()
    readme = (DEFAULT_TRUST_ROOTS_DIR / "README.md").read_text(encoding="utf-8")
    assert "PARBOT_TRUST_ROOTS_DIR" in readme
