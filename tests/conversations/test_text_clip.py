"""Issue 16, findings 9 and 11: titles and button texts cut at a word boundary with "…"."""

from __future__ import annotations

from conversations.markup import BUTTON_TEXT, button_text, clip

FIELD = "Cải cách thủ tục hành chính và thực hiện cơ chế một cửa, một cửa liên thông"
OPTION = (
    "Có Quy chế làm việc và văn bản phân công nhiệm vụ cụ thể cho từng cán bộ, công chức, "
    "được cập nhật kịp thời khi có thay đổi về nhân sự"
)


def test_clip_cuts_at_a_word_boundary():
    assert clip(FIELD, 38) == "Cải cách thủ tục hành chính và thực…"
    assert clip(FIELD, 200) == FIELD
    assert clip("  Cải   cách\nthể chế ", 40) == "Cải cách thể chế"
    assert clip("một, hai ba", 6) == "một…"  # no trailing comma before the "…"
    assert clip("Supercalifragilistic", 8) == "Superca…"  # one long word: cut inside it
    for n in range(5, len(FIELD)):
        cut = clip(FIELD, n)
        assert len(cut) <= n and cut.endswith("…")
        assert FIELD.startswith(cut[:-1]) and FIELD[len(cut) - 1] in " ,", (n, cut)


def test_button_text_keeps_the_points_and_cuts_the_label():
    text = button_text(OPTION, "(1,5đ)")
    assert len(text) <= BUTTON_TEXT and text.endswith("… (1,5đ)")
    assert OPTION.startswith(text.removesuffix("… (1,5đ)"))
    assert button_text("Chưa thực hiện", "(0đ)") == "Chưa thực hiện (0đ)"
    assert button_text("Không áp dụng") == "Không áp dụng"
