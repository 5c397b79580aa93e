"""PDFs: a real parse, encryption, truncation, page limits and decompression bombs."""

from __future__ import annotations

import time
import tracemalloc

from conversations.evidence_check import messages
from conversations.evidence_check.limits import MAX_PAGES, MB
from tests.evidence_check import factories as f
from tests.evidence_check.helpers import assert_accepted_pdf, assert_refused, check


def test_unsigned_pdf_is_accepted_with_a_warning() -> None:
    data = f.text_page_pdf()
    verdict = check(data)
    assert_accepted_pdf(verdict, data, "unsigned")
    assert verdict.signatures == []
    assert verdict.warnings == [messages.WARN_UNSIGNED]
    assert verdict.message == messages.ACCEPTED_UNSIGNED
    assert verdict.params == {"pages": 1}


def test_pdf_written_by_pypdf() -> None:
    data = f.pypdf_pdf(pages=3)
    assert_accepted_pdf(check(data), data, "unsigned", pages=3)


def test_truncated_pdf_is_broken() -> None:
    data = f.text_page_pdf()
    assert_refused(check(data[: len(data) // 2]), "broken")


def test_pdf_missing_only_its_tail_is_broken() -> None:
    data = f.pypdf_pdf(pages=2)
    assert_refused(check(data[:-30]), "broken")


def test_pdf_header_with_garbage_is_broken() -> None:
    assert_refused(check(b"%PDF-1.7\n" + f.random_bytes(3000) + b"\n%%EOF\n"), "broken")


def test_pdf_without_pages_is_broken() -> None:
    data = f.build_pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    )
    assert_refused(check(data), "broken")


def test_password_protected_pdf_is_refused() -> None:
    verdict = check(f.encrypted_pdf("pw"))
    assert_refused(verdict, "encrypted")
    assert "password" in verdict.message


def test_pdf_with_only_an_owner_password_opens_and_is_accepted() -> None:
    data = f.encrypted_pdf("", "owner-secret")
    assert_accepted_pdf(check(data), data, "unsigned")


def test_too_many_pages() -> None:
    verdict = check(f.text_page_pdf(pages=MAX_PAGES + 1))
    assert_refused(verdict, "too_many_pages")
    assert verdict.params == {"pages": MAX_PAGES + 1, "limit": MAX_PAGES}


def test_page_limit_itself_is_accepted() -> None:
    data = f.text_page_pdf(pages=MAX_PAGES)
    assert_accepted_pdf(check(data), data, "unsigned", pages=MAX_PAGES)


def test_page_count_is_counted_not_believed() -> None:
    data = f.text_page_pdf(pages=MAX_PAGES + 1).replace(b"/Count %d" % (MAX_PAGES + 1), b"/Count 3")
    assert_refused(check(data), "too_many_pages")


def test_wrong_page_count_in_a_small_file_is_corrected() -> None:
    data = f.text_page_pdf(pages=2).replace(b"/Count 2", b"/Count 999999")
    assert_accepted_pdf(check(data), data, "unsigned", pages=2)


def test_huge_page_tree_is_refused_as_too_many_pages() -> None:
    verdict = check(f.text_page_pdf(pages=10_000))
    assert_refused(verdict, "too_many_pages")
    assert verdict.params["pages"] == 10_000


def test_flate_bomb_is_refused_quickly_and_in_little_memory() -> None:
    data = f.bomb_pdf(200 * MB)  # a few hundred KB that inflate to 200 MB of zeros
    assert len(data) < 1 * MB
    tracemalloc.start()
    started = time.perf_counter()
    try:
        verdict = check(data)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_refused(verdict, "pdf_bomb")
    assert elapsed < 10
    assert peak < 32 * MB


def test_nested_flate_bomb_is_refused() -> None:
    data = f.bomb_pdf(200 * MB, nested=True)
    assert len(data) < 100_000
    assert_refused(check(data), "pdf_bomb")


def test_run_length_bomb_is_refused() -> None:
    assert_refused(check(f.run_length_bomb_pdf(300 * MB)), "pdf_bomb")


def test_image_declaring_absurd_size_is_refused() -> None:
    assert_refused(check(f.huge_image_pdf()), "pdf_bomb")


def test_large_but_reasonable_stream_is_accepted() -> None:
    data = f.bomb_pdf(40 * MB)  # like a big uncompressed scan
    assert_accepted_pdf(check(data), data, "unsigned")


def test_bomb_in_an_object_no_table_points_to_is_still_found() -> None:
    good = f.text_page_pdf()
    orphan = b"99 0 obj\n" + f.stream(f.zeros_deflated(200 * MB), b"/Filter /FlateDecode")
    at = good.index(b"xref")
    data = good[:at] + orphan + b"\nendobj\n" + good[at:]
    data = data.replace(b"startxref\n%d" % at, b"startxref\n%d" % (at + len(orphan) + 8))
    assert_refused(check(data), "pdf_bomb")
