"""The header search box in a real browser: suggestions while typing, keyboard choice, "Go".

Against a real server (2 workers, each with its indexer thread): pages made through the REST API
become suggestions without any manual step.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, expect

from tests.server import WikiServer

pytestmark = pytest.mark.browser

PAGES = {
    "Kebijakan publik": "Kebijakan publik dibahas bersama warga.",
    "Kebijakan fiskal": "Anggaran dan pajak: kebijakannya.",
}


def _create_and_wait(server: WikiServer) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for title, text in PAGES.items():
            r = client.post("/w/rest.php/v1/page", json={"title": title, "source": text})
            assert r.status_code == 201, r.text
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            found = client.get("/w/rest.php/v1/search/title?q=kebijakan").json()["pages"]
            if len(found) == 2:
                return
            time.sleep(0.05)
    raise AssertionError("the pages never became suggestions")


def test_search_box_suggests_titles_as_you_type(live_server: WikiServer, browser: Browser) -> None:
    _create_and_wait(live_server)
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()
    page.set_default_timeout(5000)
    errors: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(live_server.url + "/wiki/Main_Page")
    box = page.locator("#searchInput")
    box.press_sequentially("kebij", delay=40)
    options = page.locator("#searchSuggestions [role=option]")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_have_text("Kebijakan fiskal")
    expect(options.nth(1)).to_have_text("Kebijakan publik")
    expect(options.nth(0).locator("strong")).to_have_text("Kebij")  # the typed part
    expect(box).to_have_attribute("aria-expanded", "true")

    # Arrow keys move through the list; Enter opens the highlighted page.
    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "searchSuggestion-1")
    with page.expect_navigation():
        box.press("Enter")
    assert urlsplit(page.url).path == "/wiki/Kebijakan_publik"
    expect(page.locator("#firstHeading")).to_have_text("Kebijakan publik")

    # Escape closes the list; Enter without a choice submits: an exact title goes straight there.
    box = page.locator("#searchInput")
    box.press_sequentially("kebijakan fiskal", delay=20)
    expect(options).to_have_count(1)
    box.press("Escape")
    expect(page.locator("#searchSuggestions")).to_be_hidden()
    box.press("Enter")
    page.wait_for_url("**/wiki/Kebijakan_fiskal")

    # A word that is no title lists results, with the matched words highlighted.
    box = page.locator("#searchInput")
    box.fill("kebijakan")
    with page.expect_navigation():
        page.locator(".site-search button").click()
    expect(page.locator(".search-result")).to_have_count(2)
    expect(page.locator(".search-result-heading .searchmatch")).to_have_count(2)
    expect(page.locator(".searchresult .searchmatch").first).to_have_text("Kebijakan")

    # A click on a suggestion opens it too.
    box = page.locator("#searchInput")
    box.fill("")
    box.press_sequentially("kebijakan p", delay=20)
    expect(options).to_have_count(1)
    with page.expect_navigation():
        options.nth(0).click()
    assert urlsplit(page.url).path == "/wiki/Kebijakan_publik"
    context.close()
    assert not errors, errors
