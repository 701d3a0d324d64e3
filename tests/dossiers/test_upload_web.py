"""Uploads through the journey's papers step, as a citizen's browser sends them, and the file as
it is served back: a hostile PDF comes back clean, a photo cut short is refused inside the
real app (where WeasyPrint has flipped Pillow's truncated-images switch), a name with bidi
controls is kept clean and offered back under its Vietnamese name (RFC 6266)."""

from __future__ import annotations

import io
from urllib.parse import quote

import pikepdf
from helpers import jpeg_bytes, login
from hostile_pdfs import CORPUS, PAGE_TEXT
from PIL import Image, ImageFile
from pypdf import PdfReader

from app.dossiers.models import Attachment, Dossier
from app.extensions import db


def start(client, procedure) -> str:  # type: ignore[no-untyped-def]
    response = client.post(f"/thu-tuc/{procedure.code}/nop-ho-so", data={"client_token": "w1"})
    assert response.status_code == 303, response.text
    return response.location.rsplit("/", 1)[0]


def upload(client, base: str, code: str, data: bytes, name: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"{base}/giay-to/{code}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def scan_code(procedure) -> str:  # type: ignore[no-untyped-def]
    return next(d.code for d in procedure.documents if d.scan_required)


def stored(base: str) -> list[Attachment]:
    db.session.expire_all()
    return list(db.session.get(Dossier, int(base.rsplit("/", 1)[1])).attachments)


def test_a_hostile_pdf_is_served_back_without_its_scripts(client, citizen, procedure) -> None:  # type: ignore[no-untyped-def]
    login(client, citizen)
    base = start(client, procedure)
    hostile = CORPUS["js-flate-twice"][0]

    response = upload(client, base, scan_code(procedure), hostile, "giay-khai-sinh.pdf")

    assert response.status_code == 303, response.text
    (attachment,) = stored(base)
    served = client.get(f"/ho-so/{attachment.dossier_id}/tep/{attachment.id}")
    assert served.status_code == 200
    assert served.mimetype == "application/pdf"
    assert served.data != hostile
    with pikepdf.open(io.BytesIO(served.data)) as pdf:
        assert "/OpenAction" not in pdf.Root
        assert all("/JS" not in obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary))
    assert b"app.alert" not in served.data
    assert [p.extract_text() for p in PdfReader(io.BytesIO(served.data)).pages] == [PAGE_TEXT]
    assert attachment.size == len(served.data)


def test_a_password_protected_pdf_is_refused_with_its_message(client, citizen, procedure) -> None:  # type: ignore[no-untyped-def]
    login(client, citizen)
    base = start(client, procedure)
    response = upload(
        client, base, scan_code(procedure), CORPUS["encrypted-with-password"][0], "sao-ke.pdf"
    )
    assert response.status_code == 422
    assert "Tệp PDF được đặt mật khẩu nên không mở được." in response.text
    assert stored(base) == []


def test_a_photo_cut_short_is_refused_in_the_app(client, citizen, procedure) -> None:  # type: ignore[no-untyped-def]
    import weasyprint  # noqa: F401 - the app has imported it: the switch is on

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    login(client, citizen)
    base = start(client, procedure)
    out = io.BytesIO()
    Image.effect_noise((1200, 900), 40).convert("RGB").save(out, "JPEG")
    photo = out.getvalue()

    response = upload(client, base, scan_code(procedure), photo[: len(photo) * 2 // 3], "a.jpg")

    assert response.status_code == 422
    assert "Không đọc được ảnh. Tệp có thể bị hỏng hoặc chưa tải lên hết." in response.text
    assert stored(base) == []


def test_a_name_with_bidi_controls_is_kept_clean_and_offered_back_in_vietnamese(
    client, citizen, procedure
) -> None:  # type: ignore[no-untyped-def]
    login(client, citizen)
    base = start(client, procedure)
    # "Giấy khai sinh" decomposed (as an iPhone sends it), a right-to-left override making
    # "gpj.exe" read "exe.jpg", an isolate and a zero-width space.
    name = "Gia\u0302\u0301y khai sinh\u202egpj.exe\u2066\u200b.jpg"

    response = upload(client, base, scan_code(procedure), jpeg_bytes(), name)

    assert response.status_code == 303, response.text
    (attachment,) = stored(base)
    assert attachment.original_name == "Giấy khai sinhgpj.exe.jpg"
    page = client.get(f"{base}/giay-to")
    assert "Giấy khai sinhgpj.exe.jpg" in page.text
    assert "\u202e" not in page.text
    served = client.get(f"/ho-so/{attachment.dossier_id}/tep/{attachment.id}")
    disposition = served.headers["Content-Disposition"]
    assert disposition.startswith("inline; ")
    assert f"filename*=UTF-8''{quote('Giấy khai sinhgpj.exe.jpg')}" in disposition
    assert disposition.isascii()  # the header itself is plain ASCII, as RFC 6266 wants
