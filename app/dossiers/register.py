"""The register of dossiers (Mẫu 07) as a table: its columns, one row per dossier, and the CSV
that opens in Excel with its diacritics."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from app.core import spreadsheet
from app.dossiers.models import Dossier
from app.dossiers.statuses import RETURN_CHANNEL_LABELS

REGISTER_COLUMNS = (
    "STT",
    "Mã hồ sơ",
    "Thủ tục",
    "Người nộp",
    "Số điện thoại",
    "Ngày nộp",
    "Ngày tiếp nhận",
    "Hẹn trả",
    "Ngày trả",
    "Trạng thái",
    "Đúng hạn",
    "Nhận kết quả",
)


def _moment(value: datetime | None) -> str:
    return value.strftime("%d/%m/%Y %H:%M") if value else ""


def register_row(n: int, d: Dossier) -> list[str]:
    return [
        str(n),
        d.code or "",
        d.procedure.name,
        d.applicant_name,
        d.applicant_phone,
        _moment(d.submitted_at),
        _moment(d.received_at),
        d.due_date.strftime("%d/%m/%Y") if d.due_date else "",
        _moment(d.returned_at or d.closed_at),
        d.status_label,
        "" if d.on_time is None else ("Đúng hạn" if d.on_time else "Quá hạn"),
        RETURN_CHANNEL_LABELS.get(d.return_channel, ""),
    ]


def csv_chunks(dossiers: Iterable[Dossier]) -> Iterator[str]:
    """The register as CSV, streamed; a cell a spreadsheet would evaluate (a citizen named
    ``=HYPERLINK(…)``) is written as text (:mod:`app.core.spreadsheet`)."""
    rows = (register_row(n, dossier) for n, dossier in enumerate(dossiers, 1))
    return spreadsheet.csv_chunks(REGISTER_COLUMNS, rows)
