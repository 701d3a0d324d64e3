"""The rating form, the feedback form and the unit's answer."""

from __future__ import annotations

from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional

from app.core.forms import AppForm, MobilePhone, max_length, required, strip_spaces
from app.feedback import rules


class RatingForm(AppForm):
    score = RadioField(
        "Ông/Bà hài lòng với việc giải quyết hồ sơ này ở mức nào?",
        choices=[(str(k), v) for k, v in rules.SCORES.items()],
        validators=[required("Vui lòng chọn mức độ hài lòng.")],
    )
    reasons = SelectMultipleField(
        "Vì sao? (chọn một hoặc nhiều, không bắt buộc)",
        choices=list(rules.REASONS.items()),
        validate_choice=True,
    )
    comment = TextAreaField(
        "Góp ý thêm (không bắt buộc)",
        description=f"Tối đa {rules.COMMENT_MAX} ký tự. Không ghi số điện thoại hay số căn cước.",
        filters=[strip_spaces],
        validators=[max_length(rules.COMMENT_MAX)],
    )


class FeedbackForm(AppForm):
    dossier_code = StringField(
        "Mã hồ sơ (nếu phản ánh về một hồ sơ)",
        description="Ví dụ 000.00.14.H40-261123-0001. Để trống nếu phản ánh về một cơ quan.",
        filters=[strip_spaces],
        validators=[max_length(25)],
    )
    unit = SelectField(
        "Cơ quan bị phản ánh (nếu không có mã hồ sơ)", coerce=str, choices=[], validate_choice=False
    )
    body = TextAreaField(
        "Nội dung phản ánh, kiến nghị",
        description=f"Tối đa {rules.FEEDBACK_MAX} ký tự.",
        filters=[strip_spaces],
        validators=[
            DataRequired("Vui lòng ghi nội dung phản ánh."),
            max_length(rules.FEEDBACK_MAX),
        ],
    )
    name = StringField(
        "Họ và tên người phản ánh",
        filters=[strip_spaces],
        validators=[DataRequired("Vui lòng ghi họ và tên."), max_length(120)],
    )
    phone = StringField(
        "Số điện thoại (không bắt buộc)",
        description="Để nhận tin nhắn khi cơ quan trả lời; không hiện trên trang tra cứu.",
        filters=[strip_spaces],
        validators=[Optional(), MobilePhone()],
    )
    client_token = HiddenField()


class AnswerForm(AppForm):
    answer = TextAreaField(
        "Nội dung trả lời",
        filters=[strip_spaces],
        validators=[DataRequired("Vui lòng ghi nội dung trả lời."), max_length(rules.ANSWER_MAX)],
    )
