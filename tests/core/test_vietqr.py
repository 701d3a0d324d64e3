"""VietQR payloads (app/core/vietqr.py): the TLV encoder and its CRC against independent vectors."""

from __future__ import annotations

import binascii

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import payref, vietqr

# DOMAIN.md §8: the verified example (Sacombank BIN 970403, a purpose with spaces).
DOMAIN_EXAMPLE = (
    "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA5303704540618"
    "00005802VN62340107NPS68690819thanh toan don hang63042E2E"
)


@pytest.mark.parametrize(
    ("data", "crc"),
    [
        # The catalogue of CRC algorithms' check value of CRC-16/CCITT-FALSE.
        (b"123456789", 0x29B1),
        (b"", 0xFFFF),
        (b"A", 0xB915),
        # The DOMAIN.md example's CRC, over everything up to and including "6304".
        (DOMAIN_EXAMPLE[:-4].encode(), 0x2E2E),
    ],
)
def test_crc_check_values(data: bytes, crc: int) -> None:
    assert vietqr.crc16_ccitt_false(data) == crc


@given(st.binary(max_size=300))
def test_crc_agrees_with_the_standard_library(data: bytes) -> None:
    # binascii.crc_hqx is the same polynomial, unreflected, with the initial value given.
    assert vietqr.crc16_ccitt_false(data) == binascii.crc_hqx(data, 0xFFFF)


def test_the_encoder_rebuilds_the_published_example() -> None:
    transfer = vietqr.Transfer("970403", "0011012345678", 180000, "NPS6869", "thanh toan don hang")
    assert vietqr.payload(transfer) == DOMAIN_EXAMPLE
    assert vietqr.crc_is_valid(DOMAIN_EXAMPLE)


def test_a_fee_code_is_one_off_with_the_reference_twice() -> None:
    reference = payref.new_reference("7K3P9QX")
    text = vietqr.fee_payload("970436", "1017654321", 20000, reference)
    fields = vietqr.parse(text)
    assert fields["00"] == "01" and fields["01"] == "12"
    assert fields["53"] == "704" and fields["54"] == "20000" and fields["58"] == "VN"
    merchant = vietqr.parse(fields["38"])
    assert merchant == {"00": "A000000727", "01": "000697043601101017654321", "02": "QRIBFTTA"}
    assert vietqr.parse(merchant["01"]) == {"00": "970436", "01": "1017654321"}
    assert vietqr.parse(fields["62"]) == {"01": reference, "08": reference}
    assert fields["63"] == f"{binascii.crc_hqx(text[:-4].encode(), 0xFFFF):04X}"
    assert vietqr.crc_is_valid(text)


def test_a_static_code_has_no_amount() -> None:
    fields = vietqr.parse(vietqr.payload(vietqr.Transfer("970415", "113366668888")))
    assert fields["01"] == "11" and "54" not in fields and "62" not in fields


def test_a_changed_character_breaks_the_crc() -> None:
    tampered = DOMAIN_EXAMPLE.replace("180000", "190000")
    assert not vietqr.crc_is_valid(tampered)
    assert not vietqr.crc_is_valid(DOMAIN_EXAMPLE[:-8])


@pytest.mark.parametrize(
    "transfer",
    [
        vietqr.Transfer("97040", "0011012345678", 1000),  # a BIN is six digits
        vietqr.Transfer("97o403", "0011012345678", 1000),
        vietqr.Transfer("970403", "", 1000),
        vietqr.Transfer("970403", "0011-0123-4567", 1000),  # punctuation in the account
        vietqr.Transfer("970403", "1" * 20, 1000),
        vietqr.Transfer("970403", "0011012345678", 0),
        vietqr.Transfer("970403", "0011012345678", -5),
        vietqr.Transfer("970403", "0011012345678", 10**13),
        vietqr.Transfer("970403", "0011012345678", 1000, purpose="lệ phí hộ tịch"),
        vietqr.Transfer("970403", "0011012345678", 1000, bill_number="X" * 26),
    ],
)
def test_what_a_code_cannot_carry_is_refused(transfer: vietqr.Transfer) -> None:
    with pytest.raises(vietqr.PayloadError):
        vietqr.payload(transfer)


def test_ascii_text_drops_diacritics_and_punctuation() -> None:
    assert vietqr.ascii_text("Lệ phí: Đăng ký thường trú (UBND xã Đồng Văn)") == (
        "Le phi Dang ky thuong tru UBND xa Dong Van"
    )


def test_parse_refuses_a_truncated_payload() -> None:
    with pytest.raises(vietqr.PayloadError):
        vietqr.parse("000201010212385")
