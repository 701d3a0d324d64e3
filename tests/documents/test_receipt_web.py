"""The Mẫu 01 receipt as served to the citizen: a one-page A5 PDF, and a retry page on failure."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from bs4 import BeautifulSoup
from helpers import RECEIPT_OWNER as OWNER
from helpers import fill_draft, login
from pypdf import PdfReader
from sqlalchemy import func, select

from app.dossiers import receipt as receipts
from app.dossiers.models import Dossier
from app.extensions import db

A5_PT = (419.53, 595.28)  # 148 mm x 210 mm


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return unicodedata.normalize("NFC", text)


def squeeze(value: str) -> str:
    return re.sub(r"\s+", "", value)


def test_receipt_is_a_one_page_a5_pdf_with_the_dossier_code_and_name(client, submitted) -> None:
    response = client.get(f"/ho-so/{submitted.id}/giay-tiep-nhan.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert submitted.code in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(A5_PT[0], abs=1)
    assert float(box.height) == pytest.approx(A5_PT[1], abs=1)

    text = pdf_text(response.data)
    compact = squeeze(text)
    assert submitted.code in compact
    assert squeeze(OWNER["full_name"]) in compact  # diacritics intact (embedded font)
    assert "GIẤY TIẾP NHẬN HỒ SƠ" in text.upper()


def test_receipt_masks_the_id_number(client, submitted) -> None:
    text = squeeze(pdf_text(client.get(f"/ho-so/{submitted.id}/giay-tiep-nhan.pdf").data))
    assert "********" + OWNER["id_number"][-4:] in text
    assert OWNER["id_number"] not in text
    assert OWNER["id_number"][:8] not in text


def test_receipt_is_linked_from_the_dossier_page_and_my_dossiers(client, submitted) -> None:
    url = f"/ho-so/{submitted.id}/giay-tiep-nhan.pdf"
    for page in (f"/ho-so/{submitted.id}", "/ho-so-cua-toi"):
        soup = BeautifulSoup(client.get(page).text, "html.parser")
        assert soup.find("a", href=url) is not None, page


def test_no_receipt_for_a_draft(client, owner, procedure) -> None:
    login(client, owner)
    base = fill_draft(client, procedure)
    assert client.get(f"{base}/giay-tiep-nhan.pdf").status_code == 404


def test_a_failed_render_shows_a_retry_page_and_the_next_request_works(
    client, submitted, monkeypatch
) -> None:
    real = receipts.render_receipt
    calls = {"n": 0}

    def fails_once(document):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("font cache unavailable")
        return real(document)

    monkeypatch.setattr(receipts, "render_receipt", fails_once)
    url = f"/ho-so/{submitted.id}/giay-tiep-nhan.pdf"

    failed = client.get(url)
    assert failed.status_code == 503
    assert failed.mimetype == "text/html"
    page = BeautifulSoup(failed.text, "html.parser")
    assert page.h1.get_text(strip=True) == "Chưa tạo được giấy tiếp nhận"
    retry = page.find("a", href=url)
    assert retry is not None and "Thử lại" in retry.get_text()
    assert submitted.code in failed.text

    # Nothing was lost.
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 1
    kept = db.session.get(Dossier, submitted.id)
    assert kept.status == "submitted" and kept.code == submitted.code

    again = client.get(url)
    assert again.status_code == 200
    assert again.mimetype == "application/pdf"
    assert submitted.code in squeeze(pdf_text(again.data))
    assert calls["n"] == 2
