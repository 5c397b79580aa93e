"""Translation and locale formatting with an explicit locale, usable outside any Telegram update.

Replies are built by the framework-free core, by scheduler jobs and by broadcasts; none of them has
an aiogram i18n context, so the locale is always passed in rather than read from a context var.
"""

from __future__ import annotations

import gettext
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel.core import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import parse_pattern

from conversations.decimal_format import DecimalStyle
from conversations.markup import Html, fmt

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "parbot"
SUPPORTED = ("vi", "en")
DEFAULT = "vi"


@lru_cache(maxsize=256)
def normalize_locale(code: str | None, fallback: str = DEFAULT) -> str:
    """Map a Telegram language_code ("vi", "en-US", None) to a supported locale (kept per
    code: every translated line and formatted number of an update asks)."""
    if not code:
        return fallback
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED else fallback


@lru_cache(maxsize=8)
def _translations(locale: str) -> gettext.NullTranslations:
    mo = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    po = mo.with_suffix(".po")
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        # a fresh checkout without the compile step still speaks Vietnamese
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        try:
            with mo.open("wb") as out:
                write_mo(out, catalog)
        except OSError:
            import io

            buf = io.BytesIO()
            write_mo(buf, catalog)
            buf.seek(0)
            return gettext.GNUTranslations(buf)
    if mo.exists():
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    return gettext.NullTranslations()


def gettext_for(locale: str, message: str) -> str:
    return _translations(normalize_locale(locale)).gettext(message)


def t(locale: str, message: str, /, **params: object) -> str:
    """Translate ``message`` into ``locale`` and fill ``%(name)s`` parameters."""
    text = gettext_for(locale, message)
    return text % params if params else text


def th(locale: str, message: str, /, **params: object) -> Html:
    """Like :func:`t`, for a message sent with ``parse_mode=HTML``: every parameter that is
    not already :class:`~conversations.markup.Html` is escaped (names, titles, file names)."""
    return fmt(gettext_for(locale, message), **params)


def thn(locale: str, singular: str, plural: str, n: int, /, **params: object) -> Html:
    """Like :func:`tn`, escaping the parameters as :func:`th` does."""
    text = _translations(normalize_locale(locale)).ngettext(singular, plural, n)
    return fmt(text, n=n, **params)


def tn(locale: str, singular: str, plural: str, n: int, /, **params: object) -> str:
    text = _translations(normalize_locale(locale)).ngettext(singular, plural, n)
    return text % {"n": n, **params}


def fmt_num(value: Decimal | float | int | None, locale: str, digits: int = 3) -> str:
    """ "86,55" in Vietnamese, "86.55" in English; up to three decimals ("0,875"), trailing
    zeros dropped ("0,5", "8,25")."""
    if value is None:
        return "—"
    return number_style(normalize_locale(locale), digits).format(value)


@lru_cache(maxsize=16)
def number_style(locale: str, digits: int) -> DecimalStyle:
    """Babel's ``format_decimal`` parses its pattern and locale and looks their symbols up on
    every call (≈ 70 µs, and a card formats a dozen numbers); they are the same for every
    call, so they are read once (conversations.decimal_format renders with them)."""
    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    return DecimalStyle.of(parse_pattern(pattern), Locale.parse(locale))


def fmt_date(value: date, locale: str) -> str:
    """ "16/3/2024" in Vietnamese, "16 Mar 2024" in English."""
    loc = normalize_locale(locale)
    return format_date(value, "d/M/y" if loc == "vi" else "d MMM y", locale=loc)


def reset_cache() -> None:
    _translations.cache_clear()
