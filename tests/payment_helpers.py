"""What the payments tests read back: a hidden field of a page, a fee receipt's text and size."""

from __future__ import annotations

import io
import re
import unicodedata

from pypdf import PdfReader


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', page
    )
    assert found, f"no hidden {name} on the page"
    return found.group(1)


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def page_size_mm(data: bytes) -> tuple[float, float]:
    page = PdfReader(io.BytesIO(data)).pages[0]
    to_mm = 25.4 / 72
    return round(float(page.mediabox.width) * to_mm, 1), round(
        float(page.mediabox.height) * to_mm, 1
    )
