from helpers import fill_draft, login

from app.dossiers.models import Dossier
from app.extensions import db


def test_a_citizen_completes_and_submits_without_javascript(client, citizen, procedure):
    login(client, citizen)
    base = fill_draft(client, procedure)
    response = client.post(f"{base}/nop", data={"declaration": "1"})
    assert response.status_code == 303
    dossier = db.session.scalars(db.select(Dossier)).one()
    assert dossier.status == "submitted"
    assert dossier.code.endswith("-0001")
    page = client.get(response.location)
    assert dossier.code in page.text
