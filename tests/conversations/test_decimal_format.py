"""conversations.i18n.fmt_num renders numbers without Babel's per-call cost
(conversations.decimal_format): its text must be byte-identical to Babel's ``format_decimal``
for every value — Decimals of any size and exponent, ints, floats, negatives and negative zero,
rounding ties (Babel quantizes with the decimal context's ROUND_HALF_EVEN)."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conversations.i18n import fmt_num, number_style

LOCALES = ("vi", "en")
DIGITS = (0, 1, 2, 3)


def babel(value: Decimal | float | int, locale: str, digits: int) -> str:
    """The reference: Babel's own formatting of our pattern."""
    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    return str(format_decimal(value, pattern, locale=locale, numbering_system="latn"))


def same(value: Decimal | float | int) -> None:
    for locale in LOCALES:
        for digits in DIGITS:
            try:
                want = babel(value, locale, digits)
            except decimal.InvalidOperation:
                with pytest.raises(decimal.InvalidOperation):
                    fmt_num(value, locale, digits)
                continue
            assert fmt_num(value, locale, digits) == want, (value, locale, digits)


TIES = [Decimal(f"{w}.{d}5") for w in (0, 1, 2, 12345) for d in ("", "0", "00", "1", "12")]


@settings(max_examples=400, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False))
@example(Decimal("-0"))
@example(Decimal("0.0005"))
@example(Decimal("0.0015"))
@example(Decimal("-2.5"))
@example(Decimal("1E+30"))
@example(Decimal("1234567890123456789012345.6785"))
@example(Decimal("9.9995"))
@example(Decimal("-999999.9999"))
def test_decimals_as_babel(value: Decimal) -> None:
    same(value)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**40), max_value=10**40))
def test_ints_as_babel(value: int) -> None:
    same(value)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
@example(0.5)
@example(-0.0)
@example(1e16)
@example(2.675)
def test_floats_as_babel(value: float) -> None:
    same(value)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=-(10**9), max_value=10**9),
    st.integers(min_value=-6, max_value=2),
)
def test_scaled_values_as_babel(coefficient: int, exponent: int) -> None:
    """Quantities the bot really shows (points, percentages): few digits, any exponent."""
    same(Decimal(coefficient).scaleb(exponent))


@pytest.mark.parametrize("value", TIES + [-x for x in TIES])
def test_rounding_ties_as_babel(value: Decimal) -> None:
    same(value)


@pytest.mark.parametrize(
    "value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), float("inf")]
)
def test_non_finite_left_to_babel(value: Decimal | float) -> None:
    for locale in LOCALES:
        assert fmt_num(value, locale) == babel(value, locale, 3)


def test_vietnamese_and_english_symbols() -> None:
    """The symbols read once from Babel: Vietnamese groups with "." and decimals with ","."""
    assert fmt_num(Decimal("1234567.125"), "vi") == "1.234.567,125"
    assert fmt_num(Decimal("1234567.125"), "en") == "1,234,567.125"
    assert fmt_num(Decimal("86.50"), "vi") == "86,5"
    assert number_style("vi", 3).fast and number_style("en", 0).fast


def test_a_changed_context_rounds_as_babel() -> None:
    """The caller's decimal context (rounding, precision) applies to both alike."""
    with decimal.localcontext() as ctx:
        ctx.rounding = decimal.ROUND_HALF_UP
        ctx.prec = 6
        for value in (Decimal("2.0005"), Decimal("1234567.89"), Decimal("0.0025")):
            same(value)
