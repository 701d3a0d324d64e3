"""What we tell citizens, in Vietnamese: one SMS and one e-mail per event of their dossier.

Pure: no Flask, no database. Dossiers build a :class:`MessageContext` from the dossier
(app/dossiers/notices.py) and the outbox calls :func:`render`; ``flask notifications
templates`` renders :data:`SAMPLE` so whoever edits a text sees how many SMS it costs
(DOMAIN.md §9).

Privacy (DOMAIN.md §10): a message carries the dossier code and the public look-up link, never
the ID number, the address or the phone; the e-mail greets the applicant by name, the SMS
does not name anyone (a phone screen is read by whoever holds it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core.text import normalise_spaces

KINDS: tuple[str, ...] = (
    "accepted",
    "supplement_requested",
    "refused",
    "extended",
    "stopped",
    "approved",
    "returned",
    "withdrawn",
    # The public postal service (app/postal).
    "pickup_booked",
    "pickup_reminder",
    "pickup_missing",
    "out_for_delivery",
    "held_at_post_office",
    # Fees (app/payments): a transfer matched to the dossier; money given back.
    "fee_paid",
    "fee_refunded",
)
RETURN_CHANNELS: tuple[str, ...] = ("online", "counter", "post")
# Longest officer's reason quoted in an SMS (the e-mail quotes it whole).
SMS_REASON_MAX = 80


@dataclass(frozen=True)
class MessageContext:
    """Everything a message may say; nothing else about the applicant is ever passed in."""

    code: str
    lookup_url: str = ""  # "" when PUBLIC_BASE_URL is not configured
    applicant_name: str = ""  # e-mail greeting only
    procedure_name: str = ""
    due_date: date | None = None  # appointment (accepted) or new date (extended)
    reason: str = ""  # supplement request: what to add and why
    return_channel: str = ""  # online | counter | post
    # Postal messages: when the worker comes ("08:00–11:00 ngày 24/11/2026"), the post office,
    # and the S10 item number. A post office is a public place, not the citizen's address.
    when: str = ""
    place: str = ""
    item_number: str = ""
    # Fees: the amount received, written as on the receipt ("20.000").
    amount: str = ""


@dataclass(frozen=True)
class Template:
    """Format strings. SMS: {code} {due} {reason} {lookup} {when} {place} {item} {amount};
    subject: {code} {due}; e-mail paragraph: {code} {due} {reason} {procedure} {when} {place}
    {item} {amount}
    (the layout adds greeting, code and link). {reason}, {lookup} and {procedure} are whole
    phrases or ""."""

    sms: str
    subject: str
    email: str


@dataclass(frozen=True)
class Message:
    template: str  # key in TEMPLATES
    sms: str  # as written, with diacritics (sms.pick_variant chooses what is sent)
    subject: str
    email: str


TEMPLATES: dict[str, Template] = {
    "accepted": Template(
        sms="Hồ sơ {code} đã được tiếp nhận. Hẹn trả kết quả ngày {due}.{lookup}",
        subject="Hồ sơ {code} đã được tiếp nhận",
        email=("Cơ quan đã tiếp nhận hồ sơ {procedure}của Ông/Bà.\nNgày hẹn trả kết quả: {due}."),
    ),
    "supplement_requested": Template(
        sms="Hồ sơ {code} cần bổ sung, hoàn thiện.{reason} Đăng nhập để nộp bổ sung.{lookup}",
        subject="Hồ sơ {code} cần bổ sung, hoàn thiện",
        email=(
            "Hồ sơ {procedure}của Ông/Bà cần được bổ sung, hoàn thiện.{reason}\n"
            "Ông/Bà vui lòng đăng nhập Cổng dịch vụ công, mở hồ sơ và nộp bổ sung."
        ),
    ),
    "refused": Template(
        sms="Hồ sơ {code} bị từ chối tiếp nhận. Đăng nhập để xem lý do.{lookup}",
        subject="Hồ sơ {code} bị từ chối tiếp nhận",
        email=(
            "Cơ quan đã từ chối tiếp nhận hồ sơ {procedure}của Ông/Bà.\n"
            "Lý do được ghi trong Phiếu từ chối tiếp nhận; Ông/Bà đăng nhập Cổng dịch vụ công "
            "để xem chi tiết."
        ),
    ),
    "extended": Template(
        sms="Hồ sơ {code} trễ hẹn, cơ quan xin lỗi và hẹn lại ngày {due}.{lookup}",
        subject="Hồ sơ {code}: hẹn lại ngày trả kết quả",
        email=(
            "Cơ quan chân thành xin lỗi vì hồ sơ {procedure}của Ông/Bà chưa được giải quyết "
            "xong đúng hẹn.\n"
            "Ngày hẹn trả kết quả mới: {due}."
        ),
    ),
    "stopped": Template(
        sms="Hồ sơ {code} bị dừng giải quyết. Đăng nhập để xem lý do.{lookup}",
        subject="Hồ sơ {code} bị dừng giải quyết",
        email=(
            "Cơ quan đã dừng giải quyết hồ sơ {procedure}của Ông/Bà.\n"
            "Lý do được nêu trong Thông báo dừng giải quyết hồ sơ; Ông/Bà đăng nhập Cổng dịch "
            "vụ công để xem chi tiết."
        ),
    ),
    "approved.online": Template(
        sms="Hồ sơ {code} đã có kết quả. Đăng nhập để tải kết quả.{lookup}",
        subject="Hồ sơ {code} đã có kết quả",
        email=(
            "Hồ sơ {procedure}của Ông/Bà đã có kết quả.\n"
            "Ông/Bà đăng nhập Cổng dịch vụ công, mở hồ sơ để tải kết quả."
        ),
    ),
    "approved.counter": Template(
        sms="Hồ sơ {code} đã có kết quả. Mời nhận tại Bộ phận Một cửa.{lookup}",
        subject="Hồ sơ {code} đã có kết quả",
        email=(
            "Hồ sơ {procedure}của Ông/Bà đã có kết quả.\n"
            "Mời Ông/Bà đến Bộ phận Một cửa để nhận kết quả, mang theo Giấy tiếp nhận hồ sơ "
            "và hẹn trả kết quả cùng giấy tờ tùy thân."
        ),
    ),
    "approved.post": Template(
        sms="Hồ sơ {code} đã có kết quả, bưu điện sẽ chuyển đến Ông/Bà.{lookup}",
        subject="Hồ sơ {code} đã có kết quả",
        email=(
            "Hồ sơ {procedure}của Ông/Bà đã có kết quả.\n"
            "Bưu điện sẽ chuyển kết quả đến địa chỉ Ông/Bà đã đăng ký; vui lòng giữ liên lạc "
            "qua điện thoại để nhân viên bưu điện giao."
        ),
    ),
    # A dossier without a recorded return channel (should not happen once submitted).
    "approved": Template(
        sms="Hồ sơ {code} đã có kết quả. Đăng nhập để xem cách nhận.{lookup}",
        subject="Hồ sơ {code} đã có kết quả",
        email=(
            "Hồ sơ {procedure}của Ông/Bà đã có kết quả.\n"
            "Ông/Bà đăng nhập Cổng dịch vụ công để xem cách nhận kết quả."
        ),
    ),
    "returned": Template(
        sms="Hồ sơ {code} đã được trả kết quả. Cảm ơn Ông/Bà.{lookup}",
        subject="Hồ sơ {code} đã được trả kết quả",
        email=(
            "Kết quả giải quyết hồ sơ {procedure}của Ông/Bà đã được trả.\n"
            "Cảm ơn Ông/Bà đã sử dụng dịch vụ công trực tuyến."
        ),
    ),
    "withdrawn": Template(
        sms="Hồ sơ {code} đã được rút theo yêu cầu của Ông/Bà.{lookup}",
        subject="Hồ sơ {code} đã được rút",
        email=(
            "Hồ sơ {procedure}của Ông/Bà đã được rút theo yêu cầu.\n"
            "Nếu Ông/Bà không yêu cầu rút hồ sơ, vui lòng liên hệ ngay Bộ phận Một cửa."
        ),
    ),
    "pickup_booked": Template(
        sms="Hồ sơ {code}: bưu điện đến nhận giấy tờ {when}.{lookup}",
        subject="Hồ sơ {code}: đã hẹn bưu điện đến nhận hồ sơ",
        email=(
            "Ông/Bà đã hẹn nhân viên bưu điện đến nhận giấy tờ của hồ sơ {procedure}"
            "vào {when}.\n"
            "Vui lòng chuẩn bị đủ bản chính, bản sao theo danh sách giấy tờ và giữ điện thoại "
            "để nhân viên liên lạc."
        ),
    ),
    "pickup_reminder": Template(
        sms="Nhắc hẹn: bưu điện đến nhận hồ sơ {code} {when}.{lookup}",
        subject="Nhắc hẹn: bưu điện đến nhận hồ sơ {code}",
        email=(
            "Nhân viên bưu điện sẽ đến nhận giấy tờ của hồ sơ {procedure}vào {when}.\n"
            "Vui lòng chuẩn bị đủ giấy tờ và lệ phí, giữ điện thoại để nhân viên liên lạc."
        ),
    ),
    "pickup_missing": Template(
        sms="Hồ sơ {code} còn thiếu giấy tờ. Đăng nhập để xem cần bổ sung gì.{lookup}",
        subject="Hồ sơ {code} còn thiếu giấy tờ",
        email=(
            "Khi nhận hồ sơ {procedure}của Ông/Bà, nhân viên bưu điện ghi nhận còn thiếu "
            "giấy tờ.{reason}\n"
            "Ông/Bà vui lòng chuẩn bị để bổ sung khi cơ quan yêu cầu."
        ),
    ),
    "out_for_delivery": Template(
        sms="Bưu điện đang giao kết quả hồ sơ {code}, bưu gửi {item}.{lookup}",
        subject="Hồ sơ {code}: bưu điện đang giao kết quả",
        email=(
            "Nhân viên bưu điện đang mang kết quả hồ sơ {procedure}đến địa chỉ của Ông/Bà "
            "(số hiệu bưu gửi {item}).\n"
            "Vui lòng giữ điện thoại và chuẩn bị thẻ căn cước để nhận."
        ),
    ),
    "held_at_post_office": Template(
        sms="Kết quả hồ sơ {code} đang giữ tại bưu điện đến {due}.{lookup}",
        subject="Hồ sơ {code}: mời nhận kết quả tại bưu điện",
        email=(
            "Bưu điện đã đến giao kết quả hồ sơ {procedure}nhưng chưa giao được.\n"
            "Kết quả được lưu giữ tại {place} đến hết ngày {due}; Ông/Bà mang thẻ căn cước "
            "đến nhận (số hiệu bưu gửi {item}). Sau thời hạn này kết quả được trả lại cơ quan."
        ),
    ),
    "fee_refunded": Template(
        sms="Hồ sơ {code}: cơ quan đã hoàn trả phí, lệ phí Ông/Bà đã nộp.{lookup}",
        subject="Hồ sơ {code}: đã hoàn trả phí, lệ phí",
        email=(
            "Cơ quan đã hoàn trả phí, lệ phí của hồ sơ {procedure}mà Ông/Bà đã nộp.{reason}\n"
            "Nếu Ông/Bà chưa nhận được tiền, vui lòng liên hệ Bộ phận Một cửa."
        ),
    ),
    "fee_paid": Template(
        sms="Đã nhận {amount} đồng phí, lệ phí hồ sơ {code}. Cảm ơn Ông/Bà.{lookup}",
        subject="Hồ sơ {code}: đã nhận phí, lệ phí",
        email=(
            "Cơ quan đã nhận {amount} đồng phí, lệ phí của hồ sơ {procedure}do Ông/Bà chuyển "
            "khoản.\n"
            "Biên lai thu phí, lệ phí được lưu trong hồ sơ; Ông/Bà đăng nhập Cổng dịch vụ công "
            "để xem."
        ),
    ),
}

EMAIL_LAYOUT = (
    "{greeting}\n"
    "\n"
    "{paragraph}\n"
    "\n"
    "Mã hồ sơ: {code}\n"
    "{lookup}\n"
    "\n"
    "Thư này được gửi tự động, vui lòng không trả lời.\n"
    "Bộ phận Tiếp nhận và Trả kết quả (Một cửa)\n"
)

SAMPLE = MessageContext(
    code="000.12.34.H40-261123-0001",
    lookup_url="",
    applicant_name="Nguyễn Thị Hoa",
    procedure_name="Đăng ký khai sinh",
    due_date=date(2026, 11, 25),
    reason="Bổ sung bản chụp Giấy chứng sinh rõ nét",
    return_channel="online",
    when="08:00-11:00 24/11",
    place="Bưu điện xã Mường Xén",
    item_number="EA000000015VN",
    amount="20.000",
)


# Brandname customer-care SMS must match a template registered with the carriers: fixed text and
# variable slots. Each placeholder of an SMS text, the slot it becomes, and the longest value it
# takes (what the segment count of the registered template assumes).
SLOTS: dict[str, tuple[str, int]] = {
    "code": ("ma_ho_so", 25),
    "due": ("ngay", 10),
    "reason": ("ly_do", SMS_REASON_MAX + 8),
    "lookup": ("tra_cuu", 70),
    "when": ("thoi_gian", 20),
    "place": ("noi_nhan", 40),
    "item": ("so_buu_gui", 13),
    "secret": ("ma", 6),
    "minutes": ("so_phut", 2),
    "amount": ("so_tien", 11),
    # app/feedback: the rating link (its token inside), a feedback's reference code.
    "link": ("lien_ket", 70),
    "ref": ("ma_phan_anh", 11),
}

# SMS that belong to no dossier (one-time codes, account notices), written by other domains,
# registered here so that the carriers' template list is complete: key -> text with
# placeholders from SLOTS.
PHONE_TEXTS: dict[str, str] = {}


def register_phone_text(key: str, text: str) -> None:
    """Declare an SMS text another domain sends with ``notify_phone`` (for the templates list)."""
    PHONE_TEXTS[key] = text


def template_texts() -> dict[str, str]:
    """Every SMS text the site sends, by template key, its placeholders still in it."""
    return {**{key: t.sms for key, t in TEMPLATES.items()}, **PHONE_TEXTS}


def with_slots(text: str) -> str:
    """The text as the carriers register it: each placeholder a named slot ``{ma_ho_so}``."""
    slots = {key: "{" + name + "}" for key, (name, _) in SLOTS.items()}
    return normalise_spaces(text.format_map(slots))


def longest(text: str, filler: str = "x") -> str:
    """The text with every slot at its longest (``filler`` repeated): its worst segment count."""
    return normalise_spaces(text.format_map({k: filler * size for k, (_, size) in SLOTS.items()}))


def lookup_url(base_url: str, code: str) -> str:
    """``<base>/tra-cuu/<code>``, or "" without a base (a bare path is no use in an SMS)."""
    base = (base_url or "").strip().rstrip("/")
    return f"{base}/tra-cuu/{code}" if base else ""


def template_key(kind: str, return_channel: str = "") -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}; expected one of {KINDS}")
    if kind == "approved":
        return f"approved.{return_channel}" if return_channel in RETURN_CHANNELS else "approved"
    return kind


def _date(d: date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else "(sẽ thông báo sau)"


def _sentence(text: str, limit: int | None = None) -> str:
    text = normalise_spaces(text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def render_key(key: str, ctx: MessageContext) -> Message:
    """Render one template (by key, see :data:`TEMPLATES`) for a context."""
    template = TEMPLATES[key]
    common = {"code": ctx.code, "due": _date(ctx.due_date)}
    postal = {
        "when": ctx.when,
        "place": ctx.place,
        "item": ctx.item_number,
        "amount": ctx.amount,
    }
    reason = normalise_spaces(ctx.reason)
    sms = template.sms.format(
        **common,
        **postal,
        reason=f" Lý do: {_sentence(reason, SMS_REASON_MAX)}" if reason else "",
        lookup=f" Tra cứu: {ctx.lookup_url}" if ctx.lookup_url else "",
    )
    paragraph = template.email.format(
        **common,
        **postal,
        procedure=f"“{ctx.procedure_name}” " if ctx.procedure_name else "",
        reason=f"\nLý do: {_sentence(reason)}" if reason else "",
    )
    name = normalise_spaces(ctx.applicant_name)
    email = EMAIL_LAYOUT.format(
        greeting=f"Kính gửi Ông/Bà {name}," if name else "Kính gửi Ông/Bà,",
        paragraph=paragraph,
        code=ctx.code,
        lookup=(
            f"Tra cứu tình trạng hồ sơ: {ctx.lookup_url}"
            if ctx.lookup_url
            else "Tra cứu tình trạng hồ sơ bằng mã hồ sơ trên Cổng dịch vụ công."
        ),
    )
    return Message(
        template=key,
        sms=normalise_spaces(sms),
        subject=template.subject.format(**common),
        email=email,
    )


def render(kind: str, ctx: MessageContext) -> Message:
    """The SMS and e-mail for event ``kind``; :class:`ValueError` for an unknown kind."""
    return render_key(template_key(kind, ctx.return_channel), ctx)
