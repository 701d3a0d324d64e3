"""The 80 mm thermal roll: a document laid out once to measure it, then on a page as tall as
its content (the roll is cut after it)."""

from __future__ import annotations

from weasyprint.document import Document

from app.documents.pdf import render_document

# The first layout's page: far taller than any receipt, so the content is never broken.
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
    First pass: a very tall page; the marker's anchor (``Page.anchors``: its position from the
    page's top edge) is how far the content reaches. Second pass: that height plus the bottom
    margin. Should rounding still push a line over (it should not), a few millimetres are
    added until the document is one page. Needs a Flask application context.
    """
    sizes = {"bottom_margin_mm": THERMAL_BOTTOM_MARGIN_MM}
    probe = render_document(template_name, context, page_height_mm=THERMAL_PROBE_HEIGHT_MM, **sizes)
    if len(probe.pages) > 1:  # longer than two metres: nothing sensible to measure
        return probe
    content_px = probe.pages[0].anchors[THERMAL_END][1]
    height_mm = content_px * _MM_PER_PX + THERMAL_BOTTOM_MARGIN_MM + THERMAL_SLACK_MM
    for _ in range(4):
        document = render_document(
            template_name, context, page_height_mm=round(height_mm, 2), **sizes
        )
        if len(document.pages) == 1:
            return document
        height_mm += 3.0
    return probe


def render_thermal(template_name: str, context: object) -> bytes:
    return layout_thermal(template_name, context).write_pdf()
