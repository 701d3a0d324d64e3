"""The administration's screens of the community digital technology teams (``/quan-tri``).

One team per village (thôn, bản, tổ dân phố) of a commune; its members are staff accounts
(app/accounts), added from the team's page. Every route needs Permission.MANAGE.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, request, url_for

from app.assist import operations, queries
from app.assist.forms import TeamForm
from app.assist.models import CommunityTeam
from app.core.htmx import render
from app.core.paging import page_number, paginate
from app.core.permissions import require
from app.core.responses import go
from app.core.roles import Permission
from app.core.transaction import domain_errors, form_status
from app.extensions import db
from app.geo import commune_name

bp = Blueprint("assist_admin", __name__, url_prefix="/quan-tri")


def card() -> dict[str, Any]:
    """The teams' card on the administration's home page (app/core/admin.py)."""
    return {"teams": queries.active_team_count()}


@bp.route("/to-cong-nghe")
@require(Permission.MANAGE)
def teams():
    query = request.args.get("q", "").strip()[:100]
    page = paginate(queries.search_teams(query), page_number())
    return render(
        "assist/admin/teams.html",
        "assist/admin/_teams_results.html",
        listing=page,
        query=query,
        member_counts=queries.team_member_counts(),
        commune_name=commune_name,
    )


@bp.route("/to-cong-nghe/moi", methods=["GET", "POST"], endpoint="team_new")
@bp.route("/to-cong-nghe/<id:team_id>", methods=["GET", "POST"])
@require(Permission.MANAGE)
def team_edit(team_id: int | None = None):
    """A new team's form (``team_new``), or a team's form and its members: the same save."""
    team = db.get_or_404(CommunityTeam, team_id) if team_id is not None else None
    province = current_app.config["PROVINCE_CODE"]
    form = TeamForm.for_team(team, province)
    if form.validate_on_submit():
        was_active = team is None or team.is_active
        with domain_errors(form):
            saved = operations.save_team(team, **form.team_data(), province_code=province)
            _flash_saved(saved, is_new=team is None, deactivated=was_active and not saved.is_active)
            return go(url_for("assist_admin.team_edit", team_id=saved.id))
    return render(
        "assist/admin/team_form.html",
        "assist/admin/_team_form.html",
        form_status(form),
        form=form,
        team=team,
        members=queries.team_members(team) if team is not None else [],
        commune_name=commune_name,
    )


def _flash_saved(team: CommunityTeam, *, is_new: bool, deactivated: bool) -> None:
    flash(f"{'Đã thêm' if is_new else 'Đã lưu'} “{team.name}” ({team.village}).", "success")
    members = len(team.members)
    if deactivated and members:
        flash(
            f"Tổ đã ngừng hoạt động; {members} thành viên vẫn giữ tài khoản. Nếu họ không còn "
            "giúp người dân, hãy khóa tài khoản ở trang Tài khoản cán bộ.",
            "success",
        )
