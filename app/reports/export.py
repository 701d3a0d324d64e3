"""Every table of the dashboard as a CSV or an XLSX file: units or procedures and counts only.

Unit and procedure names are typed by administrators, so every cell goes through
:func:`app.core.spreadsheet.safe_cell` (openpyxl, like a spreadsheet, reads ``=…`` as a formula).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from app.core import spreadsheet
from app.reports.report import BY_PROCEDURE, Report, Table


def header(table: Table) -> list[str]:
    first = "Thủ tục" if table is BY_PROCEDURE or table.by_procedure else "Đơn vị"
    return [first, *(label for label, _ in table.columns)]


def rows(report: Report, table: Table) -> Iterator[list[Any]]:
    for line in report.lines_of(table):
        yield [line.label, *(value(line) for _, value in table.columns)]
    if table is not BY_PROCEDURE and not table.by_procedure:
        yield [report.total.label, *(value(report.total) for _, value in table.columns)]


def filename(report: Report, table: Table, extension: str) -> str:
    period = report.period
    return f"thong-ke-{table.slug}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.{extension}"


def csv_text(report: Report, table: Table) -> Iterator[str]:
    return spreadsheet.csv_chunks(header(table), rows(report, table))


def xlsx_bytes(report: Report, table: Table) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.title[:31])
    sheet.append([report.period.label])
    sheet.append(spreadsheet.safe_row(header(table)))
    for row in rows(report, table):
        sheet.append(spreadsheet.safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
