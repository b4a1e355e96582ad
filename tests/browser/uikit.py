"""Helpers for the layout and reader browser tests: accounts, pages saved over HTTP, logins.

Setting pages up goes through the real edit form over httpx (fast); what is tested then goes
through chromium.
"""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

from tests.server import ROOT, WikiServer

PASSWORD = "a long enough password for the layout tests"
TOKEN_RE = re.compile(r'name="wpEditToken" value="([^"]+)"')
BASE_RE = re.compile(r'name="wpBaseRevId" value="([^"]*)"')
LOCALES = {"en": "en-GB", "id": "id-ID"}


def create_user(server: WikiServer, name: str, role: str | None = None) -> None:
    """``wiki create-user`` on the server's database."""
    cmd = [sys.executable, "-m", "wiki.cli", "create-user", name]
    if role:
        cmd += ["--role", role]
    done = subprocess.run(
        cmd,
        input=PASSWORD + "\n",
        env=server.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def http_client(server: WikiServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, follow_redirects=False, timeout=30)


def http_login(client: httpx.Client, name: str) -> None:
    form = client.get("/wiki/Special:Login")
    token = TOKEN_RE.search(form.text)
    assert token, form.text[:500]
    r = client.post(
        "/wiki/Special:Login",
        data={"wpName": name, "wpPassword": PASSWORD, "wpEditToken": token[1]},
    )
    assert r.status_code == 303, r.text[:500]


def http_save(client: httpx.Client, key: str, text: str, summary: str = "") -> None:
    """Save ``text`` on page ``key`` through the edit form."""
    form = client.get(f"/wiki/{key}?action=edit")
    token, base = TOKEN_RE.search(form.text), BASE_RE.search(form.text)
    assert token and base, form.text[:500]
    r = client.post(
        f"/wiki/{key}?action=submit",
        data={
            "wpEditToken": token[1],
            "wpBaseRevId": base[1],
            "wpTextbox1": text,
            "wpSummary": summary,
            "wpSave": "1",
        },
    )
    assert r.status_code == 303, r.text[:800]


def new_page(
    browser: Browser, lang: str, *, width: int = 1100, height: int = 800
) -> tuple[BrowserContext, Page, list[str]]:
    """A fresh context in ``lang`` (through Accept-Language) and a page that records JS errors."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale=LOCALES[lang])
    page = context.new_page()
    page.set_default_timeout(10000)
    errors: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            errors.append(f"{msg.text} ({msg.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def browser_login(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/wiki/Special:Login")
    page.locator("#wpName").fill(name)
    page.locator("#wpPassword").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.account-form button[type=submit]").click()
