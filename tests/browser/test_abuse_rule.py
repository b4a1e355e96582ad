"""A rule stops a new user blanking a page: the message is shown and the text is kept."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import update

from tests.server import ROOT, WikiServer
from wiki.db import Database
from wiki.models import AbuseRule

pytestmark = pytest.mark.browser
PASSWORD = "gotong royong 2026!"
ARTICLE = "Dana desa disalurkan setiap tahun kepada desa. " * 40


def test_new_users_blanking_is_disallowed_and_the_text_kept(
    browser: Browser, live_server: WikiServer
) -> None:
    base = live_server.url
    r = httpx.post(
        f"{base}/w/rest.php/v1/page", json={"title": "Dana desa rinci", "source": ARTICLE}
    )
    assert r.status_code == 201
    db = Database(live_server.database_url)
    try:
        with db.write() as s:  # an admin turns the seeded blanking rule on, set to disallow
            s.execute(
                update(AbuseRule)
                .where(AbuseRule.name == "Page blanking by new users")
                .values(enabled=True, actions="disallow,log")
            )
    finally:
        db.dispose()
    subprocess.run(
        [sys.executable, "-m", "wiki.cli", "create-user", "Pendatang baru"],
        input=PASSWORD + "\n",
        text=True,
        env=live_server.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    ctx = browser.new_context()
    page = ctx.new_page()
    page.set_default_timeout(8000)
    page.goto(f"{base}/wiki/Special:Login")
    page.locator("#wpName").fill("Pendatang baru")
    page.locator("#wpPassword").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}/wiki/{quote('Dana_desa_rinci')}?action=edit")
    blanked = "hapus semua"
    page.locator("#wpTextbox1").fill(blanked)
    with page.expect_navigation():
        page.locator("#editform button[name=wpSave]").click()
    expect(page.locator("[role=alert]").first).to_contain_text("stopped by a rule")
    expect(page.locator("[role=alert]").first).to_contain_text("You removed most of this page")
    assert page.locator("#wpTextbox1").input_value() == blanked
    raw = httpx.get(f"{base}/wiki/Dana_desa_rinci?action=raw").text
    assert raw == ARTICLE.rstrip()
    ctx.close()
