"""Patrol in a real browser against a real server (2 uvicorn workers).

A patroller writes a page (so it is on their watchlist) and opens recent changes in live mode.
An anonymous visitor (an IP) vandalises the page. The vandal edit appears in the open recent
changes without a reload, flagged unpatrolled, and in the patroller's watchlist marked as changed
since their last visit. One click on "rollback" reverts it, and the page reads as before.
"""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.server import ROOT, WikiServer

pytestmark = pytest.mark.browser

NAME = "Penjaga"
PASSWORD = "a long enough password for patrolling"
TITLE = "Anggaran Desa"
KEY = "Anggaran_Desa"
ORIGINAL = (
    "Anggaran desa disusun bersama warga setiap tahun.\n\n"
    "## Sumber dana\n\nDana desa berasal dari APBN dan dibagi menurut jumlah penduduk."
)
VANDALISM = "DESA INI KORUP SEMUA!!! hapus saja halaman ini"


def _create_patroller(server: WikiServer) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wiki.cli", "create-user", NAME, "--role", "patroller"],
        input=PASSWORD + "\n",
        env=server.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _watch_errors(page: Page, errors: list[str]) -> None:
    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            errors.append(f"{msg.text} ({msg.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))


def _save(page: Page, base: str, text: str) -> None:
    page.goto(f"{base}/wiki/{KEY}?action=edit")
    page.locator("#wpTextbox1").fill(text)
    with page.expect_navigation():
        page.locator("button[name=wpSave]").click()
    assert urlsplit(page.url).path == f"/wiki/{KEY}", page.url


def test_ip_vandalism_is_seen_live_and_rolled_back_in_one_click(
    live_server: WikiServer, browser: Browser
) -> None:
    _create_patroller(live_server)
    base = live_server.url
    errors: list[str] = []

    # The patroller logs in and writes the page: edited pages are watched by default.
    patroller = browser.new_context(viewport={"width": 1100, "height": 900})
    pat = patroller.new_page()
    pat.set_default_timeout(8000)
    _watch_errors(pat, errors)
    pat.goto(f"{base}/wiki/Special:Login")
    pat.locator("#wpName").fill(NAME)
    pat.locator("#wpPassword").fill(PASSWORD)
    with pat.expect_navigation():
        pat.locator("form.account-form button[type=submit]").click()
    _save(pat, base, ORIGINAL)
    expect(pat.locator("#ca-watch")).to_have_class("watch-star watched")
    expect(pat.locator("#ca-watch")).to_contain_text("Unwatch")

    # Recent changes in live mode, filtered to anonymous edits.
    pat.goto(f"{base}/wiki/Special:RecentChanges?usertype=anon&live=1")
    rows = pat.locator("#rc-list > li")
    expect(rows).to_have_count(0)
    pat.wait_for_function(
        "() => document.getElementById('rc-live-status').dataset.state === 'open'"
    )

    # An anonymous visitor vandalises the page.
    vandal_context = browser.new_context()
    vandal = vandal_context.new_page()
    vandal.set_default_timeout(8000)
    _save(vandal, base, VANDALISM)
    vandal_context.close()

    # It appears in the open recent changes without a reload, flagged unpatrolled.
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_contain_text(TITLE)
    expect(row.locator("abbr.unpatrolled")).to_be_visible()
    expect(row.locator(".mw-anonuserlink")).to_have_text("127.0.0.1")

    # The watchlist shows it as changed since the patroller's last visit.
    watchlist = patroller.new_page()
    watchlist.set_default_timeout(8000)
    _watch_errors(watchlist, errors)
    watchlist.goto(f"{base}/wiki/Special:Watchlist?hidelogs=1")
    changed = watchlist.locator("li.mw-changeslist-line-not-watched")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text(TITLE)
    watchlist.close()

    # One click on "rollback" in the live row.
    with pat.expect_navigation():
        row.locator("button.rollback").click()
    expect(pat.locator(".notice.rolledback")).to_contain_text("1 edits were reverted")

    # The page reads as before.
    pat.goto(f"{base}/wiki/{KEY}")
    article = pat.locator(".article")
    expect(article).to_contain_text("Anggaran desa disusun bersama warga setiap tahun.")
    expect(article).to_contain_text("Dana desa berasal dari APBN")
    expect(article).not_to_contain_text("KORUP")
    history = pat.goto(f"{base}/wiki/{KEY}?action=history")
    assert history is not None and history.ok
    expect(pat.locator("#pagehistory li").first).to_contain_text(
        "Reverted edits by 127.0.0.1 to last revision by " + NAME
    )

    # Again, rolled back this time from the page history (its button sits inside the compare
    # form, so it must post its own form, not compare revisions).
    vandal_context = browser.new_context()
    vandal = vandal_context.new_page()
    _save(vandal, base, VANDALISM + " lagi")
    vandal_context.close()
    pat.goto(f"{base}/wiki/{KEY}?action=history")
    with pat.expect_navigation():
        pat.locator("#pagehistory button.rollback").click()
    expect(pat.locator(".notice.rolledback")).to_be_visible()
    pat.goto(f"{base}/wiki/{KEY}")
    expect(pat.locator(".article")).not_to_contain_text("KORUP")
    patroller.close()
    assert errors == [], errors
