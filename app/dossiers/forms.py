"""Forms of the application journey (the procedure's own fields come from its schema)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, Length, Optional, ValidationError

from app import geo
from app.core.forms import MobilePhone, required
from app.dossiers.statuses import INTAKE_CHANNEL_LABELS, RETURN_CHANNEL_LABELS


def _province_choices() -> list[tuple[int, str]]:
    return list(geo.provinces())


class AddressMixin:
    """Province select + commune select; the commune list follows the chosen province."""

    def set_communes(self, prefix: str, default_province: int) -> None:
        province_field = getattr(self, f"{prefix}province")
        commune_field = getattr(self, f"{prefix}commune")
        province_field.choices = _province_choices()
        if province_field.data in (None, "", "None"):
            place = geo.commune(commune_field.data)
            province_field.data = place.province_code if place else default_province
        commune_field.choices = [("", "— Chọn xã, phường —")] + [
            (c.code, c.name) for c in geo.communes(int(province_field.data))
        ]


def _commune_in_province(province_attr: str):  # type: ignore[no-untyped-def]
    def check(form: Any, field: Any) -> None:
        place = geo.commune(field.data)
        if place is None or place.province_code != int(getattr(form, province_attr).data):
            raise ValidationError("Vui lòng chọn xã, phường trong danh sách.")

    return check


class ApplicantForm(AddressMixin, FlaskForm):
    phone = StringField("Số điện thoại di động", validators=[required(), MobilePhone()])
    email = EmailField(
        "Thư điện tử (không bắt buộc)",
        validators=[Optional(), Email("Địa chỉ thư điện tử chưa đúng.")],
    )
    province = SelectField("Tỉnh, thành phố", coerce=int, validate_choice=False)
    commune = SelectField(
        "Xã, phường, đặc khu",
        validators=[required("Vui lòng chọn xã, phường."), _commune_in_province("province")],
        validate_choice=False,
    )
    village = StringField(
        "Thôn, bản, tổ dân phố",
        validators=[required("Vui lòng nhập thôn, bản hoặc tổ dân phố."), Length(max=120)],
    )
    street = StringField("Số nhà, đường (nếu có)", validators=[Optional(), Length(max=200)])


class DeliveryForm(AddressMixin, FlaskForm):
    intake_channel = RadioField(
        "Cách gửi giấy tờ",
        choices=list(INTAKE_CHANNEL_LABELS.items()),
        validators=[required("Vui lòng chọn cách gửi giấy tờ.")],
    )
    return_channel = RadioField(
        "Cách nhận kết quả",
        choices=list(RETURN_CHANNEL_LABELS.items()),
        validators=[required("Vui lòng chọn cách nhận kết quả.")],
    )
    return_province = SelectField("Tỉnh, thành phố", coerce=int, validate_choice=False)
    return_commune = SelectField("Xã, phường, đặc khu", validate_choice=False)
    return_village = StringField("Thôn, bản, tổ dân phố", validators=[Length(max=120)])
    return_street = StringField("Số nhà, đường (nếu có)", validators=[Length(max=200)])

    def restrict_to(self, channels: list[str], at_post_office: bool = False) -> None:
        """Offer only what the procedure allows (DOMAIN.md §2, §6). At a post-office counter
        the clerk takes the papers there and then, so that is the only way they travel."""
        intake = {
            "online": "online",
            "post_pickup": "post",
            "counter": "counter",
            "post_office": "post",
        }
        self.intake_channel.choices = [
            (k, v)
            for k, v in INTAKE_CHANNEL_LABELS.items()
            if intake[k] in channels and (k == "post_office") == at_post_office
        ]
        self.return_channel.choices = [
            (k, v) for k, v in RETURN_CHANNEL_LABELS.items() if k in channels
        ]

    def validate_return_commune(self, field: Any) -> None:
        if self.return_channel.data != "post":
            return
        _commune_in_province("return_province")(self, field)

    def validate_return_village(self, field: Any) -> None:
        if self.return_channel.data == "post" and not (field.data or "").strip():
            raise ValidationError(
                "Vui lòng nhập thôn, bản hoặc tổ dân phố để bưu điện giao kết quả."
            )


# --- back-office action forms ------------------------------------------------------------


class ActionForm(FlaskForm):
    """An action with nothing to fill in (accept): the CSRF token only."""


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        "Lý do",
        validators=[required("Vui lòng ghi rõ lý do."), Length(max=2000)],
        description="Người nộp sẽ đọc lý do này trong tin nhắn và trên văn bản gửi họ.",
    )


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Lý do rút hồ sơ (không bắt buộc)", validators=[Length(max=2000)])


class SupplementForm(FlaskForm):
    documents = SelectMultipleField("Giấy tờ cần bổ sung", choices=[], validate_choice=True)
    fields = SelectMultipleField("Thông tin cần sửa", choices=[], validate_choice=True)
    other = StringField("Nội dung khác", validators=[Length(max=300)])
    reason = TextAreaField(
        "Lý do, hướng dẫn cho người nộp",
        validators=[required("Vui lòng ghi rõ lý do và cách bổ sung."), Length(max=2000)],
    )

    def set_choices(self, procedure: Any) -> None:
        self.documents.choices = [(d.code, d.name) for d in procedure.documents]
        self.fields.choices = [(f["name"], f["label"]) for f in procedure.form_schema]


class AssignForm(FlaskForm):
    assignee = SelectField("Chuyển cho cán bộ", coerce=int, choices=[])
    note = TextAreaField("Ghi chú giao việc (nội bộ)", validators=[Length(max=2000)])


class ForwardForm(FlaskForm):
    unit = SelectField("Chuyển đến đơn vị", coerce=int, choices=[])
    note = TextAreaField("Nội dung chuyển", validators=[Length(max=2000)])


class ApproveForm(FlaskForm):
    result_kind = RadioField(
        "Kết quả",
        choices=[("file", "Kết quả điện tử (tệp PDF)"), ("paper", "Kết quả bản giấy")],
        validators=[required("Vui lòng chọn loại kết quả.")],
    )
    result_file = FileField("Tệp kết quả (PDF)")
    note = TextAreaField("Ghi chú kết quả", validators=[Length(max=2000)])


class ExtendForm(FlaskForm):
    new_due = DateField(
        "Ngày hẹn trả mới", validators=[required("Vui lòng chọn ngày hẹn trả mới.")]
    )
    reason = TextAreaField(
        "Lý do chậm trễ",
        validators=[required("Vui lòng ghi rõ lý do."), Length(max=2000)],
    )


class ReturnForm(FlaskForm):
    via = RadioField(
        "Trả kết quả",
        choices=[
            ("online", "Trực tuyến (người nộp tải kết quả)"),
            ("counter", "Tại Bộ phận Một cửa"),
            ("post", "Qua dịch vụ bưu chính công ích"),
        ],
        validators=[required("Vui lòng chọn cách trả kết quả.")],
    )
    note = TextAreaField("Ghi chú (người nhận, giấy tờ xuất trình…)", validators=[Length(max=2000)])


class StartForm(FlaskForm):
    procedure = SelectField("Thủ tục người dân cần làm", coerce=int, choices=[])
    client_token = StringField()
