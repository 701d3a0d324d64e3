"""CI smoke test with the runtime dependencies only (requirements.txt, no test tools).

Run by .ci/run in a throwaway virtualenv after ``flask db upgrade`` and ``flask seed`` on a
temporary SQLite database (DATABASE_URL, DEMO_MODE=1): a citizen signs in with the demo account,
fills the applicant step with an e-mail address, a newcomer registers with one, and a receipt
PDF is printed. A runtime dependency that only the dev requirements bring in (e-mail validation,
PDF rendering…) fails here. Plain Python and Flask's test client, CSRF on as in production; not
a pytest file (pytest is a dev dependency).
"""

from __future__ import annotations

import re
import sys

from app import create_app

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CITIZEN, DEMO_PASSWORD = "0912000001", "Demo@2026"
EMAIL = "nguyen.van.a@example.vn"
DEMO_CODE = re.compile(r'id="demo-code">[^<]*<strong>(\d{6})</strong>')


def fail(step: str, response) -> None:  # type: ignore[no-untyped-def]
    body = response.get_data(as_text=True)
    messages = re.findall(r'<(?:span class="error"|li)>(.*?)</(?:span|li)>', body)
    print(f"smoke: {step} answered {response.status_code}: {messages}", file=sys.stderr)
    print(body[:3000] if not messages else "", file=sys.stderr)
    sys.exit(1)


def token(client, url: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    match = TOKEN.search(response.get_data(as_text=True))
    if response.status_code != 200 or match is None:
        fail(f"GET {url} (a page with a form)", response)
    return match[1]


def post(client, step: str, url: str, data: dict[str, str], page: str = "") -> str:  # type: ignore[no-untyped-def]
    """Post ``data`` with the CSRF token of ``page`` (default: ``url``); the 303's target."""
    response = client.post(url, data={**data, "csrf_token": token(client, page or url)})
    if response.status_code != 303:
        fail(step, response)
    print(f"smoke: {step}: 303 → {response.location}")
    return response.location


def main() -> None:
    app = create_app()
    citizen = app.test_client()
    post(citizen, "sign in", "/dang-nhap", {"phone": CITIZEN, "password": DEMO_PASSWORD})

    start = post(
        citizen,
        "start an application",
        "/thu-tuc/1.001193/nop-ho-so",
        {"client_token": "smoke-1"},
        page="/thu-tuc/1.001193",
    )
    applicant = {
        "phone": "0912 345 678",
        "email": EMAIL,
        "province": "40",
        "commune": "16813",
        "village": "Bản Huồi Tụ",
        "street": "Số 12, đường Lê Lợi",
    }
    post(citizen, "applicant step with an e-mail address", start, applicant)

    mine = citizen.get("/ho-so-cua-toi").get_data(as_text=True)
    for dossier_id in dict.fromkeys(re.findall(r'href="/ho-so/(\d+)"', mine)):
        receipt = citizen.get(f"/ho-so/{dossier_id}/giay-tiep-nhan.pdf")
        if receipt.status_code == 200:
            if receipt.mimetype != "application/pdf" or not receipt.data.startswith(b"%PDF"):
                fail("receipt PDF", receipt)
            print(f"smoke: receipt of dossier {dossier_id}: {len(receipt.data)} bytes of PDF")
            break
    else:
        print("smoke: no receipt PDF could be fetched", file=sys.stderr)
        sys.exit(1)

    newcomer = app.test_client()
    registration = {
        "full_name": "Lò Thị Mai",
        "phone": "0987000444",
        "date_of_birth-ngay": "12",
        "date_of_birth-thang": "05",
        "date_of_birth-nam": "1990",
        "sex": "female",
        "id_number": "040190777001",
        "email": EMAIL,
        "password": "Ca-phe-sua-da-2026",
        "password_again": "Ca-phe-sua-da-2026",
        "consent": "y",
    }
    response = newcomer.post(
        "/dang-ky", data={**registration, "csrf_token": token(newcomer, "/dang-ky")}
    )
    code = DEMO_CODE.search(response.get_data(as_text=True))
    if response.status_code != 200 or code is None:
        fail("register with an e-mail address (the code step, demo mode)", response)
    post(newcomer, "confirm the phone with the code", "/dang-ky/ma", {"code": code[1]})
    print("smoke: ok")


if __name__ == "__main__":
    main()
