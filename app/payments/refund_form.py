"""The officer's refund form: how much goes back, and how and why, in the officer's words."""

from __future__ import annotations

from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.forms import AppForm, WholeRange, max_length, required, strip_spaces


class RefundForm(AppForm):
    amount = IntegerField(
        "Số tiền hoàn trả (đồng)",
        validators=[
            required("Vui lòng nhập số tiền hoàn trả."),
            WholeRange(1, 100_000_000, "Số tiền phải từ 1 đến 100.000.000 đồng."),
        ],
    )
    note = TextAreaField(
        "Hoàn trả thế nào, vì sao",
        filters=[strip_spaces],
        validators=[
            DataRequired("Vui lòng ghi cách hoàn trả và lý do."),
            Length(min=10, message="Vui lòng ghi rõ hơn (ít nhất 10 ký tự)."),
            max_length(500),
        ],
        description=(
            "Ví dụ: Trả tiền mặt tại quầy cho bà Hoa; chuyển khoản lại tài khoản "
            "Vietcombank 0071000123456."
        ),
    )
