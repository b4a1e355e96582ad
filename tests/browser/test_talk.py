"""Talk pages in a real browser against a real server (2 workers): start a topic from the red
Talk tab, mention someone, who sees it under the bell, follows it to the comment and replies
inline (static/talk.js); the first author is then told of the reply."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from tests.conftest import PASSWORD
from tests.server import WikiServer
from wiki.accounts import users
from wiki.db import Database

pytestmark = pytest.mark.browser


def _page(context: BrowserContext, errors: list[str]) -> Page:
    page = context.new_page()
    page.set_default_timeout(5000)

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            errors.append(f"{msg.text} ({msg.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page


def _login(page: Page, server: WikiServer, name: str) -> None:
    page.goto(server.url + "/wiki/Special:Login?returnto=Main_Page")
    page.locator("#wpName").fill(name)
    page.locator("#wpPassword").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.account-form button[type=submit]").click()
    expect(page.locator(".personal a.user")).to_have_text(name)


def test_topic_inline_reply_and_notifications(browser: Browser, live_server: WikiServer) -> None:
    db = Database(live_server.database_url)
    with db.write() as s:
        for name in ("Budi", "Sari"):
            users.create_user(s, name, PASSWORD)
    db.dispose()
    errors: list[str] = []

    # Budi: the Main Page's Talk tab is red and opens "Add topic".
    budi = browser.new_context(viewport={"width": 1100, "height": 800})
    page = _page(budi, errors)
    _login(page, live_server, "Budi")
    expect(page.locator("#ca-talk")).to_have_class(re.compile(r"\bnew\b"))
    expect(page.locator("#ca-talk a")).to_have_css("color", "rgb(215, 51, 51)")  # red
    page.locator("#ca-talk a").click()
    page.wait_for_url(re.compile(r"/wiki/Talk:Main_Page\?action=edit&section=new$"))
    page.locator("#wpSummary").fill("Budget figure")
    page.locator("#wpTextbox1").fill("Is it 10% or 8%? @Sari, can you check the source?")
    with page.expect_navigation():
        page.get_by_role("button", name="Add topic").click()
    url = urlsplit(page.url)
    assert url.path == "/wiki/Talk:Main_Page" and url.fragment.startswith("c-Budi-")
    first = url.fragment
    expect(page.locator("#content h2").first).to_contain_text("Budget figure")
    expect(page.locator(f'[id="{first}"]')).to_be_visible()
    expect(page.locator("#ca-talk")).to_have_class("selected")  # and no longer "new"

    # Sari, the mentioned user: the bell says 1; the inbox links straight to the comment.
    sari = browser.new_context(viewport={"width": 1100, "height": 800})
    page2 = _page(sari, errors)
    _login(page2, live_server, "Sari")
    expect(page2.locator("#pt-notifications .count")).to_have_text("1")
    page2.locator("#pt-notifications").click()
    page2.wait_for_url(re.compile(r"/wiki/Special:Notifications$"))
    note = page2.locator(".notification.unread a.go")
    expect(note).to_have_text("Budi mentioned you on Talk:Main Page")
    note.click()
    page2.wait_for_url(re.compile(rf"/wiki/Talk:Main_Page#{re.escape(first)}$"))
    expect(page2.locator("#pt-notifications .count")).to_have_count(0)  # read by visiting

    # Reply inline: the form opens under the comment, without leaving the page.
    page2.locator(f'a.talk-reply[data-comment="{first}"]').click()
    box = page2.locator("#talk-inline-reply textarea")
    expect(box).to_be_visible()
    assert urlsplit(page2.url).path == "/wiki/Talk:Main_Page"
    box.fill("It is 8%: the newer source says so.")
    with page2.expect_navigation():
        page2.locator("#talk-inline-reply button[type=submit]").click()
    reply_id = urlsplit(page2.url).fragment
    assert reply_id.startswith("c-Sari-")
    reply = page2.locator(f'li:has([id="{reply_id}"])')
    expect(reply).to_contain_text("It is 8%: the newer source says so.")
    expect(reply.locator("a", has_text="Sari").first).to_be_visible()  # signed

    # Budi is told of the reply (on another page: reading the talk page would read it).
    page.goto(live_server.url + "/wiki/Main_Page")
    expect(page.locator("#pt-notifications .count")).to_have_text("1")
    page.goto(live_server.url + "/wiki/Special:Notifications")
    expect(page.locator(".notification.unread a.go")).to_have_text(
        "Sari replied to your comment on Talk:Main Page"
    )
    budi.close()
    sari.close()
    assert errors == []
