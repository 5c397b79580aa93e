"""Chart rendering: real PNGs, Vietnamese labels drawable, highlight visible, sizes Telegram takes."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from conversations import charts
from documents import charts as drawing

VIETNAMESE = (
    "Chỉ số CCHC · Hoàn thành xuất sắc nhiệm vụ · UBND xã Canh Thuận · Đánh giá của người dân "
    "· ắằẳẵặ ấầẩẫậ ếềểễệ ốồổỗộ ớờởỡợ ứừửữự ỳỷỹỵ Đđ"
)
HIGHLIGHT_RGB = (214, 39, 40)


def colours(path: Path) -> set[tuple[int, int, int]]:
    return set(pixel_counts(path))


def pixel_counts(path: Path) -> dict[tuple[int, int, int], int]:
    img = Image.open(path).convert("RGB")
    return {c: n for n, c in img.getcolors(maxcolors=1 << 20)}


def test_the_font_draws_every_vietnamese_letter():
    assert drawing.missing_glyphs(VIETNAMESE) == []
    assert Path(drawing.font_path()).name == "DejaVuSans.ttf"
    assert drawing.missing_glyphs("中文") == ["中", "文"]  # the check does find missing glyphs
    # decomposed input (NFD) is normalised before drawing
    assert charts.clip("Thua\u0302\u0323n") == "Thuận"


def test_board_chart_is_a_png_with_the_unit_highlighted(tmp_path):
    bars = [
        charts.Bar(f"{i + 1}. UBND xã Canh Thuận {i}", 95 - 4 * i, f"{95 - 4 * i},00", i == 2)
        for i in range(6)
    ]
    th = [
        charts.Threshold("≥ 90: Hoàn thành xuất sắc nhiệm vụ", 90),
        charts.Threshold("≥ 65: Hoàn thành nhiệm vụ", 65),
    ]
    path = drawing.board_chart(
        tmp_path / "b.png", bars, th, title="Bảng 2: UBND xã, phường", xlabel="Chỉ số", scale=100
    )
    img = Image.open(path)
    assert img.format == "PNG"
    w, h = img.size
    assert 600 < w < 1400 and 300 < h < 1400
    seen = colours(path)
    assert len(seen) > 50  # anti-aliased text and bars, not a blank canvas
    assert HIGHLIGHT_RGB in seen
    no_highlight = drawing.board_chart(
        tmp_path / "c.png",
        [charts.Bar(b.label, b.value, b.text, False) for b in bars],
        th,
        title="x",
        xlabel="x",
        scale=100,
    )
    assert HIGHLIGHT_RGB not in colours(no_highlight)


def test_a_large_board_stays_within_telegram_photo_limits(tmp_path):
    bars = [charts.Bar(f"{i}. Xã số {i}", 50 + i % 50, "", i == 7) for i in range(300)]
    path = drawing.board_chart(tmp_path / "big.png", bars, [], title="Bảng", xlabel="x", scale=100)
    w, h = Image.open(path).size
    assert w + h <= 10000 and h / w <= 20


def test_fields_chart_with_and_without_median(tmp_path):
    rows = [
        charts.FieldBar("1. Công tác chỉ đạo, điều hành", 80.0, 75.5, "80%", "75,5%"),
        charts.FieldBar("8. Tác động của CCHC", None, None, "chờ", ""),
    ]
    path = drawing.fields_chart(
        tmp_path / "f.png",
        rows,
        title="UBND xã",
        unit_label="UBND xã",
        median_label="Trung vị",
        xlabel="%",
    )
    assert HIGHLIGHT_RGB in colours(path)
    alone = [charts.FieldBar("1. Lĩnh vực", 50.0, None, "50%")]
    path2 = drawing.fields_chart(
        tmp_path / "g.png", alone, title="x", unit_label="u", median_label="m", xlabel="%"
    )
    grey = (127, 127, 127)  # the median bars
    assert pixel_counts(path2).get(grey, 0) < 200
    assert pixel_counts(path).get(grey, 0) > 2000


def test_chart_paths_are_unique_and_old_charts_are_pruned(tmp_path):
    import os
    import time

    a = charts.chart_path(tmp_path, "board")
    b = charts.chart_path(tmp_path, "board")
    assert a != b and a.parent == tmp_path / "charts"
    old = tmp_path / "charts" / "old.png"
    old.write_bytes(b"x")
    past = time.time() - 3 * 24 * 3600
    os.utime(old, (past, past))
    charts.chart_path(tmp_path, "board")
    assert not old.exists()


def test_the_phone_chart_shows_the_unit_and_its_neighbours_at_most_600_px_wide(tmp_path):
    """Issue 16, finding 11: a 1001-px board shrinks to ~300 px on a 390-pt phone; the phone
    chart is at most 600 px wide and shows the unit, its neighbours and large labels."""
    name = "UBND xã Canh Thuận thuộc huyện Tuy Phước tỉnh Bình Định"
    bars = [
        charts.Bar(f"{i + 1}. {name} {i + 1}", 98 - 2 * i, f"{98 - 2 * i},00", i == 10)
        for i in range(22)
    ]
    path = drawing.compact_board_chart(
        tmp_path / "p.png", bars, title="Bảng 2 — Chỉ số CCHC 2024 (sơ bộ)", scale=100
    )
    img = Image.open(path)
    assert img.format == "PNG" and img.size[0] <= 600 and img.size[1] <= 800
    drawn = img.info[charts.LABELS_KEY].splitlines()
    assert [d.split(".")[0] for d in drawn] == [str(n) for n in range(8, 15)]
    assert all(d.endswith("…") and len(d) <= charts.COMPACT_LABEL for d in drawn)
    assert all(" Canh Thuận" in d and not d.endswith("Thu…") for d in drawn)
    assert HIGHLIGHT_RGB in colours(path)
    # near the top of the board the window shifts instead of shrinking
    top = [charts.Bar(b.label, b.value, b.text, k == 0) for k, b in enumerate(bars)]
    assert [b.label for b in charts.neighbours(top)] == [b.label for b in bars[:7]]
    assert charts.neighbours(bars[:3]) == bars[:3]
