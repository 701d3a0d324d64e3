"""Demo community team of Bản Huồi Tụ (Mường Xén), with the demo volunteer. Demo mode only."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.assist.models import CommunityTeam
from app.dossiers.demo import DEMO_COMMUNE, DEMO_VILLAGE
from app.extensions import db

VOLUNTEER_PHONE = "0912000004"


def create_demo_team() -> int:
    if db.session.scalar(select(CommunityTeam).filter_by(commune_code=DEMO_COMMUNE)):
        return 0
    team = CommunityTeam(
        name=f"Tổ công nghệ số cộng đồng {DEMO_VILLAGE}",
        commune_code=DEMO_COMMUNE,
        village=DEMO_VILLAGE,
        meeting_place=f"Nhà văn hóa {DEMO_VILLAGE}",
    )
    db.session.add(team)
    db.session.flush()
    volunteer = db.session.scalar(select(User).filter_by(phone=VOLUNTEER_PHONE))
    if volunteer is not None:
        volunteer.team_id = team.id
    db.session.flush()
    return 1
