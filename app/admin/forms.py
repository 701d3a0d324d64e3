"""Administration forms. Choice lists are filled by the views (units, communes, post offices and
community teams change at run time). The post offices' forms are in app/postal/forms.py."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from app.admin.services import MANAGED_ROLES, OVERRIDE_KINDS, UNIT_KINDS
from app.catalogue.guide import GUIDE_MAX_LENGTH
from app.core.forms import (
    MobilePhone,
    OptionalIdField,
    VietnameseDateField,
    max_length,
    required,
)
from app.core.roles import ROLE_LABELS

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


class OverrideForm(FlaskForm):
    day = VietnameseDateField("Ngày", validators=[required("Vui lòng chọn ngày.")])
    kind = RadioField(
        "Loại ngày",
        choices=list(OVERRIDE_KINDS.items()),
        validators=[required("Vui lòng chọn loại ngày.")],
        validate_choice=False,
    )
    note = StringField(
        "Ghi chú (không bắt buộc)",
        validators=[max_length(200)],
        description="Ví dụ: nghỉ bù Quốc khánh theo thông báo của Bộ Nội vụ.",
    )


class TeamForm(FlaskForm):
    commune_code = SelectField(
        "Xã, phường",
        validators=[required("Vui lòng chọn xã, phường của tổ.")],
        validate_choice=False,
    )
    village = StringField(
        "Thôn, bản, tổ dân phố",
        validators=[required("Vui lòng nhập tên thôn, bản hoặc tổ dân phố."), max_length(120)],
        description="Viết cả chữ thôn, bản hoặc tổ dân phố, ví dụ Bản Huồi Tụ, Thôn 3, Tổ dân "
        "phố Hòa Bình. Mỗi thôn, bản có một tổ đang hoạt động.",
    )
    name = StringField(
        "Tên tổ (không bắt buộc)",
        validators=[max_length(200)],
        description="Để trống để đặt tên “Tổ công nghệ số cộng đồng” và tên thôn, bản, ví dụ "
        "Tổ công nghệ số cộng đồng Bản Huồi Tụ.",
    )
    meeting_place = StringField(
        "Nơi tổ hỗ trợ người dân (không bắt buộc)",
        validators=[max_length(200)],
        description="In trên giấy tiếp nhận là nơi nộp hồ sơ. Để trống để ghi “Nhà văn hóa” và "
        "tên thôn, bản, ví dụ Nhà văn hóa Bản Huồi Tụ.",
    )
    active = BooleanField(
        "Tổ đang hoạt động (bỏ chọn khi tổ thôi hỗ trợ người dân; hồ sơ tổ đã giúp vẫn giữ nguyên)",
        default=True,
    )


class HelperGuideForm(FlaskForm):
    helper_guide = TextAreaField(
        "Hướng dẫn cho người hỗ trợ",
        description="Viết cho người giúp người dân nộp hồ sơ, bằng lời dễ hiểu, mỗi dòng một "
        "bước: mang theo giấy tờ gì, chụp ảnh giấy tờ nào, lỗi hay gặp. Trang thủ tục tự đánh "
        f"số các bước. Tối đa {GUIDE_MAX_LENGTH} ký tự. Để trống để dùng hướng dẫn chung "
        "bên dưới.",
    )
