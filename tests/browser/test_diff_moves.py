"""A moved paragraph in a real browser: the diff shows where it went, in words, with the one
word a vandal changed inside it marked, in side-by-side and inline modes; the link at the
old place jumps to the new place."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.server import WikiServer

pytestmark = pytest.mark.browser

TREATY = "The treaty was signed in 1945 by all the member states of the union."
OTHERS = [f"Paragraph {n} tells about something else entirely, number {n}." for n in range(12)]


def _save(page: Page, base: str, key: str, text: str) -> None:
    page.goto(f"{base}/wiki/{key}?action=edit")
    page.locator("#wpTextbox1").fill(text)
    with page.expect_navigation():
        page.locator("button[name=wpSave]").click()
    assert urlsplit(page.url).path == f"/wiki/{key}", page.url


def test_moved_paragraph_is_shown_and_linked(live_server: WikiServer, browser: Browser) -> None:
    base = live_server.url
    context = browser.new_context(viewport={"width": 1100, "height": 500})
    page = context.new_page()
    page.set_default_timeout(15000)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)

    _save(page, base, "Treaty", "\n\n".join([TREATY, *OTHERS]))
    vandalised = TREATY.replace("1945", "1954")
    _save(page, base, "Treaty", "\n\n".join([*OTHERS[:10], vandalised, *OTHERS[10:]]))
    page.goto(f"{base}/wiki/Treaty?action=edit")
    latest = page.locator("input[name=wpBaseRevId]").get_attribute("value")
    diff_url = f"{base}/wiki/Treaty?diff=prev&oldid={latest}"

    page.goto(f"{diff_url}&diffmode=side")
    old_place = page.locator("tr.diff-moved_from")
    new_place = page.locator("tr.diff-moved_to")
    expect(old_place).to_be_visible()
    expect(old_place.locator("a.diff-move-link")).to_have_text("Paragraph moved to line 21 ↓")
    expect(new_place.locator("a.diff-move-link")).to_have_text("Paragraph moved from line 1 ↑")
    expect(old_place.locator("del.diffchange")).to_have_text("1945")
    expect(new_place.locator("ins.diffchange")).to_have_text("1954")
    # The link at the old place jumps to the new one.
    old_place.locator("a.diff-move-link").click()
    page.wait_for_url(f"{diff_url}&diffmode=side#diff-move-1-to")
    expect(new_place).to_be_in_viewport()

    page.goto(f"{diff_url}&diffmode=inline")
    moved = page.locator(".diff-inline .diff-moved_to")
    expect(moved.locator("a.diff-move-link")).to_have_text("Paragraph moved from line 1 ↑")
    expect(moved.locator("del.diffchange")).to_have_text("1945")
    expect(moved.locator("ins.diffchange")).to_have_text("1954")
    expect(page.locator(".diff-inline .diff-moved_from a.diff-move-link")).to_be_visible()
    assert problems == []
    context.close()
