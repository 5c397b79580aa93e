"""Babel's decimal formatting of our "#,##0.###" patterns, without Babel's per-call cost.

A card formats a dozen numbers and Babel's ``NumberPattern.apply`` spends most of its time
looking up the locale's symbols and handling pattern features we never use (currencies,
scientific and significant-digit patterns, quoted literals). :class:`DecimalStyle` reads the
symbols once and then runs the same ``decimal`` operations ``apply`` runs, in the same order
and under the same context (so rounding — ROUND_HALF_EVEN unless the caller's context says
otherwise — and precision limits behave alike): the text is byte-identical to Babel's, which a
property test checks. Anything else (NaN, infinities, other types) goes to Babel itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel.core import Locale
from babel.numbers import NumberPattern, get_decimal_symbol, get_group_symbol

LATN = "latn"


@dataclass(frozen=True)
class DecimalStyle:
    """One parsed pattern in one locale, with everything ``apply`` would look up per call."""

    pattern: NumberPattern
    locale: Locale
    quantum: Decimal
    max_frac: int
    min_int: int
    grouping: tuple[int, int]
    group: str
    decimal: str
    fast: bool
    """Whether the pattern and symbols are ones :meth:`format` renders exactly as Babel."""

    @classmethod
    def of(cls, pattern: NumberPattern, locale: Locale) -> DecimalStyle:
        group = get_group_symbol(locale, numbering_system=LATN)
        decimal = get_decimal_symbol(locale, numbering_system=LATN)
        affixes = (*pattern.prefix, *pattern.suffix, group, decimal)
        fast = (
            not pattern.exp_prec
            and pattern.scale == 0
            and pattern.frac_prec[0] == 0
            and "@" not in pattern.pattern
            and pattern.number_pattern != ""
            and not any(c in a for a in affixes for c in "'¤")
        )
        return cls(
            pattern,
            locale,
            Decimal(10) ** (-pattern.frac_prec[1]),
            pattern.frac_prec[1],
            pattern.int_prec[0],
            (pattern.grouping[0], pattern.grouping[1]),
            group,
            decimal,
            fast,
        )

    def format(self, value: Decimal | float | int) -> str:
        """``value`` as Babel's ``pattern.apply(value, locale, numbering_system="latn")``."""
        kind = type(value)
        if not self.fast or kind not in (Decimal, int, float):
            return str(self.pattern.apply(value, self.locale, numbering_system=LATN))
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        number = number.scaleb(0)  # as apply does: the context's precision and rounding
        if not number.is_finite():
            return str(self.pattern.apply(value, self.locale, numbering_system=LATN))
        negative = int(number.is_signed())
        whole, _, frac = f"{abs(number).normalize().quantize(self.quantum):f}".partition(".")
        text = self._group(whole) + self._fraction(frac or "0")
        return self.pattern.prefix[negative] + text + self.pattern.suffix[negative]

    def _group(self, digits: str) -> str:
        """Babel's ``_format_int``: zero-padded to the minimum, grouped from the right."""
        if len(digits) < self.min_int:
            digits = "0" * (self.min_int - len(digits)) + digits
        size, out = self.grouping[0], ""
        while len(digits) > size:
            out = self.group + digits[-size:] + out
            digits = digits[:-size]
            size = self.grouping[1]
        return digits + out

    def _fraction(self, digits: str) -> str:
        """Babel's ``_format_frac`` for a pattern with no required decimals: trailing zeros
        dropped, nothing at all when the fraction is zero."""
        if self.max_frac == 0 or int(digits) == 0:
            return ""
        return self.decimal + digits.rstrip("0")
