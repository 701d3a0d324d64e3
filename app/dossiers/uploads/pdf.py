"""PDFs: stored byte for byte, but only when they look complete and carry no scripts, launch
actions or embedded files (compressed object streams are inflated and scanned too)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator

from app.dossiers.uploads.rejections import (
    MSG_BAD_PDF,
    MSG_UNCHECKABLE_PDF,
    MSG_UNSAFE_PDF,
    UploadRejected,
)

_MIB = 1024 * 1024

_PDF_EOF_MARKER = b"%%EOF"
_PDF_EOF_WINDOW = 1024

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


def check_pdf(data: bytes) -> None:
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
