"""The catalogue's forms: a unit, the helpers' guide of a procedure, and a pick of units."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import request
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional, Regexp, ValidationError

from app.catalogue.banks import BANKS
from app.catalogue.guide import GUIDE_MAX_LENGTH
from app.catalogue.models import UNIT_KINDS, CollectionAccount, Unit
from app.core.forms import AppForm, IdsChosen, max_length, required
from app.geo import Commune


class UnitsField(IdsChosen, SelectMultipleField):
    """Unit ids, shown as a list of check boxes; the operation checks that they exist."""

    empty: list[int] = []
    refused = "Danh sách đơn vị gửi lên không hợp lệ. Hãy chọn lại."


def percent(raw: str | None) -> float | None:
    """ "12,5" or "12.5" or "20 %" → 12.5, 20.0; None when it is not a number from 0 to 100."""
    text = (raw or "").strip().rstrip("%").strip().replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return round(value, 1) if 0 <= value <= 100 else None


class UnitForm(AppForm):
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
    support_phone = StringField(
        "Số điện thoại hỗ trợ người dân (không bắt buộc)",
        validators=[
            Optional(),
            Regexp(
                r"^\+?[0-9][0-9 .()-]{7,19}$",
                message="Số điện thoại hỗ trợ chỉ gồm chữ số (có thể có dấu cách, dấu chấm), "
                "ví dụ 0238 3844 123.",
            ),
        ],
        description="Hiện ở cuối mỗi trang của đơn vị: “Hỗ trợ: gọi Bộ phận Một cửa …”.",
    )
    online_target = StringField(
        "Chỉ tiêu tỷ lệ hồ sơ trực tuyến, % (không bắt buộc)",
        validators=[Optional(), max_length(6)],
        description="Ví dụ 20 hoặc 12,5. Trang thống kê so tỷ lệ hồ sơ nộp trực tuyến của đơn vị "
        "với chỉ tiêu này. Để trống nếu chưa giao chỉ tiêu.",
    )

    @classmethod
    def of(cls, unit: Unit | None, communes: Iterable[Commune]) -> UnitForm:
        """The form of ``unit`` (a new one when None): what was posted, or the saved unit."""
        form = cls()
        form.commune_code.choices = [("", "— Không gắn với xã (trung tâm cấp tỉnh) —")] + [
            (c.code, c.name) for c in communes
        ]
        if request.method == "GET" and unit is not None:
            form.code.data = unit.code
            form.name.data = unit.name
            form.kind.data = unit.kind
            form.commune_code.data = unit.commune_code or ""
            form.parent_name.data = unit.parent_name
            form.address.data = unit.address
            form.support_phone.data = unit.support_phone
            target = unit.online_target
            form.online_target.data = "" if target is None else f"{target:g}".replace(".", ",")
        return form

    def validate_online_target(self, field: StringField) -> None:
        if percent(field.data) is None and (field.data or "").strip():
            raise ValidationError("Chỉ tiêu là một số phần trăm từ 0 đến 100, ví dụ 20 hoặc 12,5.")

    def values(self) -> dict[str, Any]:
        """The keyword arguments of ``operations.save_unit``."""
        return {
            "code": self.code.data,
            "name": self.name.data,
            "kind": self.kind.data,
            "commune_code": self.commune_code.data or "",
            "parent_name": self.parent_name.data or "",
            "address": self.address.data or "",
            "support_phone": self.support_phone.data or "",
            "online_target": percent(self.online_target.data),
        }


class HelperGuideForm(AppForm):
    helper_guide = TextAreaField(
        "Hướng dẫn cho người hỗ trợ",
        description="Viết cho người giúp người dân nộp hồ sơ, bằng lời dễ hiểu, mỗi dòng một "
        "bước: mang theo giấy tờ gì, chụp ảnh giấy tờ nào, lỗi hay gặp. Trang thủ tục tự đánh "
        f"số các bước. Tối đa {GUIDE_MAX_LENGTH} ký tự. Để trống để dùng hướng dẫn chung "
        "bên dưới.",
    )


class CollectionAccountForm(AppForm):
    """The bank account a unit collects fees into (its dossiers' VietQR names it)."""

    bank_bin = SelectField(
        "Ngân hàng",
        choices=[("", "— Chọn ngân hàng —"), *BANKS.items()],
        validate_choice=False,
        description="Mã QR chuyển khoản ghi ngân hàng bằng mã BIN của NAPAS.",
    )
    account_number = StringField(
        "Số tài khoản",
        validators=[required("Vui lòng nhập số tài khoản."), max_length(30)],
        description="Có thể gõ cách nhóm chữ số, ví dụ 0011 0012 3456.",
    )
    account_name = StringField(
        "Tên chủ tài khoản",
        validators=[required("Vui lòng nhập tên chủ tài khoản."), max_length(120)],
        description="Như ngân hàng ghi: chữ in hoa, không dấu (có dấu thì được tự bỏ dấu), ví "
        "dụ KHO BAC NHA NUOC NGHE AN. Người chuyển tiền thấy tên này trước khi xác nhận.",
    )

    @classmethod
    def of(cls, account: CollectionAccount | None) -> CollectionAccountForm:
        form = cls()
        if request.method == "GET" and account is not None:
            form.bank_bin.data = account.bank_bin
            form.account_number.data = account.account_number
            form.account_name.data = account.account_name
        return form

    def values(self) -> dict[str, str]:
        """The keyword arguments of ``operations.save_collection_account``."""
        return {
            "bank_bin": self.bank_bin.data or "",
            "account_number": self.account_number.data or "",
            "account_name": self.account_name.data or "",
        }
