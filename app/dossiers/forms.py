"""Forms of the application journey (the procedure's own fields come from its schema), of the back
office's actions, and of the calendar overrides."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField
from wtforms import (
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, ValidationError

from app import geo
from app.core.forms import (
    AppForm,
    MobilePhone,
    VietnameseDateField,
    email_field,
    max_length,
    required,
)
from app.dossiers.calendar import OVERRIDE_KINDS
from app.dossiers.queries.backoffice import assignable_staff, units_other_than
from app.dossiers.statuses import INTAKE_CHANNEL_LABELS, RETURN_CHANNEL_LABELS
from app.dossiers.workflow import Action


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


class ApplicantForm(AddressMixin, AppForm):
    phone = StringField("Số điện thoại di động", validators=[required(), MobilePhone()])
    email = email_field()
    province = SelectField("Tỉnh, thành phố", coerce=int, validate_choice=False)
    commune = SelectField(
        "Xã, phường, đặc khu",
        validators=[required("Vui lòng chọn xã, phường."), _commune_in_province("province")],
        validate_choice=False,
    )
    village = StringField(
        "Thôn, bản, tổ dân phố",
        validators=[required("Vui lòng nhập thôn, bản hoặc tổ dân phố."), max_length(120)],
    )
    street = StringField("Số nhà, đường (nếu có)", validators=[Optional(), max_length(200)])


def applicant_data(dossier: Any) -> dict[str, Any]:
    """What the applicant step shows before anything is posted."""
    return {
        "phone": dossier.applicant_phone,
        "email": dossier.applicant_email,
        "commune": dossier.address_commune_code,
        "village": dossier.address_village,
        "street": dossier.address_street,
    }


class DeliveryForm(AddressMixin, AppForm):
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
    return_village = StringField("Thôn, bản, tổ dân phố", validators=[max_length(120)])
    return_street = StringField("Số nhà, đường (nếu có)", validators=[max_length(200)])

    def restrict_to(self, channels: list[str], at_post_office: bool = False) -> None:
        """Offer only what the procedure allows (DOMAIN.md §2, §6). At a post-office counter
        the clerk takes the papers there and then, so that is the only way they travel."""
        intake = {
            "online": "online",
            "post_pickup": "post",
            "counter": "counter",
            "post_office": "post",
        }
        self.intake_channel.choices = [
            (k, v)
            for k, v in INTAKE_CHANNEL_LABELS.items()
            if intake[k] in channels and (k == "post_office") == at_post_office
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


def delivery_data(dossier: Any) -> dict[str, Any]:
    """What the delivery step shows before anything is posted: the return address defaults to
    the applicant's."""
    return {
        "intake_channel": dossier.intake_channel or None,
        "return_channel": dossier.return_channel or None,
        "return_commune": dossier.return_commune_code or dossier.address_commune_code,
        "return_village": dossier.return_village or dossier.address_village,
        "return_street": dossier.return_street or dossier.address_street,
    }


# --- back-office action forms ------------------------------------------------------------


class ActionForm(AppForm):
    """An action with nothing to fill in (accept): the CSRF token only."""

    def prepare(self, dossier: Any, fresh: bool) -> None:
        """Fill the choices for ``dossier``; ``fresh``: nothing was posted (the page shows it)."""


class ReasonForm(ActionForm):
    reason = TextAreaField(
        "Lý do",
        validators=[required("Vui lòng ghi rõ lý do."), max_length(2000)],
        description="Người nộp sẽ đọc lý do này trong tin nhắn và trên văn bản gửi họ.",
    )


class WithdrawForm(AppForm):
    reason = TextAreaField("Lý do rút hồ sơ (không bắt buộc)", validators=[max_length(2000)])


class SupplementForm(ActionForm):
    documents = SelectMultipleField("Giấy tờ cần bổ sung", choices=[], validate_choice=True)
    fields = SelectMultipleField("Thông tin cần sửa", choices=[], validate_choice=True)
    other = StringField("Nội dung khác", validators=[max_length(300)])
    reason = TextAreaField(
        "Lý do, hướng dẫn cho người nộp",
        validators=[required("Vui lòng ghi rõ lý do và cách bổ sung."), max_length(2000)],
    )

    def prepare(self, dossier: Any, fresh: bool) -> None:
        procedure = dossier.procedure
        self.documents.choices = [(d.code, d.name) for d in procedure.documents]
        self.fields.choices = [(f["name"], f["label"]) for f in procedure.form_schema]


class AssignForm(ActionForm):
    assignee = SelectField("Chuyển cho cán bộ", coerce=int, choices=[])
    note = TextAreaField("Ghi chú giao việc (nội bộ)", validators=[max_length(2000)])

    def prepare(self, dossier: Any, fresh: bool) -> None:
        self.assignee.choices = [
            (u.id, f"{u.full_name} – {u.role_label}")
            for u in assignable_staff(dossier.current_unit_id)
        ]


class ForwardForm(ActionForm):
    unit = SelectField("Chuyển đến đơn vị", coerce=int, choices=[])
    note = TextAreaField("Nội dung chuyển", validators=[max_length(2000)])

    def prepare(self, dossier: Any, fresh: bool) -> None:
        self.unit.choices = [(u.id, u.name) for u in units_other_than(dossier.current_unit_id)]


class ApproveForm(ActionForm):
    result_kind = RadioField(
        "Kết quả",
        choices=[("file", "Kết quả điện tử (tệp PDF)"), ("paper", "Kết quả bản giấy")],
        validators=[required("Vui lòng chọn loại kết quả.")],
    )
    result_file = FileField("Tệp kết quả (PDF)")
    note = TextAreaField("Ghi chú kết quả", validators=[max_length(2000)])

    def prepare(self, dossier: Any, fresh: bool) -> None:
        if fresh and dossier.return_channel == "online":
            self.result_kind.data = "file"


class ExtendForm(ActionForm):
    new_due = DateField(
        "Ngày hẹn trả mới", validators=[required("Vui lòng chọn ngày hẹn trả mới.")]
    )
    reason = TextAreaField(
        "Lý do chậm trễ",
        validators=[required("Vui lòng ghi rõ lý do."), max_length(2000)],
    )


class ReturnForm(ActionForm):
    via = RadioField(
        "Trả kết quả",
        choices=[
            ("online", "Trực tuyến (người nộp tải kết quả)"),
            ("counter", "Tại Bộ phận Một cửa"),
            ("post", "Qua dịch vụ bưu chính công ích"),
        ],
        validators=[required("Vui lòng chọn cách trả kết quả.")],
    )
    note = TextAreaField("Ghi chú (người nhận, giấy tờ xuất trình…)", validators=[max_length(2000)])

    def prepare(self, dossier: Any, fresh: bool) -> None:
        if fresh:
            self.via.data = dossier.return_channel


# The form of each action an officer takes on the dossier page.
ACTION_FORMS: dict[Action, type[ActionForm]] = {
    Action.ACCEPT: ActionForm,
    Action.REFUSE: ReasonForm,
    Action.STOP: ReasonForm,
    Action.REQUEST_SUPPLEMENT: SupplementForm,
    Action.ASSIGN: AssignForm,
    Action.FORWARD: ForwardForm,
    Action.APPROVE: ApproveForm,
    Action.EXTEND: ExtendForm,
    Action.RETURN: ReturnForm,
}


def action_form(dossier: Any, action: Action, formdata: Any = None) -> ActionForm | None:
    """The form of one action (None for an action the back office does not take).

    Several live on one page, so each has its own field prefix; the token is checked once for
    every POST by the app-wide CSRFProtect (the plain ``csrf_token`` field), not per form, whose
    prefixed token field would never match."""
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        return None
    form = form_class(formdata=formdata, prefix=action.value, meta={"csrf": False})
    form.prepare(dossier, fresh=formdata is None)
    return form


class StartForm(AppForm):
    procedure = SelectField("Thủ tục người dân cần làm", coerce=int, choices=[])
    client_token = StringField()


class OverrideForm(AppForm):
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
