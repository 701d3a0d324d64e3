"""Forms of the payments domain: an officer's decision on a transfer, a statement to import."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField, TextAreaField, ValidationError

from app.core.forms import AppForm, max_length, required, strip_spaces

RESOLUTION_CHOICES = [
    ("booked", "Ghi nhận là phí, lệ phí của một hồ sơ (nhập mã hồ sơ)"),
    ("returned", "Đã hoàn trả tiền cho người chuyển"),
    ("not_ours", "Không phải khoản thu phí, lệ phí của đơn vị"),
]


class ResolveForm(AppForm):
    resolution = RadioField(
        "Cách xử lý", choices=RESOLUTION_CHOICES, validators=[required("Vui lòng chọn cách xử lý.")]
    )
    dossier_code = StringField(
        "Mã hồ sơ",
        filters=[strip_spaces],
        validators=[max_length(40)],
        description="Chỉ điền khi ghi nhận cho hồ sơ, ví dụ 000.12.34.H40-261123-0001.",
    )
    note = TextAreaField(
        "Căn cứ xử lý",
        validators=[required("Vui lòng ghi rõ căn cứ xử lý."), max_length(2000)],
        description="Ví dụ: người nộp gọi điện xác nhận chuyển nhầm nội dung; đã đối chiếu "
        "với sao kê ngày 07/12.",
    )

    def validate_dossier_code(self, field: Any) -> None:
        if self.resolution.data == "booked" and not field.data:
            raise ValidationError("Vui lòng nhập mã hồ sơ được ghi nhận khoản chuyển này.")


class StatementForm(AppForm):
    account = SelectField("Tài khoản thu nhận tiền", coerce=int, choices=[])
    statement = FileField(
        "Tệp sao kê (CSV hoặc Excel .xlsx)",
        description="Tệp tải từ ngân hàng điện tử, có các cột ngày giao dịch, số tiền ghi có, "
        "nội dung và số tham chiếu. Nhập lại cùng một tệp không ghi trùng giao dịch.",
    )

    def validate_statement(self, field: Any) -> None:
        if not getattr(field.data, "filename", ""):
            raise ValidationError("Vui lòng chọn tệp sao kê.")
