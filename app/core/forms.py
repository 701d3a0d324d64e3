"""Shared WTForms pieces with Vietnamese messages: validators and fields every domain uses."""

from __future__ import annotations

import re
from copy import copy
from datetime import date, time
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, Field, SelectField, StringField, ValidationError
from wtforms.validators import Email, InputRequired, Length, Optional

from app.core import clock
from app.core.dates import PARTS, DatePartsError, joined, parse_parts, split_value, typed_parts
from app.core.form_messages import TRANSLATIONS
from app.core.identity import normalise_phone


class AppForm(FlaskForm):
    """Every form of the app: WTForms' own messages in Vietnamese (app/core/form_messages.py)."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            return TRANSLATIONS


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


def strip_spaces(value: Any) -> Any:
    """Spaces around what was typed dropped (phone keyboards add one after a suggestion)."""
    return value.strip() if isinstance(value, str) else value


def email_field() -> EmailField:
    """The optional e-mail address, as people type it; checked by email-validator, which never
    looks the domain up (no network on a form post)."""
    return EmailField(
        "Thư điện tử (không bắt buộc)",
        filters=[strip_spaces],
        validators=[Optional(), Email("Địa chỉ thư điện tử chưa đúng."), max_length(254)],
    )


def max_length(n: int) -> Length:
    return Length(max=n, message=f"Tối đa {n} ký tự.")


class WholeRange:
    """``minimum`` ≤ the field's integer ≤ ``maximum``, compared as integers. WTForms'
    NumberRange asks ``math.isnan`` first, which turns a number typed with hundreds of digits
    into a float and raises OverflowError: a 500 instead of the message."""

    def __init__(self, minimum: int, maximum: int, message: str) -> None:
        self.minimum, self.maximum, self.message = minimum, maximum, message

    def __call__(self, form: Any, field: Field) -> None:
        if field.data is not None and not self.minimum <= field.data <= self.maximum:
            raise ValidationError(self.message)


class VietnameseDateField(DateField):
    """A date typed as dd/mm/yyyy or sent as yyyy-mm-dd by a date picker."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", ["%Y-%m-%d", "%d/%m/%Y"])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(
                "Ngày chưa đúng. Hãy nhập theo dạng ngày/tháng/năm, ví dụ 02/09/2026."
            ) from error


class DatePartsField(Field):
    """A date typed in three boxes, day / month / year (``name-ngay``, ``name-thang``,
    ``name-nam``; components/forms.html renders them in one fieldset). The data is a ``date``
    or None; what was typed is kept on error, with the boxes at fault in ``wrong_parts``.
    ``past=True`` refuses a date after today (a date of birth)."""

    def __init__(
        self,
        label: str = "",
        validators: Any = None,
        *,
        past: bool = False,
        year_word: str = "Năm",
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.past = past
        self.year_word = year_word
        self.typed: tuple[str, str, str] | None = None
        self.wrong_parts: tuple[str, ...] = ()

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors = []
        self.data = data if isinstance(data, date) else None
        self.typed, self.wrong_parts = None, ()
        self.raw_data = []
        if formdata is None:
            return
        self.typed = typed_parts(formdata, self.name)
        self.raw_data = [joined(self.typed)] if any(self.typed) else []
        try:
            latest = clock.today() if self.past else None
            self.data = parse_parts(
                self.typed, what=str(self.label.text), year_word=self.year_word, latest=latest
            )
        except DatePartsError as error:
            self.data = None
            self.wrong_parts = error.parts
            self.process_errors.append(str(error))

    def parts(self) -> list[tuple[str, str, str]]:
        """(suffix, word, value) for each box: what was typed, else the date's own parts."""
        values = self.typed if self.typed is not None else split_value(self.data)
        return list(zip(PARTS, ("Ngày", "Tháng", "Năm"), values, strict=True))

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""


class IdsChosen:
    """A mixin for selects of database ids whose choices are filled at run time: WTForms does not
    check the posted value against the choices (the operation checks that the rows exist), and a
    value that is not an id empties the field with a Vietnamese message."""

    id_coerce: Any = int
    empty: Any = None
    refused = "Lựa chọn gửi lên không hợp lệ. Hãy chọn lại."

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", type(self).id_coerce)
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError as error:
            self.data = copy(self.empty)
            raise ValueError(self.refused) from error


class OptionalIdField(IdsChosen, SelectField):
    """A select of database ids with an empty first option: the data is an int or None."""

    @staticmethod
    def id_coerce(value: Any) -> int | None:
        return _optional_id(value)


def _optional_id(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, int):
        return value
    text = str(value)
    if not (text.isascii() and text.isdigit()):
        raise ValueError(text)
    return int(text)


_CLOCK = re.compile(r"(\d{1,2})(?:\s*[:hH.]\s*(\d{2})?)?", re.ASCII)


class ClockTimeField(StringField):
    """A time of day on the 24-hour clock: 08:00, 8:00, 8h00, 13.30 or just 8."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_data = valuelist
        self.data = None
        text = (valuelist[0] if valuelist else "") or ""
        text = text.strip()
        if not text:
            return
        match = _CLOCK.fullmatch(text)
        hour, minute = (int(match[1]), int(match[2] or 0)) if match else (99, 99)
        if hour > 23 or minute > 59:
            raise ValueError(
                "Giờ chưa đúng. Hãy nhập theo đồng hồ 24 giờ, dạng giờ:phút, ví dụ 08:00 "
                "hoặc 13:30."
            )
        self.data = time(hour, minute)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self.data.strftime("%H:%M") if self.data else ""


class SmallNumberField(StringField):
    """A whole number typed by hand, with a Vietnamese message when it is not one."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_data = valuelist
        self.data = None
        text = ((valuelist[0] if valuelist else "") or "").strip()
        if not text:
            return
        if not (text.isascii() and text.isdigit()) or len(text) > 6:
            raise ValueError("Vui lòng nhập một số nguyên, ví dụ 6.")
        self.data = int(text)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)
