"""The post office's pages: the printed papers of one item (label, document list, fee receipt,
Mẫu 01 at the counter). Routes of the ``postal`` blueprint (app/postal/views/staff.py)."""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from app.core.permissions import require
from app.core.roles import Permission
from app.documents import postal as docs
from app.documents.receipt import render_receipt
from app.dossiers.receipt import receipt_document
from app.extensions import db
from app.postal.flow import Leg
from app.postal.models import PostalPayment, Shipment
from app.postal.queries import papers
from app.postal.views.printing import pdf_or_503
from app.postal.views.staff import bp, shipment_or_404


def _collected_or_404(shipment_id: int) -> Shipment:
    shipment = shipment_or_404(shipment_id)
    if not shipment.item_number:
        abort(404)
    return shipment


@bp.route("/buu-gui/<id:shipment_id>/nhan-dan.pdf")
@require(Permission.POSTAL_WORK)
def label_pdf(shipment_id: int):
    shipment = _collected_or_404(shipment_id)
    return pdf_or_503(
        lambda: docs.render_label(papers.label(shipment)),
        f"nhan-{shipment.item_number}.pdf",
        shipment=shipment,
    )


@bp.route("/buu-gui/<id:shipment_id>/danh-muc-giay-to.pdf")
@require(Permission.POSTAL_WORK)
def document_list_pdf(shipment_id: int):
    shipment = _collected_or_404(shipment_id)
    if shipment.leg != Leg.PICKUP:
        abort(404)
    return pdf_or_503(
        lambda: docs.render_document_list(papers.document_list(shipment)),
        f"danh-muc-giay-to-{shipment.item_number}.pdf",
        shipment=shipment,
    )


@bp.route("/bien-lai/<id:payment_id>.pdf")
@require(Permission.POSTAL_WORK)
def fee_receipt_pdf(payment_id: int):
    payment = db.session.get(PostalPayment, payment_id)
    if payment is None or payment.post_office_id != current_user.post_office_id:
        abort(404)
    layout = "80mm" if request.args.get("kho") == "80" else "a5"
    return pdf_or_503(
        lambda: docs.render_fee_receipt(papers.fee_receipt(payment), layout),
        f"bien-lai-{payment.receipt_number}.pdf",
        shipment=payment.shipment,
    )


@bp.route("/buu-gui/<id:shipment_id>/giay-tiep-nhan.pdf")
@require(Permission.POSTAL_WORK)
def receipt_pdf(shipment_id: int):
    """Mẫu 01 printed at the counter, on A5 or on the 80 mm thermal printer."""
    shipment = shipment_or_404(shipment_id)
    if not shipment.at_counter:
        abort(404)
    document = receipt_document(shipment.dossier)
    thermal = request.args.get("kho") == "80"
    return pdf_or_503(
        lambda: docs.render_receipt_80mm(document) if thermal else render_receipt(document),
        f"giay-tiep-nhan-{shipment.dossier.code}.pdf",
        shipment=shipment,
    )
