from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.evidence_check import factories as f


@dataclass(frozen=True)
class Pki:
    root: f.Identity
    leaf: f.Identity  # issued by root
    other_root: f.Identity
    second_leaf: f.Identity  # issued by root, a second signer


@dataclass(frozen=True)
class SignedFiles:
    unsigned: bytes
    signed: bytes
    modified: bytes
    tampered: bytes
    countersigned: bytes


@pytest.fixture(scope="session")
def pki() -> Pki:
    root = f.make_identity("Test Root CA (Ban Cơ yếu thử nghiệm)", ca=True, days=3650)
    other = f.make_identity("Some Other Root CA", ca=True, days=3650)
    return Pki(
        root=root,
        leaf=f.make_identity("Nguyễn Văn An", issuer=root),
        other_root=other,
        second_leaf=f.make_identity("Trần Thị Bình", issuer=root),
    )


@pytest.fixture(scope="session")
def signed_files(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> SignedFiles:
    keys = tmp_path_factory.mktemp("keys")
    signer = f.signer_for(pki.leaf, keys, chain=(pki.root,))
    second = f.signer_for(pki.second_leaf, keys, chain=(pki.root,))
    unsigned = f.text_page_pdf()
    signed = f.sign(unsigned, signer)
    return SignedFiles(
        unsigned=unsigned,
        signed=signed,
        modified=f.modify_after_signing(signed),
        tampered=f.flip_signed_byte(signed),
        countersigned=f.sign(signed, second, field="Signature2"),
    )


def _write_roots(folder: Path, *identities: f.Identity, der: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text("not a certificate\n", encoding="utf-8")
    for i, ident in enumerate(identities):
        if der:
            (folder / f"root{i}.cer").write_bytes(
                ident.cert.public_bytes(serialization.Encoding.DER)
            )
        else:
            (folder / f"root{i}.pem").write_bytes(ident.cert_pem)
    return folder


@pytest.fixture
def trusted_dir(pki: Pki, tmp_path: Path) -> Path:
    return _write_roots(tmp_path / "roots", pki.root)


@pytest.fixture
def other_roots_dir(pki: Pki, tmp_path: Path) -> Path:
    return _write_roots(tmp_path / "other-roots", pki.other_root, der=True)
