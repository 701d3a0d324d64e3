"""Administration forms. Choice lists are filled by the views (units change at run time)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import Length

from app.admin.services import MANAGED_ROLES, OVERRIDE_KINDS, UNIT_KINDS
from app.core.forms import MobilePhone, required
from app.core.permissions import ROLE_LABELS


def _max(n: int) -> Length:
    return Length(max=n, message=f"Tối đa {n} ký tự.")


ROLE_CHOICES = [("", "— Chọn vai trò —")] + [(r.value, ROLE_LABELS[r]) for r in MANAGED_ROLES]


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
        validators=[required("Vui lòng nhập mã đơn vị."), _max(13)],
        description="Ví dụ 000.00.15.H40. Mã này đứng đầu mã số hồ sơ của đơn vị.",
    )
    name = StringField("Tên đơn vị", validators=[required("Vui lòng nhập tên đơn vị."), _max(200)])
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
        validators=[_max(120)],
        description="Để trống để tự điền theo xã, ví dụ “UBND XÃ ANH SƠN”.",
    )
    address = StringField("Địa chỉ trụ sở", validators=[_max(300)])


class StaffForm(FlaskForm):
    full_name = StringField(
        "Họ và tên", validators=[required("Vui lòng nhập họ và tên."), _max(120)]
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
        validators=[_max(200)],
        description="Ví dụ: nghỉ bù Quốc khánh theo thông báo của Bộ Nội vụ.",
    )
