"""Tests for app.dossiers.uploads: content sniffing, image clean-up, PDF checks, file names.

The hostile PDF corpus has its own module, tests/dossiers/test_hostile_pdfs.py."""

import hashlib
import io
import struct
import unicodedata
import zlib

import pytest
from hostile_pdfs import hidden_open_action
from PIL import ExifTags, Image, ImageFile, PngImagePlugin
from pypdf import PdfReader

from app.core.errors import Invalid
from app.dossiers.uploads import (
    ALLOWED,
    ProcessedUpload,
    UploadRejected,
    human_size,
    process_upload,
    sniff,
)

MB = 1024 * 1024
LIMIT = 5 * MB


# --------------------------------------------------------------------------
# Builders (everything is generated in memory)


def make_jpeg(size=(400, 300), color="red", *, exif=None, **save_params) -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if exif is not None:
        save_params["exif"] = exif
    image.save(out, "JPEG", quality=90, **save_params)
    return out.getvalue()


def make_png(image: Image.Image, **save_params) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **save_params)
    return out.getvalue()


def phone_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "CheapPhone"
    exif[ExifTags.Base.Model] = "A1"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (21.0, 1.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 51.0, 12.0)
    return exif


def png_text(key: str, value: str) -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_itxt(key, value)
    info.add_text("Comment", "scanned at home")
    return info


def with_png_dimensions(png: bytes, width: int, height: int) -> bytes:
    """Rewrite the IHDR of ``png`` to claim other dimensions (CRC fixed up)."""
    assert png[12:16] == b"IHDR"
    ihdr = bytearray(png[16:29])
    ihdr[0:8] = struct.pack(">II", width, height)
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + bytes(ihdr)))
    return png[:16] + bytes(ihdr) + crc + png[33:]


def build_pdf(*objects: bytes, header: bytes = b"%PDF-1.7\n") -> bytes:
    """A PDF made of ``objects`` (numbered from 1) with a correct xref table."""
    out = bytearray(header + b"%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(dictionary: bytes, content: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(content), content)


PAGE_CONTENT = b"BT /F1 12 Tf 72 720 Td (Giay khai sinh) Tj ET"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
    b"/Resources << /Font << /F1 5 0 R >> >> >>"
)


def minimal_pdf(catalog_extra: bytes = b"") -> bytes:
    return build_pdf(
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        PAGE,
        stream(b"", PAGE_CONTENT),
        FONT,
    )


def reject(data: bytes, **kwargs) -> UploadRejected:
    kwargs.setdefault("max_bytes", LIMIT)
    with pytest.raises(UploadRejected) as info:
        process_upload(data, **kwargs)
    return info.value


def reopen(result: ProcessedUpload) -> Image.Image:
    image = Image.open(io.BytesIO(result.data))
    image.load()
    return image


# --------------------------------------------------------------------------
# Type detection: content decides, nothing else


def test_allowed_types():
    assert sorted(ALLOWED) == ["application/pdf", "image/jpeg", "image/png"]


def test_jpeg_is_recognised_by_content_alone():
    # A citizen's "giay_to.png" that is really a JPEG: there is no name or
    # declared type anywhere in the API, only bytes, and the bytes say JPEG.
    data = make_jpeg()
    assert sniff(data) == "image/jpeg"
    result = process_upload(data, max_bytes=LIMIT)
    assert result.media_type == "image/jpeg"
    assert result.extension == "jpg"
    assert reopen(result).format == "JPEG"
    assert result.original_size == len(data)
    assert result.sha256 == hashlib.sha256(result.data).hexdigest()


def test_sniff_png_and_pdf():
    assert sniff(make_png(Image.new("RGB", (2, 2)))) == "image/png"
    assert sniff(b"%PDF-1.4\n...") == "application/pdf"
    # Tolerated before the header: a UTF-8 byte order mark and whitespace.
    assert sniff(b"\xef\xbb\xbf\r\n  %PDF-1.7\n") == "application/pdf"
    assert sniff(b" " * 1100 + b"%PDF-1.7\n") is None
    assert sniff(b"") is None
    assert sniff(b"\xff\xd8") is None


def test_text_file_named_pdf_is_rejected():
    data = "Đơn đề nghị cấp bản sao giấy khai sinh\n".encode()
    assert sniff(data) is None
    error = reject(data)
    assert error.code == "unsupported_type"
    assert error.message == (
        "Chỉ nhận tệp PDF, JPEG hoặc PNG. Tệp bạn chọn không phải là một trong các loại này."
    )
    assert str(error) == error.message
    # A refusal of the domain: a 422 with the message next to the file field.
    assert isinstance(error, Invalid) and error.status == 422


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><body><script>alert(1)</script>%PDF-1.4</body></html>",
        b"<html>\n%PDF-1.7\n<script>alert(1)</script>\n%%EOF\n",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"GIF89a\x01\x00\x01\x00",
        b"PK\x03\x04 docx or zip",
    ],
)
def test_disguised_content_is_rejected(data):
    assert sniff(data) is None
    assert reject(data).code == "unsupported_type"


# --------------------------------------------------------------------------
# Size


def test_empty_file_is_rejected():
    error = reject(b"")
    assert error.code == "empty"
    assert error.message == "Tệp trống. Vui lòng chọn lại tệp."


def test_oversize_file_is_rejected_with_the_limit_in_mb():
    data = b"\xff\xd8\xff" + b"\0" * (int(7.2 * MB) - 3)
    error = reject(data, max_bytes=LIMIT)
    assert error.code == "too_large"
    assert "5 MB" in error.message
    assert error.message == (
        "Tệp quá lớn (7,2 MB). Dung lượng tối đa là 5 MB. "
        "Hãy chụp lại với độ phân giải thấp hơn hoặc chọn tệp khác."
    )


def test_barely_oversize_file_never_shows_the_same_size_as_the_limit():
    error = reject(b"%PDF-" + b"\0" * LIMIT, max_bytes=LIMIT)
    assert "(5,1 MB)" in error.message


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0 byte"),
        (512, "512 byte"),
        (850 * 1024, "850 KB"),
        (1023 * 1024 + 1000, "1 MB"),
        (5 * MB, "5 MB"),
        (int(7.2 * MB), "7,2 MB"),
        (int(7.25 * MB) + 1, "7,3 MB"),
        (1536 * MB, "1.536 MB"),
    ],
)
def test_human_size(n, expected):
    assert human_size(n) == expected


# --------------------------------------------------------------------------
# Images


def test_big_photo_is_downscaled_and_stripped_of_metadata():
    data = make_jpeg(
        (4000, 3000),
        exif=phone_exif(),
        comment=b"taken at home",
        icc_profile=b"not really a profile",
    )
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    result = process_upload(data, max_bytes=LIMIT)

    assert (result.width, result.height) == (1600, 1200)
    image = reopen(result)
    assert image.size == (1600, 1200)
    assert image.format == "JPEG"
    assert image.info.get("progressive") or image.info.get("progression")
    assert len(image.getexif()) == 0
    for key in ("exif", "comment", "icc_profile", "xmp"):
        assert key not in image.info
    assert b"Exif" not in result.data
    assert b"CheapPhone" not in result.data
    assert len(result.data) < len(data)


def test_small_image_is_not_upscaled():
    result = process_upload(make_jpeg((640, 480)), max_bytes=LIMIT)
    assert (result.width, result.height) == (640, 480)


def test_custom_max_side_applies_to_portrait_images():
    result = process_upload(make_jpeg((900, 2000)), max_bytes=LIMIT, max_side=1000)
    assert (result.width, result.height) == (450, 1000)


def test_exif_orientation_6_is_applied():
    # Stored landscape, left half red and right half blue; orientation 6 means
    # "rotate 90° clockwise to display", so the red half ends up on top.
    stored = Image.new("RGB", (400, 300), "blue")
    stored.paste((255, 0, 0), (0, 0, 200, 300))
    out = io.BytesIO()
    stored.save(out, "JPEG", quality=95, exif=phone_exif(orientation=6))

    result = process_upload(out.getvalue(), max_bytes=LIMIT)

    assert (result.width, result.height) == (300, 400)
    image = reopen(result).convert("RGB")
    assert image.size == (300, 400)
    top = image.getpixel((150, 50))
    bottom = image.getpixel((150, 350))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60
    assert ExifTags.Base.Orientation not in image.getexif()


def test_png_with_alpha_stays_png_with_alpha():
    source = Image.new("RGBA", (2400, 1200), (0, 128, 0, 255))
    source.paste((0, 0, 0, 0), (0, 0, 1200, 1200))
    data = make_png(source, pnginfo=png_text("Author", "Nguyễn Văn A"))

    result = process_upload(data, max_bytes=LIMIT)

    assert result.media_type == "image/png"
    assert result.extension == "png"
    assert (result.width, result.height) == (1600, 800)
    image = reopen(result)
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert image.getpixel((100, 400))[3] == 0
    assert image.getpixel((1500, 400)) == (0, 128, 0, 255)
    assert "Author" not in image.info
    assert b"tEXt" not in result.data and b"iTXt" not in result.data


def test_palette_png_with_transparency_is_converted_properly_when_resized():
    source = Image.new("P", (3200, 100), 1)
    source.putpalette([255, 255, 255, 200, 0, 0] + [0, 0, 0] * 254)
    source.paste(0, (0, 0, 1600, 100))
    data = make_png(source, transparency=0)

    image = reopen(process_upload(data, max_bytes=LIMIT))

    assert image.size == (1600, 50)
    assert image.mode == "RGBA"
    assert image.getpixel((100, 25))[3] == 0
    assert image.getpixel((1500, 25)) == (200, 0, 0, 255)


def test_small_palette_png_keeps_its_palette_and_transparency():
    source = Image.new("P", (64, 64), 1)
    source.putpalette([255, 255, 255, 0, 0, 200] + [0, 0, 0] * 254)
    source.paste(0, (0, 0, 32, 64))
    image = reopen(process_upload(make_png(source, transparency=0), max_bytes=LIMIT))
    assert image.mode == "P"
    rgba = image.convert("RGBA")
    assert rgba.getpixel((10, 10))[3] == 0
    assert rgba.getpixel((50, 10)) == (0, 0, 200, 255)


def test_sixteen_bit_greyscale_png_is_accepted():
    data = make_png(Image.new("I;16", (2000, 1000), 40000))
    image = reopen(process_upload(data, max_bytes=LIMIT))
    assert image.mode == "L"
    assert image.size == (1600, 800)
    assert image.getpixel((10, 10)) == 40000 // 256


@pytest.mark.parametrize(("width", "height"), [(20_000, 20_000), (90_000_000, 1)])
def test_decompression_bomb_png_is_rejected(width, height):
    data = with_png_dimensions(make_png(Image.new("L", (1, 1))), width, height)
    error = reject(data)
    assert error.code == "image_too_large"
    assert error.message.startswith("Không đọc được ảnh")


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_image_just_above_the_pixel_budget_is_rejected():
    # 7000 x 7000 = 49 megapixels: Pillow only warns, our own check refuses.
    data = with_png_dimensions(make_png(Image.new("L", (1, 1))), 7000, 7000)
    assert reject(data).code == "image_too_large"


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8,
        b"\xff\xd8\xff" + b"\0" * 100,
        make_jpeg((800, 600), "green")[:300],
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 20,
        make_png(Image.effect_noise((300, 300), 64))[:2000],
    ],
    ids=["garbage-jpeg", "zeros-jpeg", "truncated-jpeg", "garbage-png", "truncated-png"],
)
def test_corrupted_image_is_rejected_politely(data):
    error = reject(data)
    assert error.code == "bad_image"
    assert error.message == (
        "Không đọc được ảnh. Tệp có thể bị hỏng hoặc chưa tải lên hết. "
        "Vui lòng chụp lại hoặc chọn ảnh khác."
    )


# --------------------------------------------------------------------------
# PDF


def pdf_page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_minimal_valid_pdf_is_accepted_and_rewritten_with_the_same_page():
    data = minimal_pdf()
    result = process_upload(data, max_bytes=LIMIT)
    # What is stored is qpdf's rewrite of what it read (so an officer's reader sees exactly
    # what was checked), with the same page and text.
    assert result.data.startswith(b"%PDF-")
    assert pdf_page_texts(result.data) == pdf_page_texts(data) == ["Giay khai sinh"]
    assert result.media_type == "application/pdf"
    assert result.extension == "pdf"
    assert result.width is None and result.height is None
    assert result.original_size == len(data)
    assert result.sha256 == hashlib.sha256(result.data).hexdigest()
    assert result.removed == ()
    # The same upload gives the same file.
    assert process_upload(data, max_bytes=LIMIT).data == result.data


def test_pdf_with_compressed_streams_is_accepted():
    packed = zlib.compress(b"1 0 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    data = build_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        PAGE,
        stream(b"/Filter /FlateDecode", zlib.compress(PAGE_CONTENT)),
        FONT,
        stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", packed),
    )
    result = process_upload(data, max_bytes=LIMIT)
    assert pdf_page_texts(result.data) == ["Giay khai sinh"]
    # The page content is copied as it came (still compressed), never decoded and re-encoded.
    assert zlib.compress(PAGE_CONTENT) in result.data


@pytest.mark.parametrize(
    "data",
    [
        minimal_pdf()[:-200],
        minimal_pdf().replace(b"%%EOF", b"%%EO"),
        b"%PDF-1.4\n",
        minimal_pdf()[:200] + b"\n%%EOF\n",
        b"%PDF-1.4\n" + bytes(range(256)) * 4 + b"\n%%EOF\n",
    ],
    ids=["cut-short", "no-eof-marker", "header-only", "cut-short-eof-added", "garbage"],
)
def test_truncated_pdf_is_rejected(data):
    error = reject(data)
    assert error.code == "bad_pdf"
    assert error.message == "Tệp PDF bị hỏng hoặc chưa tải lên hết. Vui lòng tải lại."


@pytest.mark.parametrize(
    "catalog_extra",
    [
        b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ",
        b"/OpenAction << /S /Java#53cript /J#53 (app.alert(1)) >> ",
        b"/OpenAction << /S /Launch /F (cmd.exe) >> ",
        b"/Names << /EmbeddedFiles << /Names [(a.exe) << /Type /Filespec /F (a.exe) >>] >> >> ",
        b"/AF [<< /Type /EmbeddedFile >>] ",
    ],
    ids=["javascript", "escaped-javascript", "launch", "embedded-files", "embedded-file"],
)
def test_pdf_with_active_content_is_stored_without_it(catalog_extra):
    """Refused before issue 11; now rewritten without it (tests/dossiers/test_hostile_pdfs.py
    has the whole hostile corpus)."""
    data = minimal_pdf(catalog_extra)
    result = process_upload(data, max_bytes=LIMIT)
    assert result.removed
    for word in (b"JavaScript", b"Launch", b"EmbeddedFile", b"/AF", b"cmd.exe", b"a.exe"):
        assert word not in result.data
    assert pdf_page_texts(result.data) == ["Giay khai sinh"]


def test_password_protected_pdf_is_refused_politely():
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(minimal_pdf())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="123456"))
    error = reject(out.getvalue())
    assert error.code == "encrypted_pdf"
    assert error.message.startswith("Tệp PDF được đặt mật khẩu nên không mở được.")


def test_pdf_object_stream_inflating_beyond_the_budget_is_rejected():
    bomb = b"<< /S /JavaScript /JS (app.alert(1)) >>" + b" " * (40 * MB)
    data = hidden_open_action(bomb)
    assert len(data) < LIMIT
    error = reject(data)
    assert error.code == "uncheckable_pdf"
    assert error.message.startswith("Không kiểm tra được nội dung tệp PDF này.")


def test_pdf_with_too_many_objects_is_rejected(monkeypatch):
    from app.dossiers.uploads import pdf

    monkeypatch.setattr(pdf, "MAX_OBJECTS", 4)
    assert reject(minimal_pdf()).code == "uncheckable_pdf"


# --------------------------------------------------------------------------
# Images cut short, whatever the process-wide Pillow switch says


def _noise(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.effect_noise((900, 700), 40).convert("RGB").save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
@pytest.mark.parametrize("keep", [0.5, 0.9, 0.999])
def test_image_cut_short_is_refused_even_after_weasyprint_loaded(monkeypatch, fmt, keep):
    # WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES = True when the app imports it; with
    # it, Pillow paints the missing part grey and a half-sent photo was stored (issue 11).
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = _noise(fmt)
    error = reject(data[: int(len(data) * keep)])
    assert error.code == "bad_image"
    assert error.message.startswith("Không đọc được ảnh. Tệp có thể bị hỏng")
    # The switch is given back as it was, and the whole file still goes through.
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    assert process_upload(data, max_bytes=LIMIT).media_type.startswith("image/")


# --------------------------------------------------------------------------
# File names


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Giấy khai sinh.jpg", "Giấy khai sinh.pdf"),
        # Decomposed (as a Mac or an iPhone sends it) becomes composed (NFC).
        ("Gia\u0302\u0301y khai sinh cu\u0309a con.jpg", "Giấy khai sinh của con.pdf"),
        # The right-to-left override that makes "hoa-don‮fdp.exe" read "hoa-donexe.pdf".
        ("hoa-don\u202efdp.exe", "hoa-donfdp.pdf"),
        ("\u2066bang-diem\u2069\u200e\u200f\u061c\u202a\u202b\u202c\u202d.png", "bang-diem.pdf"),
        ("zero\u200bwidth\ufeff.pdf", "zerowidth.pdf"),
        ("con\x00trol\x1b[31m\x7f.pdf", "control[31m.pdf"),
        ("tab\there\r\nnew.jpg", "tab here new.pdf"),
        ('C:\\Users\\Hoa\\Desktop\\giấy "tờ" <1>?.pdf', "giấy tờ 1.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("", "tep.pdf"),
        (None, "tep.pdf"),
        ("\u202e\u2066.exe", "tep.pdf"),
        ("...", "tep.pdf"),
        ("  . giấy .  .pdf", "giấy.pdf"),
        ("a" * 300 + ".pdf", "a" * 80 + ".pdf"),
    ],
)
def test_file_name_is_nfc_and_free_of_controls(name, expected):
    from app.dossiers.uploads.names import safe_file_name

    cleaned = safe_file_name(name, "pdf")
    assert cleaned == expected
    assert unicodedata.is_normalized("NFC", cleaned)
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in cleaned)
