"""Logs never carry a secret: one-time codes, passwords, ID numbers, whole phone numbers.

:func:`mask` is pure text rules. :func:`install` (called by ``create_app``) makes every log
record of the app's loggers (``motcua.*``, ``app.*``: Flask's and the modules'), of werkzeug
(its request lines carry query strings) and of gunicorn masked when it is made, whichever
handler writes it later (a file, the console, a log shipper): the message is rendered, masked,
and kept with no arguments; an exception's traceback is rendered and masked too.

What is masked, and why this way:

* ``password=…``, ``mat_khau: …``, ``"new_password": "…"`` (any key holding password, passwd,
  pwd, mat_khau / matkhau / mat-khau, token or api_key / apikey): the value, up to a
  separator; and an ``Apikey …`` or ``Bearer …`` credential (the SePay webhook's key, an API
  token) wherever it appears.
* 12-digit ID numbers (CCCD), 9-digit ones (CMND) and phone numbers (``0`` or ``84``/``+84``
  and nine digits): all but the last 4 or 3 digits, as the pages print them. Nine digits or
  more typed in groups (``0987 654 321``, ``040+190+777+001`` in a query string): all but the
  last 3. Digits glued to a letter are something else (an S10 number ``EA000000015VN``).
* the secret in a gateway's callback address (``/bao-cao-gui-tin/esms/<secret>``, where the
  delivery reports come): the whole path segment after the gateway's name.
* one-time codes: the value of a ``code=``/``ma=``/``otp=`` key, and six digits standing alone;
  six digits glued to a dot, a dash or a slash are not a code (a dossier code
  ``…H40-261123-0001``, an id in a path ``/ho-so/123456``, a decimal).
"""

from __future__ import annotations

import logging
import re
from typing import Any

MASK = "•"
# Loggers whose records are masked (a name or a dotted prefix of one).
LOGGERS: tuple[str, ...] = ("motcua", "app", "werkzeug", "gunicorn")

_SECRET_KEY = re.compile(
    r"""(?ix)
    (?P<key>[\w-]*(?:password|passwd|pwd|mat[_-]?khau|token|api[_-]?key)[\w-]*)
    (?P<sep>["']?\s*[=:]\s*["']?)
    (?P<value>[^\s&"',;)}\]]+)
    """
)
_CODE_KEY = re.compile(
    r"""(?ix)
    (?P<key>\b(?:code|ma|otp)["']?\s*[=:]\s*["']?)
    (?P<value>\d{4,8})(?!\d)
    """
)
# Digits not glued to a word character (a letter, a digit, "_") on either side.
_ID_NUMBER = re.compile(r"(?<!\w)(\d{8})(\d{4})(?!\w)")  # CCCD: 12 digits
_PHONE = re.compile(r"(?i)(?<![\w+])((?:\+|%2B)?84|0)(\d{6})(\d{3})(?!\w)")
_OLD_ID_NUMBER = re.compile(r"(?<!\w)(\d{5})(\d{4})(?!\w)")  # CMND: 9 digits
# Groups of digits split by single spaces (in a query string "+" or "%20"): a phone or an ID
# number as people type them ("0987 654 321", "040 190 777 001"), however grouped.
_SPACED_DIGITS = re.compile(r"(?<!\w)\d+(?:(?: |\+|%20)\d+)+(?!\w)")
# The secret that authenticates a gateway's delivery reports, in their address.
_CALLBACK_SECRET = re.compile(r"(/bao-cao-gui-tin/[\w-]+/)([^\s?#/\"']+)")
# An API key or bearer token as an Authorization header carries it ("Apikey 3f9…").
_AUTHORIZATION = re.compile(r"(?i)\b(apikey|bearer)(\s+)([^\s\"',;]+)")
# A one-time code: six digits alone; not in a path, a dotted or dashed code, a decimal.
_CODE = re.compile(r"(?<![\w./-])\d{6}(?![\w/-]|\.\w)")


def _stars(text: str) -> str:
    return MASK * len(text)


def _spaced(match: re.Match[str]) -> str:
    """Nine digits or more typed in groups: all masked but the last three."""
    parts = re.split(r"(%20|\D)", match[0])
    digits = sum(len(part) for part in parts[::2])  # the separators are the odd parts
    if digits < 9:
        return match[0]
    out, left = [], digits - 3
    for part in parts:
        if part.isdigit():
            hidden = min(left, len(part))
            part, left = MASK * hidden + part[hidden:], left - hidden
        out.append(part)
    return "".join(out)


def mask(text: str) -> str:
    """``text`` with every secret it seems to carry masked (see the module's docstring)."""
    text = _CALLBACK_SECRET.sub(lambda m: f"{m[1]}{MASK * 6}", text)
    text = _AUTHORIZATION.sub(lambda m: f"{m[1]}{m[2]}{MASK * 6}", text)
    text = _SECRET_KEY.sub(lambda m: f"{m['key']}{m['sep']}{MASK * 6}", text)
    text = _CODE_KEY.sub(lambda m: f"{m['key']}{_stars(m['value'])}", text)
    text = _ID_NUMBER.sub(lambda m: _stars(m[1]) + m[2], text)
    text = _PHONE.sub(lambda m: f"{m[1]}{_stars(m[2])}{m[3]}", text)
    text = _SPACED_DIGITS.sub(_spaced, text)
    text = _OLD_ID_NUMBER.sub(lambda m: _stars(m[1]) + m[2], text)
    return _CODE.sub(lambda m: _stars(m[0]), text)


def applies_to(logger_name: str) -> bool:
    return any(logger_name == name or logger_name.startswith(name + ".") for name in LOGGERS)


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Render the record's message (and traceback) masked, in place."""
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit the format: mask what there is
        message = f"{record.msg} {record.args!r}"
    record.msg = mask(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = mask(record.stack_info)
    return record


def install() -> None:
    """Mask the records of :data:`LOGGERS` as they are made (once per process)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "masks_secrets", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        return mask_record(record) if applies_to(record.name) else record

    factory.masks_secrets = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
