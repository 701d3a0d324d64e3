"""The unit's books as files: the printed report (app/documents/collection_report.py) and the
CSV (app/core/spreadsheet.py), from the same :class:`~app.payments.books.Books`."""

from __future__ import annotations

from collections.abc import Iterator

from app.core import clock
from app.documents import collection_report as docs
from app.payments.books import CHANNEL_LABELS, Books, Group

UNCONFIRMED = "Chưa xác nhận nhận tiền từ bưu điện"
UNCONFIRMED_TOTAL = "Tiền mặt bưu điện đã thu, đơn vị chưa xác nhận (đến hết kỳ)"
CSV_HEADER = (
    "Phần",
    "Nội dung",
    "Số biên lai",
    "Số tiền (đồng)",
    "Thời gian",
    "Mã hồ sơ",
    "Kênh nộp hồ sơ",
    "Hình thức nộp tiền",
    "Ghi chú",
)


def report_document(books: Books) -> docs.CollectionReport:
    def groups(rows: list[Group]) -> tuple[docs.CollectionGroup, ...]:
        return tuple(docs.CollectionGroup(g.label, g.items, g.amount) for g in rows)

    pending = books.pending_ids

    return docs.CollectionReport(
        unit=books.unit.name,
        period_label=books.period.label,
        day_from=books.period.first,
        day_to=books.period.last,
        by_procedure=groups(books.by_procedure),
        by_channel=groups(books.by_channel),
        by_method=groups(books.by_method),
        lines=tuple(
            docs.CollectionLine(
                receipt_number=p.receipt_number,
                at=p.at,
                dossier_code=p.dossier.code or "",
                procedure_name=p.procedure.name,
                channel_label=CHANNEL_LABELS.get(p.channel, p.channel),
                method_label=p.method_label,
                amount=p.amount,
                unconfirmed=p.id in pending,
            )
            for p in books.payments
        ),
        refunds=tuple(
            docs.RefundLine(
                receipt_number=r.payment.receipt_number,
                dossier_code=r.payment.dossier.code or "",
                at=r.at,
                staff_name=r.staff.full_name,
                reason=r.reason,
                amount=r.amount,
            )
            for r in books.refunds
        ),
        unmatched=tuple(
            docs.TransferLine(t.received_at, t.bank, t.content, t.problem_label, t.amount)
            for t in books.unmatched
        ),
        printed_at=clock.now(),
        pending_post=tuple(
            docs.PostCashLine(
                p.receipt_number,
                p.at,
                p.dossier.code or "",
                p.staff.full_name if p.staff else "",
                p.amount,
            )
            for p in books.pending_post
        ),
    )


def _when(moment) -> str:  # type: ignore[no-untyped-def]
    return f"{moment:%d/%m/%Y %H:%M}" if moment else ""


def csv_rows(books: Books) -> Iterator[list[object]]:
    """The report as rows of :data:`CSV_HEADER`: the sums first, then each receipt, each
    refund, each unmatched transfer and each post payment not yet confirmed."""
    blank = [""] * 5
    for part, rows in (
        ("Theo thủ tục", books.by_procedure),
        ("Theo kênh nộp hồ sơ", books.by_channel),
        ("Theo hình thức nộp tiền", books.by_method),
    ):
        for group in rows:
            yield [part, group.label, group.items, group.amount, *blank]
    yield ["Tổng cộng", f"Đã thu {books.period.label}", books.items, books.total, *blank]
    yield ["Tổng cộng", "Đã hoàn trả trong kỳ", len(books.refunds), books.refunded, *blank]
    yield ["Tổng cộng", "Thu thuần trong kỳ", "", books.net, *blank]
    yield [
        "Tổng cộng",
        UNCONFIRMED_TOTAL,
        len(books.pending_post),
        books.pending_post_amount,
        *blank,
    ]
    pending = books.pending_ids
    for p in books.payments:
        channel = CHANNEL_LABELS.get(p.channel, p.channel)
        note = f"{p.procedure.name} · {UNCONFIRMED}" if p.id in pending else p.procedure.name
        yield [
            "Biên lai",
            p.receipt_number,
            1,
            p.amount,
            _when(p.at),
            p.dossier.code or "",
            channel,
            p.method_label,
            note,
        ]
    for r in books.refunds:
        yield [
            "Hoàn trả",
            r.payment.receipt_number,
            1,
            r.amount,
            _when(r.at),
            r.payment.dossier.code or "",
            "",
            "",
            f"{r.reason} ({r.staff.full_name})",
        ]
    for t in books.unmatched:
        yield [
            "Chuyển khoản chưa đối soát",
            t.content,
            1,
            t.amount,
            _when(t.received_at),
            "",
            "",
            t.bank,
            t.problem_label,
        ]
    for p in books.pending_post:
        yield [
            "Tiền mặt bưu điện chưa xác nhận",
            p.receipt_number,
            1,
            p.amount,
            _when(p.at),
            p.dossier.code or "",
            CHANNEL_LABELS.get(p.channel, p.channel),
            p.method_label,
            p.staff.full_name if p.staff else "",
        ]
