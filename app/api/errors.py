"""Every refusal of /api/v1/ as ``{"error": {"code", "message", "fields"?}}``.

Views and the token check raise :class:`ApiError`; the blueprint's handler logs the refusal
(codes and field names only: never a name, phone or address), and answers with the status that
``openapi.ERROR_CODES`` gives the code. The request's transaction rolls back on any such answer
(app/core/transaction.py).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, request

from app.api.openapi import ERROR_CODES


class ApiError(Exception):
    def __init__(
        self,
        code: str,
        message: str,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = ERROR_CODES[code][0]
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


def invalid(fields: dict[str, str]) -> ApiError:
    return ApiError(
        "invalid_request", "Yêu cầu không hợp lệ. Vui lòng xem lại các trường được nêu.", fields
    )


def unknown_item() -> ApiError:
    # Another office's item gets the same answer as an item that does not exist.
    return ApiError("unknown_item", "Không tìm thấy bưu gửi này tại bưu cục của bạn.")


def response(error: ApiError) -> Response:
    body: dict = {"code": error.code, "message": error.message}
    if error.fields:
        body["fields"] = error.fields
    result = jsonify(error=body)
    result.status_code = error.status
    result.headers.update(error.headers)
    return result


def log_refusal(error: ApiError) -> None:
    current_app.logger.warning(
        "api refused %s %s: %s %s%s (token %s)",
        request.method,
        request.endpoint,
        error.status,
        error.code,
        f" fields={','.join(sorted(error.fields))}" if error.fields else "",
        g.get("api_token_prefix", "-"),
    )


def init_blueprint(bp: Blueprint) -> None:
    @bp.errorhandler(ApiError)
    def api_error(error: ApiError) -> Response:
        log_refusal(error)
        return response(error)

    @bp.errorhandler(500)
    def server_error(error: Exception) -> Response:
        # Only reached outside testing (tests let exceptions propagate): JSON, not the HTML page.
        return response(
            ApiError(
                "internal_error",
                "Hệ thống gặp sự cố; không có thay đổi nào được ghi nhận. "
                "Vui lòng thử lại sau ít phút.",
            )
        )
