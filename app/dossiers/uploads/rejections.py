"""Why an upload is refused: :class:`UploadRejected` and the messages citizens read."""

from __future__ import annotations

from app.core.errors import Invalid

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
MSG_ENCRYPTED_PDF = (
    "Tệp PDF được đặt mật khẩu nên không mở được. "
    "Vui lòng gỡ mật khẩu hoặc lưu lại tài liệu thành một tệp PDF thông thường "
    "(ví dụ: mở tệp, dùng chức năng In rồi chọn Lưu dưới dạng PDF) và tải lên lại."
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
