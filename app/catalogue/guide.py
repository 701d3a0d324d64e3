"""The helpers' guide of a procedure: step-by-step advice for someone who applies on another
person's behalf (a community digital technology team member at the village hall, DOMAIN.md §1).

The administrator writes it as plain text, one step per line (``Procedure.helper_guide``).
When nothing is written, a default is built from the procedure's own documents: what to bring,
which photos to take, and two mistakes that make officers ask for the papers again.

Pure module: no Flask, no database. The documents are anything with the attributes of
:class:`DocumentLike` (``RequiredDocument`` rows, or plain objects in tests).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Protocol

GUIDE_MAX_LENGTH: Final = 4000

KIND_WORDS: Final = {
    "original": "bản chính",
    "copy": "bản sao",
    "original_or_copy": "bản chính hoặc bản sao",
}
# A number or a bullet the administrator typed in front of a step: the page numbers the steps.
_MARKER: Final = re.compile(r"^(?:\d{1,2}[.)]|[-*+•–—])(?:\s+|$)")

BLURRED_PHOTO: Final = (
    "Lỗi hay gặp: ảnh bị mờ, lóa đèn hoặc mất góc giấy, cán bộ không đọc được nên phải yêu "
    "cầu bổ sung. Xem lại từng ảnh trước khi tải lên; chữ và số không đọc rõ thì chụp lại."
)
ID_AND_BIRTH_DATE: Final = (
    "Lỗi hay gặp: số căn cước không khớp với ngày sinh hoặc giới tính. Đọc lại từng chữ số "
    "trên thẻ căn cước cùng người dân, so với ngày sinh ghi trên thẻ, trước khi gửi."
)
WRONG_PHONE: Final = (
    "Lỗi hay gặp: ghi nhầm số điện thoại. Tin nhắn về hồ sơ và kết quả gửi đến số này; hãy "
    "đọc lại số cho người dân nghe."
)


class DocumentLike(Protocol):
    name: str
    kind: str
    copies: int
    scan_required: bool
    is_required: bool


@dataclass(frozen=True)
class HelperGuide:
    steps: tuple[str, ...]
    is_default: bool


def normalise_guide(text: str | None) -> str:
    """The guide as stored: one step per line, spaces collapsed, empty lines dropped."""
    lines = (" ".join(line.split()) for line in (text or "").splitlines())
    return "\n".join(line for line in lines if line)


def written_steps(text: str | None) -> list[str]:
    """The administrator's steps, without the numbers or bullets typed in front of them."""
    steps = []
    for line in normalise_guide(text).split("\n"):
        step = _MARKER.sub("", line, count=1).strip()
        if step:
            steps.append(step)
    return steps


def _document_words(document: DocumentLike) -> str:
    kind = KIND_WORDS.get(document.kind, document.kind)
    words = f"{kind}, {document.copies} bản"
    return words if document.is_required else f"{words}, nếu có"


def _name_of(document: DocumentLike) -> str:
    return document.name if document.is_required else f"{document.name} (nếu có)"


def default_steps(documents: Iterable[DocumentLike]) -> list[str]:
    """What to bring, which photos to take, and two common mistakes, from the documents."""
    documents = list(documents)
    steps = [f"Nhắc người dân mang theo {d.name} ({_document_words(d)})." for d in documents]
    photographed = [d for d in documents if d.scan_required]
    if photographed:
        steps.append(
            "Chụp ảnh để tải lên: "
            + "; ".join(_name_of(d) for d in photographed)
            + ". Đặt giấy trên mặt bàn phẳng, chỗ đủ sáng, chụp thẳng từ trên xuống, thấy đủ "
            "bốn góc; giấy nhiều trang thì chụp từng trang."
        )
        steps.append(BLURRED_PHOTO)
    else:
        steps.append("Thủ tục này không cần chụp ảnh giấy tờ để tải lên khi nộp trực tuyến.")
        steps.append(WRONG_PHONE)
    steps.append(ID_AND_BIRTH_DATE)
    return steps


def helper_guide(text: str | None, documents: Iterable[DocumentLike]) -> HelperGuide:
    """The administrator's guide when there is one, otherwise the default."""
    steps = written_steps(text)
    if steps:
        return HelperGuide(tuple(steps), is_default=False)
    return HelperGuide(tuple(default_steps(documents)), is_default=True)
