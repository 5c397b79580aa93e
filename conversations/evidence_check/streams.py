"""Measuring how far compressed data expands, without keeping what it expands to.

A "PDF bomb" is a small file whose streams inflate to gigabytes. Every FlateDecode stream is
inflated here in small pieces and only counted, so memory stays at a few megabytes whatever the
file claims; a stream over :data:`~.limits.MAX_STREAM_DECODED` or a document over
:data:`~.limits.MAX_TOTAL_DECODED` raises :class:`DecodeLimitExceeded`.

The raw scan (:func:`scan_flate_streams`) finds streams by their ``stream`` keyword rather than
through the cross-reference table, so it also covers objects of earlier revisions (which the
signature checker reads) and objects no table points to. Flate layers nested inside each other
(``[/FlateDecode /FlateDecode]``) are unpacked as well.
"""

from __future__ import annotations

import re
import zlib

from conversations.evidence_check.limits import (
    MAX_NESTED_FLATE,
    MAX_STREAM_DECODED,
    MAX_TOTAL_DECODED,
)

_IN_CHUNK = 64 * 1024
_OUT_CHUNK = 1024 * 1024
_STREAM_KEYWORD = re.compile(rb"(?<!end)stream[ \t]*(?:\r\n|\n|\r)")


class DecodeLimitExceeded(Exception):
    """The data expands beyond the allowed size: treat the file as a bomb."""


class Meter:
    """Counts decoded bytes against the per-stream and per-document limits."""

    def __init__(
        self, per_stream: int = MAX_STREAM_DECODED, total: int = MAX_TOTAL_DECODED
    ) -> None:
        self.per_stream = per_stream
        self.total_limit = total
        self.total = 0

    def add(self, amount: int, stream_so_far: int) -> None:
        self.total += amount
        if stream_so_far > self.per_stream:
            raise DecodeLimitExceeded(f"a stream expands beyond {self.per_stream} bytes")
        if self.total > self.total_limit:
            raise DecodeLimitExceeded(f"the streams expand beyond {self.total_limit} bytes")


def looks_like_zlib(head: bytes | memoryview) -> bool:
    """A valid zlib header (deflate, window ≤ 32 KiB, check bits right)."""
    if len(head) < 2:
        return False
    cmf, flg = head[0], head[1]
    return cmf & 0x0F == 8 and cmf >> 4 <= 7 and ((cmf << 8) | flg) % 31 == 0


class _Layer:
    """One zlib layer; feeds its output to the next layer when that output is zlib too."""

    def __init__(self, meter: Meter, depth: int = 0) -> None:
        self._d = zlib.decompressobj()
        self._meter = meter
        self._depth = depth
        self._next: _Layer | None = None
        self._started = False
        self.produced = 0
        self.done = False

    def feed(self, data: bytes | memoryview) -> None:
        while not self.done:
            try:
                out = self._d.decompress(data, _OUT_CHUNK)
            except zlib.error:
                self.done = True  # corrupt data: what came before was counted, stop here
                return
            if out:
                self.produced += len(out)
                self._meter.add(len(out), self.produced)
                if not self._started:
                    self._started = True
                    if self._depth + 1 < MAX_NESTED_FLATE and looks_like_zlib(out):
                        self._next = _Layer(self._meter, self._depth + 1)
                if self._next is not None:
                    self._next.feed(out)
            if self._d.eof:
                self.done = True
                return
            data = self._d.unconsumed_tail
            if not data:
                return


def measure_flate(buf: bytes | memoryview, start: int, meter: Meter) -> int:
    """Inflate the zlib stream at ``buf[start:]`` piece by piece; return its decoded size."""
    view = memoryview(buf)
    layer = _Layer(meter)
    pos = start
    while not layer.done and pos < len(view):
        layer.feed(view[pos : pos + _IN_CHUNK])
        pos += _IN_CHUNK
    return layer.produced


def measure_run_length(data: bytes, meter: Meter) -> int:
    """Decoded size of RunLengthDecode data, computed without decoding it."""
    produced = 0
    pos, end = 0, len(data)
    while pos < end:
        length = data[pos]
        if length == 128:  # end of data
            break
        if length < 128:  # copy the next length + 1 bytes
            run = length + 1
            pos += 1 + run
        else:  # repeat the next byte 257 - length times
            run = 257 - length
            pos += 2
        produced += run
        if produced > meter.per_stream:
            break  # enough to refuse; no need to read on
    meter.add(produced, produced)
    return produced


def scan_flate_streams(data: bytes, meter: Meter | None = None) -> int:
    """Measure every zlib stream that follows a ``stream`` keyword; return the total size.

    Raises :class:`DecodeLimitExceeded` as soon as a limit is crossed.
    """
    meter = meter or Meter()
    view = memoryview(data)
    for match in _STREAM_KEYWORD.finditer(data):
        start = match.end()
        if looks_like_zlib(view[start : start + 2]):
            measure_flate(view, start, meter)
    return meter.total
