"""The one-stop back office: queues, the dossier page with its actions, forms and the register."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import CombinedMultiDict

from app.accounts.models import User, unit_memberships
from app.catalogue.models import Procedure, Unit
from app.core import clock
from app.core.htmx import is_htmx, render
from app.core.permissions import require
from app.core.roles import Permission, has_permission
from app.dossiers import actions, panels, services, worklist
from app.dossiers.calendar import working_calendar
from app.dossiers.events import log_event
from app.dossiers.forms import (
    ActionForm,
    ApproveForm,
    AssignForm,
    ExtendForm,
    ForwardForm,
    ReasonForm,
    ReturnForm,
    SupplementForm,
)
from app.dossiers.models import Dossier
from app.dossiers.official_forms import available_forms
from app.dossiers.policy import staff_viewable_or_404
from app.dossiers.statuses import RETURN_CHANNEL_LABELS, STATUS_LABELS
from app.dossiers.uploads import UploadRejected
from app.dossiers.workflow import ACTION_LABELS, Action, allowed_actions
from app.extensions import db

bp = Blueprint("backoffice", __name__, url_prefix="/can-bo")


def _ip() -> str:
    return request.remote_addr or ""


@bp.route("/", defaults={"slug": "moi"})
@bp.route("/hang-doi/<slug>")
@require(Permission.VIEW_UNIT_DOSSIERS)
def queue(slug: str):
    chosen = worklist.QUEUE_BY_SLUG.get(slug)
    if chosen is None:
        abort(404)
    today = clock.today()
    calendar = working_calendar()
    filters = worklist.filters_from(request.args)
    units = current_user.unit_ids
    stmt = worklist.queue_statement(chosen, units, filters, today, calendar)
    page = worklist.queue_page(stmt, request.args.get("sau", ""))
    return render(
        "backoffice/queue.html",
        "backoffice/_queue_results.html",
        queue=chosen,
        queues=worklist.QUEUES,
        counts=worklist.queue_counts(units, today, calendar),
        results=page,
        filters=filters,
        deadlines={d.id: actions.deadline(d, today, calendar) for d in page.rows},
        procedures=db.session.scalars(select(Procedure).order_by(Procedure.name)).all(),
        status_labels={s: STATUS_LABELS[s] for s in chosen.statuses},
        units=current_user.units,
    )


def _action_forms(dossier: Dossier, allowed: list[Action]) -> dict[Action, object]:
    forms: dict[Action, object] = {}
    for action in allowed:
        forms[action] = _form_for(dossier, action, formdata=None)
    return forms


def _form_for(dossier: Dossier, action: Action, formdata=None):  # type: ignore[no-untyped-def]
    """The form of one action. Several live on one page, so each has its own field prefix;
    the token is checked once for every POST by the app-wide CSRFProtect (the plain
    ``csrf_token`` field), not per form, whose prefixed token field would never match."""
    prefix = action.value
    options = {"formdata": formdata, "prefix": prefix, "meta": {"csrf": False}}
    if action in (Action.ACCEPT,):
        return ActionForm(**options)
    if action in (Action.REFUSE, Action.STOP):
        return ReasonForm(**options)
    if action == Action.REQUEST_SUPPLEMENT:
        form = SupplementForm(**options)
        form.set_choices(dossier.procedure)
        return form
    if action == Action.ASSIGN:
        form = AssignForm(**options)
        staff = db.session.scalars(
            select(User)
            .join(unit_memberships, unit_memberships.c.user_id == User.id)
            .where(
                unit_memberships.c.unit_id == dossier.current_unit_id,
                User.is_active_account.is_(True),
            )
            .order_by(User.full_name)
        ).all()
        form.assignee.choices = [
            (u.id, f"{u.full_name} – {u.role_label}")
            for u in staff
            if has_permission(u, Permission.PROCESS)
        ]
        return form
    if action == Action.FORWARD:
        form = ForwardForm(**options)
        units = db.session.scalars(select(Unit).order_by(Unit.kind.desc(), Unit.name)).all()
        form.unit.choices = [(u.id, u.name) for u in units if u.id != dossier.current_unit_id]
        return form
    if action == Action.APPROVE:
        form = ApproveForm(**options)
        if formdata is None and dossier.return_channel == "online":
            form.result_kind.data = "file"
        return form
    if action == Action.EXTEND:
        return ExtendForm(**options)
    if action == Action.RETURN:
        form = ReturnForm(**options)
        if formdata is None:
            form.via.data = dossier.return_channel
        return form
    abort(404)


def _dossier_page(dossier: Dossier, status: int = 200, failed=None):  # type: ignore[no-untyped-def]
    today = clock.today()
    allowed = allowed_actions(dossier, current_user, today)
    forms = _action_forms(dossier, allowed)
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render(
        "backoffice/dossier.html",
        status=status,
        dossier=dossier,
        allowed=allowed,
        forms=forms,
        action_labels=ACTION_LABELS,
        deadline=actions.deadline(dossier, today, working_calendar()),
        official_forms=available_forms(dossier, staff=True),
        open_action=failed[0] if failed else None,
        panels=panels.panels("staff", dossier),
    )


@bp.route("/ho-so/<int:dossier_id>")
@require(Permission.VIEW_UNIT_DOSSIERS)
def dossier(dossier_id: int):
    dossier = staff_viewable_or_404(dossier_id)
    _record_view(dossier)
    return _dossier_page(dossier)


def _record_view(dossier: Dossier) -> None:
    """Who read a dossier's personal data (Law 91/2025): once per staff member and day."""
    today = clock.today()
    seen = any(
        e.action == "viewed" and e.actor_id == current_user.id and e.at.date() == today
        for e in dossier.events
    )
    if not seen:
        log_event(dossier, current_user, "viewed", internal=True, ip=_ip())
        db.session.commit()


@bp.route("/ho-so/<int:dossier_id>/<action>", methods=["POST"])
@require(Permission.VIEW_UNIT_DOSSIERS)
def act(dossier_id: int, action: str):
    dossier = staff_viewable_or_404(dossier_id)
    try:
        chosen = Action(action)
    except ValueError:
        abort(404)
    if chosen in (Action.RESUBMIT, Action.WITHDRAW):
        abort(404)
    form = _form_for(dossier, chosen, formdata=CombinedMultiDict([request.form, request.files]))
    if not form.validate():
        return _dossier_page(dossier, 422, failed=(chosen, form))
    try:
        _run(dossier, chosen, form)
    except actions.InvalidInput as invalid:
        for name, message in invalid.errors.items():
            target = getattr(form, name, None)
            if target is not None:
                target.errors = [*target.errors, message]
            else:
                form.form_errors.append(message)
        db.session.rollback()
        return _dossier_page(staff_viewable_or_404(dossier_id), 422, failed=(chosen, form))
    db.session.commit()
    flash(f"Đã thực hiện: {ACTION_LABELS[chosen]}.", "success")
    target = url_for("backoffice.dossier", dossier_id=dossier.id)
    if is_htmx():
        response = Response("", 204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, 303)


def _run(dossier: Dossier, action: Action, form) -> None:  # type: ignore[no-untyped-def]
    ip = _ip()
    if action == Action.ACCEPT:
        actions.accept(dossier, current_user, ip=ip)
    elif action == Action.REFUSE:
        actions.refuse(dossier, current_user, form.reason.data, ip=ip)
    elif action == Action.STOP:
        actions.stop(dossier, current_user, form.reason.data, ip=ip)
    elif action == Action.REQUEST_SUPPLEMENT:
        labels = dict(form.documents.choices) | dict(form.fields.choices)
        items = [
            actions.SupplementItem(what=labels[c], document_code=c) for c in form.documents.data
        ] + [actions.SupplementItem(what=labels[n], field_name=n) for n in form.fields.data]
        if (form.other.data or "").strip():
            items.append(actions.SupplementItem(what=form.other.data.strip()))
        actions.request_supplement(dossier, current_user, items, form.reason.data, ip=ip)
    elif action == Action.ASSIGN:
        assignee = db.session.get(User, form.assignee.data)
        actions.assign(dossier, current_user, assignee, form.note.data, ip=ip)
    elif action == Action.FORWARD:
        unit = db.session.get(Unit, form.unit.data)
        actions.forward(dossier, current_user, unit, form.note.data, ip=ip)
    elif action == Action.APPROVE:
        upload, name = _result_upload(form)
        actions.approve(
            dossier,
            current_user,
            result_kind=form.result_kind.data,
            upload=upload,
            original_name=name,
            note=form.note.data,
            ip=ip,
        )
    elif action == Action.EXTEND:
        actions.extend(dossier, current_user, form.new_due.data, form.reason.data, ip=ip)
    elif action == Action.RETURN:
        actions.return_result(dossier, current_user, form.via.data, form.note.data, ip=ip)


def _result_upload(form):  # type: ignore[no-untyped-def]
    file = form.result_file.data
    if form.result_kind.data != "file" or file is None or not getattr(file, "filename", ""):
        return None, ""
    try:
        processed = services.check_upload(file.read())
    except UploadRejected as rejected:
        raise actions.InvalidInput({"result_file": rejected.message}) from rejected
    return processed, file.filename


# --- the register (Mẫu 07) -----------------------------------------------------------------

REGISTER_COLUMNS = (
    "STT",
    "Mã hồ sơ",
    "Thủ tục",
    "Người nộp",
    "Số điện thoại",
    "Ngày nộp",
    "Ngày tiếp nhận",
    "Hẹn trả",
    "Ngày trả",
    "Trạng thái",
    "Đúng hạn",
    "Nhận kết quả",
)


def _register_row(n: int, d: Dossier) -> list[str]:
    def dt(v) -> str:  # type: ignore[no-untyped-def]
        return v.strftime("%d/%m/%Y %H:%M") if v else ""

    return [
        str(n),
        d.code or "",
        d.procedure.name,
        d.applicant_name,
        d.applicant_phone,
        dt(d.submitted_at),
        dt(d.received_at),
        d.due_date.strftime("%d/%m/%Y") if d.due_date else "",
        dt(d.returned_at or d.closed_at),
        d.status_label,
        "" if d.on_time is None else ("Đúng hạn" if d.on_time else "Quá hạn"),
        RETURN_CHANNEL_LABELS.get(d.return_channel, ""),
    ]


@bp.route("/so-theo-doi")
@require(Permission.VIEW_REGISTER)
def register():
    filters = worklist.register_filters_from(request.args)
    stmt = worklist.register_statement(current_user.unit_ids, filters)
    page = worklist.register_page(stmt, request.args.get("sau", ""))
    return render(
        "backoffice/register.html",
        results=page,
        filters=filters,
        procedures=db.session.scalars(select(Procedure).order_by(Procedure.name)).all(),
        status_labels={k: v for k, v in STATUS_LABELS.items() if k != "draft"},
        columns=REGISTER_COLUMNS,
        row=_register_row,
    )


@bp.route("/so-theo-doi.csv")
@require(Permission.VIEW_REGISTER)
def register_csv():
    filters = worklist.register_filters_from(request.args)
    stmt = worklist.register_statement(current_user.unit_ids, filters).order_by(
        Dossier.submitted_at, Dossier.id
    )

    def rows() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out)
        out.write("\ufeff")  # Excel opens UTF-8 with diacritics only with a BOM
        writer.writerow(REGISTER_COLUMNS)
        for n, dossier in enumerate(db.session.scalars(stmt.execution_options(yield_per=500)), 1):
            writer.writerow(_register_row(n, dossier))
            if out.tell() > 8192:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    today = clock.today()
    response = Response(stream_with_context(rows()), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="so-theo-doi-ho-so-{today:%Y%m%d}.csv"'
    )
    return response
