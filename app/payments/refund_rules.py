"""When money received for a dossier may be given back, and how much: pure rules.

A payment is refunded, once, when the dossier will never be processed (the citizen withdrew
it, the unit refused it at intake or stopped processing it) or when the dossier was paid
more than once (the same fee by transfer and at the counter, a transfer sent twice): then
only what exceeds the fee goes back, so that the fee stays paid. Pure: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

# Dossier statuses in which nothing more will be done for the fee.
CLOSED_UNPROCESSED = frozenset({"withdrawn", "refused", "stopped"})

REASON_LABELS = {
    "withdrawn": "Hồ sơ đã được rút theo yêu cầu của người nộp",
    "refused": "Hồ sơ bị từ chối tiếp nhận",
    "stopped": "Hồ sơ bị dừng giải quyết",
    "paid_twice": "Nộp trùng hoặc nộp thừa phí, lệ phí",
}


@dataclass(frozen=True)
class RefundCase:
    """Why a payment may be given back (a key of REASON_LABELS) and at most how much."""

    reason: str
    most: int

    @property
    def label(self) -> str:
        return REASON_LABELS[self.reason]


def refund_case(
    *, status: str, fee_amount: int, paid: int, amount: int, refunded: bool
) -> RefundCase | None:
    """The case for refunding a payment of ``amount`` đồng, or None when it may not be.

    ``status`` is the dossier's, ``fee_amount`` what it owes, ``paid`` what was paid for it
    and not given back (this payment included), ``refunded`` whether this payment already has
    its refund (one per payment).
    """
    if refunded or amount <= 0:
        return None
    if status in CLOSED_UNPROCESSED:
        return RefundCase(status, amount)
    excess = min(amount, paid - fee_amount)
    if excess > 0:
        return RefundCase("paid_twice", excess)
    return None


def refund_refusal(case: RefundCase | None, asked: int) -> str:
    """Why ``asked`` đồng cannot be given back in ``case`` ("" when it can)."""
    if case is None:
        return (
            "Khoản thu này không được hoàn trả: chỉ hoàn phí, lệ phí của hồ sơ đã rút, bị từ "
            "chối tiếp nhận, bị dừng giải quyết, hoặc phần nộp trùng, nộp thừa; mỗi biên lai "
            "chỉ hoàn một lần."
        )
    if asked <= 0:
        return "Số tiền hoàn trả phải lớn hơn 0 đồng."
    if asked > case.most:
        most = f"{case.most:,}".replace(",", ".")
        return f"Số tiền hoàn trả tối đa là {most} đồng."
    return ""
