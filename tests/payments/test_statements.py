"""Statement files (app/payments/statements.py): the banks' own column names, amounts and
dates as they write them; CSV and XLSX. Pure: no app, no database."""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime

import pytest
from openpyxl import Workbook

from app.payments.statements import (
    StatementError,
    StatementRow,
    fingerprint,
    parse_amount,
    parse_moment,
    read_statement,
)

PREAMBLE = [
    ["NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM"],
    ["SAO KÊ TÀI KHOẢN"],
    ["Số tài khoản:", "0071000888999"],
    ["Chủ tài khoản:", "UBND XÃ MƯỜNG XÉN"],
    ["Từ ngày: 01/12/2026 đến ngày: 07/12/2026"],
    [],
]


TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """``text`` as Windows' Vietnamese code page writes it: a base letter, then its tone."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tone = next(mark for mark in parts if mark in TONES)
            base = unicodedata.normalize("NFC", parts.replace(tone, ""))
            out += (base + tone).encode("cp1258")
    return out


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("20.000", 20_000),
        ("20,000", 20_000),
        ("1.250.000", 1_250_000),
        ("1,250,000.00", 1_250_000),
        ("1.250.000,00", 1_250_000),
        ("20000", 20_000),
        ("20000.00", 20_000),
        ("+20.000 VND", 20_000),
        ("20.000 đ", 20_000),
        ("135 000", 135_000),
        ("\u00a0135.000\u00a0", 135_000),
        ("", 0),
        ("-", 0),
        (None, 0),
        (20000, 20_000),
        (20000.0, 20_000),
    ],
)
def test_amounts_as_banks_write_them(text: object, amount: int) -> None:
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["20.000,50", "12,5", "abc", "20.5", 20000.5, "1..000"])
def test_amounts_with_fractions_of_a_dong_or_garbage_are_refused(text: object) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("07/12/2026", datetime(2026, 12, 7)),
        ("07/12/2026 09:41:05", datetime(2026, 12, 7, 9, 41, 5)),
        ("07/12/2026\n09:41", datetime(2026, 12, 7, 9, 41)),
        ("2026-12-07 09:41:05", datetime(2026, 12, 7, 9, 41, 5)),
        ("07-12-2026", datetime(2026, 12, 7)),
        (datetime(2026, 12, 7, 9, 41, 5, 120), datetime(2026, 12, 7, 9, 41, 5)),
    ],
)
def test_dates(text: object, moment: datetime) -> None:
    assert parse_moment(text) == moment


def test_a_vietcombank_style_csv_with_its_preamble() -> None:
    lines = [",".join(f'"{c}"' for c in row) for row in PREAMBLE] + [
        "STT,Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Số dư,Mô tả",
        '1,07/12/2026 09:41:05,FT26341001,,"20.000","19.077.000",'
        '"MBVCB.123.MC7K3P9QXD.Nguyễn Thị Hoa nộp phí"',
        '2,07/12/2026 10:02:00,FT26341002,"5.500",,"19.071.500",Phí quản lý tài khoản',
        '3,07/12/2026 10:15:00,,,"135.000","19.206.500","Lò Văn Pâng chuyển tiền lệ phí"',
        '4,ngày hôm qua,FT26341004,,"10.000",,"MC H40TRY2 Y"',
        ",,,,,,",
    ]
    statement = read_statement(("\n".join(lines)).encode("utf-8-sig"))
    assert statement.rows == [
        StatementRow(
            8,
            datetime(2026, 12, 7, 9, 41, 5),
            20_000,
            "MBVCB.123.MC7K3P9QXD.Nguyễn Thị Hoa nộp phí",
            "FT26341001",
        ),
        StatementRow(10, datetime(2026, 12, 7, 10, 15), 135_000, "Lò Văn Pâng chuyển tiền lệ phí"),
    ]
    assert statement.skipped == 1  # the account fee (a debit)
    assert [line for line, _ in statement.problems] == [11]
    assert "ngày hôm qua" in statement.problems[0][1]


def test_a_semicolon_csv_in_windows_vietnamese_code_page() -> None:
    text = (
        "Ngày hiệu lực;Số bút toán;Ghi nợ;Ghi có;Diễn giải\n"
        "05/12/2026;BT-0091;;15.000;Tạm trú Hà Thị Thu\n"
    )
    statement = read_statement(cp1258(text))
    assert [(r.amount, r.reference, r.content) for r in statement.rows] == [
        (15_000, "BT-0091", "Tạm trú Hà Thị Thu")
    ]


def test_an_xlsx_with_numbers_dates_and_english_halves_of_headers() -> None:
    data = xlsx(
        [
            *PREAMBLE,
            [
                "Ngày giao dịch/Transaction date",
                "Số tham chiếu/Reference No",
                "Nợ/Debit",
                "Có/Credit (VND)",
                "Diễn giải/Description",
            ],
            [datetime(2026, 12, 7, 9, 41, 5), "FT1", None, 20000, "MC7K3P9QXD Nguyễn Thị Hoa"],
            [datetime(2026, 12, 7, 11, 0), "FT2", 30000, None, "Chuyển đi"],
            ["07/12/2026 14:20", 88123, None, "1.250.000", "Đinh Văn Mạnh nộp lệ phí GPLX"],
        ]
    )
    statement = read_statement(data)
    assert [(r.line, r.amount, r.reference, r.content) for r in statement.rows] == [
        (8, 20_000, "FT1", "MC7K3P9QXD Nguyễn Thị Hoa"),
        (10, 1_250_000, "88123", "Đinh Văn Mạnh nộp lệ phí GPLX"),
    ]
    assert statement.rows[1].transferred_at == datetime(2026, 12, 7, 14, 20)
    assert statement.skipped == 1


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "trống"),
        (b"   \n", "trống"),
        ("Họ tên,Số điện thoại\nHoa,0912345678\n".encode(), "tiêu đề"),
        (b"PK\x03\x04 not really a zip", "hỏng"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "không phải CSV"),
    ],
)
def test_files_that_are_not_statements(data: bytes, says: str) -> None:
    with pytest.raises(StatementError) as refused:
        read_statement(data)
    assert says in refused.value.message


def test_fingerprints_are_stable_and_tell_identical_rows_apart() -> None:
    row = StatementRow(9, datetime(2026, 12, 7, 10, 15), 135_000, "Lò Văn Pâng")
    again = StatementRow(30, datetime(2026, 12, 7, 10, 15), 135_000, "Lò Văn Pâng")
    assert fingerprint("0071000888999", row) == fingerprint("0071000888999", again)
    assert fingerprint("0071000888999", row) != fingerprint("0071000888999", row, 1)
    assert fingerprint("0071000888999", row) != fingerprint("0071000888998", row)
    assert len(fingerprint("0071000888999", row)) <= 64
