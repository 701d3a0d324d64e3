"""Photos and scans: decoded under a pixel budget, turned upright, stripped of every piece of
metadata, scaled down to fit and re-encoded (JPEG stays JPEG, PNG stays PNG).

A file cut short (an upload interrupted on a weak link) is refused, never stored with its
missing part painted grey: WeasyPrint, imported by the app, sets Pillow's process-wide
``ImageFile.LOAD_TRUNCATED_IMAGES`` to ``True`` when it loads, so decoding here turns it off
for its own duration (:func:`_strict_decoding`) instead of trusting whoever ran before."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image, ImageFile, ImageOps

from app.dossiers.uploads.rejections import (
    MSG_BAD_IMAGE,
    MSG_IMAGE_TOO_MANY_PIXELS,
    UploadRejected,
)

# Largest image (in pixels) we agree to decode. A 40 megapixel RGB image takes
# about 120 MB of memory once decoded; phone cameras save 12-13 megapixels by
# default. Pillow itself warns above this value and refuses twice this value;
# process_upload() additionally refuses anything above it.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

JPEG_QUALITY = 80


def process_image(data: bytes, pillow_format: str, max_side: int) -> tuple[bytes, int, int]:
    """``data`` (a "JPEG" or a "PNG") cleaned and re-encoded: (bytes, width, height)."""
    try:
        with _strict_decoding():
            image = _decode(data, pillow_format, max_side)
        encode = _encode_jpeg if pillow_format == "JPEG" else _encode_png
        return encode(image, max_side)
    except UploadRejected:
        raise
    except Image.DecompressionBombError as exc:
        raise UploadRejected(MSG_IMAGE_TOO_MANY_PIXELS, code="image_too_large") from exc
    except Exception as exc:  # noqa: BLE001 - any decoder failure on untrusted input
        raise UploadRejected(MSG_BAD_IMAGE, code="bad_image") from exc


_STRICT = threading.Lock()


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Pillow raises on a truncated file while this runs (one upload at a time per process
    holds the switch, so two threads cannot restore each other's value too early)."""
    with _STRICT:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _decode(data: bytes, pillow_format: str, max_side: int) -> Image.Image:
    """Decode ``data`` (which must be of ``pillow_format``) and turn it upright."""
    # First pass: header checks and Pillow's structural verification (for PNG
    # this checks every chunk's CRC). A verified image cannot be used further.
    with Image.open(io.BytesIO(data), formats=[pillow_format]) as probe:
        _check_pixels(probe.size)
        probe.verify()

    with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
        _check_pixels(image.size)
        if pillow_format == "JPEG":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the result is still
            # at least as large as needed: much less memory and time for big photos.
            image.draft(None, _fit(image.size, max_side))
        image.load()
        # Always a new image (a copy when there is nothing to rotate).
        return ImageOps.exif_transpose(image)


def _check_pixels(size: tuple[int, int]) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise UploadRejected(MSG_BAD_IMAGE, code="bad_image")
    if width * height > MAX_PIXELS:
        raise UploadRejected(MSG_IMAGE_TOO_MANY_PIXELS, code="image_too_large")


def _fit(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """``size`` scaled down (never up) so that its longest side is ``max_side``."""
    width, height = size
    longest = max(width, height)
    if longest <= max_side:
        return size
    scale = max_side / longest
    return (
        max(1, min(max_side, round(width * scale))),
        max(1, min(max_side, round(height * scale))),
    )


def _downscale(image: Image.Image, max_side: int) -> Image.Image:
    target = _fit(image.size, max_side)
    if target == image.size:
        return image
    return image.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode_jpeg(image: Image.Image, max_side: int) -> tuple[bytes, int, int]:
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    image = _downscale(image, max_side)
    out = io.BytesIO()
    # No exif=, icc_profile=, comment= ...: clearing info makes sure nothing
    # from the original file (EXIF with GPS, XMP, comments) is written back.
    image.info = {}
    image.save(out, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
    return out.getvalue(), image.width, image.height


def _encode_png(image: Image.Image, max_side: int) -> tuple[bytes, int, int]:
    transparency = image.info.get("transparency")
    if image.mode.startswith("I") or image.mode == "F":
        # 16-bit (or wider) greyscale: scale to 8 bits; a tRNS key no longer applies.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
        transparency = None
    elif image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        image = image.convert("RGBA")
        transparency = None

    if _fit(image.size, max_side) != image.size:
        # Resampling needs continuous tones; turn palette, bilevel images and
        # colour-key transparency into plain (alpha) channels first.
        if transparency is not None:
            image = image.convert("LA" if image.mode in ("1", "L") else "RGBA")
            transparency = None
        elif image.mode == "P":
            image = image.convert("RGBA" if image.has_transparency_data else "RGB")
        elif image.mode == "1":
            image = image.convert("L")
        image = _downscale(image, max_side)

    params: dict[str, object] = {"optimize": True}
    if transparency is not None:
        params["transparency"] = transparency
    image.info = {}
    out = io.BytesIO()
    image.save(out, "PNG", **params)
    return out.getvalue(), image.width, image.height
