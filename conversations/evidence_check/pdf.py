"""Reading a PDF the way a careful reader would: a real parse with pypdf, under limits.

:func:`read_pdf` either returns :class:`PdfFacts` or raises :class:`PdfRefused` carrying the
refusal (``broken``, ``encrypted``, ``too_many_pages``, ``pdf_bomb``). Signatures are read
separately (:mod:`.signatures`), only after this has passed, because the signature checker
has no decompression limits of its own.
"""

from __future__ import annotations

import dataclasses
import io
import logging
from dataclasses import dataclass

from pypdf import Configuration, PasswordType, PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    EncodedStreamObject,
    IndirectObject,
    NameObject,
    NullObject,
    PdfObject,
    StreamObject,
)

from conversations.evidence_check import messages
from conversations.evidence_check.limits import (
    MAX_PAGE_TREE_NODES,
    MAX_PAGES,
    MAX_PDF_IMAGE_PIXELS,
    MAX_SIGNATURE_FIELDS,
    MAX_STREAM_DECODED,
)
from conversations.evidence_check.risks import find_risks
from conversations.evidence_check.streams import (
    DecodeLimitExceeded,
    Meter,
    measure_flate,
    measure_run_length,
    scan_flate_streams,
)
from conversations.evidence_check.verdict import (
    REASON_BROKEN,
    REASON_ENCRYPTED,
    REASON_PDF_BOMB,
    REASON_TOO_MANY_PAGES,
    FileVerdict,
    rejected,
)

log = logging.getLogger(__name__)

EOF_WINDOW = 1024
"""``%%EOF`` must be within the last 1024 bytes; otherwise the file was cut short."""

_FLATE = frozenset({"/FlateDecode", "/Fl"})
_RUN_LENGTH = frozenset({"/RunLengthDecode", "/RL"})
_EXPANDING = frozenset({"/LZWDecode", "/LZW"}) | _RUN_LENGTH

_WANTED_LIMITS: dict[str, object] = {
    "zlib_maximum_output_length": MAX_STREAM_DECODED,
    "lzw_maximum_output_length": MAX_STREAM_DECODED,
    "run_length_maximum_output_length": MAX_STREAM_DECODED,
    "brotli_maximum_output_length": MAX_STREAM_DECODED,
    "jbig2_maximum_output_length": MAX_STREAM_DECODED,
    "array_based_stream_maximum_output_length": MAX_STREAM_DECODED,
    "image_maximum_buffer_size": MAX_STREAM_DECODED,
    "stream_decoding_work_maximum_length": 2 * MAX_STREAM_DECODED,
    # pypdf's byte-by-byte recovery of corrupt Flate data is slow; keep it short
    "zlib_maximum_recovery_input_length": 1_000_000,
    "page_tree_maximum_entries": MAX_PAGE_TREE_NODES,
    # never run an external decoder on untrusted data
    "jbig2dec_binary": None,
}
_KNOWN_FIELDS = {f.name for f in dataclasses.fields(Configuration)}
PYPDF_CONFIGURATION = Configuration().with_overwrites(
    **{k: v for k, v in _WANTED_LIMITS.items() if k in _KNOWN_FIELDS}
)
"""pypdf's own limits, tightened; applied only around our own parsing (a context variable)."""


class PdfRefused(Exception):
    """The PDF cannot be accepted; ``verdict`` says why and what to send instead."""

    def __init__(self, verdict: FileVerdict) -> None:
        super().__init__(verdict.reason)
        self.verdict = verdict


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    has_signature_fields: bool
    opened_with_empty_password: bool
    risks: frozenset[str] = frozenset()  # see :mod:`.risks`


def _broken() -> PdfRefused:
    return PdfRefused(rejected(REASON_BROKEN, messages.BROKEN))


def _bomb() -> PdfRefused:
    return PdfRefused(rejected(REASON_PDF_BOMB, messages.PDF_BOMB))


def _too_many_pages(pages: int) -> PdfRefused:
    return PdfRefused(
        rejected(REASON_TOO_MANY_PAGES, messages.TOO_MANY_PAGES, pages=pages, limit=MAX_PAGES)
    )


def _resolve(obj: object) -> object:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _int(obj: object) -> int:
    value = _resolve(obj)
    if isinstance(value, int | float):
        return int(value)
    return 0


def _filters(stream: StreamObject) -> list[str]:
    raw = _resolve(stream.get("/Filter"))
    if isinstance(raw, NameObject):
        return [str(raw)]
    if isinstance(raw, ArrayObject):
        return [str(_resolve(f)) for f in raw]
    return []


def _check_stream(stream: StreamObject, meter: Meter, decode_all: bool) -> None:
    """Image dimensions, and the decoded size of streams the raw scan could not measure."""
    if _resolve(stream.get("/Subtype")) == "/Image":
        width, height = _int(stream.get("/Width")), _int(stream.get("/Height"))
        if width * height > MAX_PDF_IMAGE_PIXELS:
            raise DecodeLimitExceeded(f"an image declares {width}x{height} pixels")
    filters = _filters(stream)
    if not filters or not (decode_all or _EXPANDING.intersection(filters)):
        return
    raw = getattr(stream, "_data", None)  # the encoded (decrypted) bytes, as pypdf keeps them
    if isinstance(raw, bytes) and all(f in _FLATE for f in filters):
        measure_flate(raw, 0, meter)
        return
    if isinstance(raw, bytes) and all(f in _RUN_LENGTH for f in filters) and len(filters) == 1:
        measure_run_length(raw, meter)
        return
    try:
        decoded = stream.get_data()
    except LimitReachedError as exc:
        raise DecodeLimitExceeded(str(exc)) from exc
    except Exception:  # a stream pypdf cannot decode is no bomb; viewers skip it too
        return
    finally:
        if isinstance(stream, EncodedStreamObject):
            stream.decoded_self = None  # do not keep decoded data around
    meter.add(len(decoded), len(decoded))


def _walk_objects(reader: PdfReader, meter: Meter, decode_all: bool) -> None:
    for generation, entries in list(reader.xref.items()):
        for idnum in list(entries):
            try:
                obj = reader.get_object(IndirectObject(idnum, generation, reader))
            except LimitReachedError as exc:
                raise DecodeLimitExceeded(str(exc)) from exc
            except Exception:  # an unreadable object: the page check decides if it matters
                continue
            if isinstance(obj, StreamObject):
                _check_stream(obj, meter, decode_all)


def _has_signature_fields(reader: PdfReader) -> bool:
    """Whether the form has a filled signature field (/FT /Sig with a value)."""
    try:
        root = _resolve(reader.trailer.get("/Root"))
        acro = _resolve(root.get("/AcroForm")) if isinstance(root, DictionaryObject) else None
        fields = _resolve(acro.get("/Fields")) if isinstance(acro, DictionaryObject) else None
        if not isinstance(fields, ArrayObject):
            return False
        stack: list[tuple[PdfObject, object]] = [(f, None) for f in fields]
        seen: set[tuple[int, int]] = set()
        visited = 0
        while stack and visited < MAX_SIGNATURE_FIELDS:
            ref, inherited_ft = stack.pop()
            if isinstance(ref, IndirectObject):
                key = (ref.idnum, ref.generation)
                if key in seen:
                    continue
                seen.add(key)
            node = _resolve(ref)
            if not isinstance(node, DictionaryObject):
                continue
            visited += 1
            ft = _resolve(node.get("/FT", inherited_ft))
            value = _resolve(node.get("/V"))
            if ft == "/Sig" and value is not None and not isinstance(value, NullObject):
                return True
            kids = _resolve(node.get("/Kids"))
            if isinstance(kids, ArrayObject):
                stack.extend((kid, ft) for kid in kids)
    except LimitReachedError:
        raise
    except Exception:
        log.debug("could not walk the form fields", exc_info=True)
    return False


def read_pdf(data: bytes) -> PdfFacts:
    """Parse ``data`` as a PDF under resource limits; raise :class:`PdfRefused` if unfit."""
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise _broken()
    meter = Meter()
    with apply_configuration(PYPDF_CONFIGURATION):
        try:
            scan_flate_streams(data, meter)
            reader = PdfReader(io.BytesIO(data), strict=False)
        except (DecodeLimitExceeded, LimitReachedError) as exc:
            raise _bomb() from exc
        except Exception as exc:
            raise _broken() from exc

        empty_password = False
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
            except Exception:  # unsupported encryption: just as unreadable for appraisers
                opened = False
            if not opened:
                raise PdfRefused(rejected(REASON_ENCRYPTED, messages.ENCRYPTED))
            empty_password = True

        try:
            root = _resolve(reader.trailer.get("/Root"))
            tree = _resolve(root.get("/Pages")) if isinstance(root, DictionaryObject) else None
            declared = _int(tree.get("/Count")) if isinstance(tree, DictionaryObject) else 0
        except Exception:
            declared = 0

        try:
            try:
                pages = len(reader.pages)  # walks the real page tree, within node limits
            except LimitReachedError:
                if declared > MAX_PAGES:
                    raise _too_many_pages(declared) from None
                raise  # a tree far bigger than it claims: forged
            if pages > MAX_PAGES:
                raise _too_many_pages(pages)
            if pages < 1:
                raise _broken()
            _ = reader.pages[0].mediabox
            _walk_objects(reader, meter, decode_all=empty_password)
            has_sig = _has_signature_fields(reader)
            risks = find_risks(reader, data)
        except PdfRefused:
            raise
        except (DecodeLimitExceeded, LimitReachedError) as exc:
            raise _bomb() from exc
        except Exception as exc:
            raise _broken() from exc
    return PdfFacts(
        pages=pages,
        has_signature_fields=has_sig,
        opened_with_empty_password=empty_password,
        risks=risks,
    )
