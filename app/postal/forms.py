"""Forms of the postal pages and of the post offices' administration. Choice lists that change
at run time are filled by the views; the checklist and the manifest's marks, which are rows
rather than fields, are read by :func:`counted_documents` and :func:`manifest_decisions`."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, ValidationError

from app.accounts.forms import IdentityFields
from app.core.forms import (
    AppForm,
    ClockTimeField,
    MobilePhone,
    SmallNumberField,
    VietnameseDateField,
    WholeRange,
    max_length,
    required,
)
from app.dossiers.forms import AddressMixin, _commune_in_province
from app.postal.flow import FAILURE_REASONS, RECIPIENT_RELATIONS
from app.postal.models import HandoverManifest
from app.postal.operations.pickup import CountedDocument
from app.postal.operations.slots import SLOT_CAPACITY_MAX
from app.postal.schedule import WEEKDAY_LABELS
from app.postal.tokens import SCOPES

_MONEY = [
    Optional(),
    WholeRange(0, 100_000_000, "Số tiền phải từ 0 đến 100.000.000 đồng."),
]


def _money(label: str, description: str = "") -> IntegerField:
    return IntegerField(label, validators=_MONEY, description=description)


class BookingForm(AddressMixin, AppForm):
    """Where and when the worker comes for the papers (DOMAIN.md §6, leg A step 1)."""

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
    landmark = StringField(
        "Dấu hiệu dễ nhận biết",
        validators=[Optional(), max_length(200)],
        description="Ví dụ: cạnh nhà văn hóa bản, đối diện trường tiểu học.",
    )
    contact_phone = StringField(
        "Số điện thoại để nhân viên bưu điện gọi",
        validators=[required(), MobilePhone()],
    )
    # The slot's name (app/postal/schedule.py slot_key): a slot has no id until it is booked.
    slot = RadioField("Chọn ngày, giờ bưu điện đến", validate_choice=False)

    def validate_slot(self, field: Any) -> None:
        if not field.data:
            raise ValidationError("Vui lòng chọn một khung giờ.")

    def pickup_address(self) -> dict[str, str]:
        """Where the worker comes, as the booking operation takes it."""
        return {
            "commune_code": self.commune.data,
            "village": self.village.data,
            "street": self.street.data or "",
            "landmark": self.landmark.data or "",
            "contact_phone": self.contact_phone.data,
        }


class CollectForm(AppForm):
    """Leg A at the door or the counter. The checklist's rows are read by the view
    (``present-<code>``, ``kind-<code>``): one row per document of the procedure."""

    seal_number = StringField(
        "Số niêm phong bì hồ sơ",
        validators=[required("Vui lòng ghi số niêm phong."), max_length(40)],
        description="Niêm phong bì hồ sơ trước mặt người dân rồi ghi số niêm phong.",
    )
    fee = _money("Phí, lệ phí thủ tục đã thu (đồng)")
    postage = _money("Cước bưu chính đã thu (đồng)")


def counted_documents(formdata: MultiDict, rows: list[dict[str, Any]]) -> list[CountedDocument]:
    """The checklist as the worker marked it: ``present-<code>`` and ``kind-<code>`` per row."""
    return [
        CountedDocument(
            code=row["code"],
            present=formdata.get(f"present-{row['code']}") == "1",
            kind=formdata.get(f"kind-{row['code']}", row["kind"]),
        )
        for row in rows
    ]


def manifest_decisions(
    manifest: HandoverManifest, formdata: MultiDict
) -> dict[int, tuple[bool, str]]:
    """The officer's mark per item (``item-<id>``: received or missing, ``note-<id>``);
    an item left unmarked is absent."""
    decisions = {}
    for item in manifest.items:
        choice = formdata.get(f"item-{item.id}", "")
        if choice in ("received", "missing"):
            decisions[item.id] = (choice == "received", formdata.get(f"note-{item.id}", ""))
    return decisions


class DeliverForm(AppForm):
    recipient_name = StringField(
        "Họ tên người nhận",
        validators=[required("Vui lòng ghi họ tên người nhận."), max_length(120)],
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
    note = TextAreaField("Ghi chú", validators=[max_length(300)])

    def recipient(self) -> dict[str, Any]:
        """Who received the result, as the delivery step takes it."""
        return {
            "recipient_name": self.recipient_name.data,
            "relation": self.relation.data,
            "id_checked": self.id_checked.data,
            "postage": self.postage.data or 0,
            "note": self.note.data or "",
        }


class FailForm(AppForm):
    reason = RadioField(
        "Lý do chưa giao được",
        choices=list(FAILURE_REASONS.items()),
        validators=[required("Vui lòng chọn lý do.")],
    )
    note = TextAreaField("Ghi chú (không bắt buộc)", validators=[max_length(300)])


class AssignForm(AppForm):
    worker = SelectField("Nhân viên phụ trách", coerce=int, choices=[], validate_choice=True)


class ManifestForm(AppForm):
    items = SelectMultipleField(
        "Bưu gửi giao cho đơn vị", coerce=int, choices=[], validate_choice=True
    )

    def validate_items(self, field: Any) -> None:
        if not field.data:
            raise ValidationError("Vui lòng chọn ít nhất một bưu gửi.")


class HandResultsForm(AppForm):
    items = SelectMultipleField("Kết quả giao cho bưu điện", coerce=int, choices=[])
    worker = SelectField("Nhân viên bưu điện nhận", coerce=int, choices=[])

    def validate_items(self, field: Any) -> None:
        if not field.data:
            raise ValidationError("Vui lòng chọn ít nhất một kết quả.")


class CounterCitizenForm(IdentityFields, AppForm):
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

    def identity(self) -> dict[str, Any]:
        """Who the citizen is, as registering them takes it."""
        return {
            "full_name": self.full_name.data,
            "phone": self.phone.data,
            "id_number": self.id_number.data,
            "date_of_birth": self.date_of_birth.data,
            "sex": self.sex.data,
        }


# --- the administration: post offices, their schedule, their API tokens ---------------------


class PostOfficeForm(AppForm):
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

    def values(self) -> dict[str, Any]:
        """The office as saving it takes it."""
        return {
            "code": self.code.data,
            "name": self.name.data,
            "address": self.address.data or "",
            "phone": self.phone.data or "",
            "active": bool(self.active.data),
            "commune_codes": self.communes.data or [],
            "move_communes": bool(self.move_communes.data),
        }


WEEKDAY_CHOICES = [("", "— Chọn thứ —")] + [
    (str(number), label) for number, label in enumerate(WEEKDAY_LABELS)
]


class SlotTemplateForm(AppForm):
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

    def window(self) -> dict[str, Any]:
        """The weekly window as adding it takes it (a weekday that is not a number is -1)."""
        value = self.weekday.data
        weekday = int(value) if value and value.isascii() and value.isdigit() else -1
        return {
            "weekday": weekday,
            "start": self.start.data,
            "end": self.end.data,
            "capacity": self.capacity.data,
        }


class ClosureForm(AppForm):
    day = VietnameseDateField("Ngày bưu cục nghỉ", validators=[required("Vui lòng chọn ngày.")])
    note = StringField(
        "Lý do (không bắt buộc)",
        validators=[max_length(200)],
        description="Ví dụ: mưa lũ, đường vào bản bị sạt lở.",
    )


class ApiTokenForm(AppForm):
    name = StringField(
        "Tên khóa",
        validators=[required("Vui lòng đặt tên cho khóa."), max_length(100)],
        description="Để phân biệt các khóa, ví dụ “Hệ thống bưu chính Vietnam Post”.",
    )
    scopes = SelectMultipleField(
        "Quyền của khóa", choices=list(SCOPES.items()), validate_choice=False
    )
