"""Evidence file names as officers send them, made harmless before anyone else sees them.

A file name comes from the sender's phone and is entirely theirs to choose: it may hold
terminal escapes (``a\\x1b[31mred.pdf``), NUL, path separators, a leading dot, hundreds of
characters, or Vietnamese in decomposed form (NFD, as macOS writes it). Such a name once broke
every export of its unit (openpyxl refuses control characters) and NUL cannot be stored in
PostgreSQL at all. So the name is cleaned once, at upload (:func:`clean_file_name`), and the
original survives only as metadata in visibly escaped form (:func:`escape_name`). Names stored
before this rule existed are cleaned again wherever they are shown or exported
(:func:`shown_name`), so an old row can never break anything either.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME = 150
"""Characters kept of a cleaned name (the extension is kept whole)."""
MAX_ORIGINAL = 600
"""Characters kept of the escaped original (metadata only)."""
FALLBACK = "tai-lieu.pdf"

_SEPARATORS = re.compile(r"[/\\]+")
_SPACES = re.compile(r"\s+")
_EXTENSION = re.compile(r"\.[0-9A-Za-z]{1,8}$")
_BEFORE_EXTENSION = re.compile(r"[\s.]+(\.[0-9A-Za-z]{1,8})$")


def _is_control(ch: str) -> bool:
    """Control, format (bidi overrides, zero-width), surrogate, private and unassigned code
    points: none belongs in a file name a person reads."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in " \t\n"


def clean_file_name(raw: str | None, limit: int = MAX_NAME) -> str:
    """The name to store and show, or ``""`` when nothing usable is left.

    NFC-normalised; control and format characters dropped; path separators become ``-``
    (empty and dot-only path parts dropped, leading dots removed); runs of white space become
    one space; no space or dot at either end or before the extension; longer than ``limit``
    → the stem is cut and the extension kept.
    """
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(ch for ch in text if not _is_control(ch))
    parts = (p.strip().lstrip(".").strip() for p in _SEPARATORS.split(text))
    text = "-".join(p for p in parts if p)  # "../../x" is "x"; "năm/2024" is "năm-2024"
    text = _SPACES.sub(" ", text).strip(" .")
    text = _BEFORE_EXTENSION.sub(r"\1", text)
    if len(text) <= limit:
        return text
    ext_match = _EXTENSION.search(text)
    ext = ext_match.group(0) if ext_match else ""
    stem = text[: len(text) - len(ext)][: limit - len(ext)].rstrip(" .-")
    return stem + ext if stem else text[:limit]


def escape_name(raw: str | None, limit: int = MAX_ORIGINAL) -> str:
    """``raw`` with every control or format character written out as ``\\xNN``/``\\uNNNN``
    (and a backslash as ``\\\\``), so it can be shown anywhere and never acts on a screen,
    a spreadsheet or a database."""
    out: list[str] = []
    for ch in raw or "":
        if ch == "\\":
            out.append("\\\\")
        elif _is_control(ch) or ch in "\t\n\r":
            out.append(_escaped(ch))
        else:
            out.append(ch)
    text = "".join(out)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def visible(text: str) -> str:
    """``text`` with control and format characters written out (``\\x1b``), line breaks and
    tabs kept: for free text from users (display names, section notes) going into a
    spreadsheet cell, which refuses control characters."""
    if all(ch in "\t\n\r" or not _is_control(ch) for ch in text):
        return text
    return "".join(ch if ch in "\t\n\r" or not _is_control(ch) else _escaped(ch) for ch in text)


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def generated_name(item_code: str, stamp: str) -> str:
    """The name given to a file whose own name was empty or cleaned away."""
    code = clean_file_name(item_code, 40).replace(" ", "-") or "tlkc"
    return f"TLKC-{code}-{stamp}.pdf"


def shown_name(stored: str | None) -> str:
    """A stored name made safe to show or export (rows stored before names were cleaned)."""
    return clean_file_name(stored) or FALLBACK


_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
_IMAGE_OR_PDF_EXT = re.compile(r"\.(pdf|jpe?g|png|webp|gif|bmp|tiff?|heic|heif)$", re.IGNORECASE)


def download_name(original: str) -> str:
    """The name a file is sent back under: the officer's own name (Vietnamese kept), without
    characters a file system refuses, always ending in .pdf (photos were converted)."""
    stem = _IMAGE_OR_PDF_EXT.sub("", " ".join(original.split()))
    stem = _UNSAFE_IN_NAME.sub("-", stem).strip(" .-")[:120]
    return (stem or "tai-lieu") + ".pdf"
