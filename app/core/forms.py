"""Shared WTForms pieces with Vietnamese messages."""

from __future__ import annotations

from typing import Any

from wtforms import Field, ValidationError
from wtforms.validators import InputRequired

from app.core.identity import normalise_phone


def required(message: str = "Vui lòng điền thông tin này.") -> InputRequired:
    return InputRequired(message=message)


class MobilePhone:
    """Accepts Vietnamese mobile numbers and normalises the field data to 0XXXXXXXXX."""

    def __call__(self, form: Any, field: Field) -> None:
        phone = normalise_phone(field.data or "")
        if phone is None:
            raise ValidationError(
                "Số điện thoại di động chưa đúng: cần 10 chữ số, bắt đầu bằng 03, 05, 07, 08 "
                "hoặc 09 (ví dụ 0912 345 678)."
            )
        field.data = phone
