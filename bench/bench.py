"""`make bench`: page weights and the receipt's render time. Prints numbers; never fails.

Builds the app on a temporary SQLite database (migrations + `flask seed` data), creates a
citizen and one submitted dossier through the test client, then prints

* per citizen page: raw HTML bytes, and the bytes the app itself sends for gzip and for brotli
  (Flask-Compress, as configured), plus the stylesheet; the last column is the budgeted number,
  compressed HTML + render-blocking CSS (smallest encoding of each) against 14 KB. Static files
  are streamed, and Flask-Compress streams only zstd/br/deflate by default: a gzip-only client
  gets the stylesheet uncompressed (marked *);
* a few htmx fragments (budget 2 KB compressed);
* the receipt (Mẫu 01) as the citizen downloads it: its bytes, the first download (rendered)
  and a later one (stored, app/documents/store.py);
* the printed papers' render times (bench/pdf_bench.py): Mẫu 01 on A5 and on the 80 mm roll,
  the A6 label and Mẫu 02, ours against a bare WeasyPrint render of the same HTML, in the
  same run, interleaved so drift hits both alike;
* the time from an action's commit to the SMS gateway's receipt, with ``flask notifications
  worker`` running against the local eSMS gateway, beside the old cron once a minute
  (bench/delivery.py; on PostgreSQL too when ``BENCH_PG_URL`` is set).
"""

from __future__ import annotations

import io
import logging
import sys
import tempfile
import time
from datetime import date
from datetime import time as dt_time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from PIL import Image  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.catalogue.models import Procedure  # noqa: E402
from app.cli import seed  # noqa: E402
from app.core import clock  # noqa: E402
from app.core.roles import Role  # noqa: E402
from app.dossiers.models import Dossier  # noqa: E402
from app.extensions import db  # noqa: E402
from app.postal.models import PostOffice, PostOfficeCommune, SlotTemplateRow  # noqa: E402
from app.postal.operations import booking  # noqa: E402
from app.postal.queries.slots import offered_slots  # noqa: E402
from bench import delivery, pdf_bench  # noqa: E402

PASSWORD = "Mat-khau-bench-2026"
PHONE = "0912345678"
PROVINCE, COMMUNE = "40", "17329"
RENDERS = 50
HTML_BUDGET = 14 * 1024
FRAGMENT_BUDGET = 2 * 1024
BLANK_A5 = "<style>@page{size:A5}</style>"
HTMX = {"HX-Request": "true"}
CHROMIUM_ENCODINGS = "gzip, deflate, br, zstd"


# --- building the app and the data -----------------------------------------------------------


def build_app(workdir: Path) -> Flask:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "UPLOAD_DIR": workdir / "uploads",
            "DEMO_MODE": False,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": "localhost",
        }
    )
    with app.app_context():
        upgrade()
        seed(with_demo_accounts=False)
        user = User(
            phone=PHONE,
            full_name="Nguyễn Thị Hoa",
            id_number="040190000001",
            date_of_birth=date(1990, 5, 12),
            sex="female",
            role=Role.CITIZEN,
            privacy_consent_at=clock.now(),
        )
        user.set_password(PASSWORD)
        db.session.add(user)
        office = PostOffice(code="463100", name="Bưu điện xã Anh Sơn", address="Khối 1")
        office.communes.append(PostOfficeCommune(commune_code=COMMUNE))
        office.templates = [
            SlotTemplateRow(weekday=d, start=dt_time(8), end=dt_time(11), capacity=9)
            for d in range(5)
        ]
        db.session.add(office)
        db.session.flush()
        worker = User(
            phone="0912000099", full_name="Lê Thị Lan", role=Role.POSTAL, post_office_id=office.id
        )
        db.session.add(worker)
        db.session.commit()
    return app


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (200, 180, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def answers_for(procedure: Procedure) -> dict[str, str]:
    samples = {
        "text": "Nguyễn Văn An",
        "textarea": "Xóm 3, xã Anh Sơn",
        "date": "2026-01-15",
        "number": "2",
        "commune": COMMUNE,
        "yesno": "yes",
    }
    return {
        f["name"]: f["choices"][0][0] if f["type"] == "choice" else samples[f["type"]]
        for f in procedure.form_schema
    }


def expect(response: Any, status: int, what: str) -> Any:
    if response.status_code != status:
        raise SystemExit(f"bench set-up failed at {what}: HTTP {response.status_code}")
    return response


def fill_draft(client: FlaskClient, procedure: Procedure, token: str) -> str:
    """Walk the journey like a citizen without JavaScript; return the draft's base URL."""
    response = client.post(f"/thu-tuc/{procedure.code}/nop-ho-so", data={"client_token": token})
    base = expect(response, 303, "start").location.rsplit("/", 1)[0]
    applicant = {
        "phone": PHONE,
        "province": PROVINCE,
        "commune": COMMUNE,
        "village": "Bản Huồi Tụ",
        "street": "",
    }
    expect(client.post(f"{base}/nguoi-nop", data=applicant), 303, "nguoi-nop")
    expect(client.post(f"{base}/thong-tin", data=answers_for(procedure)), 303, "thong-tin")
    for document in procedure.documents:
        if document.is_required and document.scan_required:
            response = client.post(
                f"{base}/giay-to/{document.code}",
                data={"file": (io.BytesIO(jpeg()), "anh.jpg")},
                content_type="multipart/form-data",
            )
            expect(response, 303, f"upload {document.code}")
    delivery = {"intake_channel": "online", "return_channel": "online", "return_province": "40"}
    expect(client.post(f"{base}/nhan-tra", data=delivery), 303, "nhan-tra")
    return base


# --- measuring -------------------------------------------------------------------------------


def weigh(client: FlaskClient, url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """Raw bytes, and the bytes the app sends when the browser accepts gzip / brotli."""
    sizes: dict[str, Any] = {}
    for key, encoding in (("raw", "identity"), ("gzip", "gzip"), ("br", "br")):
        response = client.get(url, headers={**(headers or {}), "Accept-Encoding": encoding})
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered HTTP {response.status_code}")
        sent = response.headers.get("Content-Encoding", "identity")
        sizes[key] = len(response.get_data())
        sizes[f"{key}_encoded"] = sent == encoding
    return sizes


def fmt_size(sizes: dict[str, Any], key: str) -> str:
    mark = "" if key == "raw" or sizes[f"{key}_encoded"] else "*"
    return f"{sizes[key]:,}{mark}"


def best(sizes: dict[str, Any]) -> int:
    return min(sizes["br"], sizes["gzip"], sizes["raw"])


def print_table(title: str, rows: list[tuple[str, str, dict[str, Any]]], css: int | None) -> None:
    print(f"\n{title}")
    last = "HTML+CSS" if css is not None else "smallest"
    header = f"{'page':<26} {'path':<34} {'raw':>8} {'gzip':>8} {'brotli':>8} {last:>9}"
    print(header)
    print("-" * len(header))
    for name, path, sizes in rows:
        total = best(sizes) + (css or 0)
        limit = HTML_BUDGET if css is not None else FRAGMENT_BUDGET
        flag = "" if total <= limit else "  over"
        print(
            f"{name:<26} {path[:34]:<34} {fmt_size(sizes, 'raw'):>8} {fmt_size(sizes, 'gzip'):>8}"
            f" {fmt_size(sizes, 'br'):>8} {total:>9,}{flag}"
        )


def timed(function: Any) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        app = build_app(Path(tmp))
        logging.disable(logging.WARNING)  # alembic's fileConfig re-enabled INFO output
        with app.app_context():
            birth = db.session.scalar(select(Procedure).filter_by(name="Đăng ký khai sinh"))
            anonymous = app.test_client()
            citizen = app.test_client()
            login = {"phone": PHONE, "password": PASSWORD}
            expect(citizen.post("/dang-nhap", data=login), 303, "login")

            submitted = fill_draft(citizen, birth, "bench-submitted")
            office = db.session.scalar(select(PostOffice))
            booked = db.session.get(Dossier, int(submitted.rsplit("/", 1)[1]))
            booking.book_pickup(
                booked,
                offered_slots(office)[0],
                commune_code=COMMUNE,
                village="Bản Huồi Tụ",
                landmark="Cạnh nhà văn hóa bản",
                contact_phone=PHONE,
            )
            db.session.commit()
            response = citizen.post(f"{submitted}/nop", data={"declaration": "1"})
            dossier_url = expect(response, 303, "submit").location
            dossier = db.session.scalars(select(Dossier).where(Dossier.code.is_not(None))).one()
            code = dossier.code
            draft = fill_draft(citizen, birth, "bench-draft")  # a complete draft, not submitted

            css_url = app.url_for("static", filename="css/app.css", _external=False)
            css = weigh(anonymous, css_url)
            pages: list[tuple[str, str, FlaskClient]] = [
                ("home", "/", anonymous),
                ("catalogue", "/thu-tuc", anonymous),
                ("catalogue search", "/thu-tuc?q=khai+sinh", anonymous),
                ("procedure", f"/thu-tuc/{birth.code}", anonymous),
                ("login", "/dang-nhap", anonymous),
                ("register", "/dang-ky", anonymous),
                ("step 1 applicant", f"{draft}/nguoi-nop", citizen),
                ("step 2 answers", f"{draft}/thong-tin", citizen),
                ("step 3 documents", f"{draft}/giay-to", citizen),
                ("step 4 delivery", f"{draft}/nhan-tra", citizen),
                ("step 5 check", f"{draft}/kiem-tra", citizen),
                ("lookup", "/tra-cuu", anonymous),
                ("lookup result", f"/tra-cuu/{code}", anonymous),
                ("my dossiers", "/ho-so-cua-toi", citizen),
                ("dossier page", dossier_url, citizen),
                ("pickup booking", f"{draft}/hen-buu-dien", citizen),
            ]
            page_rows = [(name, path, weigh(client, path)) for name, path, client in pages]
            fragments = [
                ("catalogue results", "/thu-tuc?q=khai+sinh", anonymous),
                ("commune options", f"/dia-chi/xa?province={PROVINCE}&name=commune", anonymous),
                ("step 1 applicant (htmx)", f"{draft}/nguoi-nop", citizen),
                ("step 2 answers (htmx)", f"{draft}/thong-tin", citizen),
                ("step 3 documents (htmx)", f"{draft}/giay-to", citizen),
                ("step 4 delivery (htmx)", f"{draft}/nhan-tra", citizen),
                ("step 5 check (htmx)", f"{draft}/kiem-tra", citizen),
                (
                    "pickup slots (htmx)",
                    f"{draft}/hen-buu-dien?chi-khung-gio=1&commune={COMMUNE}",
                    citizen,
                ),
            ]
            fragment_rows = [
                (name, path, weigh(client, path, HTMX)) for name, path, client in fragments
            ]

            chromium = anonymous.get(css_url, headers={"Accept-Encoding": CHROMIUM_ENCODINGS})
            print("Một Cửa bench (bytes; * = the app sent it uncompressed for that encoding)")
            print(
                f"stylesheet {css_url}: raw {css['raw']:,}, gzip {fmt_size(css, 'gzip')}, "
                f"brotli {fmt_size(css, 'br')}; Chromium ({CHROMIUM_ENCODINGS}) gets "
                f"{chromium.headers.get('Content-Encoding', 'identity')} "
                f"{len(chromium.get_data()):,}"
            )
            print_table(
                "Citizen pages (HTML+CSS = smallest encoding of both, budget 14,336)",
                page_rows,
                best(css),
            )
            print_table("htmx fragments (budget 2,048 compressed)", fragment_rows, None)

            # --- the receipt as served: bytes, first download (rendered), second (stored) ---
            url = f"/ho-so/{dossier.id}/giay-tiep-nhan.pdf"
            first_ms = timed(lambda: citizen.get(url)) * 1000
            served = citizen.get(url)
            stored_ms = timed(lambda: citizen.get(url)) * 1000
            print(
                f"\nReceipt PDF (Mẫu 01, {code}) as served: {len(served.data):,} bytes, "
                f"ETag {served.headers.get('ETag')}; first download {first_ms:.1f} ms, "
                f"later downloads {stored_ms:.1f} ms (stored)"
            )
    # --- render times: ours against a bare WeasyPrint page of the same HTML, same run ---
    pdf_bench.main()
    delivery.main()


if __name__ == "__main__":
    main()
