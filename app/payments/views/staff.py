"""Fees at the one-stop desk: the officer takes cash or records an exemption from the staff
dossier page's fee panel; the owner and the unit's staff print each payment's receipt."""

from __future__ import annotations

from flask import Blueprint, flash, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go, pdf
from app.core.roles import Permission
from app.core.transaction import domain_errors
from app.documents.fee_receipt import render_payment_receipt
from app.dossiers.models import Dossier
from app.dossiers.policy import staff_viewable_or_404
from app.payments import panels
from app.payments.forms import CashForm, ExemptionForm, cash_form, exemption_form
from app.payments.operations.cash import FeeRefused, exempt, take_cash
from app.payments.queries import receipt_document, receipt_or_404

bp = Blueprint("fees", __name__)


def _ip() -> str:
    return request.remote_addr or ""


def _fee_page(
    dossier: Dossier,
    status: int = 200,
    cash: CashForm | None = None,
    ex: ExemptionForm | None = None,
) -> Response:
    context = panels.staff(dossier, cash, ex) or {}
    return render(
        "payments/fee.html",
        "payments/panels/staff.html",
        status=status,
        dossier=dossier,
        panel={"context": context},
    )


@bp.route("/can-bo/ho-so/<id:dossier_id>/phi")
@require(Permission.VIEW_UNIT_DOSSIERS)
def fee(dossier_id: int):
    return _fee_page(staff_viewable_or_404(dossier_id))


@bp.route("/can-bo/ho-so/<id:dossier_id>/phi/tien-mat", methods=["POST"])
@require(Permission.RECEIVE)
def cash(dossier_id: int):
    dossier = staff_viewable_or_404(dossier_id)
    form = cash_form(request.form)
    if form.validate():
        with domain_errors(form, FeeRefused):
            token, name = form.client_token.data or "", form.payer_name.data or ""
            amount = form.amount.data
            payment, new = take_cash(dossier, current_user, token, amount, name, ip=_ip())
            said = "Đã ghi nhận" if new else "Khoản tiền này đã được ghi nhận trước đó"
            flash(f"{said}: biên lai số {payment.receipt_number}.", "success")
            return go(url_for("backoffice.dossier", dossier_id=dossier.id) + "#fee-panel")
    return _fee_page(dossier, 422, cash=form)


@bp.route("/can-bo/ho-so/<id:dossier_id>/phi/mien", methods=["POST"])
@require(Permission.RECEIVE)
def exemption(dossier_id: int):
    dossier = staff_viewable_or_404(dossier_id)
    form = exemption_form(request.form)
    if form.validate():
        with domain_errors(form, FeeRefused):
            exempt(dossier, current_user, form.reason.data, form.note.data, ip=_ip())
            flash("Đã ghi nhận hồ sơ được miễn phí, lệ phí.", "success")
            return go(url_for("backoffice.dossier", dossier_id=dossier.id) + "#fee-panel")
    return _fee_page(dossier, 422, ex=form)


@bp.route("/ho-so/<id:dossier_id>/bien-lai/<id:receipt_id>.pdf")
@require()
def receipt(dossier_id: int, receipt_id: int):
    """The fee receipt of one payment, A5 or (``?kho=80``) the 80 mm roll."""
    payment = receipt_or_404(dossier_id, receipt_id)
    layout = "80mm" if request.args.get("kho") == "80" else "a5"
    document = render_payment_receipt(receipt_document(payment), layout)
    return pdf(document, f"bien-lai-{payment.receipt_number}.pdf")
