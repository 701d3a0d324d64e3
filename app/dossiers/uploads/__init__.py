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
* PDFs are parsed by qpdf (pikepdf) and rewritten without any active content
  (scripts, actions that run or reach out, additional actions, embedded files, XFA,
  rich media): the rewrite is what is stored and served. PDFs cut short, broken,
  protected by a password or too costly to check are refused.

This module sniffs the type and decides; ``images.py`` cleans images, ``pdf.py``
cleans PDFs, ``names.py`` cleans the file's name, ``rejections.py`` holds the refusal
and its messages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from app.dossiers.uploads.images import MAX_PIXELS, process_image
from app.dossiers.uploads.pdf import sanitize_pdf
from app.dossiers.uploads.rejections import (
    MSG_EMPTY,
    MSG_TOO_LARGE,
    MSG_UNSUPPORTED,
    UploadRejected,
)

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
_PDF_WHITESPACE = b"\x00\t\n\x0c\r "


@dataclass(frozen=True)
class ProcessedUpload:
    """An accepted upload, ready to be stored.

    ``data`` is what must be stored (re-encoded for images, rewritten without
    active content for PDFs); ``sha256`` is the hex digest of ``data``;
    ``original_size`` is the size in bytes of what the citizen sent.
    ``width``/``height`` are the dimensions of the stored image, ``None`` for
    PDFs. ``removed`` says what active content a PDF lost (for the log).
    """

    data: bytes = field(repr=False)
    media_type: str
    extension: str
    width: int | None
    height: int | None
    original_size: int
    sha256: str
    removed: tuple[str, ...] = ()


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
        clean, removed = sanitize_pdf(data)
        return _result(clean, PDF, None, None, size, removed)
    if media_type in (JPEG, PNG):
        out, width, height = process_image(data, "JPEG" if media_type == JPEG else "PNG", max_side)
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
    data: bytes,
    media_type: str,
    width: int | None,
    height: int | None,
    original_size: int,
    removed: tuple[str, ...] = (),
) -> ProcessedUpload:
    return ProcessedUpload(
        data=data,
        media_type=media_type,
        extension=EXTENSIONS[media_type],
        width=width,
        height=height,
        original_size=original_size,
        sha256=hashlib.sha256(data).hexdigest(),
        removed=removed,
    )
