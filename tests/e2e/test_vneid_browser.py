"""End to end in Chromium with JavaScript off: a citizen signs in with VNeID (a real OpenID
provider, tests/oidc/provider.mjs), lands on "Hồ sơ của tôi", and signs out here and there.

Uses the live server, browser and page helpers of test_browser.py (CSRF stays on).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from e2e.test_browser import browser, live_server, new_page, read, slow_submits  # noqa: F401
from oidc.fixtures import CLIENT_ID, CLIENT_SECRET, Provider
from sqlalchemy import select

from app.accounts.models import User

pytestmark = pytest.mark.e2e


@pytest.fixture
def app_config(app_config: dict[str, Any], oidc_provider: Provider) -> dict[str, Any]:
    return {
        **app_config,
        "WTF_CSRF_ENABLED": True,
        "SERVER_NAME": None,
        "OIDC_DISCOVERY_URL": oidc_provider.discovery_url,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
    }


def test_a_citizen_signs_in_with_vneid_without_javascript(
    browser,  # noqa: F811
    live_server,  # noqa: F811
    oidc_provider,
) -> None:
    oidc_provider.setup([live_server])
    context, page = new_page(browser, live_server, javascript=False)
    page.goto("/dang-nhap")
    page.get_by_role("link", name="Đăng nhập bằng tài khoản định danh điện tử VNeID").click()
    # The provider's own pages (oidc-provider's development login and consent forms).
    page.wait_for_url(re.compile(re.escape(oidc_provider.issuer) + "/interaction/"))
    page.fill('input[name="login"]', "040185000456")
    page.fill('input[name="password"]', "mat-khau-tren-vneid")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server}/ho-so-cua-toi")
    assert page.locator("header nav").get_by_role("link", name="Hồ sơ của tôi").is_visible()
    page.goto("/tai-khoan")
    assert "Hồ Thị Lành" in page.inner_text("main")
    [user] = read(select(User).filter_by(id_number="040185000456"))
    assert (user.phone, user.password_hash) == ("0387654321", None)

    page.locator("header").get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(re.escape(oidc_provider.issuer) + "/session/end"))
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{live_server}/")
    assert "Bạn đã đăng xuất." in page.inner_text("main")
    # Signed out at the provider too: signing in again asks for the login.
    page.goto("/dang-nhap/vneid")
    page.wait_for_url(re.compile(re.escape(oidc_provider.issuer) + "/interaction/"))
    assert page.locator('input[name="login"]').is_visible()
    context.close()
