"""Error pages in Vietnamese. htmx gets a small fragment instead of the page (app.js shows its
message where the request came from: htmx swaps no 4xx/5xx but 409, 422 and 429), except "too
many requests" (429), which htmx shows above the page it came from (the form stays).

"Too large" (413) restates the limits and leads back to where the file was sent from: the
papers step of the dossier when the route is known, else the page the browser came from."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, jsonify, make_response, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, TooManyRequests
from werkzeug.wrappers import Response

from app.core import clock, limits, transaction
from app.core.htmx import is_htmx
from app.core.responses import local_target
from app.dossiers.uploads import human_size

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Trình duyệt đã gửi một yêu cầu mà hệ thống không hiểu."),
    403: ("Không có quyền truy cập", "Tài khoản của bạn không được phép xem trang này."),
    404: ("Không tìm thấy trang", "Trang bạn tìm không tồn tại hoặc bạn không có quyền xem."),
    405: ("Thao tác không được hỗ trợ", "Hãy quay lại trang trước và thử lại."),
    409: ("Thao tác không thực hiện được", "Hồ sơ đã thay đổi trạng thái. Hãy tải lại trang."),
    413: (
        "Tệp quá lớn",
        "Tệp bạn gửi vượt quá dung lượng cho phép.",
    ),
    429: (
        "Bạn đã thử quá nhiều lần",
        "Để bảo vệ tài khoản và dữ liệu của người dân, hệ thống tạm dừng thao tác này vì có quá "
        "nhiều lần thử trong thời gian ngắn.",
    ),
    500: (
        "Có lỗi xảy ra",
        "Hệ thống gặp sự cố. Dữ liệu bạn đã lưu vẫn còn; hãy thử lại sau ít phút.",
    ),
    503: ("Dịch vụ tạm thời gián đoạn", "Hãy thử lại sau ít phút. Dữ liệu của bạn không bị mất."),
}


# What htmx swaps itself (base.html's htmx-config): these keep the whole page.
_SWAPPED = {409, 422, 429}
_UPLOAD_ENDPOINTS = {"dossiers.upload", "dossiers.step"}


def _too_large_words() -> str:
    each = human_size(current_app.config["UPLOAD_MAX_BYTES"])
    total = human_size(current_app.config["MAX_CONTENT_LENGTH"] or 0)
    return (
        f"Mỗi tệp tối đa {each}, mỗi lần gửi tối đa {total}. Ảnh chụp được thu nhỏ tự động "
        "khi trình duyệt bật JavaScript; nếu không, hãy tải lên từng tệp một bằng nút “Tải "
        "lên”, chụp lại ảnh với độ phân giải thấp hơn, hoặc chia tệp PDF thành nhiều tệp nhỏ."
    )


def _way_back() -> tuple[str, str] | None:
    """Where a refused upload came from: the dossier's step when the route matched (the body is
    refused after routing), else the referring page of this site, else nowhere."""
    args = request.view_args or {}
    if request.endpoint in _UPLOAD_ENDPOINTS and isinstance(args.get("dossier_id"), int):
        step = args.get("step", "giay-to")
        back = url_for("dossiers.step", dossier_id=args["dossier_id"], step=step)
        label = "Quay lại bước Giấy tờ kèm theo" if step == "giay-to" else "Quay lại bước trước"
        return back, label
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc == request.host:
        path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
        target = local_target(path, "")
        if target:
            return target, "Quay lại trang trước"
    return None


_API_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 429: "rate_limited"}


def too_many(seconds: int) -> Response:
    """429 with ``Retry-After``: the page, the API's JSON, or for htmx a notice put at the top of
    the page's main content (``HX-Retarget``), so that the form being filled stays as it is."""
    title, message = MESSAGES[429]
    wait = f"Vui lòng thử lại sau {limits.wait_words(seconds, clock.now())}."
    if request.path.startswith("/api/"):
        body = {"error": {"code": "rate_limited", "message": f"{message} {wait}"}}
        response = make_response(jsonify(body), 429)
    elif is_htmx():
        html = render_template("errors/_too_many.html", title=title, message=message, wait=wait)
        response = make_response(html, 429)
        response.headers["HX-Retarget"] = "#main"
        response.headers["HX-Reswap"] = "afterbegin show:top"
    else:
        html = render_template(
            "errors/error.html", code=429, title=title, message=message, wait=wait
        )
        response = make_response(html, 429)
    response.headers["Retry-After"] = str(seconds)
    response.vary.add("HX-Request")
    return response


def _page(template: str, **context: object) -> str:
    """The error page; when the database is what failed and the layout cannot even read the
    signed-in user or the footer's number, a page that reads nothing."""
    try:
        return render_template(template, **context)
    except SQLAlchemyError:
        transaction.abandon()
        # Straight from the environment: render_template would run the context processors,
        # and Flask-Login's loads the signed-in user from the database again.
        fallback = current_app.jinja_env.get_template("errors/without_database.html")
        return fallback.render(**context)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        return render_template(
            "errors/error.html",
            code=400,
            title="Phiên làm việc đã hết hạn",
            message="Trang đã mở quá lâu hoặc đã bị gửi lại. Hãy quay lại, tải lại trang và thử "
            "lại; những gì bạn đã lưu trước đó vẫn còn.",
        ), 400

    @app.errorhandler(TooManyRequests)
    def rate_limited(error: TooManyRequests):  # type: ignore[no-untyped-def]
        return too_many(limits.retry_after())

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        code = error.code or 500
        title, message = MESSAGES.get(code, (error.name, error.description or ""))
        if request.path.startswith("/api/"):
            # Machines get the API's own error shape, even for a path that matches no route.
            body = {"error": {"code": _API_CODES.get(code, "http_error"), "message": message}}
            return jsonify(body), code
        back = _way_back() if code == 413 else None
        if code == 413:
            message = f"{message} {_too_large_words()}"
        template = "errors/error.html"
        if is_htmx() and code not in _SWAPPED:
            template = "errors/_error.html"
        if code >= 500:
            transaction.abandon()
        html = _page(template, code=code, title=title, message=message, back=back)
        response = make_response(html, code)
        response.vary.add("HX-Request")
        return response
