"""HTML → PDF rendering for the printed one-stop forms (Mẫu 01–07).

Templates are ordinary Jinja templates from the app's template folder, rendered with
:func:`flask.render_template` and laid out by WeasyPrint.

WeasyPrint fetches every resource a document mentions (images, stylesheets, fonts,
attachments) through a *URL fetcher*. The default one happily opens ``http://`` and any
``file://`` path, which would let a crafted value in a template (or a careless template)
make the server read local files or call internal services. :class:`SafeURLFetcher`
only serves ``data:`` URLs and regular files inside the app's static folder.

Fonts come from the system (fontconfig): the templates ask for "DejaVu Serif" /
"DejaVu Sans", which cover Vietnamese, and WeasyPrint embeds the used subset.

Every paper is rendered once per state (issue 14): :func:`render_fitting`, :func:`render_pdf`
and the 80 mm roll render the Jinja HTML first (cheap), hash it with the renderer's
fingerprint into a version, and lay it out with WeasyPrint only when the store
(app/documents/store.py, ``PDF_CACHE_DIR`` or the bucket) has no file of that version yet.
What WeasyPrint does per render is kept small too: one font configuration per thread, each
template's stylesheet parsed once per process (:func:`stylesheet`), fixed table layouts in the
templates.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
import threading
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from urllib import request
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, iri_to_uri

from app.core import metrics
from app.documents import store
from app.documents.store import PdfStore, StoredPdf, document_key

log = logging.getLogger(__name__)

__all__ = [
    "SafeURLFetcher",
    "pdf_store",
    "render_document",
    "render_fitting",
    "render_pdf",
    "render_stored",
    "safe_fetcher",
]


def _static_root(static_folder: str | Path | None) -> Path:
    if static_folder is None:
        static_folder = current_app.static_folder
    if not static_folder:
        raise ValueError("The application has no static folder: no local file may be fetched.")
    return Path(static_folder).resolve()


def _fetch_data_url(url: str) -> URLFetcherResponse:
    # urllib's DataHandler parses the media type, base64 flag and percent-encoding.
    response = request.DataHandler().data_open(request.Request(iri_to_uri(url)))
    return URLFetcherResponse(url, response.read(), dict(response.headers.items()))


def _fetch_static_file(url: str, root: Path) -> URLFetcherResponse:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise ValueError(f"Refused remote file URL: {url}")
    raw_path = unquote(parts.path)
    # Refuse any parent reference outright, even one that would resolve back inside.
    if ".." in Path(raw_path).parts or "\x00" in raw_path:
        raise ValueError(f"Refused path with a parent reference: {url}")
    path = Path(request.url2pathname(parts.path)).resolve()
    # resolve() follows symlinks, so a link inside static/ pointing out is refused too.
    if not path.is_relative_to(root):
        raise ValueError(f"Refused file outside the static folder: {url}")
    if not path.is_file():
        raise ValueError(f"No such file in the static folder: {url}")
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


def safe_fetcher(url: str, *, static_folder: str | Path | None = None) -> URLFetcherResponse:
    """Fetch ``url`` for WeasyPrint if, and only if, it is harmless.

    Allowed: ``data:`` URLs, and ``file:`` URLs naming a regular file inside
    ``static_folder`` (default: the current Flask app's static folder). Everything else
    (``http(s):``, ``ftp:``, files elsewhere, paths with ``..``) raises :exc:`ValueError`.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme == "data":
        return _fetch_data_url(url)
    if scheme == "file":
        return _fetch_static_file(url, _static_root(static_folder))
    raise ValueError(f"Refused URL (only data: and static files are allowed): {url}")


class SafeURLFetcher(URLFetcher):
    """WeasyPrint URL fetcher bound to one static folder; see :func:`safe_fetcher`.

    WeasyPrint 70 expects an instance of :class:`weasyprint.urls.URLFetcher` (it calls
    the instance and reads its ``_fail_on_errors`` flag), so this subclasses it and
    overrides :meth:`fetch`; the parent's urllib handlers are never used.
    """

    def __init__(self, static_folder: str | Path | None = None) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.static_root = _static_root(static_folder)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        try:
            return safe_fetcher(url, static_folder=self.static_root)
        except ValueError:
            log.warning("PDF rendering: refused to fetch %s", url)
            raise


# --- the renderer's fingerprint and the store ----------------------------------------------

_DOCUMENTS_DIR = Path(__file__).resolve().parent
_fingerprint: str | None = None


def renderer_fingerprint() -> str:
    """What besides the HTML decides a paper's bytes: WeasyPrint's and pydyf's versions and
    the source of the documents layer (layout passes, sizes, PDF options). Computed once."""
    global _fingerprint
    if _fingerprint is None:
        digest = hashlib.sha256()
        for package in ("weasyprint", "pydyf", "fonttools"):
            digest.update(f"{package}={metadata.version(package)};".encode())
        for source in sorted(_DOCUMENTS_DIR.rglob("*.py")):
            digest.update(source.relative_to(_DOCUMENTS_DIR).as_posix().encode())
            digest.update(hashlib.sha256(source.read_bytes()).digest())
        _fingerprint = digest.hexdigest()
    return _fingerprint


def pdf_store() -> PdfStore | None:
    """The app's store (``PDF_CACHE_DIR``, or the bucket), or None when storing is switched
    off (``PDF_CACHE_DIR`` empty)."""
    return store.from_config(current_app.config)


def paper_kind(template_name: str) -> str:
    """The metrics label of a paper: its template's path under ``pdf/``, e.g.
    ``pdf/postal/label.html`` → ``postal_label``."""
    stem = template_name.removeprefix("pdf/").removesuffix(".html")
    return re.sub(r"[^a-z0-9_]", "_", stem.lower()).strip("_")[:40] or "paper"


def measured(template_name: str, render: Callable[[], bytes]) -> Callable[[], bytes]:
    """``render`` that reports its time to the metrics (``motcua_pdf_render_seconds``)."""

    def timed() -> bytes:
        start = time.perf_counter()
        data = render()
        metrics.observe_pdf_render(paper_kind(template_name), time.perf_counter() - start)
        return data

    return timed


def render_stored(mode: str, template_name: str, html: str, render: Callable[[], bytes]) -> bytes:
    """``render()``'s PDF, rendered once per version: the version hashes the layout ``mode``,
    the template's name, its HTML (from which ``render`` lays the paper out) and the
    renderer's fingerprint. Returns :class:`~app.documents.store.StoredPdf` (bytes with a
    ``version``). Without a store, renders every time (still a StoredPdf)."""
    key = document_key(renderer_fingerprint(), mode, template_name, html)
    render = measured(template_name, render)
    papers = pdf_store()
    if papers is None:
        return StoredPdf(store.render_and_store(None, key, render), key)
    return papers.get_or_render(key, render)


# --- laying out ---------------------------------------------------------------------------

_local = threading.local()
# One layout or PDF write at a time per process: WeasyPrint (Pango, fontconfig, HarfBuzz) does
# not promise thread safety, and the pre-render thread may run beside a request's render. The
# work holds the GIL anyway, so little is lost. Always taken last (inside a paper's lock).
_weasyprint_lock = threading.RLock()


def font_config() -> FontConfiguration:
    """One font configuration per thread, kept between renders (Pango's font map is not
    shared across threads)."""
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_SHEETS_KEPT = 64
_sheets: dict[tuple[str, str], CSS] = {}
_sheets_lock = threading.Lock()


def stylesheet(css: str, base_url: str, fetcher: URLFetcher) -> CSS:
    """``css`` parsed once per process (and base URL): WeasyPrint's parsed stylesheet with its
    compiled selectors, reused by every paper whose template has that stylesheet. Templates
    vary their type by a class on ``<html>`` (``density``), so a handful of texts exist."""
    key = (css, base_url)
    with _sheets_lock:
        sheet = _sheets.get(key)
    if sheet is None:
        sheet = CSS(string=css, base_url=base_url, url_fetcher=fetcher)
        with _sheets_lock:
            if len(_sheets) >= _SHEETS_KEPT:
                _sheets.clear()
            _sheets[key] = sheet
    return sheet


def layout_html(html: str, *, base_url: str | None = None) -> Document:
    """Lay ``html`` out (WeasyPrint) with the safe fetcher and the thread's fonts.

    The document's ``<style>`` blocks are taken out and given to WeasyPrint as one cached
    stylesheet (:func:`stylesheet`), so a render parses only the HTML. Passed that way the
    rules take the "user" origin instead of "author": the same for these papers, whose only
    other rules are WeasyPrint's defaults (the PDF bytes are identical)."""
    fetcher = SafeURLFetcher()
    if base_url is None:
        base_url = fetcher.static_root.as_uri() + "/"
    css = "\n".join(_STYLE.findall(html))
    sheets = [stylesheet(css, base_url, fetcher)] if css else []
    page = HTML(string=_STYLE.sub("", html), base_url=base_url, url_fetcher=fetcher)
    with _weasyprint_lock:
        return page.render(font_config=font_config(), stylesheets=sheets)


def write_pdf(document: Document) -> bytes:
    """The PDF of a laid out document, with the options every paper shares."""
    with _weasyprint_lock:
        return document.write_pdf()


def render_document(
    template_name: str,
    context: object,
    *,
    base_url: str | None = None,
    **template_vars: object,
) -> Document:
    """Lay ``template_name`` out (rendered with ``doc=context``) without writing the PDF.

    For callers that need to look at the result first, e.g. count the pages. Extra
    keyword arguments are passed to the template. Needs a Flask application context.
    """
    html = render_template(template_name, doc=context, **template_vars)
    return layout_html(html, base_url=base_url)


# Type densities of the one-page documents, loosest first (the templates read `density`).
DENSITIES = (0, 1, 2)


def render_fitting(
    template_name: str,
    context: object,
    densities: Sequence[int] = DENSITIES,
    *,
    stored: bool = True,
) -> bytes:
    """Lay ``template_name`` out at the normal size first; if that takes more than one page,
    again with tighter type (``density`` 1, then 2…). The tightest layout is kept even if it
    still needs a second page. For the A5 receipt and forms. Needs an application context.

    Stored (see :func:`render_stored`) unless ``stored`` is false: the version hashes the
    HTML at the first density, since the templates use ``density`` only for sizes.
    """
    first = render_template(template_name, doc=context, density=densities[0])

    def render() -> bytes:
        document = layout_html(first)
        for density in densities[1:]:
            if len(document.pages) == 1:
                break
            document = render_document(template_name, context, density=density)
        return write_pdf(document)

    if not stored:
        return store.render_and_store(None, "", measured(template_name, render))
    return render_stored(f"fitting{tuple(densities)}", template_name, first, render)


def render_pdf(
    template_name: str, context: object, *, base_url: str | None = None, stored: bool = True
) -> bytes:
    """Render ``template_name`` with ``doc=context`` and return the PDF bytes, stored once per
    version unless ``stored`` is false (papers that print the time they are printed).

    Must run inside a Flask application context. Relative URLs in the template resolve
    against ``base_url``, by default the app's static folder.
    """
    html = render_template(template_name, doc=context)

    def render() -> bytes:
        return write_pdf(layout_html(html, base_url=base_url))

    if not stored:
        return store.render_and_store(None, "", measured(template_name, render))
    return render_stored(f"pdf:{base_url}", template_name, html, render)
