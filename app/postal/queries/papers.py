"""The post office's printed papers, built from the database as plain data and rendered on
demand (nothing stored: a failed render loses nothing, the next request renders again).

What is printed follows DOMAIN.md §7 and §10: ID numbers show their last 4 digits only; phones
on labels are masked (a label travels through many hands); the worker's route sheet carries the
full phone, because the worker must call the citizen.
"""

from __future__ import annotations

from datetime import date

from app import geo
from app.core import clock
from app.core.identity import mask_id_number, mask_phone
from app.documents import postal as docs
from app.documents.receipt import format_vn_date
from app.dossiers.models import Dossier
from app.dossiers.receipt import lookup_url
from app.postal.flow import Leg
from app.postal.models import HandoverManifest, PostalPayment, PostOffice, Shipment
from app.postal.queries.cash import CashSummary, handed_cash


def _address(shipment: Shipment) -> str:
    return geo.address_line(shipment.street, shipment.village, shipment.commune_code)


def _unit_party(dossier: Dossier) -> docs.PostalParty:
    unit = dossier.receiving_unit
    return docs.PostalParty(name=unit.name, address=unit.address or unit.parent_name)


def _kind_label(kind: str) -> str:
    return "Bản sao" if kind == "copy" else "Bản chính"


def counted_lines(shipment: Shipment) -> tuple[docs.CountedLine, ...]:
    return tuple(
        docs.CountedLine(
            name=d["name"],
            kind_label=_kind_label(d["kind"]),
            copies=int(d.get("copies") or 1),
            present=bool(d["present"]),
            required=bool(d.get("required")),
        )
        for d in shipment.documents or []
    )


def label(shipment: Shipment) -> docs.PostalLabel:
    dossier = shipment.dossier
    citizen = docs.PostalParty(
        name=shipment.recipient_name or dossier.applicant_name,
        address=_address(shipment),
        phone=mask_phone(shipment.contact_phone) if shipment.contact_phone else "",
    )
    sender, addressee = (
        (citizen, _unit_party(dossier))
        if shipment.leg == Leg.PICKUP
        else (_unit_party(dossier), citizen)
    )
    return docs.PostalLabel(
        item_number=shipment.item_number or "",
        leg=shipment.leg,
        dossier_code=dossier.code or "",
        procedure_name=dossier.procedure.name,
        sender=sender,
        addressee=addressee,
        post_office=shipment.post_office.name,
        lookup_url=lookup_url(dossier.code or ""),
        # The moment the item got its number, not the clock: a reprint is the same label, so
        # the stored PDF is served again (app/documents/store.py) instead of a new render.
        printed_at=shipment.picked_up_at or shipment.handed_over_at or shipment.updated_at,
    )


def document_list(shipment: Shipment) -> docs.DocumentList:
    dossier = shipment.dossier
    office = shipment.post_office
    return docs.DocumentList(
        post_office=office.name,
        post_office_address=office.address,
        dossier_code=dossier.code or "",
        item_number=shipment.item_number or "",
        procedure_name=dossier.procedure.name,
        receiving_unit=dossier.receiving_unit.name,
        applicant_name=dossier.applicant_name,
        applicant_id_masked=mask_id_number(dossier.applicant_id_number),
        applicant_address=_address(shipment),
        lines=counted_lines(shipment),
        seal_number=shipment.seal_number,
        taken_at=shipment.picked_up_at or clock.now(),
        taken_where=f"Tại quầy {office.name}" if shipment.at_counter else "Tại nhà người dân",
        worker_name=shipment.worker.full_name if shipment.worker else "",
    )


def fee_receipt(payment: PostalPayment) -> docs.FeeReceipt:
    shipment = payment.shipment
    dossier = payment.dossier
    office = payment.post_office
    return docs.FeeReceipt(
        receipt_number=payment.receipt_number,
        post_office=office.name,
        post_office_address=office.address,
        payer_name=dossier.applicant_name,
        payer_address=_address(shipment),
        dossier_code=dossier.code or "",
        procedure_name=payment.procedure.name,
        receiving_unit=dossier.receiving_unit.name,
        item_number=shipment.item_number or "",
        fee=payment.fee,
        postage=payment.postage,
        collected_at=payment.at,
        staff_name=payment.staff.full_name,
    )


def _to_bring(shipment: Shipment) -> tuple[str, ...]:
    if shipment.leg == Leg.RETURN:
        return (f"Kết quả hồ sơ (bưu gửi {shipment.item_number})", "Kiểm tra thẻ căn cước")
    return tuple(
        f"{d.name} ({d.kind_label.lower()}, {d.copies} bản)"
        for d in shipment.dossier.procedure.documents
        if d.is_required
    )


def route_sheet(
    office: PostOffice,
    worker_name: str,
    day: date,
    stops: list[Shipment],
    amounts: dict[int, int],
) -> docs.RouteSheet:
    """``amounts``: what to collect at each stop (shipment id → đồng)."""
    return docs.RouteSheet(
        post_office=office.name,
        worker_name=worker_name,
        day=day,
        stops=tuple(
            docs.RouteStop(
                number=n,
                kind="pickup" if s.leg == Leg.PICKUP else "delivery",
                window=f"{s.slot.start:%H:%M}–{s.slot.end:%H:%M}" if s.slot else "",
                dossier_code=s.dossier.code or "",
                item_number=s.item_number or "",
                name=s.recipient_name or s.dossier.applicant_name,
                phone=s.contact_phone,
                address=_address(s),
                landmark=s.landmark,
                to_bring=_to_bring(s),
                amount_to_collect=amounts.get(s.id, 0),
            )
            for n, s in enumerate(stops, 1)
        ),
        printed_at=clock.now(),
    )


def manifest(record: HandoverManifest) -> docs.ManifestDocument:
    """The hand-over record as printed. To the agency, each dossier's fee is the cash the
    worker took as the dossier's payment (its fee receipts named), so the officer confirms the
    money with the papers; the postage stays the post office's (shown apart)."""
    cash = handed_cash(record)
    to_agency = record.direction == "to_agency"
    lines = []
    for item in record.items:
        shipment = item.shipment
        dossier = shipment.dossier
        if to_agency:
            documents = counted_lines(shipment)
        else:
            note = dossier.result_note or "Kết quả giải quyết"
            documents = (docs.CountedLine(note, "Bản chính", 1, True, True),)
        lines.append(
            docs.ManifestLine(
                item_number=shipment.item_number or "",
                dossier_code=dossier.code or "",
                applicant_name=dossier.applicant_name,
                procedure_name=dossier.procedure.name,
                documents=documents,
                fee=cash.amount_of(shipment.id),
                postage=sum(p.postage for p in shipment.payments) if to_agency else 0,
                received=item.received,
                note=item.note,
                fee_receipts=tuple(p.receipt_number for p in cash.of(shipment.id)),
            )
        )
    unit = record.unit
    return docs.ManifestDocument(
        number=record.number,
        direction=record.direction,
        post_office=record.post_office.name,
        post_office_address=record.post_office.address,
        unit=unit.name,
        unit_address=unit.address,
        created_at=record.created_at,
        worker_name=record.worker.full_name if record.worker else "",
        officer_name=(
            record.confirmed_by.full_name
            if record.direction == "to_agency" and record.confirmed_by
            else (record.created_by.full_name if record.direction == "from_agency" else "")
        ),
        lines=tuple(lines),
        confirmed_at=record.confirmed_at,
    )


def cash_report(
    office: PostOffice, first: date, last: date, staff_label: str, summary: CashSummary
) -> docs.CashReport:
    return docs.CashReport(
        post_office=office.name,
        day_from=first,
        day_to=last,
        staff_label=staff_label,
        by_staff=tuple(
            docs.CashGroup(name, t.items, t.fee, t.postage) for name, t in summary.by_staff.items()
        ),
        by_procedure=tuple(
            docs.CashGroup(name, t.items, t.fee, t.postage)
            for name, t in summary.by_procedure.items()
        ),
        lines=tuple(
            docs.CashLine(
                receipt_number=p.receipt_number,
                at=p.at,
                dossier_code=p.dossier.code or "",
                procedure_name=p.procedure.name,
                staff_name=p.staff.full_name,
                fee=p.fee,
                postage=p.postage,
            )
            for p in summary.payments
        ),
        printed_at=clock.now(),
    )


def period_label(first: date, last: date) -> str:
    if first == last:
        return format_vn_date(first)
    return f"từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}"
