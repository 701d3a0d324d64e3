"""Hỗ trợ người dân: a community team member helps citizens one after another on one device.

Find the citizen (exact phone or ID number) or register them; read the consent text and get
the citizen's consent before anything is saved (a code by SMS typed back, or a signature on
paper); fill the same journey for them; print the receipt and a plain-language guide; then
"Xong, người tiếp theo" forgets the citizen on this device. The dossier records the volunteer,
the team and the place; the citizen, not the volunteer, gets the SMS.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, request, session, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from app.accounts import codes, serving
from app.accounts.forms import CitizenSearchForm
from app.accounts.models import OneTimeCode, User
from app.accounts.operations import AccountExists, record_consent, register_on_behalf
from app.assist.forms import CodeForm, ConsentForm, NewCitizenForm
from app.catalogue.models import Procedure
from app.core.htmx import render
from app.core.identity import mask_id_number, mask_phone
from app.core.permissions import require
from app.core.responses import go, pdf
from app.core.roles import Permission, Role
from app.dossiers import helping
from app.dossiers import receipt as receipts
from app.dossiers import services as dossier_services
from app.dossiers.models import Dossier
from app.dossiers.policy import is_helper
from app.extensions import db

bp = Blueprint("assist", __name__, url_prefix="/ho-tro")

FOUND_KEY = "assist_found"  # the citizen the last search found, before consent
PENDING_KEY = "assist_code"  # the one-time code waiting to be typed back


def _team():  # type: ignore[no-untyped-def]
    """The volunteer's team: a community member without one has nothing to do here yet."""
    team = current_user.team if current_user.role == Role.COMMUNITY else None
    if team is None or not team.is_active:
        abort(403)
    return team


def _current() -> User | None:
    citizen_id = serving.citizen_id()
    return db.session.get(User, citizen_id) if citizen_id else None


def _current_or_home():  # type: ignore[no-untyped-def]
    citizen = _current()
    if citizen is None:
        flash("Hãy tìm hoặc đăng ký người dân trước.", "info")
    return citizen


# --- finding the citizen --------------------------------------------------------------------


@bp.route("/", methods=["GET", "POST"])
@require(Permission.APPLY_ON_BEHALF)
def home():
    team = _team()
    form = CitizenSearchForm()
    found = None
    if form.validate_on_submit():
        found = helping.find_citizen(form)
        session[FOUND_KEY] = found.id if found else None
    return render(
        "assist/home.html",
        status=422 if form.errors else 200,
        team=team,
        form=form,
        found=found,
        searched=request.method == "POST" and not form.errors,
        masked_phone=mask_phone(found.phone) if found else "",
        masked_id=mask_id_number(found.id_number or "") if found else "",
        current=_current(),
    )


def _consent_text(name: str) -> Markup:
    """The consent read aloud, with the citizen's name (live while it is being typed)."""
    return Markup(
        "Ông/Bà <strong data-consent-name>{}</strong>: thông tin và giấy tờ của Ông/Bà được dùng "
        "để kê khai và nộp hồ sơ thủ tục hành chính Ông/Bà yêu cầu, gửi đến cơ quan giải quyết. "
        "Thành viên Tổ công nghệ số cộng đồng chỉ giúp Ông/Bà kê khai tại đây; sau khi xong, "
        "thông tin không còn trên thiết bị này. Tin nhắn về hồ sơ gửi đến điện thoại của Ông/Bà. "
        "Ông/Bà có đồng ý không?"
    ).format(name)


def _found_or_404() -> User:
    citizen = db.session.get(User, session.get(FOUND_KEY) or 0)
    if citizen is None or citizen.role != Role.CITIZEN:
        abort(404)
    return citizen


@bp.route("/dong-y", methods=["GET", "POST"])
@require(Permission.APPLY_ON_BEHALF)
def consent():
    """Consent of a citizen who already has an account (found by the search just before)."""
    team = _team()
    citizen = _found_or_404()
    form = ConsentForm()
    if form.validate_on_submit():
        if form.way.data == "paper":
            return _begin(citizen, "paper", team)
        try:
            row, code = codes.issue(
                "consent", citizen.phone, user=citizen, requested_by=current_user
            )
        except codes.CodeRefused as refused:
            form.way.errors = [refused.message]
        else:
            return _await_code(row, code)
    return render(
        "assist/consent.html",
        status=422 if form.errors else 200,
        form=form,
        citizen_name=citizen.full_name,
        text=_consent_text(citizen.full_name),
        masked_phone=mask_phone(citizen.phone),
    )


@bp.route("/cong-dan-moi", methods=["GET", "POST"])
@require(Permission.APPLY_ON_BEHALF)
def new_citizen():
    """Register a citizen: nothing is saved until they consent (on paper now, or by the code)."""
    team = _team()
    prefill = bool(request.form.get("prefill"))  # "register this person" from a search
    form = NewCitizenForm(formdata=None) if prefill else NewCitizenForm()
    if prefill:
        helping.prefill_registration(form)
    elif form.validate_on_submit():
        details = {
            "full_name": " ".join(form.full_name.data.split()),
            "phone": form.phone.data,
            "id_number": form.id_number.data,
            "date_of_birth": form.date_of_birth.data.isoformat(),
            "sex": form.sex.data,
        }
        taken = _already_registered(details)
        if taken is not None:
            form[taken.field].errors = [*form[taken.field].errors, taken.message]
        elif form.way.data == "paper":
            return _register(details, "paper", team)
        else:
            try:
                row, code = codes.issue(
                    "consent", details["phone"], requested_by=current_user, payload=details
                )
            except codes.CodeRefused as refused:
                form.way.errors = [refused.message]
            else:
                return _await_code(row, code)
    name = (form.full_name.data or "").strip() or "(tên người dân)"
    return render(
        "assist/new_citizen.html",
        status=422 if form.errors else 200,
        form=form,
        text=_consent_text(name),
    )


def _already_registered(details: dict) -> AccountExists | None:
    if db.session.scalar(select(User.id).filter_by(phone=details["phone"])):
        return AccountExists("phone", "Số điện thoại này đã có tài khoản: hãy tìm theo số này.")
    if db.session.scalar(select(User.id).filter_by(id_number=details["id_number"])):
        return AccountExists("id_number", "Số định danh này đã có tài khoản: hãy tìm theo số này.")
    return None


def _await_code(row: OneTimeCode, code: str):  # type: ignore[no-untyped-def]
    db.session.commit()
    session[PENDING_KEY] = row.id
    hint = codes.demo_hint(code)
    flash(
        "Đã gửi mã xác nhận đến điện thoại của người dân. Người dân đọc mã cho bạn nhập."
        + (f" (Chế độ trình diễn: mã là {hint}.)" if hint else ""),
        "info",
    )
    return go(url_for("assist.enter_code"))


@bp.route("/nhap-ma", methods=["GET", "POST"])
@require(Permission.APPLY_ON_BEHALF)
def enter_code():
    team = _team()
    row = db.session.get(OneTimeCode, session.get(PENDING_KEY) or 0)
    if row is None or row.requested_by_id != current_user.id or row.purpose != "consent":
        abort(404)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes.check(row, form.code.data)
        except codes.CodeRefused as refused:
            db.session.commit()  # the wrong try counts
            form.code.errors = [refused.message]
        else:
            session.pop(PENDING_KEY, None)
            if row.payload:
                details, row.payload = row.payload, None  # the details now live in the account
                return _register(details, "sms_code", team)
            return _begin(db.session.get(User, row.user_id), "sms_code", team)
    return render(
        "assist/enter_code.html",
        status=422 if form.errors else 200,
        form=form,
        masked_phone=mask_phone(row.phone),
    )


@bp.route("/nhap-ma/gui-lai", methods=["POST"])
@require(Permission.APPLY_ON_BEHALF)
def resend_code():
    _team()
    row = db.session.get(OneTimeCode, session.get(PENDING_KEY) or 0)
    if row is None or row.requested_by_id != current_user.id or row.purpose != "consent":
        abort(404)
    user = db.session.get(User, row.user_id) if row.user_id else None
    try:
        new_row, code = codes.issue(
            "consent", row.phone, user=user, requested_by=current_user, payload=row.payload
        )
    except codes.CodeRefused as refused:
        flash(refused.message, "error")
        return go(url_for("assist.enter_code"))
    row.payload = None
    return _await_code(new_row, code)


def _register(details: dict, method: str, team):  # type: ignore[no-untyped-def]
    from datetime import date

    try:
        citizen = register_on_behalf(
            full_name=details["full_name"],
            phone=details["phone"],
            id_number=details["id_number"],
            date_of_birth=date.fromisoformat(details["date_of_birth"]),
            sex=details["sex"],
            helper=current_user,
            place=team.place,
            method=method,
        )
    except AccountExists as exists:  # registered meanwhile by someone else
        db.session.rollback()
        flash(exists.message, "error")
        return go(url_for("assist.home"))
    return _begin(citizen, method, team)


def _begin(citizen: User, method: str, team):  # type: ignore[no-untyped-def]
    """The citizen consented: from now until "next person" the volunteer works for them."""
    consent_row = record_consent(citizen, current_user, "assisted", place=team.place, method=method)
    db.session.flush()
    serving.end()
    serving.begin(citizen.id, consent_row.id)
    db.session.commit()
    flash(f"Người dân {citizen.full_name} đã đồng ý. Bắt đầu hỗ trợ.", "success")
    return go(url_for("assist.citizen"))


# --- working for the citizen ----------------------------------------------------------------


@bp.route("/cong-dan")
@require(Permission.APPLY_ON_BEHALF)
def citizen():
    _team()
    current = _current_or_home()
    if current is None:
        return redirect(url_for("assist.home"), 303)
    return helping.citizen_page("assist/citizen.html", current, helping.start_form("online"))


@bp.route("/nop-ho-so", methods=["POST"])
@require(Permission.APPLY_ON_BEHALF)
def start():
    team = _team()
    current = _current()
    if current is None:
        abort(404)
    form = helping.start_form("online", request.form)
    if not form.validate():
        return helping.citizen_page("assist/citizen.html", current, form, 422)
    procedure = db.session.get(Procedure, form.procedure.data)
    dossier = dossier_services.start_application(
        current, procedure, form.client_token.data or "", actor=current_user
    )
    if dossier.created_by_id != current_user.id:
        abort(404)
    dossier.consent_id = dossier.consent_id or serving.consent_id()
    dossier.assist_team_id = team.id
    dossier.assist_place = team.place
    db.session.commit()
    return go(url_for("dossiers.step", dossier_id=dossier.id, step="nguoi-nop"))


def _helped_or_404(dossier_id: int) -> Dossier:
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or dossier.is_draft or not is_helper(current_user, dossier):
        abort(404)
    return dossier


@bp.route("/ho-so/<int:dossier_id>")
@require(Permission.APPLY_ON_BEHALF)
def submitted(dossier_id: int):
    """After submitting: what to print for the citizen, while they are still here."""
    _team()
    return render("assist/submitted.html", dossier=_helped_or_404(dossier_id))


@bp.route("/ho-so/<int:dossier_id>/giay-tiep-nhan.pdf")
@require(Permission.APPLY_ON_BEHALF)
def receipt(dossier_id: int):
    dossier = _helped_or_404(dossier_id)
    layout = "80mm" if request.args.get("kho") == "80" else "a5"
    try:
        return pdf(receipts.receipt_pdf(dossier, layout), f"giay-tiep-nhan-{dossier.code}.pdf")
    except receipts.RenderFailed:
        return render("dossiers/receipt_failed.html", status=503, dossier=dossier)


@bp.route("/ho-so/<int:dossier_id>/huong-dan.pdf")
@require(Permission.APPLY_ON_BEHALF)
def guide(dossier_id: int):
    dossier = _helped_or_404(dossier_id)
    try:
        return pdf(receipts.guide_pdf(dossier), f"huong-dan-{dossier.code}.pdf")
    except receipts.RenderFailed:
        return render("dossiers/receipt_failed.html", status=503, dossier=dossier)


@bp.route("/xong", methods=["POST"])
@require(Permission.APPLY_ON_BEHALF)
def next_person():
    """Done, next person: nothing of this citizen stays on the device."""
    serving.end()
    flash("Đã xong. Mời người tiếp theo.", "success")
    target = url_for("counter.search") if current_user.post_office_id else url_for("assist.home")
    response = make_response(go(target))
    # Ask the browser to drop anything it kept of the previous pages (pages are no-store too).
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.route("/da-ho-tro")
@require(Permission.APPLY_ON_BEHALF)
def helped():
    """The dossiers this volunteer helped with: their status only, no personal data."""
    _team()
    dossiers = db.session.scalars(
        select(Dossier)
        .where(
            Dossier.created_by_id == current_user.id,
            Dossier.submitted_at.is_not(None),
        )
        .order_by(Dossier.submitted_at.desc())
        .limit(200)
    ).all()
    return render("assist/helped.html", dossiers=dossiers)
