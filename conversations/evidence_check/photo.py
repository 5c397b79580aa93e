"""A photo of a paper document, placed on one A4 page (a PDF) with Pillow.

The pixel count is checked from the header before anything is decoded, EXIF orientation is
applied (phones store portrait shots sideways), transparency goes on white, and the picture is
scaled to fit the page with its aspect ratio kept: portrait A4 for tall pictures, landscape A4
for wide ones.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from conversations.evidence_check import messages
from conversations.evidence_check.limits import MAX_PHOTO_PIXELS, PHOTO_DPI
from conversations.evidence_check.verdict import (
    REASON_HEIC_UNSUPPORTED,
    REASON_PHOTO_TOO_LARGE,
    REASON_PHOTO_UNREADABLE,
    FileVerdict,
    rejected,
)

A4_MM = (210.0, 297.0)
MARGIN_MM = 5.0
JPEG_QUALITY = 85

# Pillow plugins allowed to open a photo (MPO: JPEGs from many phones; HEIF only when a plugin
# such as pillow-heif has registered it).
_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "AVIF", "HEIF")


class PhotoRefused(Exception):
    def __init__(self, verdict: FileVerdict) -> None:
        super().__init__(verdict.reason)
        self.verdict = verdict


def _px(mm: float) -> int:
    return round(mm / 25.4 * PHOTO_DPI)


def _too_large(pixels: int) -> PhotoRefused:
    return PhotoRefused(
        rejected(
            REASON_PHOTO_TOO_LARGE,
            messages.PHOTO_TOO_LARGE,
            megapixels=round(pixels / 1_000_000, 1),
            limit=MAX_PHOTO_PIXELS // 1_000_000,
        )
    )


def _open(data: bytes, heic: bool) -> Image.Image:
    Image.init()
    formats = [f for f in _FORMATS if f in Image.OPEN]
    try:
        with warnings.catch_warnings():
            # the explicit pixel check below is stricter than Pillow's warning
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img: Image.Image = Image.open(io.BytesIO(data), formats=formats)
    except Image.DecompressionBombError:
        raise _too_large(2 * (Image.MAX_IMAGE_PIXELS or MAX_PHOTO_PIXELS)) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        if heic:
            raise PhotoRefused(
                rejected(REASON_HEIC_UNSUPPORTED, messages.HEIC_UNSUPPORTED)
            ) from None
        raise PhotoRefused(rejected(REASON_PHOTO_UNREADABLE, messages.PHOTO_UNREADABLE)) from None
    width, height = img.size
    if width * height > MAX_PHOTO_PIXELS:
        raise _too_large(width * height)
    return img


def _flatten(img: Image.Image) -> Image.Image:
    """RGB or greyscale, with any transparency composited on white."""
    if img.mode in ("1", "L"):
        return img.convert("L")
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if img.mode.startswith("I") or img.mode == "F":
        return ImageOps.autocontrast(img.convert("I").point(lambda v: v / 256).convert("L"))
    return img.convert("RGB")


def photo_to_pdf(data: bytes, *, heic: bool = False) -> bytes:
    """Convert an image to a one-page A4 PDF, or raise :class:`PhotoRefused`."""
    img = _open(data, heic)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img.seek(0)  # first frame of an animated WEBP/PNG or a multi-picture JPEG
            img.load()
            img = ImageOps.exif_transpose(img)
            img = _flatten(img)
    except PhotoRefused:
        raise
    except Exception:  # truncated or corrupt image data
        raise PhotoRefused(rejected(REASON_PHOTO_UNREADABLE, messages.PHOTO_UNREADABLE)) from None

    width, height = img.size
    short, long_ = _px(A4_MM[0]), _px(A4_MM[1])
    page = (long_, short) if width > height else (short, long_)
    margin = _px(MARGIN_MM)
    box_w, box_h = page[0] - 2 * margin, page[1] - 2 * margin
    scale = min(box_w / width, box_h / height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    if size != img.size:
        img = img.resize(size, Image.Resampling.LANCZOS)
    canvas = Image.new(img.mode, page, 255 if img.mode == "L" else (255, 255, 255))
    canvas.paste(img, ((page[0] - size[0]) // 2, (page[1] - size[1]) // 2))

    out = io.BytesIO()
    canvas.save(
        out,
        "PDF",
        resolution=float(PHOTO_DPI),
        quality=JPEG_QUALITY,
        title="Ảnh chụp tài liệu (photo of a paper document)",
        producer="parbot",
    )
    return out.getvalue()
