"""Telegram's HTML ``parse_mode``: validation, plain-text rendition, entities and safe re-rendering.

Telegram does not keep the HTML a bot sends: it parses it into plain text plus ``MessageEntity``
objects (offsets in UTF-16 code units) and rejects malformed markup with
``400 Bad Request: can't parse entities: ...``. The emulator does the same so that bugs such as an
unescaped ``<`` in user-provided text, an unclosed ``<b>`` or an unsupported ``<br>`` surface in
tests exactly as they would in production.

Only the tags Telegram documents are accepted (b/strong, i/em, u/ins, s/strike/del, a, code, pre,
tg-spoiler/span class="tg-spoiler", blockquote, tg-emoji); the only named character references
are ``&lt; &gt; &amp; &quot;`` plus numeric ones, like Telegram. Markdown parse modes are accepted
but not interpreted (the text is kept as is).
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ATTR_RE = re.compile(r"""([A-Za-z][\w-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_TAG_RE = re.compile(r"<(/?)([A-Za-z][\w-]*)([^>]*)>")
_SPECIAL_RE = re.compile(r"[<&]")
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


class EntityParseError(ValueError):
    """Raised for markup Telegram would refuse; the message is Telegram's wording."""


@dataclass
class Span:
    """One entity in Python string indices (converted to UTF-16 only on the wire)."""

    type: str
    start: int
    end: int
    extra: dict[str, Any] = field(default_factory=dict)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(src: str, index: int) -> int:
    return len(src[:index].encode("utf-8"))


def _read_char_ref(src: str, i: int) -> tuple[str, int] | None:
    """Decode ``&...;`` at ``src[i]``; None when it is not a reference Telegram understands."""
    end = src.find(";", i + 1, i + 12)
    if end == -1:
        return None
    name = src[i + 1 : end]
    if name in _NAMED_REFS:
        return _NAMED_REFS[name], end + 1
    try:
        if name.startswith(("#x", "#X")):
            return chr(int(name[2:], 16)), end + 1
        if name.startswith("#"):
            return chr(int(name[1:])), end + 1
    except (ValueError, OverflowError):
        return None
    return None


def _parse_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    if not raw or raw.isspace():
        return attrs  # most tags (<b>, <i>, <code>) carry none
    for match in _ATTR_RE.finditer(raw.strip().rstrip("/")):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        attrs[match.group(1).lower()] = html.unescape(value)
    return attrs


def _error(reason: str) -> EntityParseError:
    return EntityParseError(f"can't parse entities: {reason}")


def parse_html(src: str) -> tuple[str, list[Span]]:
    """Parse Telegram-flavoured HTML into ``(plain_text, spans)``; raise EntityParseError."""
    out: list[str] = []
    length = 0
    spans: list[Span] = []
    stack: list[tuple[str, int, dict[str, str]]] = []
    i = 0
    while (special := _SPECIAL_RE.search(src, i)) is not None:
        j = special.start()
        if j > i:  # plain text up to the next "<" or "&", taken whole
            out.append(src[i:j])
            length += j - i
        if src[j] == "<":
            i = _read_tag(src, j, length, spans, stack)
            continue
        ref = _read_char_ref(src, j)
        text, i = ref if ref is not None else ("&", j + 1)
        out.append(text)
        length += len(text)
    out.append(src[i:])
    length += len(src) - i
    if stack:
        raise _error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    spans.sort(key=lambda s: (s.start, -(s.end - s.start)))
    return "".join(out), spans


def _read_tag(
    src: str,
    i: int,
    length: int,
    spans: list[Span],
    stack: list[tuple[str, int, dict[str, str]]],
) -> int:
    """Apply the tag at ``src[i]`` (an opening one pushed, a closing one made a span); its end."""
    match = _TAG_RE.match(src, i)
    if match is None:
        raise _error(f"Unclosed start tag at byte offset {_byte_offset(src, i)}")
    closing, name, raw_attrs = match.group(1) == "/", match.group(2).lower(), match.group(3)
    if closing:
        if not stack:
            raise _error(f"Unexpected end tag at byte offset {_byte_offset(src, i)}")
        open_name, start, attrs = stack.pop()
        if open_name != name:
            raise _error(
                f"Unmatched end tag at byte offset {_byte_offset(src, i)}, "
                f'expected "</{open_name}>", found "</{name}>"'
            )
        _close_span(spans, stack, open_name, start, length, attrs)
        return match.end()
    if name not in _TAGS:
        raise _error(f'Unsupported start tag "{name}" at byte offset {_byte_offset(src, i)}')
    attrs = _parse_attrs(raw_attrs)
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise _error(
            f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(src, i)}'
        )
    stack.append((name, length, attrs))
    return match.end()


def _close_span(
    spans: list[Span],
    stack: list[tuple[str, int, dict[str, str]]],
    name: str,
    start: int,
    end: int,
    attrs: dict[str, str],
) -> None:
    """Turn a closed tag into an entity, folding ``<pre><code class=language-x>`` into pre."""
    kind = _TAGS[name]
    extra: dict[str, Any] = {}
    if kind == "text_link":
        href = attrs.get("href", "")
        if not href:
            return
        extra["url"] = href
    elif kind == "code" and stack and stack[-1][0] == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1][2]["language"] = language.removeprefix("language-")
            return
    elif kind == "pre" and attrs.get("language"):
        extra["language"] = attrs["language"]
    elif kind == "blockquote" and "expandable" in attrs:
        kind = "expandable_blockquote"
    elif kind == "custom_emoji":
        extra["custom_emoji_id"] = attrs.get("emoji-id", "")
    if end > start:
        spans.append(Span(kind, start, end, extra))


def _utf16_index_map(text: str) -> list[int]:
    """``map[i]`` = UTF-16 offset of Python index ``i`` (with one extra slot for the end)."""
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + (2 if ord(char) > 0xFFFF else 1))
    return offsets


def spans_to_entities(text: str, spans: list[Span]) -> list[dict[str, Any]]:
    """Wire ``MessageEntity`` dicts (UTF-16 offsets) for the given spans.

    A Python index becomes a UTF-16 offset by adding the astral characters (two code units each,
    emoji mostly) before it; they are found once per text, not counted per character, since
    every message a bot sends in HTML passes here.
    """
    astral = [m.start() for m in _ASTRAL_RE.finditer(text)]

    def utf16(index: int) -> int:
        return index + bisect.bisect_left(astral, index)

    entities: list[dict[str, Any]] = []
    for span in spans:
        offset = utf16(span.start)
        entity: dict[str, Any] = {
            "type": span.type,
            "offset": offset,
            "length": utf16(span.end) - offset,
        }
        entity.update(span.extra)
        entities.append(entity)
    return entities


def entities_to_spans(text: str, entities: list[dict[str, Any]]) -> list[Span]:
    """Inverse of :func:`spans_to_entities`, for entities a bot passed explicitly."""
    index = _utf16_index_map(text)
    position = {utf16: i for i, utf16 in enumerate(index)}
    spans: list[Span] = []
    for entity in entities:
        try:
            start = position[int(entity["offset"])]
            end = position[int(entity["offset"]) + int(entity["length"])]
        except (KeyError, TypeError, ValueError):
            continue
        extra = {k: v for k, v in entity.items() if k not in {"type", "offset", "length"}}
        spans.append(Span(str(entity.get("type", "")), start, end, extra))
    return spans


_RENDER: dict[str, tuple[str, str]] = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "spoiler": ('<span class="spoiler">', "</span>"),
    "code": ("<code>", "</code>"),
    "pre": ("<pre>", "</pre>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ("<blockquote>", "</blockquote>"),
}


def render_safe_html(text: str, spans: list[Span]) -> str:
    """Re-render plain text + entities as HTML that is safe to inject into the web chat page.

    Everything is escaped; only a fixed set of tags is emitted, so a bot's (or user's) text can
    never inject markup into the page. Segments are wrapped independently, so even overlapping
    explicit entities produce well-formed output.
    """
    bounds = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    parts: list[str] = []
    for start, end in itertools.pairwise(bounds):
        segment = html.escape(text[start:end], quote=False)
        for span in reversed([s for s in spans if s.start <= start and end <= s.end]):
            if span.type == "text_link":
                url = str(span.extra.get("url", ""))
                if url.startswith(("http://", "https://")):
                    href = html.escape(url, quote=True)
                    segment = f'<a href="{href}" target="_blank" rel="noopener">{segment}</a>'
            elif span.type in _RENDER:
                opening, closing = _RENDER[span.type]
                segment = f"{opening}{segment}{closing}"
        parts.append(segment)
    return "".join(parts)
