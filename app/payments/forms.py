"""Forms of the payments domain: the officer's fee panel (cash at the counter, an exemption),
an officer's decision on a transfer, a statement to import. The fee panel's forms live on the
staff dossier page beside the workflow's forms, so each has its own prefix and the app-wide
CSRFProtect checks the plain ``csrf_token`` once per POST (as app/dossiers/forms.py does)."""

from __future__ import annotations

import os
from typing import Any

from flask_wtf.file import FileField
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)

from app.core.forms import AppForm, max_length, required, strip_spaces
from app.payments.operations.cash import EXEMPTION_REASONS


class AmountField(StringField):
    """An amount in đồng as an officer types it: digits, with dots or spaces between thousands
    ("10.000", "10 000"); at most 100.000.000 (WTForms' NumberRange turns a huge number into a
    float and fails, so the digits are checked here)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_data = valuelist
        self.data = None
        text = ((valuelist[0] if valuelist else "") or "").strip()
        digits = text.replace(".", "").replace(" ", "")
        if not text:
            return
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 9:
            raise ValueError("Vui lòng nhập số tiền bằng chữ số, ví dụ 20.000.")
        if not 0 < int(digits) <= 100_000_000:
            raise ValueError("Số tiền phải từ 1 đến 100.000.000 đồng.")
        self.data = int(digits)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)


class CashForm(AppForm):
    """Cash for what the dossier owes, at the counter. The token is drawn when the form is
    shown: posting the same form twice books one payment."""

    client_token = HiddenField()
    amount = AmountField(
        "Số tiền đã thu (đồng)",
        validators=[required("Vui lòng nhập số tiền đã thu.")],
        description="Đếm tiền trước mặt người nộp; ghi đúng số tiền còn phải nộp.",
    )
    payer_name = StringField(
        "Người nộp tiền (nếu không phải người đứng tên hồ sơ)",
        validators=[max_length(120)],
        description="Để trống nếu chính người đứng tên hồ sơ nộp tiền.",
    )


class ExemptionForm(AppForm):
    reason = SelectField(
        "Lý do miễn",
        choices=[("", "Chọn lý do"), *EXEMPTION_REASONS.items()],
        validators=[required("Vui lòng chọn lý do miễn phí, lệ phí.")],
        validate_choice=False,
    )
    note = TextAreaField(
        "Căn cứ miễn",
        validators=[required("Vui lòng ghi căn cứ miễn."), max_length(500)],
        description="Giấy tờ người nộp xuất trình: tên, số, ngày cấp, nơi cấp.",
    )


def cash_form(formdata: Any = None, owed: int = 0) -> CashForm:
    """The form as shown (a new token, the amount owed filled in) or as posted."""
    form = CashForm(formdata=formdata, prefix="cash", meta={"csrf": False})
    if formdata is None:
        form.client_token.data = os.urandom(12).hex()
        form.amount.data = owed or None
    return form


def exemption_form(formdata: Any = None) -> ExemptionForm:
    return ExemptionForm(formdata=formdata, prefix="exempt", meta={"csrf": False})


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


ROUTE_CHOICES = [
    ("unit", "Chuyển cho đơn vị đối soát (chọn đơn vị)"),
    ("not_ours", "Không phải khoản thu phí, lệ phí của đơn vị nào"),
]


class RouteForm(AppForm):
    """The administrator's decision on a transfer into an account no unit collects into."""

    decision = RadioField(
        "Cách xử lý", choices=ROUTE_CHOICES, validators=[required("Vui lòng chọn cách xử lý.")]
    )
    unit = SelectField(
        "Đơn vị nhận khoản chuyển",
        coerce=int,
        choices=[],
        validate_choice=False,
        description="Chỉ chọn khi chuyển cho đơn vị: cán bộ một cửa của đơn vị sẽ đối soát.",
    )
    note = TextAreaField(
        "Căn cứ xử lý",
        validators=[required("Vui lòng ghi rõ căn cứ xử lý."), max_length(2000)],
        description="Ví dụ: tài khoản này là tài khoản mới của UBND xã, chưa khai báo; "
        "đã thêm vào danh sách tài khoản thu.",
    )

    def validate_unit(self, field: Any) -> None:
        if self.decision.data == "unit" and not field.data:
            raise ValidationError("Vui lòng chọn đơn vị nhận khoản chuyển này.")


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
