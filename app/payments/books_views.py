"""The unit's books at ``/can-bo/thu-phi``: the collection report of a day or a month (page,
CSV, PDF) and the officer's refund of a payment.

Officers see the books of the units they belong to; another unit, or a payment in another
unit's books, answers 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, request, stream_with_context, url_for
from flask_login import current_user

from app.catalogue.models import Unit
from app.core import clock
from app.core.errors import Conflict, Invalid
from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go, pdf
from app.core.roles import Permission
from app.core.spreadsheet import csv_chunks
from app.core.transaction import domain_errors, form_status
from app.documents.collection_report import render_collection_report
from app.extensions import db
from app.payments.books import CHANNEL_LABELS, books, period_from
from app.payments.books_export import CSV_HEADER, csv_rows, report_document
from app.payments.models import Payment
from app.payments.operations.refunds import case_of, record_refund
from app.payments.refund_form import RefundForm

bp = Blueprint("paybooks", __name__, url_prefix="/can-bo/thu-phi")


def _ip() -> str:
    return request.remote_addr or ""


def unit_or_404(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.id not in current_user.unit_ids:
        abort(404)
    return unit


def payment_or_404(payment_id: int) -> Payment:
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.unit_id not in current_user.unit_ids:
        abort(404)
    return payment


@bp.route("/")
@require(Permission.VIEW_REGISTER)
def index():
    units = current_user.units
    if len(units) == 1:
        return go(url_for("paybooks.report", unit_id=units[0].id))
    return render("payments/books/index.html", units=units)


@bp.route("/<id:unit_id>")
@require(Permission.VIEW_REGISTER)
def report(unit_id: int):
    unit = unit_or_404(unit_id)
    period = period_from(request.args, clock.today())
    return render(
        "payments/books/report.html",
        books=books(unit, period),
        channel_labels=CHANNEL_LABELS,
        today=clock.today(),
    )


@bp.route("/<id:unit_id>/bao-cao.csv")
@require(Permission.VIEW_REGISTER)
def report_csv(unit_id: int):
    unit = unit_or_404(unit_id)
    period = period_from(request.args, clock.today())
    rows = csv_rows(books(unit, period))
    response = Response(stream_with_context(csv_chunks(CSV_HEADER, rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="thu-phi-{unit.code}-{period.slug}.csv"'
    )
    return response


@bp.route("/<id:unit_id>/bao-cao.pdf")
@require(Permission.VIEW_REGISTER)
def report_pdf(unit_id: int):
    unit = unit_or_404(unit_id)
    period = period_from(request.args, clock.today())
    document = report_document(books(unit, period))
    return pdf(render_collection_report(document), f"thu-phi-{unit.code}-{period.slug}.pdf")


@bp.route("/bien-lai/<id:payment_id>/hoan-tra", methods=["GET", "POST"])
@require(Permission.RECEIVE)
def refund(payment_id: int):
    payment = payment_or_404(payment_id)
    case = case_of(payment)
    form = RefundForm(data={"amount": case.most if case else None})
    back = url_for("backoffice.dossier", dossier_id=payment.dossier_id)
    if request.method == "POST" and payment.refund is not None:  # a second tap: done already
        flash(f"Biên lai {payment.receipt_number} đã được hoàn trả.", "info")
        return go(back)
    if request.method == "POST" and form.validate():
        with domain_errors(form, Invalid, Conflict):
            record_refund(
                payment, amount=form.amount.data, note=form.note.data, staff=current_user, ip=_ip()
            )
            flash(f"Đã ghi nhận hoàn trả biên lai {payment.receipt_number}.", "success")
            return go(back)
    return render(
        "payments/books/refund.html",
        status=form_status(form),
        payment=payment,
        case=case_of(payment),
        form=form,
    )
