"""Moving a page in a real browser against a real server (2 uvicorn workers).

An admin logs in, creates a page and a page that links to it, moves the first through the
Move tab (under "More"), then follows the old link and lands on the new title, its address in
the address bar, with "(Redirected from ...)".
"""

from __future__ import annotations

import re
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.server import ROOT, WikiServer

pytestmark = pytest.mark.browser

NAME = "Mover"
PASSWORD = "a long enough password for moving"


def _create_admin(server: WikiServer) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wiki.cli", "create-user", NAME, "--role", "admin"],
        input=PASSWORD + "\n",
        env=server.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _save(page: Page, base: str, key: str, text: str) -> None:
    page.goto(f"{base}/wiki/{key}?action=edit")
    page.locator("#wpTextbox1").fill(text)
    with page.expect_navigation():
        page.locator("button[name=wpSave]").click()
    assert urlsplit(page.url).path == f"/wiki/{key}", page.url


def test_move_then_follow_the_old_link(live_server: WikiServer, browser: Browser) -> None:
    _create_admin(live_server)
    base = live_server.url
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    page = context.new_page()
    page.set_default_timeout(5000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{base}/wiki/Special:Login")
    page.locator("#wpName").fill(NAME)
    page.locator("#wpPassword").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.account-form button[type=submit]").click()
    expect(page.locator(".personal .user")).to_have_text(NAME)

    _save(page, base, "Dana_desa", "Dana desa is money for villages.")
    _save(page, base, "Anggaran", "Villages get [[Dana desa]] every year.")

    # Move through the tab on the page.
    page.goto(f"{base}/wiki/Dana_desa")
    page.locator("#p-cactions summary").click()  # Move is under "More"
    page.locator(".tabs a", has_text="Move").click()
    page.wait_for_url(re.compile(r"/wiki/Special:MovePage/Dana_desa$"))
    page.locator("#wpNewTitle").fill("Dana Desa (Indonesia)")
    page.locator("#wpReason").fill("more precise title")
    expect(page.locator("input[name=wpLeaveRedirect]")).to_be_checked()
    with page.expect_navigation():
        page.locator("button[name=wpMove]").click()
    expect(page.locator(".notice.moved")).to_contain_text("has been moved")

    # The old link on another page still works and says where it came from.
    page.goto(f"{base}/wiki/Anggaran")
    page.locator(".article a", has_text="Dana desa").click()
    page.wait_for_load_state()
    # The address bar shows the target, as MediaWiki does (history.replaceState).
    page.wait_for_function(
        "() => decodeURIComponent(location.pathname) === '/wiki/Dana_Desa_(Indonesia)'"
    )
    expect(page.locator("#firstHeading")).to_have_text("Dana Desa (Indonesia)")
    expect(page.locator(".article")).to_contain_text("Dana desa is money for villages.")
    note = page.locator("#contentSub")
    expect(note).to_contain_text("Redirected from Dana desa")

    # The note links to the redirect itself.
    note.locator("a").click()
    page.wait_for_url(re.compile(r"/wiki/Dana_desa\?redirect=no$"))
    expect(page.locator("#firstHeading")).to_have_text("Dana desa")
    expect(page.locator(".redirect-notice a")).to_have_text("Dana Desa (Indonesia)")
    assert errors == []
    context.close()
