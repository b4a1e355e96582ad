"""The core reader/editor flow in a real browser against a real server (2 uvicorn workers).

Main Page → red link → create → two edits with summaries → History → compare the two edits →
word highlights on the diff; and the page view fits a 360 px phone screen.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.server import WikiServer

pytestmark = pytest.mark.browser

NEW_TITLE = "Page that does not exist yet"
CREATED = """Otters are semiaquatic mammals that live along rivers, lakes and coasts.

## Habitat

The quick brown fox jumps over the lazy dog near the river bank, where otters dig their holts.

| Species | Region | Length |
|---|---|---|
| Eurasian otter | Europe, Asia and North Africa | 57–95 cm |
| Sea otter | North Pacific coasts | 1.2–1.5 m |

## Diet

Otters eat fish, crabs and frogs. The [[Main Page]] lists other animals.
"""
# Edit 1 changes one word in the Diet section; edit 2 changes two words in the Habitat section.
EDIT1 = CREATED.replace("fish, crabs and frogs", "fish, crayfish and frogs")
EDIT2 = EDIT1.replace("quick brown fox", "quick red fox").replace("lazy dog", "sleepy dog")
REMOVED_IN_EDIT2 = ["brown", "lazy"]
ADDED_IN_EDIT2 = ["red", "sleepy"]


def _save(page: Page, text: str, summary: str) -> None:
    """Fill the edit form that is open in ``page`` and save it; wait for the page view."""
    page.locator("#wpTextbox1").fill(text)
    if summary:
        page.locator("#wpSummary").fill(summary)
    with page.expect_navigation():
        page.locator("button[name=wpSave]").click()
    assert urlsplit(page.url).query == "", page.url  # 303 back to the plain view
    expect(page.locator("#firstHeading")).to_have_text(NEW_TITLE)


def test_create_edit_history_diff(browser: Browser, live_server: WikiServer) -> None:
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    page = context.new_page()
    page.set_default_timeout(5000)
    errors: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            errors.append(f"{msg.text} ({msg.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
    )

    # Main Page, with its seeded red link.
    page.goto(live_server.url + "/")
    assert urlsplit(page.url).path == "/wiki/Main_Page"
    red = page.locator("#content a.new").first
    expect(red).to_be_visible()
    red.click()

    # The edit form for the missing page: create it.
    page.wait_for_url(re.compile(r"/wiki/Page_that_does_not_exist_yet\?action=edit"))
    expect(page.locator("#firstHeading")).to_contain_text(f"Creating {NEW_TITLE}")
    _save(page, CREATED, "New page about otters")
    article = page.locator(".article")
    expect(article).to_contain_text("fish, crabs and frogs")
    expect(article.locator("table")).to_be_visible()
    expect(article.locator("a[href='/wiki/Main_Page']")).to_have_count(1)

    # Two edits through the Edit tab, each with a summary.
    for text, summary, expected in (
        (EDIT1, "Diet: crayfish, not crabs", "fish, crayfish and frogs"),
        (EDIT2, "Habitat: the fox is red", "quick red fox jumps over the sleepy dog"),
    ):
        page.locator(".tabs-right a", has_text="Edit").click()
        expect(page.locator("#wpTextbox1")).to_have_value(re.compile("^Otters are semiaquatic"))
        expect(page.locator("#firstHeading")).to_contain_text(f"Editing {NEW_TITLE}")
        _save(page, text, summary)
        expect(article).to_contain_text(expected)

    # History: three revisions, newest first, with the summaries.
    page.locator(".tabs-right a", has_text="History").click()
    rows = page.locator("#pagehistory > li")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator(".summary")).to_have_text("(Habitat: the fox is red)")
    expect(rows.nth(1).locator(".summary")).to_have_text("(Diet: crayfish, not crabs)")
    edit2_id, edit1_id = (rows.nth(i).get_attribute("data-revid") for i in (0, 1))
    assert edit1_id and edit2_id

    # Select the two edits (from edit 1, to edit 2) and compare.
    rows.nth(2).locator("input[name=oldid]").check()  # move away from the default first
    rows.nth(1).locator("input[name=oldid]").check()
    rows.nth(0).locator("input[name=diff]").check()
    expect(rows.nth(2).locator("input[name=oldid]")).not_to_be_checked()
    page.get_by_role("button", name="Compare selected revisions").first.click()
    page.wait_for_url(re.compile(r"[?&]diff="))
    query = parse_qs(urlsplit(page.url).query)
    assert query["oldid"] == [edit1_id] and query["diff"] == [edit2_id], page.url

    # Exactly the changed words are highlighted, on the correct side.
    expect(page.locator("#firstHeading")).to_contain_text("Difference between revisions")
    deleted = page.locator("td.diff-deletedline del.diffchange")
    inserted = page.locator("td.diff-addedline ins.diffchange")
    assert [t.strip() for t in deleted.all_inner_texts()] == REMOVED_IN_EDIT2
    assert [t.strip() for t in inserted.all_inner_texts()] == ADDED_IN_EDIT2
    assert page.locator("del.diffchange").count() == len(REMOVED_IN_EDIT2)
    assert page.locator("ins.diffchange").count() == len(ADDED_IN_EDIT2)
    assert "crayfish" not in " ".join(deleted.all_inner_texts() + inserted.all_inner_texts())
    context.close()

    # A 360 px phone: the page view must not scroll sideways.
    phone = browser.new_context(viewport={"width": 360, "height": 740})
    page = phone.new_page()
    page.goto(live_server.url + "/wiki/" + NEW_TITLE.replace(" ", "_"))
    expect(page.locator(".article table")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page view is {width} px wide at a 360 px viewport"
    phone.close()

    assert not [e for e in errors if "favicon" not in e], errors
