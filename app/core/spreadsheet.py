"""Every CSV file the app writes: cells a spreadsheet cannot turn into formulas, UTF-8 with the
byte order mark Excel needs for diacritics, streamed in pieces.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel and LibreOffice (``=HYPERLINK("http://evil","x")`` typed as a citizen's
name becomes a live link in the officer's spreadsheet; ``@SUM(…)``, ``+cmd|…`` the same).
Such text is written with a leading apostrophe, which both programs show as a text marker
and never evaluate (OWASP "CSV injection").

Numbers the app computed (``int``/``float``, e.g. counts) stay numbers: they are not typed by
anyone, and a negative count would be a number to sum, not a formula. Text that merely looks
like a negative number ("-5" typed in a name field) is text, and is neutralised like any
other. Pure: no Flask, no database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

__all__ = ["FORMULA_STARTS", "csv_chunks", "safe_cell", "safe_row"]

# What makes a spreadsheet read a cell as a formula (or a DDE call).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_BOM = "\ufeff"  # Excel opens UTF-8 with diacritics only with a byte order mark
_CHUNK = 8192  # the file leaves in pieces of about this many characters


def safe_cell(value: object) -> object:
    """``value`` as it may go into a CSV cell: text that a spreadsheet would evaluate gets a
    leading ``'``; numbers (not booleans) stay numbers; ``None`` is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in row]


def csv_chunks(header: Sequence[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The whole file, the header first, every cell through :func:`safe_cell`, in pieces of
    about 8 KB (for a streamed response: a year's register is long)."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write(_BOM)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
        if out.tell() > _CHUNK:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()
