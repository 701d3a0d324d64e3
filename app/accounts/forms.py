"""Accounts' forms: signing in, registering, claiming, passwords, finding a citizen, and the
administrator's staff account form."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import EqualTo, Length, ValidationError

from app.accounts import affiliations, passwords, queries
from app.accounts.models import User
from app.accounts.staff import MANAGED_ROLES
from app.catalogue.forms import UnitsField
from app.core.forms import (
    AppForm,
    DatePartsField,
    MobilePhone,
    OptionalIdField,
    email_field,
    max_length,
    required,
)
from app.core.identity import IdNumberError, check_id_number, normalise_phone
from app.core.roles import ROLE_LABELS, Role

SEX_CHOICES = [("female", "Nữ"), ("male", "Nam")]


PASSWORD_HINT = (
    f"Ít nhất {passwords.MIN_LENGTH} ký tự và khó đoán: dễ nhớ nhất là ghép ba, bốn từ không "
    "liên quan với nhau. Không dùng số điện thoại, ngày sinh hay tên của bạn."
)


def acceptable_password(form: Any, field: Any) -> None:
    """Inline validator: long enough, not among the most used, not easy to guess. What is
    wrong for this very person (their phone, name…) is checked once they are known (the
    registration form below; the operations for everyone else)."""
    problem = passwords.problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def new_password_fields(
    name: str, hint: str, *, checked: bool = True
) -> tuple[PasswordField, PasswordField]:
    """A new password typed twice ("mật khẩu" / "mật khẩu mới"), acceptable (passwords.py);
    ``checked=False`` when the form checks it itself, knowing whose it is."""
    return (
        PasswordField(
            name.capitalize(),
            validators=[required(f"Vui lòng đặt {name}."), *([acceptable_password] * checked)],
            description=hint,
        ),
        PasswordField(
            f"Nhập lại {name}",
            validators=[
                required(f"Vui lòng nhập lại {name}."),
                EqualTo("password", "Hai mật khẩu không giống nhau."),
            ],
        ),
    )


def id_number_agrees(form: Any, field: Any) -> None:
    """Inline validator: 12 digits that agree with the form's date of birth and sex."""
    field.data = "".join((field.data or "").split())
    if form.date_of_birth.data is None or form.sex.data not in ("male", "female"):
        if len(field.data) != 12 or not field.data.isdigit():
            raise ValidationError("Số định danh cá nhân phải gồm đúng 12 chữ số.")
        return
    try:
        check_id_number(field.data, form.date_of_birth.data, form.sex.data)
    except IdNumberError as error:
        raise ValidationError(str(error)) from error


class LoginForm(AppForm):
    phone = StringField("Số điện thoại", validators=[required(), MobilePhone()])
    password = PasswordField(
        "Mật khẩu",
        validators=[
            required("Vui lòng nhập mật khẩu."),
            Length(
                max=passwords.MAX_LENGTH,
                message=f"Mật khẩu dài tối đa {passwords.MAX_LENGTH} ký tự.",
            ),
        ],
    )


class IdentityFields:
    """Who a citizen is, as on their ID card: name, date of birth, sex and the 12-digit number,
    checked against each other (registration, and a post-office counter registering someone)."""

    full_name = StringField(
        "Họ và tên",
        validators=[required("Vui lòng nhập họ và tên."), max_length(120)],
        description="Như trên thẻ căn cước, có dấu.",
    )
    date_of_birth = DatePartsField(
        "Ngày sinh",
        validators=[required("Vui lòng nhập ngày sinh.")],
        description="Ví dụ 27 3 1990.",
        past=True,
        year_word="Năm sinh",
    )
    sex = RadioField(
        "Giới tính", choices=SEX_CHOICES, validators=[required("Vui lòng chọn giới tính.")]
    )
    id_number = StringField(
        "Số định danh cá nhân (số thẻ căn cước)",
        validators=[required("Vui lòng nhập số định danh cá nhân.")],
        description="12 chữ số.",
    )
    validate_id_number = id_number_agrees


class RegisterForm(IdentityFields, AppForm):
    phone = StringField(
        "Số điện thoại di động",
        validators=[required(), MobilePhone()],
        description="Dùng để đăng nhập và nhận tin nhắn về hồ sơ.",
    )
    email = email_field()
    password, password_again = new_password_fields("mật khẩu", PASSWORD_HINT, checked=False)
    consent = BooleanField(
        "Tôi đã đọc và đồng ý với Thông báo xử lý dữ liệu cá nhân",
        validators=[
            required("Bạn cần đồng ý với thông báo xử lý dữ liệu cá nhân để tạo tài khoản.")
        ],
    )

    def validate_password(self, field: Any) -> None:
        """Not the person's own phone, name, birth date or ID number (as typed above)."""
        problem = passwords.problem(
            field.data or "",
            phone=self.phone.data or "",
            full_name=self.full_name.data or "",
            id_number=self.id_number.data or "",
            date_of_birth=self.date_of_birth.data,
        )
        if problem:
            raise ValidationError(problem)

    def details(self) -> dict[str, Any]:
        """Who registers, as the code's row keeps it until the phone is proved."""
        return {
            "full_name": self.full_name.data,
            "phone": self.phone.data,
            "id_number": self.id_number.data,
            "date_of_birth": self.date_of_birth.data,
            "sex": self.sex.data,
            "email": self.email.data or "",
        }


class ChangePasswordForm(AppForm):
    current = PasswordField(
        "Mật khẩu hiện tại", validators=[required("Vui lòng nhập mật khẩu hiện tại.")]
    )
    password, password_again = new_password_fields("mật khẩu mới", PASSWORD_HINT)


def six_digits(form: Any, field: Any) -> None:
    """Inline validator: the one-time code, spaces allowed ("123 456"), normalised to digits."""
    field.data = "".join((field.data or "").split())
    if len(field.data) != 6 or not field.data.isdigit():
        raise ValidationError("Mã gồm đúng 6 chữ số, trong tin nhắn bạn nhận được.")


class PhoneForm(AppForm):
    """The phone a code goes to (claiming an account, resetting a password)."""

    phone = StringField(
        "Số điện thoại di động",
        validators=[required(), MobilePhone()],
        description="Số bạn dùng để đăng nhập, hoặc số người giúp bạn đã dùng khi tạo tài khoản.",
    )


def code_field() -> StringField:
    return StringField(
        "Mã trong tin nhắn",
        validators=[required("Vui lòng nhập mã gồm 6 chữ số."), six_digits],
        description="6 chữ số.",
    )


class CodeForm(AppForm):
    """The code that proves the phone of someone registering."""

    code = code_field()


class CodeAndPasswordForm(AppForm):
    """The code, and the password it lets one set (claiming an account, resetting)."""

    code = code_field()
    password, password_again = new_password_fields(
        "mật khẩu mới", PASSWORD_HINT + " Từ nay bạn đăng nhập bằng số điện thoại và mật khẩu này."
    )


class CitizenSearchForm(AppForm):
    """Find a citizen by the exact phone or ID number. Posted, never in the URL: a shared
    browser's history must not keep anyone's number."""

    q = StringField(
        "Số điện thoại hoặc số định danh cá nhân của người dân",
        validators=[required("Nhập số điện thoại hoặc số định danh cá nhân."), max_length(20)],
    )

    def lookup(self) -> tuple[str, str] | None:
        """("phone", 0XXXXXXXXX) or ("id_number", 12 digits), or None."""
        raw = "".join((self.q.data or "").split())
        phone = normalise_phone(raw)
        if phone:
            return "phone", phone
        if len(raw) == 12 and raw.isdigit():
            return "id_number", raw
        return None


# --- staff accounts, by the administrator -------------------------------------------------------

ROLE_CHOICES = [("", "— Chọn vai trò —")] + [(r.value, ROLE_LABELS[r]) for r in MANAGED_ROLES]


class StaffForm(AppForm):
    """The choices of ``post_office`` and ``team`` come from the domains that registered them
    (app/accounts/affiliations.py)."""

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

    @classmethod
    def with_choices(cls) -> Any:
        form = cls()
        for affiliation in affiliations.registered():
            form[affiliation.field].choices = affiliation.choices()
        return form

    def affiliated(self) -> dict[str, int | None]:
        """The id chosen for each affiliation, by field."""
        return {a.field: self[a.field].data for a in affiliations.registered()}


class StaffCreateForm(StaffForm):
    phone = StringField(
        "Số điện thoại di động",
        validators=[required("Vui lòng nhập số điện thoại."), MobilePhone()],
        description="Dùng để đăng nhập. Mỗi số chỉ dùng cho một tài khoản.",
    )

    def for_team(self, team_id: str) -> None:
        """ "Add a member" on a team's page (``?to=<team id>``): role and team already chosen."""
        if team_id.isascii() and team_id.isdigit():
            self.role.data = Role.COMMUNITY.value
            self.team.data = int(team_id)


class StaffEditForm(StaffForm):
    active = BooleanField(
        "Tài khoản đang hoạt động (bỏ chọn để khóa, cán bộ sẽ không đăng nhập được)"
    )

    def fill(self, user: User) -> None:
        """What is saved, for the first showing of the form."""
        self.full_name.data = user.full_name
        self.role.data = user.role
        self.units.data = sorted(user.unit_ids)
        for affiliation in affiliations.registered():
            self[affiliation.field].data = getattr(user, f"{affiliation.field}_id")
        self.active.data = user.is_active_account


# --- two accounts of one person, merged by the administrator --------------------------------


def _account_field(label: str) -> StringField:
    return StringField(
        label,
        validators=[required("Nhập số điện thoại hoặc số định danh cá nhân."), max_length(20)],
    )


class MergeForm(AppForm):
    """The account kept and the one merged into it, each by its phone or ID number."""

    keep = _account_field("Tài khoản giữ lại: số điện thoại hoặc số định danh")
    other = _account_field("Tài khoản gộp vào rồi xóa: số điện thoại hoặc số định danh")
    confirm = BooleanField(
        "Tôi đã đối chiếu giấy tờ: hai tài khoản này là của cùng một người",
        validators=[required("Hãy xác nhận đã đối chiếu giấy tờ.")],
    )

    def account(self, field: StringField) -> User | None:
        raw = "".join((field.data or "").split())
        phone = normalise_phone(raw)
        if phone:
            return queries.user_by_phone(phone)
        return queries.user_by_id_number(raw) if len(raw) == 12 and raw.isdigit() else None
