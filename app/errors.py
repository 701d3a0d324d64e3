"""Error pages in Vietnamese; the same page whether the request came from htmx or not."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Trình duyệt đã gửi một yêu cầu mà hệ thống không hiểu."),
    403: ("Không có quyền truy cập", "Tài khoản của bạn không được phép xem trang này."),
    404: ("Không tìm thấy trang", "Trang bạn tìm không tồn tại hoặc bạn không có quyền xem."),
    405: ("Thao tác không được hỗ trợ", "Hãy quay lại trang trước và thử lại."),
    409: ("Thao tác không thực hiện được", "Hồ sơ đã thay đổi trạng thái. Hãy tải lại trang."),
    413: (
        "Tệp quá lớn",
        "Tệp bạn gửi vượt quá dung lượng cho phép. Hãy chọn tệp nhỏ hơn hoặc chụp lại ảnh.",
    ),
    500: (
        "Có lỗi xảy ra",
        "Hệ thống gặp sự cố. Dữ liệu bạn đã lưu vẫn còn; hãy thử lại sau ít phút.",
    ),
    503: ("Dịch vụ tạm thời gián đoạn", "Hãy thử lại sau ít phút. Dữ liệu của bạn không bị mất."),
}


_API_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}


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

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        code = error.code or 500
        title, message = MESSAGES.get(code, (error.name, error.description or ""))
        if request.path.startswith("/api/"):
            # Machines get the API's own error shape, even for a path that matches no route.
            body = {"error": {"code": _API_CODES.get(code, "http_error"), "message": message}}
            return jsonify(body), code
        return render_template("errors/error.html", code=code, title=title, message=message), code
