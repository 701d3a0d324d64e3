"""The statistics' summary tables (app/reports/summary.py): the numbers of each finished day,
and of each finished month, kept so that a year's dashboard reads a few thousand rows instead
of a million dossiers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class ReportDay(db.Model):
    """One day the summary knows. Its numbers are used only while ``summarised`` equals
    ``version``: a change to a dossier, a journal line or a payment of that day bumps
    ``version`` in the change's own transaction (the day is counted live again until the next
    refresh)."""

    __tablename__ = "report_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    summarised: Mapped[int | None]
    refreshed_at: Mapped[datetime | None]


class ReportNumber(db.Model):
    """A metric of a unit and procedure over a day (``span`` "d") or a month ("m", ``day`` its
    first day): the same counters as app/reports/queries.py's, summed."""

    __tablename__ = "report_numbers"
    __table_args__ = (
        Index(
            "ix_report_numbers_span_day",
            "span",
            "day",
            "unit_id",
            postgresql_include=["procedure_id", "metric", "value"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    span: Mapped[str] = mapped_column(String(1))
    day: Mapped[date]
    unit_id: Mapped[int | None]
    procedure_id: Mapped[int | None]
    metric: Mapped[str] = mapped_column(String(60))
    value: Mapped[int] = mapped_column(BigInteger)
