"""Digital signatures: intact, modified after signing, tampered, counter-signed, trust roots."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, append_signature_field

from conversations.evidence_check import inspect_file_async, messages
from documents.signatures import PyhankoSignatures
from tests.evidence_check.conftest import SignedFiles
from tests.evidence_check.helpers import assert_accepted_pdf, assert_refused, check


def test_signed_pdf_is_intact(signed_files: SignedFiles) -> None:
    verdict = check(signed_files.signed)
    assert_accepted_pdf(verdict, signed_files.signed, "signed_intact")
    (sig,) = verdict.signatures
    assert sig.signer_name == "Nguyễn Văn An"
    assert sig.issuer_name == "Test Root CA (Ban Cơ yếu thử nghiệm)"
    assert sig.intact is True
    assert sig.modified_after_signing is False
    assert sig.coverage == "entire_file"
    assert sig.field_name == "Signature1"
    assert sig.error is None
    assert sig.signing_time is not None
    assert abs(sig.signing_time - datetime.now(UTC)) < timedelta(hours=1)
    assert verdict.message == messages.ACCEPTED_SIGNED_INTACT
    assert verdict.params == {"pages": 1, "signers": "Nguyễn Văn An"}


def test_without_trust_roots_the_issuer_is_not_verified(signed_files: SignedFiles) -> None:
    verdict = check(signed_files.signed, roots=None)
    assert verdict.signatures[0].trusted is None
    assert verdict.warnings == [messages.WARN_TRUST_UNVERIFIED]


def test_empty_or_missing_roots_folder_counts_as_not_configured(
    signed_files: SignedFiles, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "missing"):
        verdict = check(signed_files.signed, roots=folder)
        assert verdict.status == "signed_intact"
        assert verdict.signatures[0].trusted is None


def test_signer_chaining_to_a_configured_root_is_trusted(
    signed_files: SignedFiles, trusted_dir: Path
) -> None:
    verdict = check(signed_files.signed, roots=trusted_dir)
    assert verdict.status == "signed_intact"
    assert verdict.signatures[0].trusted is True
    assert verdict.warnings == []


def test_signer_from_another_authority_is_not_trusted(
    signed_files: SignedFiles, other_roots_dir: Path
) -> None:
    verdict = check(signed_files.signed, roots=other_roots_dir)
    assert verdict.status == "signed_intact"  # intact, just not from a recognised CA
    assert verdict.signatures[0].trusted is False
    assert verdict.warnings == [messages.WARN_UNTRUSTED]


def test_certificate_is_checked_at_the_signing_time(
    signed_files: SignedFiles, trusted_dir: Path
) -> None:
    # years later the certificate has expired, but it was valid when the document was signed
    later = datetime.now(UTC) + timedelta(days=5 * 365)
    assert check(signed_files.signed, roots=trusted_dir, now=later).signatures[0].trusted is True
    # a signature claiming a time after "now" is checked at "now": certificate not yet valid
    earlier = datetime.now(UTC) - timedelta(days=30)
    assert check(signed_files.signed, roots=trusted_dir, now=earlier).signatures[0].trusted is False


def test_modified_after_signing(signed_files: SignedFiles, trusted_dir: Path) -> None:
    verdict = check(signed_files.modified, roots=trusted_dir)
    assert_accepted_pdf(verdict, signed_files.modified, "signed_modified")
    (sig,) = verdict.signatures
    assert sig.intact is True  # the signed revision itself is untouched...
    assert sig.modified_after_signing is True  # ...but an update changed the page afterwards
    assert sig.coverage == "entire_revision"
    assert sig.trusted is True
    assert verdict.warnings == [messages.WARN_MODIFIED]
    assert verdict.message == messages.ACCEPTED_SIGNED_MODIFIED


def test_changed_signed_bytes_are_not_intact(signed_files: SignedFiles, trusted_dir: Path) -> None:
    verdict = check(signed_files.tampered, roots=trusted_dir)
    assert_accepted_pdf(verdict, signed_files.tampered, "signed_modified")
    (sig,) = verdict.signatures
    assert sig.intact is False
    assert sig.signer_name == "Nguyễn Văn An"
    assert sig.trusted is True  # the signer is genuine; the content is what changed
    assert verdict.warnings == [messages.WARN_NOT_INTACT]


def test_counter_signature_is_not_a_modification(
    signed_files: SignedFiles, trusted_dir: Path
) -> None:
    verdict = check(signed_files.countersigned, roots=trusted_dir)
    assert verdict.status == "signed_intact"
    first, second = verdict.signatures
    assert (first.signer_name, second.signer_name) == ("Nguyễn Văn An", "Trần Thị Bình")
    assert first.coverage == "entire_revision" and first.modified_after_signing is False
    assert second.coverage == "entire_file"
    assert all(s.intact and s.trusted for s in verdict.signatures)
    assert verdict.params["signers"] == "Nguyễn Văn An, Trần Thị Bình"
    assert verdict.warnings == []


def test_unreadable_signature_is_not_intact(signed_files: SignedFiles) -> None:
    # /Contents is outside the signed byte range: overwrite the CMS blob with zeros
    data = re.sub(
        rb"/Contents <([0-9a-fA-F]+)>",
        lambda m: b"/Contents <" + b"0" * len(m.group(1)) + b">",
        signed_files.signed,
        count=1,
    )
    assert len(data) == len(signed_files.signed)
    verdict = check(data)
    assert verdict.accepted and verdict.status == "signed_modified"
    (sig,) = verdict.signatures
    assert sig.error == "unreadable" and sig.intact is False
    assert messages.WARN_SIGNATURE_UNREADABLE in verdict.warnings


def test_empty_signature_field_is_unsigned(signed_files: SignedFiles) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_files.unsigned), strict=False)
    append_signature_field(writer, SigFieldSpec("ChuKy", box=(300, 50, 550, 120)))
    buf = io.BytesIO()
    writer.write(buf)
    data = buf.getvalue()
    verdict = check(data)
    assert_accepted_pdf(verdict, data, "unsigned")
    assert verdict.warnings == [messages.WARN_UNSIGNED]


def test_truncated_signed_pdf_is_broken(signed_files: SignedFiles) -> None:
    data = signed_files.signed
    assert_refused(check(data[: len(data) // 2]), "broken")


def test_signature_check_inside_a_running_event_loop(
    signed_files: SignedFiles, trusted_dir: Path
) -> None:
    async def main() -> None:
        direct = check(signed_files.signed, roots=trusted_dir)  # blocking call, loop running
        threaded = await inspect_file_async(
            signed_files.signed,
            declared_name="ke-hoach.pdf",
            declared_mime="application/pdf",
            signatures=PyhankoSignatures(),
            trust_roots_dir=trusted_dir,
        )
        assert direct == threaded
        assert direct.status == "signed_intact" and direct.signatures[0].trusted is True

    asyncio.run(main())
