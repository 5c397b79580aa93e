from __future__ import annotations

import io
from pathlib import Path

import pypdf

from conversations.evidence_check import FileVerdict, inspect_file, messages
from documents.signatures import PyhankoSignatures


def check(
    data: bytes,
    *,
    name: str | None = None,
    mime: str | None = None,
    roots: Path | None = None,
    **kwargs: object,
) -> FileVerdict:
    return inspect_file(
        data,
        declared_name=name,
        declared_mime=mime,
        signatures=PyhankoSignatures(),
        trust_roots_dir=roots,
        **kwargs,  # type: ignore[arg-type]
    )


def assert_refused(verdict: FileVerdict, reason: str) -> None:
    assert verdict.reason == reason, verdict
    assert verdict.accepted is False
    assert verdict.kind == "rejected"
    assert verdict.status == "unreadable"
    assert verdict.pdf_bytes is None
    assert verdict.pages is None
    assert verdict.signatures == []
    assert verdict.message in vars(messages).values()
    assert (verdict.message % verdict.params).strip()  # every %(name)s has a value


def assert_accepted_pdf(verdict: FileVerdict, data: bytes, status: str, pages: int = 1) -> None:
    assert verdict.accepted is True, verdict
    assert verdict.kind == "pdf"
    assert verdict.status == status
    assert verdict.reason is None
    assert verdict.pages == pages
    assert verdict.pdf_bytes == data
    assert (verdict.message % verdict.params).strip()
    for warning in verdict.warnings:
        assert warning in vars(messages).values()


def pdf_pages(data: bytes) -> list[pypdf.PageObject]:
    return list(pypdf.PdfReader(io.BytesIO(data)).pages)
