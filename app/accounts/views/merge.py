"""Two accounts of one person (one opened at the counter, one registered with another phone…)
merged by an administrator: everything of the other moves to the one kept, with history
(app/accounts/operations/federation.py)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from app.accounts.forms import MergeForm
from app.accounts.operations.federation import CannotMerge, merge
from app.accounts.views.admin import bp
from app.core.htmx import render
from app.core.permissions import require
from app.core.roles import Permission
from app.core.transaction import domain_errors, form_status

NOT_FOUND = "Không có tài khoản nào với số này."


@bp.route("/gop-tai-khoan", methods=["GET", "POST"])
@require(Permission.MANAGE)
def merge_accounts():
    form = MergeForm()
    if form.validate_on_submit():
        keep, other = form.account(form.keep), form.account(form.other)
        for field, found in ((form.keep, keep), (form.other, other)):
            if found is None:
                field.errors.append(NOT_FOUND)
        if keep is not None and other is not None:
            with domain_errors(form, CannotMerge):
                admin = current_user._get_current_object()  # type: ignore[attr-defined]
                moved = sum(merge(keep, other, admin).values())
                flash(f"Đã gộp vào tài khoản của {keep.full_name} ({moved} mục).", "success")
                return redirect(url_for("accounts_admin.merge_accounts"), 303)
    return render("accounts/admin/merge.html", status=form_status(form), form=form)
