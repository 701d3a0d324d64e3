"""The Code 128 barcode of an item number, as an SVG drawn by WeasyPrint as vector paths."""

from __future__ import annotations

import base64
import functools

from barcode import Code128
from barcode.writer import SVGWriter

# Module (narrowest bar) width and bar height. 0.375 mm is 3 dots of a 203 dpi label printer;
# the quiet zone on each side is 10 modules (ISO/IEC 15417) and a little more.
BARCODE_MODULE_MM = 0.375
BARCODE_HEIGHT_MM = 14.0
BARCODE_QUIET_MM = 4.0


def code128_svg(value: str, *, height_mm: float = BARCODE_HEIGHT_MM) -> str:
    """Code 128 symbol of ``value`` as an SVG document sized in millimetres, without text.

    The human-readable number is printed by the template, in a larger type than the
    writer's. Raises ``barcode.errors.IllegalCharacterError`` for characters Code 128 has not.
    """
    # A new symbol on every call: python-barcode keeps the character set its last build
    # ended in on the instance, so a fresh one keeps every build independent of the last.
    symbol = Code128(value, writer=SVGWriter())
    svg = symbol.render(
        {
            "module_width": BARCODE_MODULE_MM,
            "module_height": height_mm,
            "quiet_zone": BARCODE_QUIET_MM,
            "margin_top": 0,
            "margin_bottom": 0,
            "write_text": False,
            "background": "white",
            "foreground": "black",
            # `compress` makes the writer return compact XML (no pretty-printing); nothing
            # is gzipped since nothing is saved to a file.
            "compress": True,
            "with_doctype": False,
        }
    )
    return svg.decode("utf-8")


@functools.lru_cache(maxsize=512)
def code128_data_uri(value: str, *, height_mm: float = BARCODE_HEIGHT_MM) -> str:
    """:func:`code128_svg` as a base64 ``data:image/svg+xml`` URI, for ``<img src>``.
    Remembered per value: a stored label's version is computed on every download."""
    encoded = base64.b64encode(code128_svg(value, height_mm=height_mm).encode("utf-8"))
    return f"data:image/svg+xml;base64,{encoded.decode('ascii')}"
