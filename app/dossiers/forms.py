"""Forms of the application journey (the procedure's own fields come from its schema)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField
from wtforms.validators import Email, Length, Optional, ValidationError

from app import geo
from app.core.forms import MobilePhone, required
from app.dossiers.models import INTAKE_CHANNEL_LABELS, RETURN_CHANNEL_LABELS


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

    def restrict_to(self, channels: list[str]) -> None:
        """Offer only what the procedure allows (DOMAIN.md §2, §6)."""
        intake = {"online": "online", "post_pickup": "post", "counter": "counter"}
        self.intake_channel.choices = [
            (k, v) for k, v in INTAKE_CHANNEL_LABELS.items() if intake[k] in channels
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
