"""PDFs: parsed by qpdf (through pikepdf), refused when they cannot be read, and otherwise
**rewritten without any active content**; the rewrite is what is stored and served.

Why parse and rewrite rather than scan the bytes: a byte scan is blind to what a reader
decodes (names written ``/J#61vaScript``, dictionaries inside object streams compressed twice
or with a predictor, incremental updates, a broken cross-reference table a reader rebuilds its
own way). qpdf decodes all of it; walking every object it found and writing the document back
from that walk means the file an officer opens is exactly the file that was checked, with no
room for a second reader to see something the check did not.

Refused (a Vietnamese message, nothing stored):

* cut short (no ``%%EOF`` near the end), unreadable even after qpdf's repair, or no page;
* protected by a password (it cannot be opened, so it cannot be checked or read);
* too costly to check: more than :data:`MAX_OBJECTS` objects, or a stream that inflates
  beyond qpdf's memory limits (decompression bombs);
* anything active still found in the rewrite (fail closed; never expected).

Removed from every PDF (the page content, images, text and fonts are kept as they are):

* JavaScript: the document's named scripts (``/Names/JavaScript``), every ``/JS``;
* actions other than moving within the document (``GoTo``) and the four standard named
  actions: JavaScript, Launch, URI, SubmitForm, ResetForm, ImportData, GoToR (to a network
  path or any other file), GoToE, GoToDp, Thread, Sound, Movie, Hide, SetOCGState,
  Rendition, Trans, GoTo3DView, RichMediaExecute, and any unknown type; wherever they hang:
  ``/A``, ``/PA``, ``/Next`` chains, or loose; and ``/OpenAction`` whatever it holds
  (nothing happens when the document opens, not even a jump to a page);
* additional actions (``/AA``) on the catalogue, pages, annotations and form fields, and the
  form's calculation order (``/CO``);
* embedded files (``/EmbeddedFiles``, ``/EF``, associated files ``/AF``), portfolios
  (``/Collection``), and the annotations that carry files or media: FileAttachment, Sound,
  Movie, Screen, RichMedia, 3D;
* XFA forms (``/XFA``, ``/NeedsRendering``), usage-rights signatures (``/Perms``), the
  document's base ``/URI``, PostScript XObjects (taken out of the resources);
* encryption with an empty user password (a "permissions" lock): the rewrite is plain.

Pure: no Flask, no database. qpdf's decoding limits are process-wide and set when this module
is imported (nothing else in the app uses pikepdf).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name, ObjectStreamMode, Pdf, Stream, StreamDecodeLevel
from pikepdf.settings import set_qpdf_limits

from app.dossiers.uploads.rejections import (
    MSG_BAD_PDF,
    MSG_ENCRYPTED_PDF,
    MSG_UNCHECKABLE_PDF,
    MSG_UNSAFE_PDF,
    UploadRejected,
)

_MIB = 1024 * 1024

_PDF_EOF_MARKER = b"%%EOF"
_PDF_EOF_WINDOW = 1024

# A scanned document has tens of objects per page; 100 000 is far beyond any real upload of
# a few MB and bounds the time the walk may take.
MAX_OBJECTS = 100_000
# Decoding a stream (object streams while reading; nothing else is decoded: the page content
# is copied as it came) may not take more memory than this, nor more filters than this.
_DECODE_LIMIT = 32 * _MIB
set_qpdf_limits(
    flate_max_memory=_DECODE_LIMIT,
    png_max_memory=_DECODE_LIMIT,
    tiff_max_memory=_DECODE_LIMIT,
    run_length_max_memory=_DECODE_LIMIT,
    max_stream_filters=5,
    doc_max_warnings=1000,
)


def _names(text: str) -> frozenset[Name]:
    return frozenset(Name("/" + word) for word in text.split())


# Every action type of ISO 32000-2 (12.6.4.1, table 201) and Adobe's extensions.
ACTION_TYPES = _names(
    "GoTo GoToR GoToE GoToDp Launch Thread URI Sound Movie Hide Named SubmitForm ResetForm "
    "ImportData SetOCGState Rendition Trans GoTo3DView JavaScript RichMediaExecute ECMAScript"
)
# What a reader may do when a link is clicked: move within this document.
_SAFE_NAMED = _names("NextPage PrevPage FirstPage LastPage")
# Keys removed wherever they appear.
DROPPED_KEYS = _names(
    "AA OpenAction JS JavaScript EmbeddedFiles EF AF XFA NeedsRendering Collection Perms "
    "RichMediaContent RichMediaSettings 3DD CO"
)
# Keys whose value is an action; /Next too, but only in an action (an outline item's /Next is
# its next sibling). /OpenAction is dropped whatever it holds: nothing happens on opening.
_ACTION_SLOTS = (Name.A, Name.PA)
# Annotations that carry files, sound, video or 3D: taken off the page.
DROPPED_ANNOTATIONS = _names("FileAttachment Sound Movie Screen RichMedia 3D")
# Keys removed from the catalogue only.
_CATALOG_KEYS = (Name.URI,)
# What a name tree (/Names) may keep: named destinations, appearance templates, structure ids.
_NAMES_KEPT = _names("Dests AP IDS URLS")


def sanitize_pdf(data: bytes) -> tuple[bytes, tuple[str, ...]]:
    """``data`` rewritten without active content, and what was removed (for the log).

    Raises :class:`UploadRejected` when the file is cut short, unreadable, protected by a
    password, too costly to check or still active after the rewrite.
    """
    if _PDF_EOF_MARKER not in data[-_PDF_EOF_WINDOW:]:
        raise UploadRejected(MSG_BAD_PDF, code="bad_pdf")
    try:
        with Pdf.open(io.BytesIO(data)) as pdf:
            removed = _clean(pdf)
            out = io.BytesIO()
            pdf.save(
                out,
                encryption=False,
                object_stream_mode=ObjectStreamMode.disable,
                stream_decode_level=StreamDecodeLevel.none,
                compress_streams=False,
                fix_metadata_version=False,
                deterministic_id=True,
            )
    except UploadRejected:
        raise
    except pikepdf.PasswordError as exc:
        raise UploadRejected(MSG_ENCRYPTED_PDF, code="encrypted_pdf") from exc
    except (pikepdf.DataDecodingError, MemoryError, RecursionError) as exc:
        raise UploadRejected(MSG_UNCHECKABLE_PDF, code="uncheckable_pdf") from exc
    except Exception as exc:  # noqa: BLE001 - qpdf refusing untrusted input, in any way
        if "limit" in str(exc).lower():
            raise UploadRejected(MSG_UNCHECKABLE_PDF, code="uncheckable_pdf") from exc
        raise UploadRejected(MSG_BAD_PDF, code="bad_pdf") from exc
    clean = out.getvalue()
    _verify(clean)
    return clean, removed


def active_content(pdf: Pdf) -> list[str]:
    """What in ``pdf`` could run or reach out when opened: empty for a clean document."""
    found: list[str] = []
    for container in _containers(pdf):
        if isinstance(container, Array):
            continue
        for key in _keys(container):
            if Name(key) in DROPPED_KEYS:
                found.append(key)
        if _is_action(container) and not _is_safe_action(container):
            found.append(f"action {container.get(Name.S)}")
        if container.get(Name.Subtype) in DROPPED_ANNOTATIONS and Name.Rect in container:
            found.append(f"annotation {container.get(Name.Subtype)}")
        if _is_postscript(container):
            found.append("PostScript")
        names = container.get(Name.Names)
        if container.get(Name.Type) == Name.Catalog and isinstance(names, Dictionary):
            found.extend(key for key in _keys(names) if Name(key) not in _NAMES_KEPT)
    return found


# --------------------------------------------------------------------------
# The walk


def _clean(pdf: Pdf) -> tuple[str, ...]:
    if len(pdf.objects) > MAX_OBJECTS:
        raise UploadRejected(MSG_UNCHECKABLE_PDF, code="uncheckable_pdf")
    _check_readable(pdf)
    removed: set[str] = set()
    if pdf.is_encrypted:
        removed.add("encryption")
    root = pdf.Root
    for key in _CATALOG_KEYS:
        if key in root:
            del root[key]
            removed.add(str(key))
    names = root.get(Name.Names)
    if isinstance(names, Dictionary):
        for key in _keys(names):
            if Name(key) not in _NAMES_KEPT:
                del names[key]
                removed.add(f"names {key}")
    for container in _containers(pdf):
        if not isinstance(container, Array):
            _clean_dictionary(container, removed)
    return tuple(sorted(removed))


# What qpdf says when part of the file is missing: a stream it could not decode, the end of
# the file in the middle of an object, no trailer (it comes last: the end was cut off).
_DAMAGE = ("error decoding stream data", "unexpected eof", "unable to find trailer")


def _check_readable(pdf: Pdf) -> None:
    """Refuse what qpdf could only read in part: a stream it would not inflate (a bomb, past
    the limits), objects lost, no page, a page whose content is missing (cut short and the
    end marker added back)."""
    warnings = " ".join(pdf.get_warnings()).lower()
    if "limit" in warnings:
        raise UploadRejected(MSG_UNCHECKABLE_PDF, code="uncheckable_pdf")
    if any(sign in warnings for sign in _DAMAGE) or len(pdf.pages) == 0:
        raise UploadRejected(MSG_BAD_PDF, code="bad_pdf")
    for page in pdf.pages:
        if Name.Contents not in page.obj:
            continue  # a blank page
        contents = page.obj.get(Name.Contents)
        parts = list(contents) if isinstance(contents, Array) else [contents]
        if not parts or not all(isinstance(part, Stream) for part in parts):
            raise UploadRejected(MSG_BAD_PDF, code="bad_pdf")


def _containers(pdf: Pdf) -> Iterator[pikepdf.Object]:
    """Every dictionary, stream and array of the document: each indirect object (those
    inside object streams included) and everything nested directly in it, and the trailer."""
    stack: list[pikepdf.Object] = [pdf.trailer]
    stack.extend(obj for obj in pdf.objects if isinstance(obj, Dictionary | Stream | Array))
    while stack:
        container = stack.pop()
        yield container
        values = container if isinstance(container, Array) else container.values()
        stack.extend(
            value
            for value in values
            if isinstance(value, Dictionary | Array) and not value.is_indirect
        )


def _clean_dictionary(d: pikepdf.Object, removed: set[str]) -> None:
    for key in _keys(d):
        if Name(key) in DROPPED_KEYS:
            del d[key]
            removed.add(str(key))
    _clean_action_slots(d, removed)
    if _is_action(d) and not _is_safe_action(d):
        removed.add(f"action {d.get(Name.S)}")
        _empty(d)  # wherever it is referenced from, it does nothing now
    annots = d.get(Name.Annots)
    if isinstance(annots, Array):
        kept = [a for a in annots if not _dropped_annotation(a)]
        if len(kept) != len(annots):
            d[Name.Annots] = Array(kept)
            removed.add("annotation")
    if isinstance(d, Dictionary) and d.get(Name.Subtype) in DROPPED_ANNOTATIONS:
        _empty(d)
    xobjects = d.get(Name.XObject)
    if isinstance(xobjects, Dictionary):
        for key in _keys(xobjects):
            if _is_postscript(xobjects.get(key)):
                del xobjects[key]
                removed.add("PostScript")


def _clean_action_slots(d: pikepdf.Object, removed: set[str]) -> None:
    """Drop the actions ``d`` holds (its /A, /PA, and in an action its /Next) unless safe."""
    slots = (*_ACTION_SLOTS, Name.Next) if _is_action(d) else _ACTION_SLOTS
    for slot in slots:
        value = d.get(slot)
        if value is None:
            continue
        if slot == Name.Next and isinstance(value, Array):
            kept = [a for a in value if _is_action(a) and _is_safe_action(a)]
            if len(kept) != len(value):
                d[slot] = Array(kept)
                removed.add("action")
        elif _is_action(value):
            if not _is_safe_action(value):
                del d[slot]
                removed.add(f"action {value.get(Name.S)}")
        elif slot != Name.A:  # /A of a structure element holds its attributes, not an action
            del d[slot]
            removed.add(f"action {slot}")


def _keys(d: pikepdf.Object) -> list[str]:
    """The keys of a dictionary or a stream's dictionary, as a list (safe to delete from)."""
    return list(d.keys())


def _empty(d: pikepdf.Object) -> None:
    for key in _keys(d):
        del d[key]


def _is_action(obj: object) -> bool:
    if not isinstance(obj, Dictionary | Stream):
        return False
    kind = obj.get(Name.S)
    return obj.get(Name.Type) == Name.Action or (isinstance(kind, Name) and kind in ACTION_TYPES)


def _is_safe_action(action: pikepdf.Object) -> bool:
    kind = action.get(Name.S)
    if kind == Name.GoTo:
        return True
    return kind == Name.Named and action.get(Name.N) in _SAFE_NAMED


def _dropped_annotation(annotation: object) -> bool:
    """An annotation that carries a file or media, or that is no annotation at all (one
    emptied by the walk, a number, a null)."""
    if not isinstance(annotation, Dictionary):
        return not isinstance(annotation, Stream)
    subtype = annotation.get(Name.Subtype)
    return subtype is None or subtype in DROPPED_ANNOTATIONS


def _is_postscript(xobject: object) -> bool:
    return isinstance(xobject, Stream) and xobject.get(Name.Subtype) == Name.PS


def _verify(clean: bytes) -> None:
    """Read the rewrite back and refuse it if anything active is left (fail closed)."""
    try:
        with Pdf.open(io.BytesIO(clean)) as pdf:
            left = active_content(pdf)
    except Exception as exc:  # noqa: BLE001 - our own rewrite must read back
        raise UploadRejected(MSG_BAD_PDF, code="bad_pdf") from exc
    if left:
        raise UploadRejected(MSG_UNSAFE_PDF, code="unsafe_pdf")
