"""Banks a unit's collection account may be held at, by their NAPAS bank identification number
(BIN): the six digits a VietQR code names the bank by (DOMAIN.md §8), and the name people
know the bank by. A bank missing here is added to this list: a BIN typed by hand that no
banking app knows would print a QR code nobody can pay.

Pure: no Flask, no database.
"""

from __future__ import annotations

import re

from app.core.vietqr import ascii_text

# NAPAS BINs of the banks public bodies and citizens use most (NAPAS's published VietQR list).
BANKS: dict[str, str] = {
    "970405": "Agribank (Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam)",
    "970418": "BIDV (Ngân hàng TMCP Đầu tư và Phát triển Việt Nam)",
    "970415": "VietinBank (Ngân hàng TMCP Công Thương Việt Nam)",
    "970436": "Vietcombank (Ngân hàng TMCP Ngoại thương Việt Nam)",
    "970422": "MB (Ngân hàng TMCP Quân đội)",
    "970407": "Techcombank (Ngân hàng TMCP Kỹ thương Việt Nam)",
    "970416": "ACB (Ngân hàng TMCP Á Châu)",
    "970432": "VPBank (Ngân hàng TMCP Việt Nam Thịnh Vượng)",
    "970423": "TPBank (Ngân hàng TMCP Tiên Phong)",
    "970403": "Sacombank (Ngân hàng TMCP Sài Gòn Thương Tín)",
    "970437": "HDBank (Ngân hàng TMCP Phát triển TP. Hồ Chí Minh)",
    "970441": "VIB (Ngân hàng TMCP Quốc tế Việt Nam)",
    "970443": "SHB (Ngân hàng TMCP Sài Gòn - Hà Nội)",
    "970449": "LPBank (Ngân hàng TMCP Lộc Phát Việt Nam)",
    "970431": "Eximbank (Ngân hàng TMCP Xuất Nhập khẩu Việt Nam)",
    "970426": "MSB (Ngân hàng TMCP Hàng Hải Việt Nam)",
    "970448": "OCB (Ngân hàng TMCP Phương Đông)",
    "970440": "SeABank (Ngân hàng TMCP Đông Nam Á)",
    "970409": "Bac A Bank (Ngân hàng TMCP Bắc Á)",
    "970428": "Nam A Bank (Ngân hàng TMCP Nam Á)",
    "970412": "PVcomBank (Ngân hàng TMCP Đại Chúng Việt Nam)",
    "970452": "KienlongBank (Ngân hàng TMCP Kiên Long)",
}

_ACCOUNT_RE = re.compile(r"[0-9A-Z]{6,19}")


def bank_name(bank_bin: str) -> str | None:
    """The bank's name for ``bank_bin``, or None for a BIN not in :data:`BANKS`."""
    return BANKS.get(bank_bin)


def clean_account_number(text: str) -> str | None:
    """An account number as the bank knows it: the spaces, dots and dashes people type to
    group the digits removed, upper case; None when what is left is not 6-19 letters or digits.

    >>> clean_account_number(" 0011 0012.3456-78 ")
    '00110012345678'
    """
    compact = re.sub(r"[\s.\-]+", "", text or "").upper()
    return compact if _ACCOUNT_RE.fullmatch(compact) else None


def clean_account_name(text: str) -> str:
    """The holder's name as banks show it on confirming a transfer: upper case, no diacritics.

    >>> clean_account_name("Kho bạc Nhà nước khu vực X, Nghệ An")
    'KHO BAC NHA NUOC KHU VUC X NGHE AN'
    """
    return ascii_text(text or "").upper()
