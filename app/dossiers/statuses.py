"""A dossier's statuses and channels, and what the citizen reads for each: pure data."""

from __future__ import annotations

from enum import StrEnum


class DossierStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RECEIVED = "received"
    SUPPLEMENT_REQUESTED = "supplement"
    REFUSED = "refused"
    PROCESSING = "processing"
    RESULT_READY = "result_ready"
    RETURNED = "returned"
    STOPPED = "stopped"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    DossierStatus.DRAFT: "Đang soạn",
    DossierStatus.SUBMITTED: "Đã nộp, chờ tiếp nhận",
    DossierStatus.RECEIVED: "Đã tiếp nhận",
    DossierStatus.SUPPLEMENT_REQUESTED: "Cần bổ sung hồ sơ",
    DossierStatus.REFUSED: "Từ chối tiếp nhận",
    DossierStatus.PROCESSING: "Đang giải quyết",
    DossierStatus.RESULT_READY: "Đã có kết quả",
    DossierStatus.RETURNED: "Đã trả kết quả",
    DossierStatus.STOPPED: "Dừng giải quyết",
    DossierStatus.WITHDRAWN: "Đã rút hồ sơ",
}

# Statuses in which the dossier is with the administration and the deadline runs.
RUNNING_STATUSES = frozenset(
    {DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.RESULT_READY}
)
CLOSED_STATUSES = frozenset(
    {
        DossierStatus.REFUSED,
        DossierStatus.RETURNED,
        DossierStatus.STOPPED,
        DossierStatus.WITHDRAWN,
    }
)

# What the citizen's timeline says for each action (internal events are never shown).
EVENT_LABELS = {
    "submitted": "Đã nộp hồ sơ trực tuyến",
    "resubmitted": "Đã nộp bổ sung hồ sơ",
    "accepted": "Cơ quan đã tiếp nhận hồ sơ",
    "supplement_requested": "Cơ quan yêu cầu bổ sung, hoàn thiện hồ sơ",
    "refused": "Cơ quan từ chối tiếp nhận hồ sơ",
    "assigned": "Hồ sơ được chuyển xử lý",
    "forwarded": "Hồ sơ được chuyển đến cơ quan khác giải quyết",
    "approved": "Đã có kết quả giải quyết",
    "extended": "Cơ quan xin lỗi và hẹn lại ngày trả kết quả",
    "stopped": "Cơ quan dừng giải quyết hồ sơ",
    "returned": "Đã trả kết quả",
    "withdrawn": "Bạn đã rút hồ sơ",
    "result_downloaded": "Đã tải kết quả",
    "viewed": "Cán bộ xem hồ sơ",
    # The public postal service (app/postal): every event in plain words for the citizen.
    "pickup_booked": "Đã hẹn bưu điện đến nhận hồ sơ",
    "pickup_rescheduled": "Đã đổi lịch bưu điện đến nhận hồ sơ",
    "pickup_cancelled": "Đã hủy lịch bưu điện đến nhận hồ sơ",
    "postal_picked_up": "Bưu điện đã nhận hồ sơ",
    "postal_in_transit": "Bưu điện đang chuyển hồ sơ đến cơ quan",
    "postal_handed_to_agency": "Bưu điện đã giao hồ sơ cho cơ quan",
    "postal_not_received": "Cơ quan chưa nhận được hồ sơ từ bưu điện, bưu điện đang kiểm tra",
    "postal_result_collected": "Bưu điện đã nhận kết quả từ cơ quan",
    "postal_out_for_delivery": "Bưu điện đang giao kết quả",
    "postal_delivered": "Đã giao kết quả",
    "postal_delivery_failed": "Giao kết quả không thành công",
    "postal_held": "Kết quả đang được lưu giữ tại bưu điện",
    "postal_returned_to_agency": "Bưu điện đã trả kết quả về cơ quan",
    # Fees (app/payments).
    "fee_paid": "Đã nộp phí, lệ phí",
    "fee_exempted": "Được miễn phí, lệ phí",
    "fee_refunded": "Đã hoàn trả phí, lệ phí",
}

RESULT_KIND_LABELS = {"file": "Kết quả điện tử (tệp PDF)", "paper": "Kết quả bản giấy"}

INTAKE_CHANNEL_LABELS = {
    "online": "Chỉ nộp trực tuyến (không gửi giấy tờ)",
    "post_pickup": "Bưu điện đến nhận hồ sơ tại nhà",
    "counter": "Mang giấy tờ đến Bộ phận Một cửa",
    # Only post-office staff filling an application at their counter choose this.
    "post_office": "Nộp giấy tờ tại quầy bưu điện",
}
# Intake channels whose papers travel with the public postal service (leg A).
POSTAL_INTAKE = frozenset({"post_pickup", "post_office"})
# Intake channels whose paper originals must reach the unit before the clock starts.
PAPER_INTAKE = POSTAL_INTAKE | {"counter"}
# Statuses whose due date is a promise the citizen can hold the unit to (a refused dossier
# has none; one waiting for a supplement gets a new one when the papers come back).
DUE_SHOWN_STATUSES = frozenset({"submitted", "received", "processing", "result_ready"})
RETURN_CHANNEL_LABELS = {
    "online": "Nhận kết quả trực tuyến",
    "post": "Qua dịch vụ bưu chính công ích",
    "counter": "Tại Bộ phận Một cửa",
}

# What the dossier owes (Dossier.fee_state). "" means nothing is owed (a free procedure or
# channel); "exempt" is an officer's decision with a reason (poor household, people with merit).
FEE_STATE_LABELS = {
    "": "Không thu phí",
    "due": "Chưa nộp phí",
    "paid": "Đã nộp phí",
    "exempt": "Miễn phí, lệ phí",
    "refunded": "Đã hoàn phí",
}
# Fee states that let the workflow go past a step that needs the fee paid.
FEE_SETTLED = frozenset({"", "paid", "exempt"})


def fee_channel(intake_channel: str) -> str:
    """The catalogue's fee column for a dossier sent in this way (DOMAIN.md §8): papers that
    travel with the post office pay the postal fee, papers brought to the counter the counter's,
    a fully online dossier the online fee."""
    return "post" if intake_channel in POSTAL_INTAKE else intake_channel or "online"
