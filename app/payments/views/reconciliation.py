"""/can-bo/doi-soat: transfers into the units' collection accounts that need a person, and the
statements of banks without a webhook.

Officers (Permission.RECEIVE: they take the fees at the one-stop desk) see the transfers of
their own units only; anyone else's answers 404. A decision is final: a transfer resolved by
someone else meanwhile answers 409.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user

from app.core.bounds import parse_id
from app.core.htmx import render
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission
from app.core.transaction import domain_errors, form_status
from app.payments import queries
from app.payments.forms import ResolveForm, StatementForm
from app.payments.models import RESOLUTION_LABELS, TRANSFER_STATES, IncomingTransfer
from app.payments.operations.transfers import resolve
from app.payments.views.importing import import_uploaded

bp = Blueprint("reconciliation", __name__, url_prefix="/can-bo/doi-soat")


def _transfer_or_404(transfer_id: int) -> IncomingTransfer:
    transfer = queries.transfer_of_units(current_user.unit_ids, transfer_id)
    if transfer is None:
        abort(404)
    return transfer


@bp.route("/")
@require(Permission.RECEIVE)
def index():
    state = request.args.get("trang-thai", "review")
    state = state if state in TRANSFER_STATES else "review"
    rows, older = queries.queue(current_user.unit_ids, state, parse_id(request.args.get("truoc")))
    return render(
        "payments/reconciliation/index.html",
        transfers=rows,
        state=state,
        states=TRANSFER_STATES,
        counts=queries.counts(current_user.unit_ids),
        older=older,
    )


@bp.route("/<id:transfer_id>", methods=["GET", "POST"])
@require(Permission.RECEIVE)
def transfer(transfer_id: int):
    record = _transfer_or_404(transfer_id)
    form = ResolveForm()
    if record.state == "review" and form.validate_on_submit():
        code = form.dossier_code.data if form.resolution.data == "booked" else ""
        dossier = queries.dossier_by_code(current_user.unit_ids, code) if code else None
        with domain_errors(form):
            ip = request.remote_addr or ""
            resolve(record, current_user, form.resolution.data, form.note.data, dossier, ip)
            flash(f"Đã xử lý khoản chuyển: {RESOLUTION_LABELS[record.resolution]}.", "success")
            return go(url_for("reconciliation.transfer", transfer_id=record.id))
    return render(
        "payments/reconciliation/transfer.html",
        status=form_status(form),
        transfer=record,
        payment=queries.payment_of(record),
        form=form,
    )


@bp.route("/nhap-sao-ke", methods=["GET", "POST"])
@require(Permission.RECEIVE)
def statement():
    accounts = queries.collection_accounts(current_user.unit_ids)
    form = StatementForm()
    form.account.choices = [
        (a.id, f"{a.unit.name}: {a.bank_name} {a.account_number}") for a in accounts
    ]
    if accounts and form.validate_on_submit():
        account = next(a for a in accounts if a.id == form.account.data)
        limit = current_app.config["UPLOAD_MAX_BYTES"]
        with domain_errors(form):
            import_uploaded(account, form.statement.data, limit, current_user)
            return go(url_for("reconciliation.index"))
    return render(
        "payments/reconciliation/statement.html",
        status=form_status(form),
        form=form,
        accounts=accounts,
    )
