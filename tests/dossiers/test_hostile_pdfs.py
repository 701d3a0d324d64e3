"""The hostile PDF corpus (tests/hostile_pdfs.py) through the upload check: each trick is
either refused with its Vietnamese message or stored without any active content, checked by
reparsing what is stored and walking every object; clean documents keep their pages, text and
images."""

from __future__ import annotations

import io
import zlib

import pikepdf
import pytest
from hostile_pdfs import CORPUS, PAGE_TEXT, one_page
from PIL import Image
from pypdf import PdfReader

from app.dossiers.uploads import UploadRejected, process_upload

LIMIT = 5 * 1024 * 1024

# Written here, independently of app/dossiers/uploads/pdf.py: what must never be in a stored PDF.
ACTIVE_KEYS = {
    "/AA", "/JS", "/JavaScript", "/OpenAction", "/EmbeddedFiles", "/EmbeddedFile", "/EF",
    "/AF", "/XFA", "/RichMediaContent", "/RichMediaSettings", "/3DD", "/Collection",
    "/NeedsRendering", "/Launch", "/URI", "/SubmitForm", "/ImportData",
}  # fmt: skip
ACTIVE_NAMES = {
    "/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ResetForm", "/ImportData", "/GoToR",
    "/GoToE", "/GoToDp", "/Thread", "/Sound", "/Movie", "/Hide", "/Rendition", "/Trans",
    "/GoTo3DView", "/RichMediaExecute", "/SetOCGState", "/EmbeddedFile", "/FileAttachment",
    "/RichMedia", "/Screen", "/3D", "/Filespec", "/SaveAs", "/MakeCoffee", "/PS",
}  # fmt: skip
# Words of the corpus' payloads: none may survive anywhere in the stored bytes.
PAYLOAD_WORDS = [
    b"app.alert", b"evil.example", b"cmd.exe", b"calc.exe", b"\\\\server", b"smb://",
    b"payload.pdf", b"hoa-don.exe", b"not really", b"xdp:xdp", b"(pwned) print", b"a.swf",
]  # fmt: skip

HOSTILE = {name: data for name, (data, expected) in CORPUS.items() if expected == "clean"}
REFUSED = {name: (data, code) for name, (data, code) in CORPUS.items() if code != "clean"}
MESSAGES = {
    "encrypted_pdf": "Tệp PDF được đặt mật khẩu nên không mở được.",
    "bad_pdf": "Tệp PDF bị hỏng hoặc chưa tải lên hết. Vui lòng tải lại.",
    "uncheckable_pdf": "Không kiểm tra được nội dung tệp PDF này.",
}


def every_dictionary(pdf: pikepdf.Pdf):  # type: ignore[no-untyped-def]
    """Every dictionary and stream dictionary of ``pdf``, nested ones included."""
    stack = [pdf.trailer, *pdf.objects]
    seen: set[tuple[int, int]] = set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            if obj.is_indirect:
                if obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
            yield obj
            stack.extend(obj.values())
        elif isinstance(obj, pikepdf.Array):
            stack.extend(obj)


def active_content(data: bytes) -> list[str]:
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for d in every_dictionary(pdf):
            found += [f"key {key}" for key in d.keys() if key in ACTIVE_KEYS]  # noqa: SIM118
            for key in ("/S", "/Subtype", "/Type", "/N"):
                value = d.get(key)
                if isinstance(value, pikepdf.Name) and str(value) in ACTIVE_NAMES:
                    found.append(f"{key} {value}")
        if pdf.is_encrypted:
            found.append("encrypted")
    return found


def text_of(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_the_corpus_is_really_hostile():
    """The check below would mean nothing if the fixtures carried nothing active."""
    for name, data in HOSTILE.items():
        try:
            found = active_content(data)
        except pikepdf.PasswordError:
            found = ["encrypted"]
        assert found, name
    # The tricks that hide from a byte scan do hide: no "JavaScript" in the raw bytes.
    for name in (
        "js-open-action-in-object-stream",
        "js-hex-escaped-names",
        "js-flate-twice",
        "js-png-predictor",
    ):
        assert b"JavaScript" not in HOSTILE[name], name


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_pdf_is_stored_without_active_content(name):
    data = HOSTILE[name]

    result = process_upload(data, max_bytes=LIMIT)

    stored = result.data
    assert result.media_type == "application/pdf"
    assert result.removed, "something was removed and logged"
    assert active_content(stored) == []
    # The stored file has no object streams and no encryption: its dictionaries are plain
    # bytes, and none of the payloads is left in them.
    assert b"/ObjStm" not in stored and b"/Encrypt" not in stored
    for word in PAYLOAD_WORDS:
        assert word not in stored, word
    # The page itself is untouched: one page, its text.
    assert text_of(stored) == [PAGE_TEXT]
    # Cleaning a clean file changes nothing more.
    assert process_upload(stored, max_bytes=LIMIT).data == stored


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unreadable_pdf_is_refused_with_a_clear_message(name):
    data, code = REFUSED[name]
    with pytest.raises(UploadRejected) as refused:
        process_upload(data, max_bytes=LIMIT)
    assert refused.value.code == code
    assert refused.value.message.startswith(MESSAGES[code])


# --- clean documents pass with their content unchanged --------------------------------------


def scanned_pages(count: int) -> bytes:
    """A phone scan: ``count`` JPEG pages, as Pillow (like many scanning apps) writes them."""
    pages = []
    for n in range(count):
        page = Image.new("RGB", (1240, 1754), (250, 250, 245))
        page.paste((30, 30, 30), (100, 150 + 40 * n, 1100, 190 + 40 * n))
        pages.append(page)
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=150)
    return out.getvalue()


def typed_document() -> bytes:
    """A "saved as PDF" letter: several pages of Vietnamese text, embedded fonts, object
    streams, a link to another page and an outline (both kept: they move within the file)."""
    from weasyprint import HTML

    paragraphs = "".join(
        f"<h1 id='p{n}'>Phần {n}</h1><p>" + "Đơn đề nghị cấp bản sao trích lục khai sinh. " * 60
        for n in range(1, 4)
    )
    html = f"<a href='#p3'>Đến phần 3</a>{paragraphs}"
    return HTML(string=html).write_pdf()


def images_of(data: bytes) -> list[bytes]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [
            image.read_raw_bytes() for page in pdf.pages for _, image in sorted(page.images.items())
        ]


@pytest.mark.parametrize("build", [lambda: scanned_pages(3), typed_document, one_page])
def test_clean_pdf_keeps_its_pages_text_and_images(build):
    data = build()

    result = process_upload(data, max_bytes=LIMIT)

    assert result.removed == ()
    source, stored = PdfReader(io.BytesIO(data)), PdfReader(io.BytesIO(result.data))
    assert len(stored.pages) == len(source.pages) >= 1
    for before, after in zip(source.pages, stored.pages, strict=True):
        assert after.mediabox == before.mediabox
        assert after.extract_text() == before.extract_text()
        assert after.get_contents().get_data() == before.get_contents().get_data()
    assert images_of(result.data) == images_of(data)


def test_internal_links_and_outline_survive():
    data = typed_document()
    stored = process_upload(data, max_bytes=LIMIT).data
    with pikepdf.open(io.BytesIO(data)) as before, pikepdf.open(io.BytesIO(stored)) as after:
        links_before = [a for p in before.pages for a in p.get("/Annots", [])]
        links_after = [a for p in after.pages for a in p.get("/Annots", [])]
        assert len(links_after) == len(links_before) >= 1
        with before.open_outline() as a, after.open_outline() as b:
            assert (
                [i.title for i in b.root]
                == [i.title for i in a.root]
                == [
                    "Phần 1",
                    "Phần 2",
                    "Phần 3",
                ]
            )


def test_a_scan_keeps_its_size_when_rewritten():
    """A byte budget: the rewrite of a 3-page scan is no bigger than the scan (5 % slack)."""
    data = scanned_pages(3)
    stored = process_upload(data, max_bytes=LIMIT).data
    assert len(stored) <= len(data) * 1.05 + 2048


def test_decompression_bomb_in_a_page_is_not_inflated():
    """The page content is copied as it came: a content stream that would inflate to 1 GB
    costs nothing (it is never decoded) and is stored as sent."""
    bomb = zlib.compress(b" " * (256 * 1024 * 1024), 9)
    data = one_page().replace(
        b"<<  /Length 45 >>\nstream\n" + b"BT /F1 24 Tf 72 720 Td (Giay khai sinh) Tj ET",
        b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(bomb) + bomb,
    )
    assert bomb in data
    stored = process_upload(data, max_bytes=LIMIT).data
    assert bomb in stored
