"""Message templates: every one renders, carries the code, and no personal data but the name."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from app.notifications.messages import (
    KINDS,
    SAMPLE,
    SMS_REASON_MAX,
    TEMPLATES,
    MessageContext,
    lookup_url,
    render,
    render_key,
    template_key,
)
from app.notifications.sms import ascii_variant, is_gsm7, sms_segments

# A realistic provincial portal address (32 characters).
BASE = "https://dichvucong.nghean.gov.vn"
WITH_LINK = replace(SAMPLE, lookup_url=lookup_url(BASE, SAMPLE.code))


def test_the_kinds_the_workflow_needs() -> None:
    assert set(KINDS) == {
        "accepted",
        "supplement_requested",
        "refused",
        "extended",
        "stopped",
        "approved",
        "returned",
        "withdrawn",
        "pickup_booked",
        "pickup_reminder",
        "pickup_missing",
        "out_for_delivery",
        "held_at_post_office",
        "fee_refunded",
        "fee_paid",
    }
    used = {template_key(kind, channel) for kind in KINDS for channel in ("", "online", "post")}
    assert used | {"approved.counter"} == set(TEMPLATES)


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown notification kind"):
        render("submitted", SAMPLE)
    with pytest.raises(ValueError):
        template_key("")


@pytest.mark.parametrize("context", [SAMPLE, WITH_LINK], ids=["no-link", "link"])
@pytest.mark.parametrize("key", list(TEMPLATES))
def test_every_template_renders_with_the_code(key: str, context: MessageContext) -> None:
    message = render_key(key, context)
    assert message.template == key
    for text in (message.sms, message.subject, message.email):
        assert SAMPLE.code in text
        assert not re.search(r"[{}]", text), text  # no placeholder left
        assert "None" not in text
    # The SMS names no one (a phone screen is read by whoever holds it); the e-mail greets.
    assert SAMPLE.applicant_name not in message.sms
    assert SAMPLE.applicant_name not in message.subject
    assert message.email.startswith(f"Kính gửi Ông/Bà {SAMPLE.applicant_name},")
    # The no-diacritics variant is pure GSM-7.
    assert is_gsm7(ascii_variant(message.sms))
    if context.lookup_url:
        assert f"{BASE}/tra-cuu/{SAMPLE.code}" in message.sms
        assert f"{BASE}/tra-cuu/{SAMPLE.code}" in message.email
    else:
        assert "/tra-cuu" not in message.sms + message.email


@pytest.mark.parametrize("key", [k for k in TEMPLATES if k != "supplement_requested"])
def test_without_diacritics_every_sms_is_one_segment_even_with_the_link(key: str) -> None:
    """DOMAIN.md §9: the no-diacritics variant should stay within one SMS."""
    sms = render_key(key, WITH_LINK).sms
    assert sms_segments(ascii_variant(sms)) == 1, (len(sms), sms)


def test_no_id_number_can_reach_a_message() -> None:
    # The context has no field for the ID number, address, phone or date of birth at all.
    fields = set(MessageContext.__dataclass_fields__)
    assert fields == {
        "code",
        "lookup_url",
        "applicant_name",
        "procedure_name",
        "due_date",
        "reason",
        "return_channel",
        "when",
        "place",
        "item_number",
        "amount",
    }


def test_lookup_url() -> None:
    assert lookup_url("https://dvc.example.vn/", "X-1") == "https://dvc.example.vn/tra-cuu/X-1"
    assert lookup_url("https://dvc.example.vn", "X-1") == "https://dvc.example.vn/tra-cuu/X-1"
    assert lookup_url("", "X-1") == ""


def test_accepted_and_extended_give_the_date() -> None:
    accepted = render("accepted", replace(SAMPLE, due_date=date(2026, 12, 2)))
    assert "02/12/2026" in accepted.sms and "02/12/2026" in accepted.email
    extended = render("extended", replace(SAMPLE, due_date=date(2027, 1, 4)))
    assert "04/01/2027" in extended.sms and "04/01/2027" in extended.email
    assert "xin lỗi" in extended.sms
    undated = render("accepted", replace(SAMPLE, due_date=None))
    assert "sẽ thông báo sau" in undated.sms


def test_supplement_request_quotes_the_reason_and_says_to_log_in() -> None:
    message = render("supplement_requested", SAMPLE)
    assert SAMPLE.reason in message.sms and SAMPLE.reason in message.email
    assert "Đăng nhập" in message.sms and "đăng nhập" in message.email
    bare = render("supplement_requested", replace(SAMPLE, reason=""))
    assert "Lý do" not in bare.sms + bare.email
    assert "Đăng nhập" in bare.sms


def test_a_long_reason_is_cut_in_the_sms_but_whole_in_the_email() -> None:
    reason = "Bổ sung bản sao Giấy chứng nhận kết hôn " * 5
    message = render("supplement_requested", replace(SAMPLE, reason=reason))
    quoted = message.sms.split("Lý do: ", 1)[1].split(" Đăng nhập", 1)[0]
    assert len(quoted) == SMS_REASON_MAX and quoted.endswith("…")
    assert reason.strip() in message.email


@pytest.mark.parametrize(
    ("channel", "sms_says", "email_says"),
    [
        ("online", "tải kết quả", "tải kết quả"),
        ("counter", "Bộ phận Một cửa", "đến Bộ phận Một cửa"),
        ("post", "bưu điện", "Bưu điện sẽ chuyển"),
        ("", "xem cách nhận", "xem cách nhận"),
    ],
)
def test_approved_says_where_the_result_is(channel: str, sms_says: str, email_says: str) -> None:
    message = render("approved", replace(SAMPLE, return_channel=channel))
    assert message.template == (f"approved.{channel}" if channel else "approved")
    assert sms_says in message.sms
    assert email_says in message.email


def test_email_without_a_name_or_procedure_still_reads() -> None:
    message = render("refused", replace(SAMPLE, applicant_name="", procedure_name=""))
    assert message.email.startswith("Kính gửi Ông/Bà,\n")
    assert "hồ sơ của Ông/Bà" in message.email
    assert "  " not in message.email


def test_names_and_reasons_are_values_not_format_strings() -> None:
    context = replace(SAMPLE, applicant_name="{code}", reason="{due} {0}", procedure_name="{x}")
    message = render("supplement_requested", context)
    assert "Kính gửi Ông/Bà {code}," in message.email
    assert "{due} {0}" in message.email


def test_fee_paid_says_how_much_was_received() -> None:
    message = render("fee_paid", replace(SAMPLE, amount="135.000"))
    assert "135.000 đồng" in message.sms and "135.000 đồng" in message.email
    assert SAMPLE.code in message.sms
