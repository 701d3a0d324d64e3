"""Where a "next" page may lead (issue 11: a line break in it answered 500, and it led anywhere)."""

from __future__ import annotations

import pytest

from app.core.responses import local_target


@pytest.mark.parametrize(
    "target",
    ["/buu-dien/?ngay=2026-11-25", "/ho-so/12/nhan-tra", "/thủ-tục?q=khai+sinh", "/"],
)
def test_a_path_of_this_site_is_kept(target: str) -> None:
    assert local_target(target, "/") == target


@pytest.mark.parametrize(
    "target",
    [
        "",
        None,
        "https://ke-gian.example/dang-nhap",
        "//ke-gian.example",
        "/\\ke-gian.example",
        "javascript:alert(1)",
        "buu-dien",
        "/buu-dien/\r\nSet-Cookie: a=b",
        "\xa0\n\n \u200b\t",
        "/ho-so\x00",
        "/ho-so/\u202e1",
    ],
)
def test_anything_else_goes_to_the_default(target: str | None) -> None:
    assert local_target(target, "/buu-dien/") == "/buu-dien/"
