"""Forms of the volunteer's pages, and the administrator's form of a community team."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, RadioField, SelectField, StringField

from app import geo
from app.accounts.forms import IdentityFields
from app.assist.models import CommunityTeam
from app.core.forms import AppForm, MobilePhone, max_length, required

CONSENT_WAYS = [
    ("sms_code", "Gửi mã xác nhận qua tin nhắn đến điện thoại của người dân"),
    ("paper", "Người dân không nhận được tin nhắn: ký xác nhận trên giấy tiếp nhận"),
]


class ConsentForm(AppForm):
    """Read aloud, then ticked: never ticked in advance (Law 91/2025)."""

    agreed = BooleanField(
        "Người dân đã nghe nội dung trên và đồng ý",
        validators=[required("Cần người dân đồng ý trước khi lưu bất cứ thông tin nào.")],
    )
    way = RadioField(
        "Cách xác nhận",
        choices=CONSENT_WAYS,
        validators=[required("Vui lòng chọn cách người dân xác nhận.")],
    )


class NewCitizenForm(IdentityFields, ConsentForm):
    phone = StringField(
        "Số điện thoại di động của người dân",
        validators=[required(), MobilePhone()],
        description="Tin nhắn về hồ sơ gửi đến số này; người dân dùng số này để nhận tài khoản.",
    )

    def details(self) -> dict[str, Any]:
        """What the account will hold, as plain data (it waits in a code's row, as JSON)."""
        return {
            "full_name": " ".join(self.full_name.data.split()),
            "phone": self.phone.data,
            "id_number": self.id_number.data,
            "date_of_birth": self.date_of_birth.data.isoformat(),
            "sex": self.sex.data,
        }


class CodeForm(AppForm):
    code = StringField(
        "Mã 6 chữ số người dân nhận được",
        validators=[required("Vui lòng nhập mã người dân đọc cho bạn."), max_length(12)],
    )


class TeamForm(AppForm):
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

    @classmethod
    def for_team(cls, team: CommunityTeam | None, province_code: int) -> TeamForm:
        """The form with the province's communes to choose from; ``team``'s values unless posted."""
        form = cls()
        form.commune_code.choices = [("", "— Chọn xã, phường —")] + [
            (c.code, c.name) for c in geo.communes(province_code)
        ]
        if not form.is_submitted() and team is not None:
            form.commune_code.data = team.commune_code
            form.village.data = team.village
            form.name.data = team.name
            form.meeting_place.data = team.meeting_place
            form.active.data = team.is_active
        return form

    def team_data(self) -> dict[str, Any]:
        """The keyword arguments of :func:`app.assist.operations.save_team`."""
        return {
            "name": self.name.data or "",
            "commune_code": self.commune_code.data or "",
            "village": self.village.data or "",
            "meeting_place": self.meeting_place.data or "",
            "active": bool(self.active.data),
        }
