"""Validation and normalisation of files uploaded by citizens.

Citizens attach photos and scans of their papers, mostly from inexpensive
phones. Everything here is pure (no Flask, no database): it takes the raw
bytes of one upload and either returns a :class:`ProcessedUpload` that is
safe to store, or raises :class:`UploadRejected` carrying a polite message in
Vietnamese that can be shown to the citizen as is.

Rules:

* The type is decided by the content (magic bytes) only. File names and the
  client's declared content type are never trusted and are not even inputs.
* Images are decoded with Pillow under a pixel budget, turned upright
  according to their EXIF orientation, stripped of every piece of metadata
  (EXIF including GPS position, XMP, ICC profile, comments, text chunks),
  scaled down so that the longest side fits ``max_side`` and re-encoded.
  JPEG stays JPEG, PNG stays PNG.
* PDFs are stored byte for byte, but only when they look complete and do not
  carry scripts, launch actions or embedded files.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from PIL import Image, ImageOps

from app.core.errors import Invalid

__all__ = [
    "ALLOWED",
    "MAX_PIXELS",
    "ProcessedUpload",
    "UploadRejected",
    "human_size",
    "process_upload",
    "sniff",
]

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"

ALLOWED = {PDF, JPEG, PNG}

EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}

# Largest image (in pixels) we agree to decode. A 40 megapixel RGB image takes
# about 120 MB of memory once decoded; phone cameras save 12-13 megapixels by
# default. Pillow itself warns above this value and refuses twice this value;
# process_upload() additionally refuses anything above it.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

JPEG_QUALITY = 80

_KIB = 1024
_MIB = 1024 * 1024

_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_PDF_MAGIC = b"%PDF-"
_UTF8_BOM = b"\xef\xbb\xbf"
# PDF readers accept the header anywhere in the first 1024 bytes; we only
# accept it there when nothing but whitespace (or a byte order mark) precedes
# it, so that e.g. an HTML page mentioning "%PDF-" is not taken for a PDF.
_PDF_HEADER_WINDOW = 1024
_PDF_EOF_MARKER = b"%%EOF"
_PDF_EOF_WINDOW = 1024
_PDF_WHITESPACE = b"\x00\t\n\x0c\r "

# Names (after decoding "#xx" escapes) that make a PDF unacceptable: scripts,
# launching other programs, and files hidden inside the document.
_FORBIDDEN_PDF_NAMES = frozenset(
    {b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles"}
)
# A PDF name: a slash followed by regular characters (PDF 32000-1, 7.2.2/7.3.5).
_PDF_NAME_RE = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_PDF_NAME_ESCAPE_RE = re.compile(rb"#([0-9A-Fa-f]{2})")
# The "stream" keyword (not the tail of "endstream") and its end of line.
_PDF_STREAM_RE = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
# Compressed object streams can hide dictionaries from a plain byte scan, so
# they are inflated and scanned too, within these bounds.
_PDF_MAX_STREAMS = 20_000
_PDF_DICT_LOOKBACK = 4096
_PDF_INFLATE_BUDGET = 32 * _MIB


# Messages shown to citizens.
MSG_EMPTY = "Tệp trống. Vui lòng chọn lại tệp."
MSG_TOO_LARGE = (
    "Tệp quá lớn ({size}). Dung lượng tối đa là {limit}. "
    "Hãy chụp lại với độ phân giải thấp hơn hoặc chọn tệp khác."
)
MSG_UNSUPPORTED = (
    "Chỉ nhận tệp PDF, JPEG hoặc PNG. Tệp bạn chọn không phải là một trong các loại này."
)
MSG_BAD_IMAGE = (
    "Không đọc được ảnh. Tệp có thể bị hỏng hoặc chưa tải lên hết. "
    "Vui lòng chụp lại hoặc chọn ảnh khác."
)
MSG_IMAGE_TOO_MANY_PIXELS = (
    "Không đọc được ảnh vì ảnh có kích thước quá lớn. "
    "Vui lòng chụp lại với độ phân giải thấp hơn hoặc chọn ảnh khác."
)
MSG_BAD_PDF = "Tệp PDF bị hỏng hoặc chưa tải lên hết. Vui lòng tải lại."
MSG_UNSAFE_PDF = (
    "Tệp PDF chứa nội dung không được phép (mã lệnh hoặc tệp đính kèm). "
    "Vui lòng lưu lại tài liệu thành một tệp PDF thông thường "
    "(ví dụ: dùng chức năng In rồi chọn Lưu dưới dạng PDF) và tải lên lại."
)
MSG_UNCHECKABLE_PDF = (
    "Không kiểm tra được nội dung tệp PDF này. "
    "Vui lòng lưu lại tài liệu thành một tệp PDF thông thường "
    "(ví dụ: dùng chức năng In rồi chọn Lưu dưới dạng PDF) và tải lên lại."
)


class UploadRejected(Invalid):
    """The upload cannot be accepted.

    ``message`` is written for the citizen (Vietnamese) and can be displayed
    directly; ``code`` is a short stable identifier for logs and tests.
    """

    def __init__(self, message: str, *, code: str = "rejected") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ProcessedUpload:
    """An accepted upload, ready to be stored.

    ``data`` is what must be stored (re-encoded for images, untouched for
    PDFs); ``sha256`` is the hex digest of ``data``; ``original_size`` is the
    size in bytes of what the citizen sent. ``width``/``height`` are the
    dimensions of the stored image, ``None`` for PDFs.
    """

    data: bytes = field(repr=False)
    media_type: str
    extension: str
    width: int | None
    height: int | None
    original_size: int
    sha256: str


def sniff(data: bytes) -> str | None:
    """Return the media type of ``data`` judged by its content, or ``None``.

    Only the types in :data:`ALLOWED` are recognised.
    """
    if data.startswith(_JPEG_MAGIC):
        return JPEG
    if data.startswith(_PNG_MAGIC):
        return PNG
    head = data[: _PDF_HEADER_WINDOW + len(_PDF_MAGIC)]
    body = head.removeprefix(_UTF8_BOM).lstrip(_PDF_WHITESPACE)
    offset = len(head) - len(body)
    if offset < _PDF_HEADER_WINDOW and body.startswith(_PDF_MAGIC):
        return PDF
    return None


def process_upload(data: bytes, *, max_bytes: int, max_side: int = 1600) -> ProcessedUpload:
    """Check one uploaded file and return what should be stored.

    Raises :class:`UploadRejected` (with a Vietnamese message) when the file
    is empty, larger than ``max_bytes``, of an unsupported type, unreadable or
    unsafe. Images are returned re-encoded with their longest side at most
    ``max_side`` pixels.
    """
    if max_bytes < 1:
        raise ValueError("max_bytes must be positive")
    if max_side < 1:
        raise ValueError("max_side must be positive")

    size = len(data)
    if size == 0:
        raise UploadRejected(MSG_EMPTY, code="empty")
    if size > max_bytes:
        message = MSG_TOO_LARGE.format(
            size=_format_size(size, round_up=True), limit=human_size(max_bytes)
        )
        raise UploadRejected(message, code="too_large")

    media_type = sniff(data)
    if media_type == PDF:
        _check_pdf(data)
        return _result(data, PDF, None, None, size)
    if media_type in (JPEG, PNG):
        out, width, height = _process_image(data, media_type, max_side)
        return _result(out, media_type, width, height, size)
    raise UploadRejected(MSG_UNSUPPORTED, code="unsupported_type")


def human_size(n: int) -> str:
    """Format a byte count for Vietnamese readers: "850 KB", "5 MB", "7,2 MB".

    Units are binary (1 MB = 1024 × 1024 bytes), matching how upload limits
    are configured; the decimal separator is a comma.
    """
    return _format_size(n, round_up=False)


# --------------------------------------------------------------------------
# Helpers


def _format_size(n: int, *, round_up: bool) -> str:
    if n < 0:
        raise ValueError("size must not be negative")
    if n < _KIB:
        return f"{n} byte"
    if n < _MIB:
        kib = -(-n // _KIB) if round_up else (n + _KIB // 2) // _KIB
        if kib < _KIB:
            return f"{kib} KB"
    tenths = -(-n * 10 // _MIB) if round_up else (n * 10 + _MIB // 2) // _MIB
    whole, fraction = divmod(tenths, 10)
    whole_text = f"{whole:,}".replace(",", ".")
    if fraction:
        return f"{whole_text},{fraction} MB"
    return f"{whole_text} MB"


def _result(
    data: bytes, media_type: str, width: int | None, height: int | None, original_size: int
) -> ProcessedUpload:
    return ProcessedUpload(
        data=data,
        media_type=media_type,
        extension=EXTENSIONS[media_type],
        width=width,
        height=height,
        original_size=original_size,
        sha256=hashlib.sha256(data).hexdigest(),
    )


# Images ---------------------------------------------------------------------


def _process_image(data: bytes, media_type: str, max_side: int) -> tuple[bytes, int, int]:
    pillow_format = "JPEG" if media_type == JPEG else "PNG"
    try:
        image = _decode(data, pillow_format, max_side)
        encode = _encode_jpeg if media_type == JPEG else _encode_png
        return encode(image, max_side)
    except UploadRejected:
        raise
    except Image.DecompressionBombError as exc:
        raise UploadRejected(MSG_IMAGE_TOO_MANY_PIXELS, code="image_too_large") from exc
    except Exception as exc:  # noqa: BLE001 - any decoder failure on untrusted input
        raise UploadRejected(MSG_BAD_IMAGE, code="bad_image") from exc


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


# PDF ------------------------------------------------------------------------


def _check_pdf(data: bytes) -> None:
    if _PDF_EOF_MARKER not in data[-_PDF_EOF_WINDOW:]:
        raise UploadRejected(MSG_BAD_PDF, code="bad_pdf")
    if _has_forbidden_name(data):
        raise UploadRejected(MSG_UNSAFE_PDF, code="unsafe_pdf")
    for chunk in _inflated_object_streams(data):
        if _has_forbidden_name(chunk):
            raise UploadRejected(MSG_UNSAFE_PDF, code="unsafe_pdf")


def _pdf_names(chunk: bytes) -> Iterator[bytes]:
    for match in _PDF_NAME_RE.finditer(chunk):
        name = match.group(1)
        if b"#" in name:
            name = _PDF_NAME_ESCAPE_RE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        yield name


def _has_forbidden_name(chunk: bytes) -> bool:
    return any(name in _FORBIDDEN_PDF_NAMES for name in _pdf_names(chunk))


def _inflated_object_streams(data: bytes) -> Iterator[bytes]:
    """Yield the decompressed content of the Flate-encoded object streams.

    Best effort: streams that do not inflate (encrypted documents, unusual
    filters) are skipped. Files with an absurd number of streams or object
    streams that inflate beyond a fixed budget are rejected, since they cannot
    be checked at a reasonable cost.
    """
    view = memoryview(data)
    budget = _PDF_INFLATE_BUDGET
    for count, match in enumerate(_PDF_STREAM_RE.finditer(data), start=1):
        if count > _PDF_MAX_STREAMS:
            raise UploadRejected(MSG_UNCHECKABLE_PDF, code="uncheckable_pdf")
        keyword = match.start()
        obj = data.rfind(b"obj", max(0, keyword - _PDF_DICT_LOOKBACK), keyword)
        if obj < 0:
            continue
        names = set(_pdf_names(data[obj:keyword]))
        if b"ObjStm" not in names or b"FlateDecode" not in names:
            continue
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            end = len(data)
        inflater = zlib.decompressobj()
        try:
            content = inflater.decompress(view[start:end], budget + 1)
        except zlib.error:
            continue
        budget -= len(content)
        if budget < 0:
            raise UploadRejected(MSG_UNCHECKABLE_PDF, code="uncheckable_pdf")
        yield content
