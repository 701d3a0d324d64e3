"""The writes of assist: a citizen's consent to a volunteer's help (a code typed back, or a
signature on paper), the account a volunteer opens for them, the applications started for them;
and the community teams the administrator manages.

Operations flush and never commit (the request does); a refusal is a :class:`DomainError`
naming the form field it belongs to. One-time codes, consent records and accounts made on a
citizen's behalf are accounts' (app/accounts/): these only put them together for a team.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from sqlalchemy import select

from app import geo
from app.accounts import codes
from app.accounts.models import Consent, OneTimeCode, User
from app.accounts.operations import AccountExists, record_consent, register_on_behalf
from app.assist.models import CommunityTeam
from app.catalogue.models import Procedure
from app.core.errors import Invalid
from app.core.text import fold, normalise_spaces
from app.dossiers.models import Dossier
from app.dossiers.operations.drafts import start_application as start_draft
from app.extensions import db

# --- consent and the citizen's account -------------------------------------------------------


def ask_consent(
    helper: User, *, citizen: User | None = None, details: dict[str, Any] | None = None
) -> tuple[OneTimeCode, str]:
    """Text the citizen a code to read back to ``helper``: ``(row, code)``.

    For someone without an account yet, ``details`` (what the registration form holds) wait in
    the code's row until it comes back; :class:`AccountExists` if the phone or the ID number
    already has an account. :class:`codes.CodeRefused` when the phone got too many codes."""
    if citizen is not None:
        return _send_code(citizen.phone, helper, citizen, None)
    assert details is not None
    _refuse_registered(details)
    return _send_code(details["phone"], helper, None, details)


def ask_consent_again(row: OneTimeCode, helper: User) -> tuple[OneTimeCode, str]:
    """A new code in place of ``row`` ("send the code again"); its details move to the new one."""
    citizen = db.session.get(User, row.user_id) if row.user_id else None
    new_row, code = _send_code(row.phone, helper, citizen, row.payload)
    row.payload = None
    return new_row, code


def _send_code(
    phone: str, helper: User, citizen: User | None, details: dict[str, Any] | None
) -> tuple[OneTimeCode, str]:
    try:
        return codes.issue("consent", phone, user=citizen, requested_by=helper, payload=details)
    except codes.CodeRefused as refused:
        raise codes.CodeRefused(refused.message, "way") from None


def check_code(row: OneTimeCode, typed: str) -> None:
    """:class:`codes.CodeRefused` (on the code field) unless ``typed`` is the code of ``row``;
    a wrong try counts even when the request answers with the error."""
    try:
        codes.check(row, typed)
    except codes.CodeRefused as refused:
        raise codes.CodeRefused(refused.message, "code") from None


def _refuse_registered(details: dict[str, Any]) -> None:
    if db.session.scalar(select(User.id).filter_by(phone=details["phone"])):
        raise AccountExists("phone", "Số điện thoại này đã có tài khoản: hãy tìm theo số này.")
    if db.session.scalar(select(User.id).filter_by(id_number=details["id_number"])):
        raise AccountExists("id_number", "Số định danh này đã có tài khoản: hãy tìm theo số này.")


def begin_help(
    method: str,
    helper: User,
    team: CommunityTeam,
    *,
    citizen: User | None = None,
    details: dict[str, Any] | None = None,
) -> Consent:
    """The citizen agreed to be helped (``method``: "paper" or "sms_code"): the consent,
    recorded at the team's place (Law 91/2025).

    Someone without an account (``details``) gets one now, made by ``helper`` with no password
    (they claim it later with a code); :class:`AccountExists` if it was made meanwhile."""
    if citizen is None:
        assert details is not None
        citizen = register_on_behalf(
            full_name=details["full_name"],
            phone=details["phone"],
            id_number=details["id_number"],
            date_of_birth=date.fromisoformat(details["date_of_birth"]),
            sex=details["sex"],
            helper=helper,
            place=team.place,
            method=method,
        )
    row = record_consent(citizen, helper, "assisted", place=team.place, method=method)
    db.session.flush()
    return row


def begin_help_by_code(row: OneTimeCode, helper: User, team: CommunityTeam) -> Consent:
    """The code ``row`` came back right: the consent of its citizen, registered now if the code
    carried their details (which then leave the code's row: they live in the account)."""
    details, row.payload = row.payload, None
    if details:
        return begin_help("sms_code", helper, team, details=details)
    return begin_help("sms_code", helper, team, citizen=db.session.get(User, row.user_id))


def start_application(
    citizen: User,
    procedure_id: int,
    client_token: str,
    *,
    helper: User,
    team: CommunityTeam,
    consent_id: int | None,
) -> Dossier | None:
    """The draft ``helper`` starts for ``citizen`` (the same one again on a retried tap), with
    the team, its place and the citizen's consent; None if the token is another helper's draft
    (never hand it over)."""
    procedure = db.session.get(Procedure, procedure_id)
    dossier = start_draft(citizen, procedure, client_token, actor=helper)
    if dossier.created_by_id != helper.id:
        return None
    dossier.consent_id = dossier.consent_id or consent_id
    dossier.assist_team_id = team.id
    dossier.assist_place = team.place
    db.session.flush()
    return dossier


# --- community digital technology teams (the administrator's) ---------------------------------

TEAM_NAME_PREFIX: Final = "Tổ công nghệ số cộng đồng"
MEETING_PLACE_PREFIX: Final = "Nhà văn hóa"


class TeamRefused(Invalid):
    """A team cannot be saved as entered (the message goes next to ``field``)."""


def default_team_name(village: str) -> str:
    return f"{TEAM_NAME_PREFIX} {normalise_spaces(village)}"


def default_meeting_place(village: str) -> str:
    return f"{MEETING_PLACE_PREFIX} {normalise_spaces(village)}"


def _active_twin(
    team: CommunityTeam | None, commune_code: str, village: str
) -> CommunityTeam | None:
    """Another active team of the same village of the same commune (spelling aside)."""
    key = fold(village)
    rows = db.session.scalars(
        select(CommunityTeam).where(
            CommunityTeam.commune_code == commune_code, CommunityTeam.is_active.is_(True)
        )
    )
    return next(
        (row for row in rows if row is not team and fold(row.village) == key),
        None,
    )


def save_team(
    team: CommunityTeam | None,
    *,
    name: str,
    commune_code: str,
    village: str,
    meeting_place: str = "",
    active: bool = True,
    province_code: int,
) -> CommunityTeam:
    """Create (``team`` None) or update a community team. Raises :class:`TeamRefused`.

    A name or meeting place left empty gets the usual one for the village; one that was the
    usual one for the former village follows a renamed village. A village of a commune has at
    most one active team (DOMAIN.md §1); an inactive one may stay beside it, for the record.
    """
    village = normalise_spaces(village or "")
    commune_code = (commune_code or "").strip()
    if not commune_code:
        raise TeamRefused("Vui lòng chọn xã, phường của tổ.", "commune_code")
    place = geo.commune(commune_code)
    if place is None or place.province_code != province_code:
        raise TeamRefused("Xã, phường đã chọn không thuộc tỉnh này. Hãy chọn lại.", "commune_code")
    if not village:
        raise TeamRefused("Vui lòng nhập tên thôn, bản hoặc tổ dân phố.", "village")
    name = normalise_spaces(name or "")
    meeting_place = normalise_spaces(meeting_place or "")
    if team is not None and fold(team.village) != fold(village):
        if name == team.name == default_team_name(team.village):
            name = ""
        if meeting_place == team.meeting_place == default_meeting_place(team.village):
            meeting_place = ""
    name = name or default_team_name(village)
    meeting_place = meeting_place or default_meeting_place(village)
    if len(name) > 200:
        raise TeamRefused("Tên tổ tối đa 200 ký tự.", "name")
    if len(meeting_place) > 200:
        raise TeamRefused("Nơi hỗ trợ tối đa 200 ký tự.", "meeting_place")
    if active:
        twin = _active_twin(team, commune_code, village)
        if twin is not None:
            raise TeamRefused(
                f"{village} ({place.name}) đã có tổ đang hoạt động: “{twin.name}”. Mỗi thôn, "
                "bản, tổ dân phố chỉ có một Tổ công nghệ số cộng đồng đang hoạt động; hãy sửa "
                "tổ đó, hoặc cho tổ đó ngừng hoạt động trước.",
                "village",
            )
    if team is None:
        team = CommunityTeam()
        db.session.add(team)
    team.name = name
    team.commune_code = commune_code
    team.village = village
    team.meeting_place = meeting_place
    team.is_active = active
    db.session.flush()
    return team
