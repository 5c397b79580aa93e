"""Text helpers shared by the date parser, the extractor and the question matcher.

Plans arrive as Markdown, converted Word files or PDF text, and officers type with or without
diacritics, so all matching is done on a *folded* form (``scoring.values.fold_chars``): NFC,
lowercase, diacritics removed, ``đ`` → ``d``. Folding is character-for-character, so an index
found in the folded text is the same index in ``nfc(text)``; that lets the parsers quote the
original wording verbatim.
"""

from __future__ import annotations

import re
import unicodedata

_TAG = re.compile(r"</?(?:b|i|u|em|strong|br|span|p|sup|sub)\b[^>]*>", re.IGNORECASE)
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_SPACES = re.compile(r"[ \t\u00a0]+")


def nfc(text: str) -> str:
    """Compose Vietnamese letters so each one is a single code point."""
    return unicodedata.normalize("NFC", text)


def strip_markup(text: str) -> str:
    """Drop Markdown emphasis and inline HTML tags that converters leave in plan text."""
    text = _TAG.sub("", text)
    text = _EMPHASIS.sub("", text)
    return text


def clean(text: str) -> str:
    """Markup removed, spaces collapsed, brackets tidied, trimmed: text fit to show or store."""
    text = strip_markup(nfc(text))
    text = _SPACES.sub(" ", text)
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"\s+\)", ")", text)
    text = re.sub(r"\s+([,;.:])", r"\1", text)
    return text.strip()


def tokens(folded: str) -> list[str]:
    """Alphanumeric words of an already folded text."""
    return re.findall(r"[a-z0-9]+", folded)


_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?"
    r"(?:uyeu|uoai|ieu|yeu|oai|oay|oeo|uay|uoi|uou|uya|uye|uyu|uai|uao|uau|uoa|uoe"
    r"|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ya|ye|yu|[aeiouy])"
    r"(?:ch|ng|nh|[cmnpt])?$"
)


def is_vietnamese_syllable(word: str) -> bool:
    """Whether a folded word is shaped like a Vietnamese syllable ("thieu" yes, "thaam" no).

    Used to leave real words alone when mending typos: only impossible shapes are corrected.
    """
    return bool(_SYLLABLE.match(word))
