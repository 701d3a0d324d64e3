"""Money taken at the desks: cash at the one-stop counter, the officer's exemption, and cash the
post office took at the door (flush only; the request commits).

A counter payment carries the form's one-off token: a double tap, a retried request or two
tabs posting the same form book it once (the unique ``client_token``; the second post finds the
first payment). Cash the post worker took becomes the dossier's payment as it is taken
(``postal_payment_id``, unique) and counts as handed over once the officer confirms the
hand-over record that brought the papers (``confirmed_at``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.core import clock
from app.core.errors import Invalid
from app.dossiers.events import log_event
from app.dossiers.models import Dossier
from app.extensions import db
from app.payments.models import Payment
from app.payments.operations import paid_so_far, record_payment

# Fee states in which money is still owed.
OWING = ("due", "refunded")

# Who is exempt (the fee's own legal text names them: the Ministry of Finance's circular, or the
# provincial council's resolution for local fees): the officer picks one and writes a note (the
# paper shown, its number), which the event log keeps.
EXEMPTION_REASONS = {
    "poor_household": "Hộ nghèo, hộ cận nghèo",
    "merit": "Người có công với cách mạng và thân nhân",
    "ethnic_minority": "Người dân tộc thiểu số ở vùng đặc biệt khó khăn",
    "child_elderly_disabled": "Trẻ em, người cao tuổi, người khuyết tật",
    "policy": "Đối tượng miễn theo chính sách của tỉnh",
    "other": "Trường hợp khác (ghi rõ căn cứ)",
}


class FeeRefused(Invalid):
    """A fee cannot be taken or waived now (the message says why)."""


def amount_owed(dossier: Dossier) -> int:
    """What is still to pay: the fee less what was paid (zero when nothing is owed)."""
    if dossier.fee_state not in OWING:
        return 0
    return max(dossier.fee_amount - paid_so_far(dossier), 0)


def _lock(dossier: Dossier) -> None:
    """Hold the dossier's row until the request commits: two officers (or two tabs) taking or
    waiving the same fee at once go one after the other, and the second sees the first's
    payment (PostgreSQL; SQLite serialises writers anyway)."""
    db.session.execute(select(Dossier.id).where(Dossier.id == dossier.id).with_for_update())


def _by_token(token: str) -> Payment | None:
    return db.session.scalar(select(Payment).where(Payment.client_token == token))


def take_cash(
    dossier: Dossier,
    staff: User,
    client_token: str,
    amount: int | None,
    payer_name: str = "",
    ip: str = "",
) -> tuple[Payment, bool]:
    """Cash for what ``dossier`` owes, taken by ``staff`` at the counter: ``amount`` is what
    the officer counted, and must be what is owed (the counter takes no part payments).
    Returns the payment and whether it is new: the same ``client_token`` again gives the
    first payment back."""
    token = (client_token or "").strip()[:40]
    if len(token) < 16:
        raise FeeRefused("Phiếu thu đã cũ. Vui lòng tải lại trang rồi ghi nhận lại.")
    _lock(dossier)
    existing = _by_token(token)
    if existing is not None:
        if existing.dossier_id != dossier.id:
            raise FeeRefused("Phiếu thu này thuộc hồ sơ khác. Vui lòng tải lại trang.")
        return existing, False
    owed = amount_owed(dossier)
    if owed <= 0:
        raise FeeRefused("Hồ sơ không còn khoản phí, lệ phí nào phải nộp.")
    if amount != owed:
        due = f"{owed:,}".replace(",", ".")
        raise FeeRefused(f"Số tiền thu phải đúng {due} đồng hồ sơ còn phải nộp.", "amount")
    name = " ".join((payer_name or "").split())[:120]
    try:
        with db.session.begin_nested():
            payment = record_payment(
                dossier,
                method="counter",
                amount=owed,
                staff=staff,
                client_token=token,
                payer_name=name,
                ip=ip,
            )
    except IntegrityError:  # the same form posted at the same moment: the other one booked it
        existing = _by_token(token)
        if existing is None:
            raise
        return existing, False
    return payment, True


def exempt(dossier: Dossier, staff: User, reason: str, note: str, ip: str = "") -> None:
    """The officer waives the fee: a reason from the list and a note (which paper shows it)."""
    if reason not in EXEMPTION_REASONS:
        raise FeeRefused("Vui lòng chọn lý do miễn phí, lệ phí.", "reason")
    note = " ".join((note or "").split())
    if len(note) < 5:
        raise FeeRefused(
            "Vui lòng ghi căn cứ miễn (giấy tờ người nộp xuất trình, số, ngày cấp).", "note"
        )
    _lock(dossier)
    db.session.refresh(dossier, ["fee_state"])
    if dossier.fee_state != "due" or paid_so_far(dossier):
        raise FeeRefused("Chỉ miễn được phí, lệ phí của hồ sơ chưa nộp khoản nào.")
    dossier.fee_state = "exempt"
    log_event(
        dossier,
        staff,
        "fee_exempted",
        dossier.status,
        dossier.status,
        note=f"{EXEMPTION_REASONS[reason]}: {note[:500]}",
        ip=ip,
        data={"reason": reason, "amount": dossier.fee_amount},
    )
    db.session.flush()


def take_post_cash(dossier: Dossier, postal_payment_id: int, worker: User, fee: int) -> Payment:
    """The fee the post worker took at the door, as the dossier's payment (not yet handed over:
    :func:`confirm_post_cash` confirms it with the hand-over record)."""
    return record_payment(
        dossier,
        method="post",
        amount=fee,
        staff=worker,
        postal_payment_id=postal_payment_id,
        note="Bưu điện thu khi nhận hồ sơ tại nhà",
    )


def confirm_post_cash(dossier: Dossier, officer: User) -> int:
    """The officer received the dossier on a hand-over record, and with it the fee the post
    took: every unconfirmed post payment of ``dossier`` is confirmed. Returns how many."""
    pending = db.session.scalars(
        select(Payment).where(
            Payment.dossier_id == dossier.id,
            Payment.method == "post",
            Payment.confirmed_at.is_(None),
        )
    ).all()
    now = clock.now()
    for payment in pending:
        payment.confirmed_at = now
        payment.confirmed_by_id = officer.id
    db.session.flush()
    return len(pending)
