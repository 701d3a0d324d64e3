"""`make bench-pdf` (and the PDF section of `make bench`): our printed papers against a bare
WeasyPrint page of the same content, in one run. Prints numbers; never fails.

For each paper (Mẫu 01 on A5 and on the 80 mm roll, the A6 postal label, Mẫu 02):

* **ours, first render**: the app's whole path with nothing stored (Jinja, layout, fitting /
  cutting, PDF), i.e. what a new state costs once;
* **bare WeasyPrint**: the very HTML our template produced, with its stylesheet replaced by the
  page size and the paper's base font (family and size) alone, through
  ``HTML(string=...).write_pdf()`` with WeasyPrint's defaults: the same text, tables, QR image
  and main face, none of our styling or machinery (no fitting, no cut, no store);
* **text+QR**: the text of that HTML as plain paragraphs plus its images (QR code, barcode),
  same page and base font, no tables: the floor the issue measured against;
* **ours, stored**: the same call once the paper is stored (Jinja + hash + file read), what
  every later download costs.

CPU time of this process (rendering is all CPU; wall time on a shared machine measures the
neighbours). Medians of ``PDF_BENCH_RENDERS`` (default 30) interleaved runs, so drift hits all
alike; the ratios are ours-first / each baseline, the target ≤ 1.5×; and the bytes of each PDF.
``pdf_bench.py --write DIR`` writes the four PDFs instead, to look at; ``PDF_BENCH_ROOT`` points
at another checkout (e.g. main) for before/after numbers in the same way.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

# PDF_BENCH_ROOT: another checkout to measure (e.g. main, for before/after numbers).
ROOT = Path(os.environ.get("PDF_BENCH_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))

from bs4 import BeautifulSoup  # noqa: E402
from flask import Flask, render_template  # noqa: E402
from markupsafe import escape  # noqa: E402
from weasyprint import HTML  # noqa: E402

from app.documents import forms, postal  # noqa: E402
from app.documents.postal.thermal import THERMAL_BOTTOM_MARGIN_MM, THERMAL_PROBE_HEIGHT_MM  # noqa: E402
from app.documents.receipt import ReceiptDocument, ReceiptDocumentLine, render_receipt  # noqa: E402

RENDERS = int(os.environ.get("PDF_BENCH_RENDERS", "30"))
CODE = "000.00.15.H40-261123-0118"
LOOKUP_URL = f"https://dichvucong.nghean.gov.vn/tra-cuu/{CODE}"
UNIT = "Trung tâm Phục vụ hành chính công tỉnh Nghệ An"
ADDRESS = "Số 12 đường Lê Hồng Phong, phường Trường Vinh, tỉnh Nghệ An"
STYLE = re.compile(r"<style>.*?</style>", re.S)


def receipt() -> ReceiptDocument:
    papers = (
        ("Tờ khai đăng ký thường trú (Mẫu CT01)", "Bản chính", 1),
        ("Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", "Bản sao", 1),
        ("Văn bản đồng ý của chủ hộ cho nhập hộ khẩu", "Bản chính", 1),
        ("Giấy khai sinh của người đăng ký", "Bản sao", 1),
    )
    return ReceiptDocument(
        issuing_body_parent="UBND TỈNH NGHỆ AN",
        issuing_body=UNIT,
        number="0118/TN",
        place="Nghệ An",
        issued_at=datetime(2026, 11, 23, 9, 5),
        dossier_code=CODE,
        receiving_unit=UNIT,
        applicant_name="Nguyễn Thị Hoa",
        applicant_address=ADDRESS,
        applicant_phone_masked="091****678",
        applicant_email="hoa.nguyen@example.vn",
        applicant_id_masked="********0123",
        procedure_name="Đăng ký thường trú",
        procedure_code="1.004222.000.00.00.H40",
        documents=tuple(ReceiptDocumentLine(*p) for p in papers),
        number_of_sets=1,
        processing_days=7,
        received_at=datetime(2026, 11, 23, 9, 5),
        appointment_at=date(2026, 12, 2),
        return_channel_label="Qua dịch vụ bưu chính công ích",
        return_address=ADDRESS,
        register_book="Sổ theo dõi hồ sơ năm 2026",
        register_number=118,
        receiver_name="Hệ thống tiếp nhận hồ sơ trực tuyến",
        lookup_url=LOOKUP_URL,
        provisional=True,
    )


def label() -> postal.PostalLabel:
    return postal.PostalLabel(
        item_number="EA000000155VN",
        leg="pickup",
        dossier_code=CODE,
        procedure_name="Đăng ký thường trú",
        sender=postal.PostalParty("Nguyễn Thị Hoa", ADDRESS, "091****678"),
        addressee=postal.PostalParty(
            UNIT, "Số 16 đường Trường Thi, phường Trường Vinh, tỉnh Nghệ An", "0238 3844 556"
        ),
        post_office="Bưu điện xã Mường Xén",
        lookup_url=LOOKUP_URL,
        printed_at=datetime(2026, 11, 23, 9, 5),
    )


def supplement() -> forms.SupplementRequest:
    return forms.SupplementRequest(
        header=forms.FormHeader(
            "UBND TỈNH NGHỆ AN", UNIT, "0118/YCBS", "Nghệ An", datetime(2026, 11, 24, 10, 30)
        ),
        dossier_code=CODE,
        procedure_name="Đăng ký thường trú",
        applicant=forms.Applicant("Nguyễn Thị Hoa", ADDRESS, "091****678", "********0123"),
        received_at=datetime(2026, 11, 23, 9, 5),
        items=(
            forms.SupplementItem("Giấy tờ chứng minh chỗ ở hợp pháp", "Bản sao chưa chứng thực"),
            forms.SupplementItem("Văn bản đồng ý của chủ hộ", "Thiếu chữ ký của chủ hộ"),
        ),
        reason="Hồ sơ chưa đủ thành phần theo quy định tại Luật Cư trú.",
        officer_name="Lê Văn Tám",
        lookup_url=LOOKUP_URL,
    )


SERIF, SANS = '"DejaVu Serif"', '"DejaVu Sans"'


def bare_html(
    template: str, doc: object, size: str, font: str, **template_vars: object
) -> tuple[str, str]:
    """Our template's HTML with its stylesheets replaced by the page size and base font; and
    :func:`text_and_qr` of it."""
    html = STYLE.sub("", render_template(template, doc=doc, **template_vars))
    bare = f"<style>@page {{ size: {size} }} html {{ font: {font} }}</style>"
    return html.replace("<head>", "<head>" + bare, 1), text_and_qr(html, size, font)


def text_and_qr(html: str, size: str, font: str) -> str:
    """The issue's floor: the paper's text as plain paragraphs and its images (QR code,
    barcode), on the same page size in the same base font; no tables, no stylesheet."""
    soup = BeautifulSoup(html, "html.parser")
    lines = [line.strip() for line in soup.body.get_text("\n").splitlines() if line.strip()]
    images = "".join(
        f'<img src="{img["src"]}" style="width: 20mm; height: 20mm">' for img in soup("img")
    )
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines)
    style = f"@page {{ size: {size} }} html {{ font: {font} }} p {{ margin: 0 }}"
    return f'<html lang="vi"><head><style>{style}</style></head><body>{paragraphs}{images}'


def timed(function: Callable[[], object]) -> float:
    """Milliseconds of this process's CPU time: on a machine shared with other work (two
    cores, several engineers) wall time mostly measures the others; rendering is all CPU."""
    start = time.process_time()
    function()
    return (time.process_time() - start) * 1000


def papers() -> list[tuple[str, Callable[[], bytes], tuple[str, str]]]:
    doc = receipt()
    roll_vars = {
        "page_height_mm": THERMAL_PROBE_HEIGHT_MM,
        "bottom_margin_mm": THERMAL_BOTTOM_MARGIN_MM,
    }
    return [
        (
            "Mẫu 01, A5",
            lambda: render_receipt(doc),
            bare_html("pdf/receipt_01.html", doc, "A5", f"10pt {SERIF}"),
        ),
        (
            "Mẫu 01, 80 mm roll",
            lambda: postal.render_receipt_80mm(doc),
            bare_html(
                "pdf/postal/receipt_01_80mm.html", doc, "80mm 200mm", f"9pt {SANS}", **roll_vars
            ),
        ),
        (
            "A6 label, Code 128",
            lambda: postal.render_label(label()),
            bare_html("pdf/postal/label.html", label(), "A6", f"9.5pt {SANS}"),
        ),
        (
            "Mẫu 02, A5",
            lambda: forms.render_supplement_request(supplement()),
            bare_html("pdf/form_02.html", supplement(), "A5", f"10pt {SERIF}"),
        ),
    ]


def write(folder: Path) -> None:
    """``pdf_bench.py --write DIR``: the four papers as PDF files, to look at."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, (name, ours, _bare) in enumerate(papers()):
        (
            folder / f"{index + 1}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.pdf"
        ).write_bytes(ours())


def main() -> None:
    app = Flask(
        __name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static")
    )
    with tempfile.TemporaryDirectory(prefix="motcua-pdf-bench-") as tmp, app.app_context():
        if sys.argv[1:2] == ["--write"]:
            return write(Path(sys.argv[2]))
        rows = []
        for name, ours, (bare, floor) in papers():
            app.config["PDF_CACHE_DIR"] = ""
            ours(), HTML(string=bare).write_pdf(), HTML(string=floor).write_pdf()  # warm up
            first, plain, text, stored = [], [], [], []
            for _ in range(RENDERS):
                app.config["PDF_CACHE_DIR"] = ""
                first.append(timed(ours))
                plain.append(timed(lambda bare=bare: HTML(string=bare).write_pdf()))
                text.append(timed(lambda floor=floor: HTML(string=floor).write_pdf()))
                app.config["PDF_CACHE_DIR"] = tmp
                stored.append(timed(ours))
            app.config["PDF_CACHE_DIR"] = ""
            medians = [statistics.median(s) for s in (first, plain, text, stored)]
            rows.append((name, *medians, len(ours())))
    print(f"\nPrinted papers: ours against bare WeasyPrint, CPU ms, median of {RENDERS}")
    heads = ("ours 1st", "same HTML", "ratio", "text+QR", "ratio", "stored", "bytes")
    widths = (9, 9, 6, 9, 6, 8, 7)
    print(f"{'':<20} " + " ".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True)))
    for name, first_ms, bare_ms, text_ms, stored_ms, size in rows:
        print(
            f"{name:<20} {first_ms:>7.1f}ms {bare_ms:>7.1f}ms {first_ms / bare_ms:>5.2f}x"
            f" {text_ms:>7.1f}ms {first_ms / text_ms:>5.2f}x {stored_ms:>6.2f}ms {size:>7,}"
        )
    print(
        "same HTML: our template's HTML, stylesheet replaced by page size and base font;\n"
        "text+QR: its text as plain paragraphs and its images (the issue's floor);\n"
        "ratio: ours first render / that (target <= 1.5x); stored: a later download's cost"
    )


if __name__ == "__main__":
    main()
