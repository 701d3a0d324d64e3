"""Forms of the postal pages. Choice lists that change at run time are filled by the views."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from app.accounts.forms import IdentityFields
from app.core.forms import MobilePhone, required
from app.dossiers.forms import AddressMixin, _commune_in_province
from app.postal.flow import FAILURE_REASONS, RECIPIENT_RELATIONS

_MONEY = [
    Optional(),
    NumberRange(min=0, max=100_000_000, message="Số tiền phải từ 0 đến 100.000.000 đồng."),
]


def _money(label: str, description: str = "") -> IntegerField:
    return IntegerField(label, validators=_MONEY, description=description)


class BookingForm(AddressMixin, FlaskForm):
    """Where and when the worker comes for the papers (DOMAIN.md §6, leg A step 1)."""

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
    landmark = StringField(
        "Dấu hiệu dễ nhận biết",
        validators=[Optional(), Length(max=200)],
        description="Ví dụ: cạnh nhà văn hóa bản, đối diện trường tiểu học.",
    )
    contact_phone = StringField(
        "Số điện thoại để nhân viên bưu điện gọi",
        validators=[required(), MobilePhone()],
    )
    slot = RadioField("Chọn ngày, giờ bưu điện đến", coerce=int, validate_choice=False)

    def validate_slot(self, field: Any) -> None:
        if not field.data:
            raise ValidationError("Vui lòng chọn một khung giờ.")


class CollectForm(FlaskForm):
    """Leg A at the door or the counter. The checklist's rows are read by the view
    (``present-<code>``, ``kind-<code>``): one row per document of the procedure."""

    seal_number = StringField(
        "Số niêm phong bì hồ sơ",
        validators=[required("Vui lòng ghi số niêm phong."), Length(max=40)],
        description="Niêm phong bì hồ sơ trước mặt người dân rồi ghi số niêm phong.",
    )
    fee = _money("Phí, lệ phí thủ tục đã thu (đồng)")
    postage = _money("Cước bưu chính đã thu (đồng)")


class DeliverForm(FlaskForm):
    recipient_name = StringField(
        "Họ tên người nhận",
        validators=[required("Vui lòng ghi họ tên người nhận."), Length(max=120)],
    )
    relation = RadioField(
        "Người nhận là",
        choices=list(RECIPIENT_RELATIONS.items()),
        validators=[required("Vui lòng chọn quan hệ của người nhận.")],
    )
    id_checked = BooleanField(
        "Đã kiểm tra thẻ căn cước (hoặc giấy tờ tùy thân) của người nhận",
        validators=[required("Chỉ giao khi đã kiểm tra giấy tờ tùy thân của người nhận.")],
    )
    postage = _money("Cước bưu chính thu khi giao (đồng)")
    note = TextAreaField("Ghi chú", validators=[Length(max=300)])


class FailForm(FlaskForm):
    reason = RadioField(
        "Lý do chưa giao được",
        choices=list(FAILURE_REASONS.items()),
        validators=[required("Vui lòng chọn lý do.")],
    )
    note = TextAreaField("Ghi chú (không bắt buộc)", validators=[Length(max=300)])


class AssignForm(FlaskForm):
    worker = SelectField("Nhân viên phụ trách", coerce=int, choices=[], validate_choice=True)


class ManifestForm(FlaskForm):
    items = SelectMultipleField(
        "Bưu gửi giao cho đơn vị", coerce=int, choices=[], validate_choice=True
    )

    def validate_items(self, field: Any) -> None:
        if not field.data:
            raise ValidationError("Vui lòng chọn ít nhất một bưu gửi.")


class HandResultsForm(FlaskForm):
    items = SelectMultipleField("Kết quả giao cho bưu điện", coerce=int, choices=[])
    worker = SelectField("Nhân viên bưu điện nhận", coerce=int, choices=[])

    def validate_items(self, field: Any) -> None:
        if not field.data:
            raise ValidationError("Vui lòng chọn ít nhất một kết quả.")


class CounterCitizenForm(IdentityFields, FlaskForm):
    """A citizen without an account, registered at the counter with their consent."""

    phone = StringField(
        "Số điện thoại di động của người dân",
        validators=[required(), MobilePhone()],
        description="Người dân nhận tin nhắn về hồ sơ qua số này.",
    )
    consent = BooleanField(
        "Người dân đã được đọc thông báo xử lý dữ liệu cá nhân và đồng ý để nhân viên bưu "
        "điện tạo tài khoản, nộp hồ sơ thay; người dân ký xác nhận trên giấy tiếp nhận.",
        validators=[required("Cần có sự đồng ý của người dân trước khi lưu thông tin.")],
    )
