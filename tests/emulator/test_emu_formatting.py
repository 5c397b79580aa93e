"""Unit tests of the HTML parse_mode emulation and the page's safe re-rendering."""

from __future__ import annotations

import pytest

from emulator.formatting import (
    EntityParseError,
    entities_to_spans,
    parse_html,
    render_safe_html,
    spans_to_entities,
    utf16_len,
)


def test_plain_text_and_entities() -> None:
    plain, spans = parse_html(
        '<b>Đạt</b> &lt;90&gt; &amp; <a href="https://x.vn/?a=1&amp;b=2">xem</a>'
    )
    assert plain == "Đạt <90> & xem"
    assert spans_to_entities(plain, spans) == [
        {"type": "bold", "offset": 0, "length": 3},
        {"type": "text_link", "offset": 11, "length": 3, "url": "https://x.vn/?a=1&b=2"},
    ]


def test_nested_and_pre_language() -> None:
    plain, spans = parse_html(
        '<b>a<i>b</i></b>\n<pre><code class="language-python">x=1</code></pre>'
    )
    assert plain == "ab\nx=1"
    assert spans_to_entities(plain, spans) == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "italic", "offset": 1, "length": 1},
        {"type": "pre", "offset": 3, "length": 3, "language": "python"},
    ]


def test_utf16_offsets_with_emoji() -> None:
    plain, spans = parse_html("😀 <b>ok</b>")
    assert utf16_len(plain) == 5
    assert spans_to_entities(plain, spans) == [{"type": "bold", "offset": 3, "length": 2}]
    assert entities_to_spans(plain, spans_to_entities(plain, spans))[0].start == 2


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("a<br>b", 'Unsupported start tag "br" at byte offset 1'),
        ("Điểm < 5", "Unclosed start tag at byte offset 8"),
        ('<span class="x">a</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
def test_parse_errors(source: str, reason: str) -> None:
    with pytest.raises(EntityParseError, match="can't parse entities: ") as exc:
        parse_html(source)
    assert reason in str(exc.value)


def test_numeric_references_and_unknown_named_ones() -> None:
    assert parse_html("&#272;&#x1EA1;t &nbsp;")[0] == "Đạt &nbsp;"


def test_render_safe_html_escapes_everything() -> None:
    plain, spans = parse_html("<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>")
    assert render_safe_html(plain, spans) == "<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>"
    evil = [{"type": "text_link", "offset": 0, "length": 1, "url": "javascript:alert(1)"}]
    assert render_safe_html("x", entities_to_spans("x", evil)) == "x"


def test_render_overlapping_entities_stays_well_formed() -> None:
    entities = [
        {"type": "bold", "offset": 0, "length": 3},
        {"type": "italic", "offset": 2, "length": 3},
    ]
    html = render_safe_html("abcde", entities_to_spans("abcde", entities))
    assert html == "<b>ab</b><b><i>c</i></b><i>de</i>"
