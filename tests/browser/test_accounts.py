"""Accounts in a real browser: sign up, edit, log out, log in; a blocked user is told why."""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import Browser, expect

from tests.server import ROOT, WikiServer

pytestmark = pytest.mark.browser
PASSWORD = "gotong royong 2026!"


def test_account_lifecycle_and_block_notice(browser: Browser, live_server: WikiServer) -> None:
    base = live_server.url
    ctx = browser.new_context()
    page = ctx.new_page()
    page.set_default_timeout(8000)
    page.goto(f"{base}/wiki/Main_Page")
    page.get_by_role("link", name="Create account").click()
    page.locator("#wpName").fill("Relawan Satu")
    page.locator("#wpPassword").fill(PASSWORD)
    page.locator("#wpRetype").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Create your account").click()
    expect(page.locator("nav.personal a.user")).to_have_text("Relawan Satu")

    page.goto(f"{base}/wiki/Catatan_relawan?action=edit")
    page.locator("#wpTextbox1").fill("Catatan pertama dari relawan.")
    with page.expect_navigation():
        page.locator("#editform button[name=wpSave]").click()
    page.goto(f"{base}/wiki/Catatan_relawan?action=history")
    expect(page.locator("#pagehistory")).to_contain_text("Relawan Satu")

    page.get_by_role("link", name="Log out").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    expect(page.locator("nav.personal")).to_contain_text("Log in")

    page.get_by_role("link", name="Log in").click()
    page.locator("#wpName").fill("Relawan Satu")
    page.locator("#wpPassword").fill("wrong password here")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("[role=alert]")).to_contain_text("Incorrect user name or password")
    page.locator("#wpPassword").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    expect(page.locator("nav.personal a.user")).to_have_text("Relawan Satu")

    # An admin blocks the volunteer; the edit page then says why and until when.
    subprocess.run(
        [sys.executable, "-m", "wiki.cli", "create-user", "Pengurus", "--role", "admin"],
        input=PASSWORD + "\n",
        text=True,
        env=live_server.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    admin_ctx = browser.new_context()
    admin = admin_ctx.new_page()
    admin.set_default_timeout(8000)
    admin.goto(f"{base}/wiki/Special:Login")
    admin.locator("#wpName").fill("Pengurus")
    admin.locator("#wpPassword").fill(PASSWORD)
    with admin.expect_navigation():
        admin.get_by_role("button", name="Log in").click()
    admin.goto(f"{base}/wiki/Special:Block")
    admin.locator("#target").fill("Relawan Satu")
    admin.locator("#expiry").select_option("1 week")
    admin.locator("#reason").fill("menyebarkan hoaks")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Block", exact=True).click()
    expect(admin.locator("table.blocklist")).to_contain_text("Relawan Satu")

    page.goto(f"{base}/wiki/Catatan_relawan?action=edit")
    notice = page.locator(".notice.blocked")
    expect(notice).to_contain_text("You are blocked until")
    expect(notice).to_contain_text("menyebarkan hoaks")
    expect(page.locator("#editform button[name=wpSave]")).to_have_count(0)
    for c in (ctx, admin_ctx):
        c.close()
