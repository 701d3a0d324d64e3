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
from werkzeug.wrappers import Response

from app.accounts import serving, signin
from app.accounts.codes import (
    RESEND_TOO_SOON,
    CodeRefused,
    demo_hint,
    resend_wait,
    undeliverable,
)
from app.accounts.forms import CitizenSearchForm
from app.accounts.models import Consent, OneTimeCode
from app.accounts.operations import AccountExists
from app.assist import operations, queries
from app.assist.forms import CodeForm, ConsentForm, NewCitizenForm
from app.assist.models import CommunityTeam
from app.core.htmx import render
from app.core.identity import mask_id_number, mask_phone
from app.core.limits import limited
from app.core.permissions import require
from app.core.responses import go, pdf
from app.core.roles import Permission, Role
from app.core.transaction import domain_errors, form_status, keep_changes, put_on_form
from app.dossiers import helping
from app.dossiers import receipt as receipts
from app.dossiers.models import Dossier
from app.dossiers.policy import is_helper

bp = Blueprint("assist", __name__, url_prefix="/ho-tro")

FOUND_KEY = "assist_found"  # the citizen the last search found, before consent
PENDING_KEY = "assist_code"  # the one-time code waiting to be typed back


def _team() -> CommunityTeam:
    """The volunteer's team: a community member without one has nothing to do here yet."""
    team = current_user.team if current_user.role == Role.COMMUNITY else None
    if team is None or not team.is_active:
        abort(403)
    return team


# --- finding the citizen --------------------------------------------------------------------


@bp.route("/", methods=["GET", "POST"])
@require(Permission.HELP_AS_VOLUNTEER)
def home():
    team = _team()
    form = CitizenSearchForm()
    found = None
    if form.validate_on_submit():
        found = helping.find_citizen(form)
        session[FOUND_KEY] = found.id if found else None
    return render(
        "assist/home.html",
        status=form_status(form),
        team=team,
        form=form,
        found=found,
        searched=request.method == "POST" and not form.errors,
        masked_phone=mask_phone(found.phone) if found else "",
        masked_id=mask_id_number(found.id_number or "") if found else "",
        current=queries.user(serving.citizen_id()),
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


@bp.route("/dong-y", methods=["GET", "POST"])
@require(Permission.HELP_AS_VOLUNTEER)
@limited("consent-code-send")
def consent():
    """Consent of a citizen who already has an account (found by the search just before)."""
    team = _team()
    citizen = queries.citizen(session.get(FOUND_KEY)) or abort(404)
    form = ConsentForm()
    if form.validate_on_submit():
        with domain_errors(form):
            if form.way.data == "paper":
                return _serve(operations.begin_help("paper", current_user, team, citizen=citizen))
            return _await_code(*operations.ask_consent(current_user, citizen=citizen))
    return render(
        "assist/consent.html",
        status=form_status(form),
        form=form,
        citizen_name=citizen.full_name,
        text=_consent_text(citizen.full_name),
        masked_phone=mask_phone(citizen.phone),
    )


@bp.route("/cong-dan-moi", methods=["GET", "POST"])
@require(Permission.HELP_AS_VOLUNTEER)
@limited("consent-code-send")
def new_citizen():
    """Register a citizen: nothing is saved until they consent (on paper now, or by the code)."""
    team = _team()
    prefill = bool(request.form.get("prefill"))  # "register this person" from a search
    form = NewCitizenForm(formdata=None) if prefill else NewCitizenForm()
    if prefill:
        helping.prefill_registration(form)
    elif form.validate_on_submit():
        with domain_errors(form):
            details = form.details()
            if form.way.data == "paper":
                return _serve(operations.begin_help("paper", current_user, team, details=details))
            return _await_code(*operations.ask_consent(current_user, details=details))
    name = (form.full_name.data or "").strip() or "(tên người dân)"
    return render(
        "assist/new_citizen.html", status=form_status(form), form=form, text=_consent_text(name)
    )


def _await_code(row: OneTimeCode, code: str) -> Response:
    session[PENDING_KEY] = row.id
    hint = demo_hint(code)
    flash(
        "Đã gửi mã xác nhận đến điện thoại của người dân. Người dân đọc mã cho bạn nhập."
        + (f" (Chế độ trình diễn: mã là {hint}.)" if hint else ""),
        "info",
    )
    return go(url_for("assist.enter_code"))


@bp.route("/nhap-ma", methods=["GET", "POST"])
@require(Permission.HELP_AS_VOLUNTEER)
@limited("code-check")
def enter_code():
    team = _team()
    row = queries.consent_code(session.get(PENDING_KEY), current_user) or abort(404)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            operations.check_code(row, form.code.data)
        except CodeRefused as refused:
            keep_changes()  # the wrong try counts
            put_on_form(form, refused)
        else:
            session.pop(PENDING_KEY, None)
            try:
                return _serve(operations.begin_help_by_code(row, current_user, team))
            except AccountExists as exists:  # registered meanwhile by someone else
                flash(exists.message, "error")
                return go(url_for("assist.home"))
    return render(
        "assist/enter_code.html",
        status=form_status(form),
        form=form,
        masked_phone=mask_phone(row.phone),
        undeliverable=undeliverable(row),  # every phone gets a code here: no one to hide
    )


@bp.route("/nhap-ma/gui-lai", methods=["POST"])
@require(Permission.HELP_AS_VOLUNTEER)
@limited("code-send")
def resend_code():
    _team()
    row = queries.consent_code(session.get(PENDING_KEY), current_user) or abort(404)
    if wait := resend_wait(row.created_at, undeliverable=undeliverable(row)):
        flash(RESEND_TOO_SOON.format(seconds=wait), "info")
        return go(url_for("assist.enter_code"))
    try:
        return _await_code(*operations.ask_consent_again(row, current_user))
    except CodeRefused as refused:
        flash(refused.message, "error")
        return go(url_for("assist.enter_code"))


def _serve(consent: Consent) -> Response:
    """The citizen consented: from now until "next person" the volunteer works for them."""
    serving.end()
    serving.begin(consent.citizen_id, consent.id)
    flash(f"Người dân {consent.citizen.full_name} đã đồng ý. Bắt đầu hỗ trợ.", "success")
    return go(url_for("assist.citizen"))


# --- working for the citizen ----------------------------------------------------------------


@bp.route("/cong-dan")
@require(Permission.HELP_AS_VOLUNTEER)
def citizen():
    _team()
    current = queries.user(serving.citizen_id())
    if current is None:
        flash("Hãy tìm hoặc đăng ký người dân trước.", "info")
        return redirect(url_for("assist.home"), 303)
    return helping.citizen_page("assist/citizen.html", current, helping.start_form("online"))


@bp.route("/nop-ho-so", methods=["POST"])
@require(Permission.HELP_AS_VOLUNTEER)
def start():
    team = _team()
    current = queries.user(serving.citizen_id()) or abort(404)
    form = helping.start_form("online", request.form)
    if not form.validate():
        return helping.citizen_page("assist/citizen.html", current, form, 422)
    dossier = operations.start_application(
        current,
        form.procedure.data,
        form.client_token.data or "",
        helper=current_user,
        team=team,
        consent_id=serving.consent_id(),
    )
    if dossier is None:
        abort(404)
    return go(url_for("dossiers.step", dossier_id=dossier.id, step="nguoi-nop"))


def _helped_or_404(dossier_id: int) -> Dossier:
    dossier = queries.submitted_dossier(dossier_id)
    if dossier is None or not is_helper(current_user, dossier):
        abort(404)
    return dossier


@bp.route("/ho-so/<id:dossier_id>")
@require(Permission.HELP_AS_VOLUNTEER)
def submitted(dossier_id: int):
    """After submitting: what to print for the citizen, while they are still here."""
    _team()
    return render("assist/submitted.html", dossier=_helped_or_404(dossier_id))


@bp.route("/ho-so/<id:dossier_id>/giay-tiep-nhan.pdf")
@require(Permission.HELP_AS_VOLUNTEER)
def receipt(dossier_id: int):
    dossier = _helped_or_404(dossier_id)
    layout = "80mm" if request.args.get("kho") == "80" else "a5"
    try:
        return pdf(receipts.receipt_pdf(dossier, layout), f"giay-tiep-nhan-{dossier.code}.pdf")
    except receipts.RenderFailed:
        return render("dossiers/receipt_failed.html", status=503, dossier=dossier)


@bp.route("/ho-so/<id:dossier_id>/huong-dan.pdf")
@require(Permission.HELP_AS_VOLUNTEER)
def guide(dossier_id: int):
    dossier = _helped_or_404(dossier_id)
    try:
        return pdf(receipts.guide_pdf(dossier), f"huong-dan-{dossier.code}.pdf")
    except receipts.RenderFailed:
        return render("dossiers/receipt_failed.html", status=503, dossier=dossier)


@bp.route("/xong", methods=["POST"])
@require(Permission.HELP_AS_VOLUNTEER)
def next_person():
    """Done, next person: nothing of this citizen stays on the device."""
    serving.end()
    flash("Đã xong. Mời người tiếp theo.", "success")
    target = url_for("counter.search") if current_user.post_office_id else url_for("assist.home")
    # A citizen who signed in with VNeID on this device is signed out there too.
    response = make_response(go(signin.provider_sign_out(target) or target))
    # Ask the browser to drop anything it kept of the previous pages (pages are no-store too).
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.route("/da-ho-tro")
@require(Permission.HELP_AS_VOLUNTEER)
def helped():
    """The dossiers this volunteer helped with: their status only, no personal data."""
    _team()
    return render("assist/helped.html", dossiers=queries.helped_dossiers(current_user))
