"""The name a file is kept and offered under: what the citizen's device called it, made
harmless.

The name is shown on the dossier pages and sent back in ``Content-Disposition`` when the
file is downloaded, so it must not be able to lie: ``hoa-don\u202eFDP.exe`` shows as
``hoa-donexe.PDF`` in a right-to-left-override-aware page. The name is

* normalised to NFC (a Mac or an iPhone sends "Giấy" decomposed; the same name must compare
  and display the same);
* stripped of control characters, bidirectional controls (U+202A–U+202E, U+2066–U+2069,
  U+200E/U+200F, U+061C), zero-width and other invisible format characters, and of the
  characters Windows refuses in a file name (``\\ / : * ? " < > |``);
* cut to its last path component, its whitespace collapsed, dots and spaces trimmed at the
  ends, its stem cut to :data:`MAX_STEM` characters;
* given the extension of what was actually stored (never the one the citizen's name claims).

An empty result falls back to ``tep``. Pure: no Flask, no database.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["FALLBACK_STEM", "MAX_STEM", "safe_file_name"]

MAX_STEM = 80
FALLBACK_STEM = "tep"

# Unicode categories removed: controls, invisible format characters (every bidi control is
# one), surrogates, private use and unassigned code points.
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_FORBIDDEN = frozenset('\\/:*?"<>|')


def safe_file_name(name: str | None, extension: str) -> str:
    """``name`` (as the browser sent it) made safe to keep and show, ending in ``.extension``."""
    text = unicodedata.normalize("NFC", name or "")
    # Browsers send a bare name, old ones the whole path: keep what follows the last separator.
    text = re.split(r"[\\/]", text)[-1]
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace():
            kept.append(" ")  # tabs, line breaks, no-break and ideographic spaces
        elif category not in _REMOVED_CATEGORIES and char not in _FORBIDDEN:
            kept.append(char)
    text = " ".join("".join(kept).split())
    stem = text.rsplit(".", 1)[0] if "." in text else text
    stem = stem[:MAX_STEM].strip(" .") or FALLBACK_STEM
    return f"{stem}.{extension}"
