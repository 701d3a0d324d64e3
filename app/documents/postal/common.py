"""What every postal document shares: the operator, dates as printed, money and its reading in
words, the ID-number guard, and the one-page layout of the documents stuck on an envelope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

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


_DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUP_WORDS = ("", "nghìn", "triệu")


def _hundreds_words(n: int, full: bool) -> list[str]:
    """Words for 0 < n < 1000; ``full`` reads a zero hundreds digit ("không trăm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGIT_WORDS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(_DIGIT_WORDS[units])
    return words


def _words(n: int, full: bool) -> list[str]:
    """Words for 0 < n; groups of three digits, "tỷ" repeats (một nghìn tỷ, …)."""
    if n >= 1_000_000_000:
        high, low = divmod(n, 1_000_000_000)
        return [*_words(high, full), "tỷ", *(_words(low, True) if low else [])]
    words: list[str] = []
    for power in (2, 1, 0):
        group = n // 1000**power % 1000
        if group:
            words += _hundreds_words(group, full or bool(words))
            if _GROUP_WORDS[power]:
                words.append(_GROUP_WORDS[power])
    return words


def number_in_words(n: int) -> str:
    """A whole number in Vietnamese words, as written on receipts and invoices.

    Written here rather than taken from num2words 0.5.14 (lang "vi"), which reads 1015 as
    "một nghìn lẻ mười lăm" and 2021000 as "hai triệu hai mươi mốt nghìn": after the first
    group every group is read in full ("một nghìn không trăm mười lăm", "hai triệu không trăm
    hai mươi mốt nghìn"), "linh" only stands before a lone unit digit, and 1 after "mươi" is
    "mốt", 5 after a tens digit "lăm".

    >>> number_in_words(135000)
    'một trăm ba mươi lăm nghìn'
    >>> number_in_words(1015)
    'một nghìn không trăm mười lăm'
    """
    if n < 0:
        raise ValueError("a negative amount has no reading on a receipt")
    if n == 0:
        return "không"
    return " ".join(_words(n, False))


def amount_in_words(amount: int) -> str:
    """``Một trăm ba mươi lăm nghìn đồng`` (capitalised, with the currency)."""
    text = number_in_words(amount)
    return f"{text[0].upper()}{text[1:]} đồng"


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
