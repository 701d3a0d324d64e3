""" "Hướng dẫn cho người dân": the one-page guide a community team member prints for the
citizen they helped (issue 5, DOMAIN.md §1).

Written for someone who may not read well: big type, short sentences, one topic per block:
the dossier code (large, with a QR code to the public look-up page), the due date (and
plainly whether it is only provisional), what happens next, where the result comes, and who
helped. The template gets a :class:`CitizenGuide` of plain, already formatted and already
masked data: no ID number at all, the phone masked, for a result by post only the village
and commune.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.documents.fee import FeeInstructions
from app.documents.pdf import render_fitting
from app.documents.receipt import format_vn_time, qr_data_uri

__all__ = ["CitizenGuide", "render_guide"]

TEMPLATE = "pdf/assist_guide.html"
# One step tighter than the forms (app/documents/pdf.py): a fee's box and a helper's block
# together would otherwise push the footer onto a second page.
DENSITIES = (0, 1, 2, 3)

_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


@dataclass(frozen=True)
class CitizenGuide:
    """Everything printed on the guide, already masked and labelled."""

    dossier_code: str
    procedure_name: str
    applicant_name: str
    applicant_phone_masked: str  # e.g. "0912***678"; "" when the dossier has no phone
    receiving_unit: str  # the one-stop unit that checks the dossier
    submitted_at: datetime
    due_date: date | None  # None: not known yet
    provisional: bool  # the due date is provisional until an officer accepts the dossier
    return_channel: str  # "online" | "counter" | "post" (RETURN_CHANNEL_LABELS' keys)
    return_channel_label: str  # e.g. "Tại Bộ phận Một cửa"
    return_place: str  # counter: unit and address; post: village and commune; online: ""
    lookup_url: str  # absolute URL of /tra-cuu/<code>
    helper_name: str = ""  # the volunteer; "" when nobody helped
    team_name: str = ""
    assist_place: str = ""  # where the citizen was helped, e.g. the village hall
    team_phone: str = ""  # the team's phone, when known
    printed_at: datetime | None = None
    # The papers to take to the one-stop counter, when that is how they reach the unit:
    # "Mang giấy tờ đến …" with the place; "" when they travel by post or are not needed.
    papers_text: str = ""
    # Papers still on their way: when the count starts, instead of a date.
    due_pending: str = ""
    # A fee still to pay: the amount and how, with its VietQR code (app/documents/fee.py).
    fee: FeeInstructions | None = None

    def __post_init__(self) -> None:
        # Defence in depth: the guide names no ID number, and a phone only masked.
        digits = sum(ch.isdigit() for ch in self.applicant_phone_masked)
        if digits > 7:
            raise ValueError("applicant_phone_masked is not masked")

    @property
    def qr_src(self) -> str:
        return qr_data_uri(self.lookup_url)

    @property
    def helped(self) -> bool:
        return bool(self.helper_name or self.team_name)

    @property
    def due_text(self) -> str:
        """``Thứ Năm, ngày 26/11/2026``: digits and the weekday, easier than words."""
        if self.due_date is None:
            return ""
        return f"{_WEEKDAYS[self.due_date.weekday()]}, ngày {self.due_date:%d/%m/%Y}"

    @property
    def due_note(self) -> str:
        if self.due_pending:
            return f"{self.due_pending}. Ngày hẹn sẽ được báo qua tin nhắn khi cán bộ nhận giấy tờ."
        if self.due_date is None:
            return "Ngày hẹn sẽ được báo qua tin nhắn khi cán bộ nhận hồ sơ."
        if self.provisional:
            return (
                "Đây là ngày dự kiến, chưa phải ngày hẹn chính thức. Khi cán bộ nhận hồ sơ, "
                "ngày hẹn chính thức sẽ được báo qua tin nhắn."
            )
        return "Cán bộ đã nhận hồ sơ: đây là ngày hẹn chính thức."

    @property
    def sms_text(self) -> str:
        if not self.applicant_phone_masked:
            return "Hồ sơ không có số điện thoại nhận tin nhắn: hỏi hồ sơ đến đâu bằng mã ở trên."
        return (
            f"Tin nhắn đến số {self.applicant_phone_masked}: khi cán bộ nhận hồ sơ, khi cần "
            "bổ sung giấy tờ, khi có kết quả."
        )

    @property
    def supplement_text(self) -> str:
        if self.helped:
            helper = self.helper_name or self.team_name
            where = f"đến {helper} để được giúp"
        else:
            where = f"đến {self.receiving_unit}, hoặc đăng nhập Cổng dịch vụ công"
        return (
            f"Mang tờ này và giấy tờ còn thiếu {where}. Hồ sơ chỉ được giải quyết tiếp "
            "khi đã bổ sung."
        )

    @property
    def result_text(self) -> str:
        """How the result comes, by the channel chosen in the application."""
        if self.return_channel == "post":
            place = f" đến: {self.return_place}" if self.return_place else " đến nhà Ông/Bà"
            return (
                f"Bưu điện mang kết quả{place}. Tin nhắn báo trước khi bưu điện đến. "
                "Khi nhận, mang theo căn cước."
            )
        if self.return_channel == "counter":
            place = self.return_place or self.receiving_unit
            return (
                f"Khi có tin nhắn báo kết quả, đến nhận tại: {place}. Mang theo giấy tiếp "
                "nhận hồ sơ và căn cước."
            )
        helper = ", hoặc nhờ tổ công nghệ số cộng đồng giúp" if self.helped else ""
        return (
            "Khi có tin nhắn báo kết quả, đăng nhập Cổng dịch vụ công bằng số điện thoại "
            f"của Ông/Bà để tải kết quả{helper}."
        )

    @property
    def submitted_at_text(self) -> str:
        return format_vn_time(self.submitted_at)

    @property
    def printed_at_text(self) -> str:
        return f"{self.printed_at:%H:%M, %d/%m/%Y}" if self.printed_at else ""


def render_guide(doc: CitizenGuide) -> bytes:
    """The guide as an A5 PDF, one page (tighter type if a long name would need two). Call
    inside a Flask application context."""
    return render_fitting(TEMPLATE, doc, DENSITIES)
