"""Bank statements (sao kê) that staff import for banks without a webhook: CSV or XLSX.

Vietnamese banks export the credits of an account with their own column names and a few lines
of account details above the table: the header row is the first of the first 30 rows that names
a date, a credit amount and a content column, in any of the names banks use (folded: case,
diacritics, units in brackets and English halves such as “Có/Credit” do not matter). Amounts
may be numbers, or text with dots or commas for thousands (“1.250.000”, “1,250,000.00”);
rows without a credit (debits, balances, totals) are skipped; a row that cannot be read is
reported with its line number and why, and the others are still imported.

Pure: no Flask, no database (openpyxl reads the XLSX).
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from app.core.text import fold

HEADER_SEARCH_ROWS = 30
MAX_ROWS = 20_000
# Column names of the main Vietnamese banks' statement exports (folded), per meaning.
ALIASES: dict[str, frozenset[str]] = {
    "date": frozenset(
        {
            "ngay giao dich",
            "ngay gd",
            "ngay hieu luc",
            "ngay ghi so",
            "ngay hach toan",
            "thoi gian giao dich",
            "thoi gian",
            "ngay",
            "transaction date",
            "date",
            "effective date",
        }
    ),
    "credit": frozenset(
        {
            "so tien ghi co",
            "ghi co",
            "so tien co",
            "phat sinh co",
            "tien vao",
            "co",
            "credit",
            "credit amount",
        }
    ),
    "debit": frozenset(
        {"so tien ghi no", "ghi no", "so tien no", "phat sinh no", "tien ra", "no", "debit"}
    ),
    "content": frozenset(
        {
            "noi dung",
            "noi dung giao dich",
            "noi dung chuyen khoan",
            "mo ta",
            "mo ta giao dich",
            "dien giai",
            "chi tiet giao dich",
            "description",
            "details",
            "transaction details",
        }
    ),
    "reference": frozenset(
        {
            "so tham chieu",
            "so but toan",
            "ma giao dich",
            "ma gd",
            "so giao dich",
            "so gd",
            "so ct",
            "so chung tu",
            "reference",
            "reference no",
            "ref no",
            "transaction id",
            "transaction no",
        }
    ),
}
REQUIRED = ("date", "credit", "content")
_DATE_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
)
_CURRENCY = re.compile(r"(?i)vnd|vnđ|đồng|đ|₫|\s")


class StatementError(Exception):
    """The file as a whole cannot be read (a Vietnamese message for the form's file field)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StatementRow:
    line: int  # the row's number in the file (1-based), for messages
    transferred_at: datetime
    amount: int  # the credit, in đồng
    content: str
    reference: str = ""


@dataclass
class Statement:
    rows: list[StatementRow] = field(default_factory=list)
    skipped: int = 0  # rows without a credit: debits, balances, totals
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, why)


def _names(header: object) -> set[str]:
    """The folded names a header cell gives (“Có/Credit (VND)” → {"co", "credit"})."""
    text = fold(re.sub(r"\([^)]*\)", " ", str(header or "")))
    return {part.strip(" .:*") for part in re.split(r"[/|\n]", text) if part.strip(" .:*")}


def find_columns(row: Sequence[object]) -> dict[str, int] | None:
    """Which column holds what, if ``row`` is a header row; None otherwise."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        names = _names(cell)
        for meaning, aliases in ALIASES.items():
            if meaning not in columns and names & aliases:
                columns[meaning] = index
                break
    return columns if all(m in columns for m in REQUIRED) else None


def parse_amount(value: object) -> int:
    """Whole đồng from a cell; 0 for an empty one. ValueError for anything else."""
    if value is None or isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("số tiền có phần lẻ dưới một đồng")
        return int(value)
    text = _CURRENCY.sub("", str(value)).replace("\u00a0", "").lstrip("+")
    if text in ("", "-"):
        return 0
    for thousands, decimal in ((".", ","), (",", ".")):
        t, d = re.escape(thousands), re.escape(decimal)
        found = re.fullmatch(rf"(\d{{1,3}}(?:{t}\d{{3}})+|\d+)(?:{d}(\d{{1,2}}))?", text)
        if found:
            if (found[2] or "").strip("0"):
                raise ValueError(f"số tiền “{value}” có phần lẻ dưới một đồng")
            return int(found[1].replace(thousands, ""))
    raise ValueError(f"số tiền “{value}” không đọc được")


def parse_moment(value: object) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = " ".join(str(value or "").split())
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(f"ngày giao dịch “{text}” không đọc được (cần dạng 07/12/2026)")


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _cell(row: Sequence[object], index: int | None) -> object:
    return row[index] if index is not None and index < len(row) else None


def _read_rows(rows: Iterable[Sequence[object]]) -> Statement:
    statement = Statement()
    columns: dict[str, int] | None = None
    for line, row in enumerate(rows, start=1):
        if columns is None:
            if line > HEADER_SEARCH_ROWS:
                break
            columns = find_columns(row)
            continue
        if line > MAX_ROWS:
            raise StatementError(f"Tệp có hơn {MAX_ROWS:,} dòng: vui lòng tách thành nhiều tệp.")
        if not any(_text(cell) for cell in row):
            continue
        try:
            amount = parse_amount(_cell(row, columns["credit"]))
            if amount <= 0:
                statement.skipped += 1
                continue
            moment = parse_moment(_cell(row, columns["date"]))
        except ValueError as error:
            statement.problems.append((line, str(error)))
            continue
        statement.rows.append(
            StatementRow(
                line,
                moment,
                amount,
                _text(_cell(row, columns["content"])),
                _text(_cell(row, columns.get("reference"))),
            )
        )
    if columns is None:
        raise StatementError(
            "Không tìm thấy dòng tiêu đề của bảng giao dịch: tệp cần có các cột ngày giao dịch, "
            "số tiền ghi có và nội dung (ví dụ “Ngày giao dịch”, “Số tiền ghi có”, “Nội dung”)."
        )
    return statement


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Windows' Vietnamese code page writes tone marks apart: compose them.
        text = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _xlsx_rows(data: bytes) -> list[tuple[object, ...]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise StatementError("Tệp Excel bị hỏng hoặc không phải tệp .xlsx.") from error
    try:
        sheet = book.active
        if sheet is None:
            raise StatementError("Tệp Excel không có trang tính nào.")
        rows = sheet.iter_rows(values_only=True)
        return [tuple(row) for row in itertools.islice(rows, MAX_ROWS + 1)]
    finally:
        book.close()


def read_statement(data: bytes) -> Statement:
    """The credits of a statement file (XLSX when it is a zip, CSV otherwise)."""
    if not data.strip():
        raise StatementError("Tệp sao kê trống.")
    if data.startswith(b"PK\x03\x04"):
        return _read_rows(_xlsx_rows(data))
    if b"\x00" in data[:1024]:
        raise StatementError("Tệp này không phải CSV hay Excel (.xlsx). Chỉ nhận hai loại tệp này.")
    return _read_rows(_csv_rows(data))


def fingerprint(account_number: str, row: StatementRow, nth: int = 0) -> str:
    """A stable id for a statement row without the bank's reference: the same row imported
    again (from the same or a later statement) gets the same id; ``nth`` tells apart identical
    rows of one file."""
    key = "|".join(
        (account_number, row.transferred_at.isoformat(), str(row.amount), row.content, str(nth))
    )
    return "sha1:" + hashlib.sha1(key.encode("utf-8")).hexdigest()
