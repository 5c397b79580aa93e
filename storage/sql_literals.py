"""Values written into PostgreSQL statements as literals, for the writes sent in one simple
query with BEGIN or COMMIT (a simple query takes no parameters).

Each function accepts only what it can render safely and refuses the rest with
:class:`ValueError`: integers and finite decimals as digits, aware timestamps as ISO text,
known words as themselves, JSON and free text dollar-quoted (nothing inside is special). An
officer's text never reaches the SQL any other way."""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal
from typing import Any

NULL = "NULL"
_ISO_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d:\d\d")
_NUMBER = re.compile(r"-?\d+(\.\d+)?(E[+-]?\d+)?")
_WORD = re.compile(r"[a-z_]{1,32}")


def timestamp_literal(at: datetime) -> str:
    """An aware datetime as a ``timestamptz`` literal; only digits and separators get into
    the SQL (anything else is refused)."""
    if at.tzinfo is None:
        raise ValueError(f"naive datetime {at!r}: pass a timezone-aware (UTC) datetime")
    stamp = at.isoformat()
    if not _ISO_STAMP.fullmatch(stamp):
        raise ValueError(f"not an ISO timestamp: {stamp!r}")
    return f"'{stamp}'::timestamptz"


def dollar_quoted(text: str) -> str:
    """``text`` as a PostgreSQL dollar-quoted literal: nothing inside is special (quotes,
    backslashes), whatever ``standard_conforming_strings`` says; the tag grows until it does
    not occur in ``text``."""
    tag = "$w$"
    while tag in text:
        tag = tag[:-1] + "w$"
    return f"{tag}{text}{tag}"


def json_literal(value: Any) -> str:
    """``value`` as a ``json`` literal (``None``: SQL NULL), serialised as SQLAlchemy's JSON
    type does by default (``json.dumps``)."""
    return NULL if value is None else f"{dollar_quoted(json.dumps(value))}::json"


def text_literal(value: str | None) -> str:
    """Free text (``None``: SQL NULL), dollar-quoted: nothing inside is special."""
    if value is None:
        return NULL
    if type(value) is not str or "\x00" in value:  # PostgreSQL text cannot hold NUL
        raise ValueError(f"not text: {value!r}")
    return dollar_quoted(value)


def int_literal(value: int | None) -> str:
    if value is None:
        return NULL
    if type(value) is not int:  # a bool or a str that looks like a number is a mistake
        raise ValueError(f"not an int: {value!r}")
    return str(value)


def numeric_literal(value: Decimal | None) -> str:
    """A finite decimal as a ``numeric`` literal (NaN and infinities are refused)."""
    if value is None:
        return NULL
    text = str(value) if isinstance(value, Decimal) else ""
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"not a finite Decimal: {value!r}")
    return f"{text}::numeric"


def word_literal(value: str | None) -> str:
    """A short lowercase word (an enum's value) as a string literal."""
    if value is None:
        return NULL
    if not _WORD.fullmatch(value):
        raise ValueError(f"not a word: {value!r}")
    return f"'{value}'"
