"""Responses every blueprint needs: "go there" for plain and htmx forms, a PDF inline, and a
stored file streamed."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, make_response, redirect, request, send_file
from werkzeug.wrappers import Response

from app.core.htmx import is_htmx
from app.core.storage import LocalStorage, Storage


def local_target(target: str | None, default: str) -> str:
    """``target`` when it is a path of this site, else ``default``: a "next" page sent by a
    form or a link may not lead elsewhere (``//host``, ``/\\host``, ``https:``) nor break the
    Location header (control characters, line breaks)."""
    target = target or ""
    parts = urlsplit(target)
    own_path = target.startswith("/") and not target.startswith(("//", "/\\"))
    printable = target.isprintable() and not any(c.isspace() for c in target)
    if own_path and printable and not parts.scheme and not parts.netloc:
        return target
    return default


def go(target: str) -> Response:
    """303 for a plain form; for htmx a full navigation (HX-Redirect), so the flash shows."""
    if not is_htmx():
        return redirect(target, 303)
    response = make_response("", 204)
    response.headers["HX-Redirect"] = target
    return response


def pdf(data: bytes, filename: str) -> Response:
    """``data`` inline as ``filename``. Stored papers (app/documents/store.py) carry their
    ``version``: it becomes a strong ETag, and a request whose If-None-Match names it gets a
    304 with no body. The page stays ``no-store`` like every page with personal data (the
    app's after-request hook), so browsers on shared devices keep no copy."""
    response = make_response(bytes(data))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    version = getattr(data, "version", None)
    if version:
        response.set_etag(version)
        response.make_conditional(request)
    return response


def stored_file(
    files: Storage,
    key: str,
    *,
    mimetype: str,
    download_name: str,
    etag: str,
    as_attachment: bool = False,
) -> Response:
    """The stored file ``key`` streamed (never read whole into memory), with ``etag`` (the
    file's hash, known without touching the storage) as a strong ETag: a request whose
    If-None-Match names it gets a 304 with no body before the storage is asked. A local file
    goes through :func:`flask.send_file` as ever (ranges, sendfile); an S3 object is streamed
    from the server's answer as it arrives. A file missing from the storage answers 404."""
    if request.if_none_match.contains(etag):
        unchanged = make_response("", 304)
        unchanged.set_etag(etag)
        return unchanged
    options = {"mimetype": mimetype, "download_name": download_name, "etag": etag, "max_age": 0}
    if isinstance(files, LocalStorage):
        path = files.path(key)
        if not path.is_file():
            abort(404)
        return send_file(path, as_attachment=as_attachment, **options)  # type: ignore[arg-type]
    opened = files.open(key) or abort(404)
    response = send_file(
        opened.stream, as_attachment=as_attachment, last_modified=opened.last_modified, **options
    )  # type: ignore[arg-type]
    if response.status_code == 200:
        response.content_length = opened.size
    return response
