"""What every postal document shares: the operator, dates as printed, money and its reading in
words (from app/core/money_words.py), the ID-number guard, and the one-page layout of the
documents stuck on an envelope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

# The reading in words lives in app/core/money_words.py; the postal papers import it from here.
from app.core.money_words import amount_in_words, number_in_words  # noqa: F401
from app.documents.pdf import DENSITIES, render_fitting
from app.documents.receipt import format_vn_date

# The only designated public postal operator (Decision 45/2016/QĐ-TTg, DOMAIN.md §6).
POSTAL_OPERATOR = "Tổng công ty Bưu điện Việt Nam"

# Digits of the personal ID number a document may show (DOMAIN.md §7).
_VISIBLE_ID_DIGITS = 4

ORIGINAL = "Bản chính"
COPY = "Bản sao"


@dataclass(frozen=True)
class CountedLine:
    """One document counted with the citizen."""

    name: str
    kind_label: str  # "Bản chính" | "Bản sao"
    copies: int
    present: bool
    required: bool

    @property
    def is_original(self) -> bool:
        return self.kind_label.strip().lower().startswith(ORIGINAL.lower())

    @property
    def copies_text(self) -> str:
        return str(self.copies) if self.present else "—"

    @property
    def status_text(self) -> str:
        if self.present:
            return "Có"
        return "THIẾU" if self.required else "Không có"


# --- formatting ----------------------------------------------------------------------------


def format_money(amount: int) -> str:
    """An amount in đồng as printed on receipts: ``135.000 đ``; zero is ``0 đ``.

    The format of the pages' ``money`` filter (app/templating.py), except that a receipt
    prints a number where the catalogue page says "Miễn phí".
    """
    return f"{amount:,}".replace(",", ".") + " đ"


def short_time(dt: datetime) -> str:
    """``09:05, 23/11/2026``, the pages' ``vn_datetime`` format."""
    return f"{dt:%H:%M, %d/%m/%Y}"


def day_text(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def date_line(d: date) -> str:
    """``Ngày 23 tháng 11 năm 2026``: the date line of a header without a place name."""
    text = format_vn_date(d)
    return text[0].upper() + text[1:]


def check_masked_id(value: str, field: str) -> None:
    # Defence in depth: a printed document must never carry the full ID number.
    if sum(ch.isdigit() for ch in value) > _VISIBLE_ID_DIGITS:
        raise ValueError(f"{field} shows more than the last 4 digits")


# --- one page whatever the length ----------------------------------------------------------

# The label and the document list go on the envelope and are signed: they must stay one page.
# Beyond the forms' densities (0–2) their templates have two tighter steps (smaller margins
# and type, the missing papers run on in one paragraph).
ONE_PAGE_DENSITIES = (*DENSITIES, 3, 4)


def render_one_page(template_name: str, context: object) -> bytes:
    """As :func:`~app.documents.pdf.render_fitting`, with the two extra densities."""
    return render_fitting(template_name, context, ONE_PAGE_DENSITIES)


def count_copies(lines: Iterable[CountedLine], original: bool) -> int:
    """Copies of the papers present that are originals (``original``) or copies."""
    return sum(line.copies for line in lines if line.present and line.is_original == original)


class Timed:
    """A printed line's time, as the papers print it (``at``)."""

    at: datetime

    @property
    def at_text(self) -> str:
        return short_time(self.at)


class Amount:
    """A printed line's sum in đồng (``amount``)."""

    amount: int

    @property
    def amount_text(self) -> str:
        return format_money(self.amount)


class DayRange:
    """A report's period of days (``day_from`` to ``day_to``), as its title prints it."""

    day_from: date
    day_to: date

    @property
    def period_text(self) -> str:
        if self.day_from == self.day_to:
            return f"Ngày {day_text(self.day_from)}"
        return f"Từ ngày {day_text(self.day_from)} đến ngày {day_text(self.day_to)}"


class FeeAndPostage:
    """The procedure fee and the postage, always shown apart (DOMAIN.md §8), and their sum."""

    fee: int
    postage: int

    @property
    def total(self) -> int:
        return self.fee + self.postage

    @property
    def fee_text(self) -> str:
        return format_money(self.fee)

    @property
    def postage_text(self) -> str:
        return format_money(self.postage)

    @property
    def total_text(self) -> str:
        return format_money(self.total)
