"""Forms of the volunteer's pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import Length

from app.accounts.forms import IdentityFields
from app.core.forms import MobilePhone, required

CONSENT_WAYS = [
    ("sms_code", "Gửi mã xác nhận qua tin nhắn đến điện thoại của người dân"),
    ("paper", "Người dân không nhận được tin nhắn: ký xác nhận trên giấy tiếp nhận"),
]


class ConsentForm(FlaskForm):
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


class CodeForm(FlaskForm):
    code = StringField(
        "Mã 6 chữ số người dân nhận được",
        validators=[required("Vui lòng nhập mã người dân đọc cho bạn."), Length(max=12)],
    )
