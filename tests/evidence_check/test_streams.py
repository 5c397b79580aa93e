from __future__ import annotations

import zlib

import pytest

from conversations.evidence_check.streams import (
    DecodeLimitExceeded,
    Meter,
    looks_like_zlib,
    measure_run_length,
    scan_flate_streams,
)
from tests.evidence_check import factories as f


def test_zlib_header_detection() -> None:
    assert looks_like_zlib(zlib.compress(b"x"))
    assert looks_like_zlib(zlib.compress(b"x", 9))
    assert not looks_like_zlib(b"BT /F1")
    assert not looks_like_zlib(b"x")


def test_scan_counts_decoded_sizes() -> None:
    data = f.text_page_pdf()
    content = b"BT /F1 18 Tf 72 760 Td (Ke hoach CCHC 2025) Tj ET"
    packed = data.replace(
        f.stream(content), f.stream(zlib.compress(content), b"/Filter /FlateDecode")
    )
    assert scan_flate_streams(packed) == len(content)


def test_corrupt_flate_data_is_not_an_error() -> None:
    packed = zlib.compress(f.random_bytes(10_000))
    broken = packed[: len(packed) // 2] + b"\xff" * 100
    assert 0 < scan_flate_streams(b"stream\n" + broken + b"\nendstream") < 10_000


def test_per_stream_limit() -> None:
    data = b"stream\n" + f.zeros_deflated(3_000_000) + b"\nendstream"
    assert scan_flate_streams(data, Meter(per_stream=4_000_000)) == 3_000_000
    with pytest.raises(DecodeLimitExceeded):
        scan_flate_streams(data, Meter(per_stream=2_000_000))


def test_document_limit() -> None:
    one = b"stream\n" + f.zeros_deflated(1_000_000) + b"\nendstream\n"
    with pytest.raises(DecodeLimitExceeded):
        scan_flate_streams(one * 5, Meter(per_stream=2_000_000, total=4_000_000))


def test_run_length_size_without_decoding() -> None:
    literal = b"\x02abc"  # copy 3 bytes
    repeat = b"\xfe\x00"  # repeat one byte 3 times
    assert measure_run_length(literal + repeat + b"\x80", Meter()) == 6
    with pytest.raises(DecodeLimitExceeded):
        measure_run_length(b"\x81\x00" * 1000, Meter(per_stream=10_000))
