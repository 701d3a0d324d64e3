"""What tests/test_every_form.py types into a form: realistic Vietnamese values for every field
(optional ones included), or hostile ones drawn by Hypothesis strategies."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from typing import Any

from form_crawl import Control, Form, pdf_bytes, png_bytes
from hypothesis import strategies as st

EMAIL = "nguyen.van.a@example.vn"
PHONE = "0912345678"
ID_NUMBER = "040190012345"
NEW_PASSWORD = "Ca-phe-sua-da-2026"
TEXTAREA = "Xóm 3, xã Anh Sơn, tỉnh Nghệ An. Giấy khai sinh bản chính bị mờ, xin chụp lại rõ hơn."
LATER = (date.today() + timedelta(days=20)).isoformat()

# Realistic text by the name of the field (its last part after a prefix "approve-…").
BY_NAME: dict[str, str] = {
    "email": EMAIL,
    "phone": PHONE,
    "contact_phone": PHONE,
    "id_number": ID_NUMBER,
    "q": "0912000001",  # the demo citizen, found by a volunteer or at the post office counter
    "full_name": "Nguyễn Thị Hoa",
    "name": "Tổ công nghệ số cộng đồng Bản Huồi Tụ",
    "village": "Bản Huồi Tụ",
    "return_village": "Bản Huồi Tụ",
    "street": "Số 12, đường Lê Lợi",
    "address": "Khối 2, xã Mường Xén, tỉnh Nghệ An",
    "landmark": "Nhà sàn cạnh nhà văn hóa bản",
    "meeting_place": "Nhà văn hóa Bản Huồi Tụ",
    "reason": "Người nộp đề nghị rút hồ sơ vì đã nộp trực tiếp tại xã",
    "note": "Đã kiểm tra bản chính, khớp với bản chụp",
    "other": "Bản sao sổ hộ khẩu có chứng thực",
    "code": "123456",
    "password": NEW_PASSWORD,
    "password_again": NEW_PASSWORD,
    "new_password": NEW_PASSWORD,
    "new_password_again": NEW_PASSWORD,
    "current_password": "Mat-khau-thu-2026",
    # A date's three boxes (day / month / year); the year is chosen in realistic_value.
    "ngay": "12",
    "thang": "05",
    "start": "08:00",
    "end": "11:00",
    "capacity": "4",
    "amount": "26000",
    "online_target": "20,5",
    "recipient": "Lò Văn Pằn",
    "recipient_name": "Lò Văn Pằn",
    "received_by": "Lò Văn Pằn",
    "receiver_name": "Lò Văn Pằn",
}
BY_KIND: dict[str, str] = {
    "email": EMAIL,
    "tel": PHONE,
    "date": LATER,
    "number": "2",
    "password": NEW_PASSWORD,
    "textarea": TEXTAREA,
    "time": "08:00",
}


def _base(name: str) -> str:
    return name.rsplit("-", 1)[-1]


def _chosen(control: Control) -> str:
    """An option of the page's own: the one it selected (a province already chosen, which the
    communes offered follow), else the first that is not the empty "choose…" option."""
    if control.kind == "select" and control.value.strip():
        return control.value
    return next((o for o in control.options if o.strip()), control.value)


def _file(control: Control) -> tuple[bytes, str]:
    if "pdf" in control.accept and "image" not in control.accept:
        return pdf_bytes(), "Giấy xác nhận.pdf"
    return png_bytes(), "Ảnh chụp giấy tờ.png"


def realistic_value(control: Control) -> Any:
    if control.kind == "hidden":
        return control.value
    if control.kind in ("select", "radio"):
        return _chosen(control)
    if control.kind == "checkbox":
        return control.options  # every box ticked
    if control.kind == "file":
        return _file(control)
    if control.name.endswith("-nam"):  # a date's year: a birth or death is past, others ahead
        past = "birth" in control.name or "death" in control.name
        return "1990" if past else LATER[:4]
    value = BY_NAME.get(_base(control.name)) or BY_KIND.get(control.kind)
    if value is None:
        value = "2" if control.inputmode == "numeric" else "Nguyễn Văn An"
    if control.maxlength:
        value = value[: control.maxlength]
    return value


def realistic(form: Form) -> dict[str, Any]:
    return {name: realistic_value(control) for name, control in form.controls.items()}


def left_empty(form: Form) -> dict[str, Any]:
    """Submitted as is, nothing typed: the page's hidden values only."""
    return {n: c.value for n, c in form.controls.items() if c.kind == "hidden"}


# --- hostile values ---------------------------------------------------------------------------

ODD_TEXTS = [
    unicodedata.normalize("NFD", "Nguyễn Thị Hoa"),  # decomposed Vietnamese
    "a\u0301\u0302\u0303\u0309\u0323" * 20,  # stacked combining marks
    "\u202eaoH ịhT nễyugN",  # right-to-left override
    "Hoa\u200b\u200c\u200d\u2060\ufeff",  # zero-width characters
    "👩🏽‍🌾🇻🇳",  # emoji with joiners and a flag
    "Nguyễn\x00Hoa",  # NUL
    "\x00",
    "\x1b[31m\x07\x08",  # control characters
    "\ufffe\uffff\ufdd0\U0010fffe",  # noncharacters
    "\ue000\U000f0000",  # private use
    "𝐍𝐠𝐮𝐲𝐞̂̃𝐧",  # mathematical letters
    "ǅǈǋ ﬁ ﬀ Å",  # compatibility forms
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '=HYPERLINK("http://x")',
    "../../etc/passwd",
    "%s%n{0}{{7*7}}",
]
WRONG_TYPES = [
    "abc",
    "9999-12-31",
    "0001-01-01",
    "31/02/2026",
    "2026-13-45",
    "-1",
    "0",
    "-99999999999999999999",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "Infinity",
    "0x1F",
    "١٢٣",  # Arabic-Indic digits
    "１２３",  # full-width digits
    "25:61",
    "true",
    "[]",
]
WHITESPACE = st.text(alphabet=" \t\r\n\u00a0\u2003\u3000\u200b", min_size=1, max_size=6)
LONG = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(["a", "Nguyễn ", "𝐀", "9", "ễ", "\u0301"]),
    st.integers(min_value=300, max_value=6000),
)
HOSTILE_TEXT = st.one_of(
    st.just(""),
    WHITESPACE,
    LONG,
    st.sampled_from(ODD_TEXTS),
    st.sampled_from(WRONG_TYPES),
    st.text(max_size=40),  # any code point but surrogates
)
OMITTED = object()  # the field is not sent at all
HOSTILE_FILES = st.tuples(
    st.sampled_from(
        [
            b"",
            b"\x00" * 64,
            b"%PDF-1.7\n%broken",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
            b"GIF89a",
            b"<html><script>alert(1)</script></html>",
        ]
    ),
    st.sampled_from(
        [
            "\u202egnp.exe",
            "../../etc/passwd",
            "a" * 300 + ".png",
            "",
            "ảnh\x00.png",
            "Ảnh chụp.PDF",
            "CON.png",
        ]
    ),
)


def hostile_value(control: Control) -> st.SearchStrategy[Any]:
    if control.kind == "file":
        real = st.just(_file(control))
        return st.one_of(HOSTILE_FILES, real, st.just(OMITTED), HOSTILE_TEXT)
    own = st.sampled_from(control.options) if control.options else st.just(control.value)
    if control.kind in ("select", "radio", "checkbox"):
        return st.one_of(own, HOSTILE_TEXT, st.just(OMITTED))
    return st.one_of(HOSTILE_TEXT, st.just(OMITTED), own)


def hostile(form: Form, draw: Any) -> dict[str, Any]:
    """Every field drawn hostile but the CSRF token, which a browser always sends."""
    values = {}
    for name, control in form.controls.items():
        if name == "csrf_token":
            values[name] = control.value
            continue
        value = draw(hostile_value(control), label=name)
        if value is not OMITTED:
            values[name] = value
    return values
