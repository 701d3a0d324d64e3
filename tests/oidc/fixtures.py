"""A real OpenID provider for the tests (imported by tests/conftest.py): the npm package
oidc-provider run by tests/oidc/provider.mjs under Node, started once per test session, and a
user agent that signs in on its pages (its own development login and consent forms)."""

from __future__ import annotations

import json
import select
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"
CLIENT_ID = "motcua-nghe-an"
CLIENT_SECRET = "bi-mat-cua-ung-dung-thu"
# Test users: their login at the provider is their personal ID number.
USERS: dict[str, dict[str, Any]] = {
    "040190000123": {
        "citizen_id": "040190000123",
        "name": "Nguyễn Văn Thành",
        "birthdate": "1990-04-15",
        "gender": "male",
        "phone_number": "+84912345678",
        "phone_number_verified": True,
        "loa": "2",
    },
    "040185000456": {
        "citizen_id": "040185000456",
        "name": "Hồ Thị Lành",
        "birthdate": "1985-11-02",
        "gender": "female",
        "phone_number": "0387654321",
        "loa": "2",
    },
    "040170000789": {
        "citizen_id": "040170000789",
        "name": "Lò Văn Páo",
        "birthdate": "1970-01-01",
        "gender": "male",
        "phone_number": "0971112233",
    },
}


class _Forms(HTMLParser):
    """The forms of a page: action, and the inputs and buttons (name → value) each posts."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append({"action": values.get("action", ""), "id": values.get("id", "")})
            self.forms[-1]["fields"] = {}
        elif tag in ("input", "button") and values.get("name") and self.forms:
            owner = next((f for f in self.forms if values.get("form") == f["id"]), self.forms[-1])
            owner["fields"].setdefault(values["name"], values.get("value", ""))


def forms_of(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def _control(self, path: str, **body: Any) -> dict[str, Any]:
        answer = requests.post(f"{self.issuer}/_test/{path}", json=body, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def setup(
        self,
        redirect_bases: list[str],
        users: dict[str, Any] | None = None,
        auth_method: str = "client_secret_basic",
    ) -> None:
        """The site's client (its redirect and post-logout URIs on each base, how it proves
        itself at the token endpoint: the only way the provider then offers unless basic), and
        the users."""
        client = {
            "token_endpoint_auth_method": auth_method,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [f"{base}/dang-nhap/vneid/ve" for base in redirect_bases],
            "post_logout_redirect_uris": [f"{base}/dang-xuat/vneid" for base in redirect_bases],
        }
        methods = ["client_secret_basic", "client_secret_post"]
        if auth_method != "client_secret_basic":
            methods = [auth_method]
        self._control("setup", clients=[client], users=users or USERS, authMethods=methods)

    def rotate(self) -> str:
        """A new signing key (the old one is withdrawn): its key id."""
        return self._control("rotate")["kid"]

    def mode(self, mode: str, delay: float = 0) -> str:
        """Set the mode: how the last token request carried the client's secret."""
        return self._control("mode", mode=mode, delay=delay).get("tokenAuth", "")


def _start(log: Any) -> Provider:
    process = subprocess.Popen(
        ["node", str(SCRIPT)], cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True
    )
    ready, _, _ = select.select([process.stdout], [], [], 20)
    line = process.stdout.readline() if ready else ""  # type: ignore[union-attr]
    if not line:
        process.kill()
        raise RuntimeError("the OpenID provider did not start (tests/oidc/provider.mjs)")
    return Provider(json.loads(line)["issuer"], process)


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        pytest.skip("node_modules/oidc-provider missing: run `npm ci` (make assets installs it)")
    if shutil.which("node") is None:
        pytest.skip("Node is not installed: the test OpenID provider runs under it")
    with tempfile.TemporaryFile("w+") as log:
        provider = _start(log)
        yield provider
        provider.process.terminate()
        provider.process.wait(timeout=10)


def sign_in_at_provider(agent: requests.Session, url: str, login: str, back: str) -> str:
    """Follow the provider from ``url`` as a browser would, signing in as ``login`` and
    consenting when asked, until it sends the browser to an address starting with ``back``:
    that address."""
    answer = agent.get(url, allow_redirects=False, timeout=10)
    for _ in range(12):
        if answer.is_redirect:
            url = urljoin(answer.url, answer.headers["Location"])
            if url.startswith(back):
                return url
            answer = agent.get(url, allow_redirects=False, timeout=10)
        elif answer.status_code == 200 and "<form" in answer.text:
            form = forms_of(answer.text)[0]
            fields = dict(form["fields"])
            if "login" in fields:
                fields.update(login=login, password="mat-khau-bat-ky")
            answer = agent.post(
                urljoin(answer.url, form["action"]), data=fields, allow_redirects=False, timeout=10
            )
        else:
            raise AssertionError(f"the provider answered {answer.status_code}: {answer.text[:500]}")
    raise AssertionError("too many steps at the provider")
