"""Risky content in an accepted PDF: scripts, launch actions, embedded files, polyglots.

Evidence files travel from a commune's officer to leaders, appraisers and the council, who
open them on office computers; a PDF that runs JavaScript on opening, launches a program or
carries an attachment (or is at the same time a ZIP) should not travel silently. Two looks:

* the parsed objects (pypdf, already under the resource limits of :mod:`.pdf`): every
  indirect object, including those packed in object streams, walked within a node budget;
  obfuscated names (``/J#61vaScript``) are decoded by the parser;
* the raw bytes: data before ``%PDF-``, a ZIP inside or after the PDF, and the dictionary
  patterns of scripts, launches and embedded files, so an object the parser never reached
  (outside the cross-reference table) is still seen.

Codes are stable (stored with the file). Which of them refuse a file is the province's
choice (``PARBOT_RISKY_PDF``, :func:`.risk_policy.refuses`).
"""

from __future__ import annotations

import io
import logging
import re
import struct
import zipfile
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from conversations.evidence_check.risk_policy import (
    AUTO_ACTION,
    EMBEDDED_EXECUTABLE,
    EMBEDDED_FILE,
    JAVASCRIPT,
    LAUNCH,
    POLYGLOT,
)
from conversations.evidence_check.sniff import pdf_header_offset, sniff

log = logging.getLogger(__name__)

MAX_NODES = 500_000
"""Dictionary and array entries walked at most (a hostile file cannot keep us busy)."""
MAX_ZIP_HEADERS = 2_000
"""``PK\\x03\\x04`` occurrences examined at most."""

_AUTO_ACTIONS = frozenset(
    {"/URI", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/Rendition", "/Movie", "/Sound"}
)
_EXECUTABLE_EXT = re.compile(
    r"\.(exe|com|scr|pif|bat|cmd|ps1|psm1|vbs|vbe|js|jse|wsf|wsh|hta|msi|msp|dll|cpl|jar|"
    r"lnk|reg|sh|app|apk|dmg|pkg|elf|bin|py|pl|rb)$",
    re.IGNORECASE,
)
_ZIP_METHODS = frozenset({0, 1, 6, 8, 9, 12, 14, 93, 95, 98, 99})


def find_risks(reader: PdfReader, data: bytes) -> frozenset[str]:
    """Every risk found by parsing and by the byte checks. Must run under the parser limits
    of :mod:`.pdf`; a limit reached is raised (the file is then a bomb), any other parser
    failure only ends the parsed look early (the byte checks still run)."""
    found = set(_byte_risks(data))
    try:
        found |= _parsed_risks(reader)
    except LimitReachedError:
        raise
    except Exception:  # a hostile structure the walk cannot follow; the bytes were checked
        log.debug("risk walk stopped early", exc_info=True)
    return frozenset(found)


# ------------------------------------------------------------------ parsed objects


def _objects(reader: PdfReader) -> Iterator[object]:
    refs = [(idnum, gen) for gen, entries in reader.xref.items() for idnum in entries]
    refs += [(idnum, 0) for idnum in reader.xref_objStm]
    for idnum, gen in dict.fromkeys(refs):
        try:
            yield reader.get_object(IndirectObject(idnum, gen, reader))
        except LimitReachedError:
            raise
        except Exception:  # an unreadable object; the byte checks still see its text
            continue
    yield reader.trailer


def _parsed_risks(reader: PdfReader) -> set[str]:
    found: set[str] = set()
    budget = MAX_NODES
    for obj in _objects(reader):
        stack = [obj]
        while stack and budget > 0:
            node = stack.pop()
            if isinstance(node, DictionaryObject):
                budget -= len(node) + 1
                found |= _dict_risks(node)
                stack.extend(node.values())
            elif isinstance(node, ArrayObject):
                budget -= len(node) + 1
                stack.extend(node)
        if budget <= 0:
            log.info("risk walk budget spent; relying on the byte checks for the rest")
            break
    return found


def _dict_risks(d: DictionaryObject) -> set[str]:
    found: set[str] = set()
    action = d.get("/S")
    if "/JS" in d or action == "/JavaScript" or "/JavaScript" in d:
        found.add(JAVASCRIPT)
    if action == "/Launch":
        found.add(LAUNCH)
    if "/EmbeddedFiles" in d or d.get("/Subtype") == "/FileAttachment" or "/EF" in d:
        found.add(EMBEDDED_FILE)
    if d.get("/Type") == "/EmbeddedFile" and isinstance(d, StreamObject):
        found.add(EMBEDDED_FILE)
        if _is_executable(d, None):
            found.add(EMBEDDED_EXECUTABLE)
    if "/EF" in d and _embeds_executable(d):
        found.add(EMBEDDED_EXECUTABLE)
    for key in ("/OpenAction", "/AA"):
        if key in d:
            found |= _automatic(d[key], trigger_map=key == "/AA")
    return found


def _resolve(obj: object) -> object:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _automatic(value: object, *, trigger_map: bool) -> set[str]:
    """Actions run without a click: ``/OpenAction`` (an action or a plain destination) or
    ``/AA`` (trigger → action). Going to a page is harmless; anything else is flagged."""
    value = _resolve(value)
    if not isinstance(value, DictionaryObject):
        return set()  # a destination array: the file opens at a page
    actions = [_resolve(v) for v in value.values()] if trigger_map else [value]
    found: set[str] = set()
    for action in actions:
        if not isinstance(action, DictionaryObject):
            continue
        kind = action.get("/S")
        if kind == "/JavaScript":
            found.add(JAVASCRIPT)
        elif kind == "/Launch":
            found.add(LAUNCH)
        elif kind in _AUTO_ACTIONS:
            found.add(AUTO_ACTION)
    return found


def _embeds_executable(filespec: DictionaryObject) -> bool:
    names = [_resolve(filespec.get(k)) for k in ("/UF", "/F")]
    name = next((str(n) for n in names if isinstance(n, str)), None)
    ef = _resolve(filespec.get("/EF"))
    streams = [_resolve(v) for v in ef.values()] if isinstance(ef, DictionaryObject) else []
    if name is not None and _EXECUTABLE_EXT.search(name.strip()):
        return True
    return any(isinstance(s, StreamObject) and _is_executable(s, name) for s in streams)


def _is_executable(stream: StreamObject, name: str | None) -> bool:
    if name is not None and _EXECUTABLE_EXT.search(name.strip()):
        return True
    try:
        head = stream.get_data()[:64]
    except LimitReachedError:
        raise
    except Exception:  # undecodable: not a program anyone could run either
        return False
    return sniff(head) == "executable"


# ------------------------------------------------------------------ bytes


def _hex_name(name: str) -> bytes:
    """A regex for a PDF name (without its slash) written with or without ``#xx`` escapes,
    as in ``/J#61vaScript``."""
    out = []
    for ch in name:
        code = f"{ord(ch):02x}"
        hi, lo = code[0], code[1]
        out.append(b"(?:%s|#[%s][%s])" % (re.escape(ch.encode()), _both(hi), _both(lo)))
    return b"".join(out)


def _both(digit: str) -> bytes:
    return (digit + digit.upper()).encode()


def _key_value(key: str, value: str) -> bytes:
    """``/Key /Value`` with nothing else glued to the value's name."""
    return _hex_name(key) + rb"\s*/" + _hex_name(value) + rb"(?![A-Za-z0-9#])"


_VALUE_REF = rb"\s*(?:<<|\d+\s+\d+\s+R)"  # a dictionary, inline or by reference
# One pass over the bytes; the leading slash is outside the alternatives, so the search
# jumps from slash to slash instead of trying every position.
_RAW = re.compile(
    b"/(?:(?P<js>"
    + b"|".join(
        [
            _key_value("S", "JavaScript"),
            _hex_name("JS") + rb"\s*[(<\d]",
            _hex_name("JavaScript") + _VALUE_REF,
        ]
    )
    + b")|(?P<launch>"
    + _key_value("S", "Launch")
    + b")|(?P<embedded>"
    + b"|".join(
        [
            _hex_name("EmbeddedFiles") + _VALUE_REF,
            _key_value("Type", "EmbeddedFile"),
            _key_value("Subtype", "FileAttachment"),
        ]
    )
    + b"))"
)
_RAW_CODES = {"js": JAVASCRIPT, "launch": LAUNCH, "embedded": EMBEDDED_FILE}


def _byte_risks(data: bytes) -> set[str]:
    found: set[str] = set()
    for match in _RAW.finditer(data):
        found.add(_RAW_CODES[str(match.lastgroup)])
        if len(found) == len(_RAW_CODES):
            break  # nothing more to learn from the rest
    start = pdf_header_offset(data) or 0
    if data[:start].strip(b" \t\r\n\x00\xef\xbb\xbf"):
        found.add(POLYGLOT)  # something else comes first: an HTML, image or archive header
    if _has_zip(data):
        found.add(POLYGLOT)
    return found


def _has_zip(data: bytes) -> bool:
    """A ZIP appended (its end record found by :mod:`zipfile`) or embedded anywhere (a local
    file header whose fields are all plausible: a random match is vanishingly unlikely)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if zf.namelist():
                return True
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, NotImplementedError):
        pass
    at = data.find(b"PK\x03\x04")
    seen = 0
    while at >= 0 and seen < MAX_ZIP_HEADERS:
        if _plausible_local_header(data, at):
            return True
        seen += 1
        at = data.find(b"PK\x03\x04", at + 4)
    return False


def _plausible_local_header(data: bytes, at: int) -> bool:
    header = data[at : at + 30]
    if len(header) < 30:
        return False
    _sig, version, _flags, method, *_rest, name_len, extra_len = struct.unpack(
        "<4sHHHHHIIIHH", header
    )
    if version > 63 or method not in _ZIP_METHODS or not 0 < name_len <= 512:
        return False
    name = data[at + 30 : at + 30 + name_len]
    if len(name) < name_len or at + 30 + name_len + extra_len > len(data):
        return False
    try:
        text = name.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return text.isprintable()
