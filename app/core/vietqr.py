"""VietQR payloads: the text a banking app reads from a transfer QR code (DOMAIN.md §8).

VietQR is NAPAS's profile of the EMVCo merchant-presented QR: a string of TLV fields, each an
ID of two digits, a length of two digits and a value, some values themselves TLV strings.
The last field, ``63``, is a CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF)
over the whole string **including** its own ID and length ``6304``, written as four upper-case
hex digits. Several published examples are malformed, so the payload is always built here by
the encoder and checked by the tests against independent vectors.

A dossier's QR is *dynamic* (point of initiation ``12``: one-off, with the exact amount) and
carries the payment reference (app/core/payref.py) in both the bill number (``62``/``01``)
and the purpose (``62``/``08``): some apps fill the transfer content from one, some from the
other, and the reference survives what banks do to punctuation.

Pure: no Flask, no database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

NAPAS_GUID = "A000000727"  # the NAPAS application identifier (field 38, sub-field 00)
SERVICE_TO_ACCOUNT = "QRIBFTTA"  # inter-bank fast transfer to an account number
CURRENCY_VND = "704"  # ISO 4217 numeric
COUNTRY = "VN"
STATIC, DYNAMIC = "11", "12"  # point of initiation: reusable code / one-off code

BIN_RE = re.compile(r"\d{6}")  # a NAPAS bank identification number
ACCOUNT_RE = re.compile(r"[0-9A-Za-z]{1,19}")
MAX_AMOUNT = 10**13 - 1  # field 54 holds at most 13 characters
MAX_ADDITIONAL = 25  # bill number and purpose: at most 25 characters each


class PayloadError(ValueError):
    """A field cannot be carried by a VietQR code (wrong format, too long)."""


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR.

    >>> f"{crc16_ccitt_false(b'123456789'):04X}"
    '29B1'
    """
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def tlv(tag: str, value: str) -> str:
    """One field: ``tag`` (two digits), the value's length (two digits), the value.

    >>> tlv("00", "01")
    '000201'
    """
    if not re.fullmatch(r"\d{2}", tag):
        raise PayloadError(f"a tag is two digits, not {tag!r}")
    if not value.isascii():
        raise PayloadError(f"field {tag} must be ASCII: {value!r}")
    if len(value) > 99:
        raise PayloadError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def with_crc(body: str) -> str:
    """``body`` followed by field 63, the CRC of everything before it and of ``6304``."""
    head = body + "6304"
    return head + f"{crc16_ccitt_false(head.encode('ascii')):04X}"


def parse(payload: str) -> dict[str, str]:
    """The top-level fields of ``payload`` by tag (for tests and for reading a code back)."""
    fields: dict[str, str] = {}
    position = 0
    while position < len(payload):
        tag, size = payload[position : position + 2], payload[position + 2 : position + 4]
        if len(tag) < 2 or not size.isdigit():
            raise PayloadError(f"truncated field at {position}")
        value = payload[position + 4 : position + 4 + int(size)]
        if len(value) != int(size):
            raise PayloadError(f"field {tag} is shorter than its length")
        fields[tag] = value
        position += 4 + int(size)
    return fields


def crc_is_valid(payload: str) -> bool:
    """The last field is ``63`` and holds the CRC of everything before its value."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        return False
    return with_crc(payload[:-8]) == payload


def ascii_text(text: str) -> str:
    """``text`` without diacritics, letters, digits and spaces only (what apps keep).

    >>> ascii_text("Lệ phí hồ sơ: Đăng ký")
    'Le phi ho so Dang ky'
    """
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    plain = re.sub(r"[^0-9A-Za-z ]+", " ", plain.encode("ascii", "ignore").decode("ascii"))
    return " ".join(plain.split())


@dataclass(frozen=True)
class Transfer:
    """What a VietQR code asks the payer's bank to do."""

    bank_bin: str
    account_number: str
    amount: int | None = None  # None: a static code, the payer types the amount
    bill_number: str = ""
    purpose: str = ""

    def check(self) -> None:
        if not BIN_RE.fullmatch(self.bank_bin):
            raise PayloadError("the bank BIN is six digits")
        if not ACCOUNT_RE.fullmatch(self.account_number):
            raise PayloadError("the account number is 1 to 19 letters or digits")
        if self.amount is not None and not 0 < self.amount <= MAX_AMOUNT:
            raise PayloadError("the amount is a positive whole number of đồng")
        for name in ("bill_number", "purpose"):
            value = getattr(self, name)
            if len(value) > MAX_ADDITIONAL or not value.isascii():
                raise PayloadError(f"{name} is at most {MAX_ADDITIONAL} ASCII characters")


def payload(transfer: Transfer) -> str:
    """The VietQR text of ``transfer``, CRC included. Raises :class:`PayloadError`."""
    transfer.check()
    beneficiary = tlv("00", transfer.bank_bin) + tlv("01", transfer.account_number)
    merchant = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", SERVICE_TO_ACCOUNT)
    body = tlv("00", "01")
    body += tlv("01", STATIC if transfer.amount is None else DYNAMIC)
    body += tlv("38", merchant)
    body += tlv("53", CURRENCY_VND)
    if transfer.amount is not None:
        body += tlv("54", str(transfer.amount))
    body += tlv("58", COUNTRY)
    additional = ""
    if transfer.bill_number:
        additional += tlv("01", transfer.bill_number)
    if transfer.purpose:
        additional += tlv("08", transfer.purpose)
    if additional:
        body += tlv("62", additional)
    return with_crc(body)


def fee_payload(bank_bin: str, account_number: str, amount: int, reference: str) -> str:
    """A dossier's fee: a one-off code with the exact amount and the payment reference as both
    the bill number and the purpose."""
    return payload(
        Transfer(bank_bin, account_number, amount, bill_number=reference, purpose=reference)
    )
