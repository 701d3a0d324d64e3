"""Forms of the officer's fee panel. Both live on the staff dossier page beside the workflow's
forms, so each has its own prefix and the app-wide CSRFProtect checks the plain
``csrf_token`` once per POST (as app/dossiers/forms.py does for the action forms)."""

from __future__ import annotations

import os
from typing import Any

from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange

from app.core.forms import AppForm, max_length, required
from app.payments.operations.cash import EXEMPTION_REASONS


class CashForm(AppForm):
    """Cash for what the dossier owes, at the counter. The token is drawn when the form is
    shown: posting the same form twice books one payment."""

    client_token = HiddenField()
    amount = IntegerField(
        "Số tiền đã thu (đồng)",
        validators=[
            required("Vui lòng nhập số tiền đã thu."),
            NumberRange(min=1, max=100_000_000, message="Số tiền phải từ 1 đến 100.000.000 đồng."),
        ],
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
