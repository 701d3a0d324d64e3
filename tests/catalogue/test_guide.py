"""The helpers' guide: the default built from a procedure's documents (pure), the steps the
administrator wrote, and the section of the procedure page that shows one or the other."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select

from app.catalogue.guide import (
    BLURRED_PHOTO,
    ID_AND_BIRTH_DATE,
    WRONG_PHONE,
    default_steps,
    helper_guide,
    normalise_guide,
    written_steps,
)
from app.catalogue.models import Procedure
from app.extensions import db


@dataclass
class Document:
    name: str
    kind: str = "original"
    copies: int = 1
    scan_required: bool = True
    is_required: bool = True


CERTIFICATE = Document("Giấy chứng sinh", scan_required=True)
ID_CARD = Document("Thẻ căn cước", scan_required=False)
MARRIAGE = Document("Giấy chứng nhận kết hôn", "original_or_copy", is_required=False)
COPIES = Document("Sổ hộ khẩu", "copy", copies=2, scan_required=False)


# --- the default (pure) -------------------------------------------------------------------------


def test_default_says_what_to_bring_with_kind_and_copies() -> None:
    steps = default_steps([CERTIFICATE, ID_CARD, MARRIAGE, COPIES])
    assert steps[:4] == [
        "Nhắc người dân mang theo Giấy chứng sinh (bản chính, 1 bản).",
        "Nhắc người dân mang theo Thẻ căn cước (bản chính, 1 bản).",
        "Nhắc người dân mang theo Giấy chứng nhận kết hôn (bản chính hoặc bản sao, 1 bản, nếu có).",
        "Nhắc người dân mang theo Sổ hộ khẩu (bản sao, 2 bản).",
    ]


def test_default_names_the_photos_to_take_and_two_mistakes() -> None:
    steps = default_steps([CERTIFICATE, ID_CARD, MARRIAGE])
    photos = steps[3]
    assert photos.startswith(
        "Chụp ảnh để tải lên: Giấy chứng sinh; Giấy chứng nhận kết hôn (nếu có)."
    )
    assert "Thẻ căn cước" not in photos and "bốn góc" in photos
    assert steps[4:] == [BLURRED_PHOTO, ID_AND_BIRTH_DATE]
    assert "mờ" in BLURRED_PHOTO and "mất góc" in BLURRED_PHOTO
    assert "số căn cước không khớp với ngày sinh" in ID_AND_BIRTH_DATE


def test_default_without_photos_warns_about_another_mistake() -> None:
    steps = default_steps([ID_CARD])
    assert steps == [
        "Nhắc người dân mang theo Thẻ căn cước (bản chính, 1 bản).",
        "Thủ tục này không cần chụp ảnh giấy tờ để tải lên khi nộp trực tuyến.",
        WRONG_PHONE,
        ID_AND_BIRTH_DATE,
    ]
    assert BLURRED_PHOTO not in steps


def test_default_with_no_documents_still_has_the_mistakes() -> None:
    assert default_steps([])[-2:] == [WRONG_PHONE, ID_AND_BIRTH_DATE]


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("", ""),
        (None, ""),
        ("  Mang   thẻ \r\n\r\n Chụp ảnh \n", "Mang thẻ\nChụp ảnh"),
        ("Một\u00a0bước", "Một bước"),
        ("A\rB", "A\nB"),
    ],
)
def test_normalise_guide(text, stored) -> None:  # type: ignore[no-untyped-def]
    assert normalise_guide(text) == stored
    assert normalise_guide(stored) == stored


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("1. Mang thẻ\n2) Chụp ảnh\n- Đọc lại\n• Gửi", ["Mang thẻ", "Chụp ảnh", "Đọc lại", "Gửi"]),
        # A number that is part of the step stays.
        ("2.000 đồng lệ phí\n15 giờ là hạn", ["2.000 đồng lệ phí", "15 giờ là hạn"]),
        ("1. \n  \n", []),
    ],
)
def test_written_steps_drop_typed_numbers(text, steps) -> None:  # type: ignore[no-untyped-def]
    assert written_steps(text) == steps


def test_helper_guide_prefers_what_the_administrator_wrote() -> None:
    written = helper_guide("Mang thẻ căn cước.\nChụp ảnh.", [CERTIFICATE])
    assert written.steps == ("Mang thẻ căn cước.", "Chụp ảnh.") and not written.is_default
    fallback = helper_guide(" \n ", [CERTIFICATE])
    assert fallback.is_default and fallback.steps == tuple(default_steps([CERTIFICATE]))


# --- the procedure page -------------------------------------------------------------------------


@pytest.fixture
def restore_guides(app: Flask) -> Iterator[None]:
    """Procedures are seeded once per backend, not wiped after each test."""
    before = dict(db.session.execute(select(Procedure.id, Procedure.helper_guide)).all())
    yield
    db.session.rollback()
    for procedure in db.session.scalars(select(Procedure)):
        procedure.helper_guide = before[procedure.id]
    db.session.commit()


def by_code(code: str) -> Procedure:
    return db.session.scalars(select(Procedure).filter_by(code=code)).one()


def guide_section(client, code: str) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    response = client.get(f"/thu-tuc/{code}")
    assert response.status_code == 200
    section = BeautifulSoup(response.text, "html.parser").select_one("details.helper-guide")
    assert section is not None
    return section


def test_the_page_shows_the_guide_closed(client, restore_guides) -> None:
    procedure = by_code("1.004222")
    procedure.helper_guide = "1. Mang thẻ căn cước.\n2. Chụp ảnh sổ đỏ từng trang."
    db.session.commit()
    section = guide_section(client, "1.004222")
    assert not section.has_attr("open")
    assert section.summary.get_text() == "Hướng dẫn cho người hỗ trợ"
    assert [li.get_text() for li in section.select("ol li")] == [
        "Mang thẻ căn cước.",
        "Chụp ảnh sổ đỏ từng trang.",
    ]


def test_without_a_guide_the_page_shows_the_default(client, restore_guides) -> None:
    procedure = by_code("1.004222")
    procedure.helper_guide = ""
    db.session.commit()
    steps = [li.get_text() for li in guide_section(client, "1.004222").select("ol li")]
    assert steps == default_steps(procedure.documents)
    assert (
        "Nhắc người dân mang theo Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp (bản chính hoặc "
        "bản sao, 1 bản)." in steps
    )
    photos = next(s for s in steps if s.startswith("Chụp ảnh để tải lên"))
    assert "Văn bản đồng ý của chủ hộ, chủ sở hữu chỗ ở hợp pháp (nếu có)" in photos
    assert "Tờ khai thay đổi thông tin cư trú" not in photos
    assert steps[-2:] == [BLURRED_PHOTO, ID_AND_BIRTH_DATE]


@pytest.mark.parametrize("code", ["1.001193", "1.004222", "1.004194", "3.000333"])
def test_the_demo_procedures_have_their_own_guide(client, code) -> None:
    procedure = by_code(code)
    steps = [li.get_text() for li in guide_section(client, code).select("ol li")]
    assert steps == written_steps(procedure.helper_guide)
    assert len(steps) >= 5
    text = " ".join(steps)
    assert "căn cước" in text and "Lỗi hay gặp" in text
    assert steps != default_steps(procedure.documents)
