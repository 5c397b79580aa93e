"""Vietnamese numbers as appendices write them: "0,25", "1,875", "8,25 điểm", "1đ", "100%".

Points never reach a thousand, so a dot is read as a decimal point ("1.875" is 1,875 points in
an Excel cell stored as a number), and a comma always is.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

NUMBER = r"\d+(?:[.,]\d+)?"
_POINTS_CELL = re.compile(rf"^\s*({NUMBER})\s*(?:điểm|diem|đ|d)?\s*\.?\s*$", re.IGNORECASE)
THOUSAND = Decimal(1000)


def to_decimal(text: str) -> Decimal | None:
    """'0,25' → 0.25; None when it is not one plain number below a thousand."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value >= THOUSAND:
        return None
    return plain(value)


def points_cell(text: str) -> Decimal | None:
    """The number in a 'Điểm tối đa' cell ("0,5", "8,25 điểm"); None for anything else."""
    match = _POINTS_CELL.match(text.replace("\n", " "))
    return to_decimal(match.group(1)) if match is not None else None


def plain(value: Decimal) -> Decimal:
    """Without trailing zeros or exponent: 0.50 → 0.5, 10 → 10 (never 1E+1)."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal
