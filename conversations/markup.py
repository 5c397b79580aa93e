"""Telegram HTML that cannot carry someone else's markup: the one escaper and formatter.

Messages go out with ``parse_mode=HTML``. Text that people control — Telegram display names,
unit names from a CSV, catalog titles, explanations, file names, plan wording — must reach
the chat as text: a name such as ``<a href="tg://user?id=1">x</a>`` must not become a link,
and ``<script>`` must not make Telegram refuse the whole message ("can't parse entities").

:class:`Html` marks a string that is already valid Telegram HTML. Everything else is plain
text and is escaped whenever it meets markup:

- :func:`fmt` fills ``%(name)s`` parameters of a trusted template (a translated message),
  escaping every argument that is not already :class:`Html` — ``Ctx.tr`` and
  :func:`conversations.i18n.th` use it, so every translated message escapes its parameters;
- ``Html + str``, ``str + Html`` and ``Html(sep).join(parts)`` escape the plain side;
- :func:`esc` is the single escaper (there used to be four copies).

Where no HTML is parsed (button labels, toasts, chart labels, the CLI) the plain text is
wanted instead: :attr:`Html.plain`, and ``Button``/``toast`` apply it themselves.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from decimal import Decimal

from scoring.values import clip as clip  # one copy, in the domain (re-exported for the core)

_TAG = re.compile(r"<[^>]*>")


class Html(str):
    """A string that is valid Telegram HTML, safe to send as it is."""

    __slots__ = ()

    def __add__(self, other: str) -> Html:
        return Html(str.__add__(self, _markup(other)))

    def __radd__(self, other: str) -> Html:
        return Html(str.__add__(_markup(other), self))

    def join(self, parts: Iterable[str]) -> Html:
        """Join Html pieces and plain text (escaped) with this separator."""
        return Html(str.join(self, (_markup(p) for p in parts)))

    @property
    def plain(self) -> str:
        """The text a person sees, for places that show no formatting (buttons, toasts)."""
        return html.unescape(_TAG.sub("", self))


def esc(text: object) -> Html:
    """``text`` as HTML that shows it literally (``&``, ``<``, ``>`` escaped; None → ""); Html
    is markup already and comes back unchanged, so nothing is ever escaped twice."""
    if isinstance(text, Html):
        return text
    return Html(html.escape("" if text is None else str(text), quote=False))


def _markup(value: object) -> str:
    """A parameter as markup: Html as it is, numbers as written, anything else escaped."""
    if isinstance(value, Html):
        return value
    if isinstance(value, int | float | Decimal):
        return str(value)
    return esc(value)


def fmt(template: str, /, **args: object) -> Html:
    """Fill the trusted ``template``'s ``%(name)s`` parameters, escaping every argument that
    is not :class:`Html` or a number. Without arguments the template is returned as it is (no
    ``%`` processing), like gettext's convention."""
    if not args:
        return Html(template)
    safe = {
        k: v if isinstance(v, Html | int | float | Decimal) else esc(v) for k, v in args.items()
    }
    return Html(template % safe)


def bold(text: object) -> Html:
    """``<b>text</b>``, the text escaped unless it is Html already."""
    return fmt("<b>%(text)s</b>", text=text)


def italic(text: object) -> Html:
    """``<i>text</i>``, the text escaped unless it is Html already."""
    return fmt("<i>%(text)s</i>", text=text)


def join_lines(parts: Iterable[str], sep: str = "\n") -> Html:
    """Lines of a message: Html kept, plain text escaped."""
    return Html(sep).join(parts)


def plain(text: str) -> str:
    """The visible text of ``text`` if it is Html; plain text is returned as it is."""
    return text.plain if isinstance(text, Html) else text


BUTTON_TEXT = 40  # characters a phone shows on one line of an inline button


def button_text(label: str, tail: str = "", limit: int = BUTTON_TEXT) -> str:
    """A button's text within ``limit``: the label clipped at a word boundary, then ``tail``
    kept whole (an option's points, "(1,5đ)"), so a long option never hides its points. The
    full label belongs on the card above the buttons."""
    room = max(8, limit - len(tail) - (1 if tail else 0))
    return f"{clip(label, room)} {tail}" if tail else clip(label, room)
