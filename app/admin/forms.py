"""Administration forms. Choice lists are filled by the views (units, communes, post offices and
community teams change at run time)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from app.admin.services import MANAGED_ROLES, SLOT_CAPACITY_MAX, UNIT_KINDS
from app.catalogue.guide import GUIDE_MAX_LENGTH
from app.core.forms import (
    ClockTimeField,
    MobilePhone,
    OptionalIdField,
    SmallNumberField,
    VietnameseDateField,
    max_length,
    required,
)
from app.core.roles import ROLE_LABELS
from app.postal.schedule import WEEKDAY_LABELS
from app.postal.tokens import SCOPES

ROLE_CHOICES = [("", "— Chọn vai trò —")] + [(r.value, ROLE_LABELS[r]) for r in MANAGED_ROLES]


class UnitsField(SelectMultipleField):
    """Unit ids, shown as a list of check boxes; the service checks that they exist."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            self.data = []
            raise ValueError("Danh sách đơn vị gửi lên không hợp lệ. Hãy chọn lại.") from error


class UnitForm(FlaskForm):
    code = StringField(
        "Mã đơn vị (QCVN 102:2016)",
        validators=[required("Vui lòng nhập mã đơn vị."), max_length(13)],
        description="Ví dụ 000.00.15.H40. Mã này đứng đầu mã số hồ sơ của đơn vị.",
    )
    name = StringField(
        "Tên đơn vị", validators=[required("Vui lòng nhập tên đơn vị."), max_length(200)]
    )
    kind = SelectField(
        "Loại đơn vị",
        choices=list(UNIT_KINDS.items()),
        default="commune_centre",
        validate_choice=False,
    )
    commune_code = SelectField(
        "Xã, phường được phục vụ",
        validate_choice=False,
        description="Xã, phường có trung tâm này làm nơi tiếp nhận hồ sơ cấp xã. Để trống với "
        "trung tâm cấp tỉnh hoặc một điểm tiếp nhận thêm của xã đã có trung tâm.",
    )
    parent_name = StringField(
        "Cơ quan chủ quản (không bắt buộc)",
        validators=[max_length(120)],
        description="Để trống để tự điền theo xã, ví dụ “UBND XÃ ANH SƠN”.",
    )
    address = StringField("Địa chỉ trụ sở", validators=[max_length(300)])


class StaffForm(FlaskForm):
    full_name = StringField(
        "Họ và tên", validators=[required("Vui lòng nhập họ và tên."), max_length(120)]
    )
    role = SelectField(
        "Vai trò",
        choices=ROLE_CHOICES,
        validators=[required("Vui lòng chọn vai trò.")],
        validate_choice=False,
    )
    units = UnitsField(
        "Đơn vị công tác",
        description="Cán bộ một cửa và chuyên viên chỉ thấy hồ sơ của các đơn vị được chọn; "
        "bắt buộc chọn ít nhất một đơn vị.",
    )
    post_office = OptionalIdField(
        "Bưu cục",
        description="Bắt buộc với nhân viên bưu điện và trưởng bưu cục; để trống với các vai "
        "trò khác.",
    )
    team = OptionalIdField(
        "Tổ công nghệ số cộng đồng",
        description="Bắt buộc với thành viên Tổ công nghệ số cộng đồng; để trống với các vai "
        "trò khác.",
    )


class StaffCreateForm(StaffForm):
    phone = StringField(
        "Số điện thoại di động",
        validators=[required("Vui lòng nhập số điện thoại."), MobilePhone()],
        description="Dùng để đăng nhập. Mỗi số chỉ dùng cho một tài khoản.",
    )


class StaffEditForm(StaffForm):
    active = BooleanField(
        "Tài khoản đang hoạt động (bỏ chọn để khóa, cán bộ sẽ không đăng nhập được)"
    )


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


class HelperGuideForm(FlaskForm):
    helper_guide = TextAreaField(
        "Hướng dẫn cho người hỗ trợ",
        description="Viết cho người giúp người dân nộp hồ sơ, bằng lời dễ hiểu, mỗi dòng một "
        "bước: mang theo giấy tờ gì, chụp ảnh giấy tờ nào, lỗi hay gặp. Trang thủ tục tự đánh "
        f"số các bước. Tối đa {GUIDE_MAX_LENGTH} ký tự. Để trống để dùng hướng dẫn chung "
        "bên dưới.",
    )
