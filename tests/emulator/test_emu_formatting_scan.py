"""The HTML parser scans to the next ``<`` or ``&`` instead of walking every character.

The emulator parses every message a bot sends, so its parser is on the benchmark's shared CPU;
these properties hold it to exactly the behaviour of the plain character-by-character parser it
replaced (kept here as the oracle): the same text, spans, and error for any input, and UTF-16
offsets equal to counting code units one character at a time.
"""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.formatting import (
    EntityParseError,
    Span,
    _close_span,
    _error,
    _parse_attrs,
    _read_char_ref,
    parse_html,
    spans_to_entities,
)

_TAG_RE = re.compile(r"<(/?)([A-Za-z][\w-]*)([^>]*)>")
_KNOWN = {"b", "i", "u", "s", "a", "code", "pre", "span", "blockquote", "tg-emoji", "em"}


def _oracle(src: str) -> tuple[str, list[Span]]:
    """The character-by-character parser as it was (errors reduced to their kind)."""
    out: list[str] = []
    spans: list[Span] = []
    stack: list[tuple[str, int, dict[str, str]]] = []
    i = 0
    while i < len(src):
        if src[i] == "<":
            match = _TAG_RE.match(src, i)
            if match is None:
                raise _error("unclosed")
            name = match.group(2).lower()
            if match.group(1):
                if not stack or stack[-1][0] != name:
                    raise _error("end tag")
                open_name, start, attrs = stack.pop()
                _close_span(spans, stack, open_name, start, len(out), attrs)
            else:
                attrs = _parse_attrs(match.group(3))
                if name not in _KNOWN or (name == "span" and attrs.get("class") != "tg-spoiler"):
                    raise _error("start tag")
                stack.append((name, len(out), attrs))
            i = match.end()
            continue
        ref = _read_char_ref(src, i) if src[i] == "&" else None
        if ref is not None:
            out.extend(ref[0])
            i = ref[1]
            continue
        out.append(src[i])
        i += 1
    if stack:
        raise _error("unclosed at end")
    spans.sort(key=lambda s: (s.start, -(s.end - s.start)))
    return "".join(out), spans


_PIECES = st.sampled_from(
    [
        "<b>", "</b>", "<i>", "</i>", "<code>", "</code>", "<pre>", "</pre>",
        '<a href="https://x.vn/?a=1&amp;b=2">', "</a>", '<span class="tg-spoiler">',
        "</span>", "<blockquote expandable>", "</blockquote>", "<br>", "<b", "</x>",
        "&lt;", "&gt;", "&amp;", "&quot;", "&#128206;", "&#x1F4CE;", "&nbsp;", "&", "&#;",
        "Điểm", " 86,55 ", "📎", "✅", "\n", "x" * 5, "<", ">",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=14).map("".join))
def test_the_scan_parses_exactly_like_the_character_walk(src: str) -> None:
    try:
        expected: tuple[str, list[Span]] | None = _oracle(src)
    except EntityParseError:
        expected = None
    try:
        got: tuple[str, list[Span]] | None = parse_html(src)
    except EntityParseError:
        got = None
    assert got == expected


def _counted(text: str, index: int) -> int:
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text[:index])


@given(st.text(alphabet=st.sampled_from("aĐ📎✅😀\n<"), max_size=30), st.data())
def test_utf16_offsets_equal_counting_code_units(text: str, data: st.DataObject) -> None:
    bounds = sorted(data.draw(st.lists(st.integers(0, len(text)), min_size=2, max_size=6)))
    spans = [Span("bold", a, b) for a, b in itertools.pairwise(bounds)]
    entities = spans_to_entities(text, spans)
    assert [(e["offset"], e["length"]) for e in entities] == [
        (_counted(text, s.start), _counted(text, s.end) - _counted(text, s.start)) for s in spans
    ]
