"""Printed documents of the public postal service (Decision 45/2016/QĐ-TTg, DOMAIN.md §6, §8).

One module per document, all importable from here:

- :mod:`.label`: :class:`PostalLabel`, the A6 label stuck on the sealed envelope, with the UPU
  S10 item number printed big and as a Code 128 barcode (:mod:`.barcodes`), and a QR code to
  the public look-up page.
- :mod:`.document_list`: :class:`DocumentList`, "Danh mục giấy tờ", the papers counted with
  the citizen, originals and copies marked, signed by the postal worker and the citizen (Leg A,
  steps 1–3), A5.
- :mod:`.receipts`: :class:`FeeReceipt`, "Biên lai thu phí, lệ phí và cước dịch vụ bưu chính
  công ích", on A5 or on an 80 mm thermal roll (the procedure fee and the postage are always
  separate lines); and :func:`render_receipt_80mm`, Mẫu 01
  (:class:`~app.documents.receipt.ReceiptDocument`) on an 80 mm roll for the counter.
- :mod:`.route_sheet`: :class:`RouteSheet`, the postal worker's round for one day, A4.
- :mod:`.manifest`: :class:`ManifestDocument`, "Biên bản giao nhận" between the post office and
  the receiving unit (Leg A step 5 and Leg B), A4.
- :mod:`.cash_report`: :class:`CashReport`, the post office's end-of-day cash report, A4.
- :mod:`.common`: money and its reading in words, dates as printed, the one-page layout;
  :mod:`.thermal`: the 80 mm roll's layout.

As for the one-stop forms, templates get frozen dataclasses of plain, already formatted and
already masked data, never ORM objects; every value the templates print comes from a field or
a property here (the templates do no formatting of their own). Nothing is fetched: the barcode
and the QR code are ``data:`` URIs of SVG documents, drawn by WeasyPrint as vector paths.

A thermal roll is cut after the content, so an 80 mm document is laid out once on a
very tall page, and the page is cut where its end marker lands (see
:func:`layout_thermal`).
"""

from __future__ import annotations

from app.documents.postal.barcodes import code128_data_uri, code128_svg
from app.documents.postal.cash_report import CashGroup, CashLine, CashReport, render_cash_report
from app.documents.postal.common import (
    POSTAL_OPERATOR,
    CountedLine,
    amount_in_words,
    format_money,
    number_in_words,
)
from app.documents.postal.document_list import DocumentList, render_document_list
from app.documents.postal.label import PostalLabel, PostalParty, render_label
from app.documents.postal.manifest import ManifestDocument, ManifestLine, render_manifest
from app.documents.postal.receipts import FeeReceipt, render_fee_receipt, render_receipt_80mm
from app.documents.postal.route_sheet import RouteSheet, RouteStop, render_route_sheet
from app.documents.postal.thermal import THERMAL_PROBE_HEIGHT_MM, layout_thermal

__all__ = [
    "POSTAL_OPERATOR",
    "THERMAL_PROBE_HEIGHT_MM",
    "CashGroup",
    "CashLine",
    "CashReport",
    "CountedLine",
    "DocumentList",
    "FeeReceipt",
    "ManifestDocument",
    "ManifestLine",
    "PostalLabel",
    "PostalParty",
    "RouteSheet",
    "RouteStop",
    "amount_in_words",
    "code128_data_uri",
    "code128_svg",
    "format_money",
    "layout_thermal",
    "number_in_words",
    "render_cash_report",
    "render_document_list",
    "render_fee_receipt",
    "render_label",
    "render_manifest",
    "render_receipt_80mm",
    "render_route_sheet",
]
