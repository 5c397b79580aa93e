"""Photos of paper documents become a one-page A4 PDF."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageOps

from conversations.evidence_check import messages
from tests.evidence_check import factories as f
from tests.evidence_check.helpers import assert_refused, check, pdf_pages

A4 = (595.0, 842.0)  # points, portrait


def _page_size(pdf: bytes) -> tuple[float, float]:
    (page,) = pdf_pages(pdf)
    return float(page.mediabox.width), float(page.mediabox.height)


def _content_box(pdf: bytes) -> tuple[int, int]:
    """Size of the non-white area of the page image: the photo on the page."""
    (page,) = pdf_pages(pdf)
    (image,) = page.images
    picture = Image.open(io.BytesIO(image.data)).convert("L")
    box = ImageOps.invert(picture).point(lambda v: 255 if v > 40 else 0).getbbox()
    assert box is not None
    return box[2] - box[0], box[3] - box[1]


def test_jpeg_becomes_a_one_page_pdf() -> None:
    verdict = check(f.jpeg((300, 400)), name="IMG_0001.jpg", mime="image/jpeg")
    assert verdict.accepted and verdict.kind == "photo" and verdict.status == "photo"
    assert verdict.reason is None and verdict.pages == 1
    assert verdict.warnings == [messages.WARN_PHOTO]
    assert verdict.message == messages.ACCEPTED_PHOTO
    assert verdict.pdf_bytes is not None and verdict.pdf_bytes.startswith(b"%PDF-")
    width, height = _page_size(verdict.pdf_bytes)
    assert width == pytest.approx(A4[0], abs=1) and height == pytest.approx(A4[1], abs=1)
    # the converted PDF passes the PDF check itself
    again = check(verdict.pdf_bytes)
    assert again.accepted and again.status == "unsigned"


def test_aspect_ratio_is_kept() -> None:
    verdict = check(f.jpeg((300, 400)))
    assert verdict.pdf_bytes is not None
    w, h = _content_box(verdict.pdf_bytes)
    assert w / h == pytest.approx(300 / 400, rel=0.02)


def test_wide_photo_goes_on_a_landscape_page() -> None:
    verdict = check(f.jpeg((400, 300)))
    assert verdict.pdf_bytes is not None
    width, height = _page_size(verdict.pdf_bytes)
    assert width == pytest.approx(A4[1], abs=1) and height == pytest.approx(A4[0], abs=1)


def test_exif_orientation_is_applied() -> None:
    # stored 400x300 but tagged "rotate 90°": it is a portrait picture
    verdict = check(f.jpeg((400, 300), orientation=6))
    assert verdict.pdf_bytes is not None
    width, height = _page_size(verdict.pdf_bytes)
    assert width < height
    w, h = _content_box(verdict.pdf_bytes)
    assert w / h == pytest.approx(300 / 400, rel=0.02)


def test_png_with_transparency() -> None:
    verdict = check(f.png(mode="RGBA"), name="scan.png", mime="image/png")
    assert verdict.accepted and verdict.status == "photo" and verdict.pages == 1


def test_png_palette_and_greyscale() -> None:
    for mode in ("P", "L", "1"):
        verdict = check(f.png(mode=mode))
        assert verdict.accepted and verdict.status == "photo", mode


def test_webp() -> None:
    verdict = check(f.webp())
    assert verdict.accepted and verdict.status == "photo"


def test_heic_is_refused_politely_when_unsupported() -> None:
    Image.init()
    if "HEIF" in Image.OPEN:
        pytest.skip("a HEIF plugin is installed here")
    verdict = check(f.heic_like(), name="IMG_1234.HEIC", mime="image/heic")
    assert_refused(verdict, "heic_unsupported")
    assert "JPEG" in verdict.message


def test_photo_over_50_megapixels_is_refused_before_decoding() -> None:
    verdict = check(f.png_header_only(10_000, 6_000))
    assert_refused(verdict, "photo_too_large")
    assert verdict.params == {"megapixels": 60.0, "limit": 50}


def test_truncated_jpeg_is_unreadable() -> None:
    data = f.jpeg((800, 600))
    assert_refused(check(data[: len(data) // 3]), "photo_unreadable")


def test_avif_when_pillow_can_write_it() -> None:
    buf = io.BytesIO()
    try:
        Image.new("RGB", (64, 48), (0, 0, 200)).save(buf, "AVIF")
    except (KeyError, OSError, ValueError):
        pytest.skip("no AVIF encoder in this Pillow")
    verdict = check(buf.getvalue())
    assert verdict.accepted and verdict.status == "photo"
