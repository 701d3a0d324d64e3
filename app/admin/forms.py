"""Administration forms. Choice lists are filled by the views (communes change at run time)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
)

from app.admin.services import SLOT_CAPACITY_MAX
from app.core.forms import (
    ClockTimeField,
    SmallNumberField,
    VietnameseDateField,
    max_length,
    required,
)
from app.postal.schedule import WEEKDAY_LABELS
from app.postal.tokens import SCOPES


class PostOfficeForm(FlaskForm):
    code = StringField(
        "Mã bưu cục",
        validators=[required("Vui lòng nhập mã bưu cục."), max_length(10)],
        description="6 chữ số theo mã của Bưu điện Việt Nam, ví dụ 463100.",
    )
    name = StringField(
        "Tên bưu cục", validators=[required("Vui lòng nhập tên bưu cục."), max_length(200)]
    )
    address = StringField("Địa chỉ (không bắt buộc)", validators=[max_length(300)])
    phone = StringField(
        "Số điện thoại liên hệ (không bắt buộc)",
        validators=[max_length(20)],
        description="Chỉ gồm chữ số, ví dụ 0238 3844 123.",
    )
    active = BooleanField(
        "Bưu cục đang hoạt động (bỏ chọn: người dân các xã của bưu cục không hẹn được lịch "
        "nhận hồ sơ tại nhà, các lịch đã hẹn vẫn giữ nguyên)",
        default=True,
    )
    communes = SelectMultipleField(
        "Xã, phường bưu cục phục vụ",
        validate_choice=False,
        description="Người dân ở các xã, phường được chọn hẹn bưu cục này đến nhận hồ sơ và "
        "nhận kết quả qua bưu cục này. Mỗi xã, phường chỉ do một bưu cục phục vụ.",
    )
    move_communes = BooleanField(
        "Chuyển sang bưu cục này những xã, phường đã chọn đang do bưu cục khác phục vụ "
        "(lịch đã hẹn với bưu cục cũ vẫn giữ nguyên)"
    )


WEEKDAY_CHOICES = [("", "— Chọn thứ —")] + [
    (str(number), label) for number, label in enumerate(WEEKDAY_LABELS)
]


class SlotTemplateForm(FlaskForm):
    weekday = SelectField(
        "Thứ trong tuần",
        choices=WEEKDAY_CHOICES,
        validators=[required("Vui lòng chọn thứ trong tuần.")],
        validate_choice=False,
    )
    start = ClockTimeField(
        "Từ giờ",
        validators=[required("Vui lòng nhập giờ bắt đầu.")],
        description="Đồng hồ 24 giờ, ví dụ 08:00.",
    )
    end = ClockTimeField(
        "Đến giờ",
        validators=[required("Vui lòng nhập giờ kết thúc.")],
        description="Ví dụ 11:00 hoặc 16:30.",
    )
    capacity = SmallNumberField(
        "Số lượt nhận tối đa",
        validators=[required("Vui lòng nhập số lượt nhận.")],
        description=f"Số hồ sơ nhân viên nhận được trong khung giờ, từ 1 đến {SLOT_CAPACITY_MAX}.",
    )


class ClosureForm(FlaskForm):
    day = VietnameseDateField("Ngày bưu cục nghỉ", validators=[required("Vui lòng chọn ngày.")])
    note = StringField(
        "Lý do (không bắt buộc)",
        validators=[max_length(200)],
        description="Ví dụ: mưa lũ, đường vào bản bị sạt lở.",
    )


class ApiTokenForm(FlaskForm):
    name = StringField(
        "Tên khóa",
        validators=[required("Vui lòng đặt tên cho khóa."), max_length(100)],
        description="Để phân biệt các khóa, ví dụ “Hệ thống bưu chính Vietnam Post”.",
    )
    scopes = SelectMultipleField(
        "Quyền của khóa", choices=list(SCOPES.items()), validate_choice=False
    )
