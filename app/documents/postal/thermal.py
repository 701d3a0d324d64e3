"""The 80 mm thermal roll: a document laid out once on a very tall page, then cut just below
its content (as the printer cuts the roll after it)."""

from __future__ import annotations

from flask import render_template
from weasyprint.document import Document

from app.documents.pdf import layout_html, render_document, render_stored, write_pdf

# The layout's page before the cut: far taller than any receipt, so the content is never broken.
THERMAL_PROBE_HEIGHT_MM = 2000.0
# The page's bottom margin, and paper fed after it before the cut.
THERMAL_BOTTOM_MARGIN_MM = 5.0
THERMAL_SLACK_MM = 1.0
# The id of the empty element every 80 mm template ends with (pdf/postal/_thermal.html).
THERMAL_END = "roll-end"
_MM_PER_PX = 25.4 / 96  # WeasyPrint lays out in CSS pixels


def layout_thermal(template_name: str, context: object) -> Document:
    """Lay ``template_name`` out for an 80 mm roll, on one page as tall as its content.

    The template sizes its page with ``page_height_mm`` and ends with the ``roll-end`` marker.
    One layout pass, on a very tall page; the marker's anchor (``Page.anchors``: its position
    from the page's top edge) is how far the content reaches, and the page is then cut there
    plus the bottom margin: WeasyPrint draws from the top-left corner and sizes the PDF page
    (its MediaBox) from ``Page.height``, so lowering the height crops only the empty paper
    below. A document longer than the probe keeps its pages. Needs an application context.
    """
    return _cut(render_document(template_name, context, **_probe_sizes()))


def _probe_sizes() -> dict[str, float]:
    return {
        "page_height_mm": THERMAL_PROBE_HEIGHT_MM,
        "bottom_margin_mm": THERMAL_BOTTOM_MARGIN_MM,
    }


def _cut(document: Document) -> Document:
    if len(document.pages) > 1:  # longer than two metres: nothing sensible to cut
        return document
    page = document.pages[0]
    content_px = page.anchors[THERMAL_END][1]
    margin_px = (THERMAL_BOTTOM_MARGIN_MM + THERMAL_SLACK_MM) / _MM_PER_PX
    page.height = min(page.height, content_px + margin_px)
    return document


def render_thermal(template_name: str, context: object) -> bytes:
    """The roll's PDF, stored once per version (see :func:`app.documents.pdf.render_stored`)."""
    html = render_template(template_name, doc=context, **_probe_sizes())
    return render_stored("thermal", template_name, html, lambda: write_pdf(_cut(layout_html(html))))
