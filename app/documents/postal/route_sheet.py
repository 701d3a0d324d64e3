"""The postal worker's round for one day: pickups and deliveries, what to bring and to
collect at each stop, A4."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.documents.pdf import render_pdf
from app.documents.postal.common import POSTAL_OPERATOR, day_text, format_money, short_time

TEMPLATE_ROUTE_SHEET = "pdf/postal/route_sheet.html"
STOP_KINDS = {"pickup": "Nhận hồ sơ", "delivery": "Phát kết quả"}
_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


@dataclass(frozen=True)
class RouteStop:
    """One stop of the round: a pickup of papers or a delivery of a result."""

    number: int
    kind: str  # "pickup" | "delivery"
    window: str  # "08:00–11:00" or "" for deliveries
    dossier_code: str
    item_number: str  # "" before a pickup
    name: str
    phone: str  # full number: the worker must call
    address: str
    landmark: str
    to_bring: tuple[str, ...]  # documents to collect, or "Kết quả (bưu gửi EA…)" to deliver
    amount_to_collect: int  # đồng, fee + postage to collect at this stop

    def __post_init__(self) -> None:
        if self.kind not in STOP_KINDS:
            raise ValueError(f"Unknown stop kind {self.kind!r}")

    @property
    def kind_label(self) -> str:
        return STOP_KINDS[self.kind]

    @property
    def amount_text(self) -> str:
        return format_money(self.amount_to_collect) if self.amount_to_collect else "—"


@dataclass(frozen=True)
class RouteSheet:
    """The worker's round for one day, A4."""

    post_office: str
    worker_name: str
    day: date
    stops: tuple[RouteStop, ...]
    printed_at: datetime
    operator: str = POSTAL_OPERATOR

    @property
    def day_text(self) -> str:
        return f"{_WEEKDAYS[self.day.weekday()]}, ngày {day_text(self.day)}"

    @property
    def pickups(self) -> int:
        return sum(1 for stop in self.stops if stop.kind == "pickup")

    @property
    def deliveries(self) -> int:
        return sum(1 for stop in self.stops if stop.kind == "delivery")

    @property
    def total_to_collect(self) -> int:
        return sum(stop.amount_to_collect for stop in self.stops)

    @property
    def total_text(self) -> str:
        return format_money(self.total_to_collect)

    @property
    def printed_at_text(self) -> str:
        return short_time(self.printed_at)


def render_route_sheet(doc: RouteSheet) -> bytes:
    """The route sheet as an A4 portrait PDF; a long round runs on to further pages with the
    table header repeated. Call inside a Flask application context."""
    return render_pdf(TEMPLATE_ROUTE_SHEET, doc, stored=False)
