"""What a patroller reads, in a real browser, in English and Indonesian (issue 13).

"/* Heading */" summaries show as "→ Heading" linking to the section in history, the diff,
recent changes, contributions and the watchlist; ``?diff=prev`` without an oldid shows the
latest change; the diff header gives each author (talk | contribs | block); the action row is
one clean row; the new side is labelled once; a rolled-back edit carries a "reverted" tag.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.uikit import (
    browser_login,
    create_user,
    http_client,
    http_login,
    http_save,
    new_page,
)
from tests.server import WikiServer

pytestmark = pytest.mark.browser

ADMIN = "Pengurus Patroli"
TEXT = "Pembuka.\n\n## Hulu Sungai\n\nSungai berhulu di gunung.\n\n## Hilir\n\nBermuara di laut.\n"
WORDS = {
    "en": {
        "talk": "talk",
        "contribs": "contribs",
        "block": "block",
        "patrol": "Mark as patrolled",
        "rollback": "rollback",
        "undo": "undo",
        "reverted": "reverted",
        "latest": "Latest revision",
    },
    "id": {
        "talk": "bicara",
        "contribs": "kontrib",
        "block": "blokir",
        "patrol": "Tandai sudah dipatroli",
        "rollback": "kembalikan",
        "undo": "batalkan",
        "reverted": "dikembalikan",
        "latest": "Revisi terkini",
    },
}


@pytest.fixture(scope="module")
def server(live_server: WikiServer) -> Iterator[WikiServer]:
    create_user(live_server, ADMIN, "admin")
    with http_client(live_server) as c:
        http_login(c, ADMIN)
        for lang in ("en", "id"):
            for key in (f"Sungai_{lang}", f"Danau_{lang}"):
                http_save(c, key, TEXT, "Halaman baru")
                http_save(
                    c,
                    key,
                    TEXT.replace("di gunung", "di Gunung Wayang"),
                    "/* Hulu Sungai */ nama gunung",
                )
    with http_client(live_server) as anon:  # an IP vandal, on the Danau pages
        for lang in ("en", "id"):
            http_save(anon, f"Danau_{lang}", "DANAU INI JELEK", "")
    yield live_server


def _section_link(page: Page, scope: str, lang: str) -> None:
    link = page.locator(f"{scope} .autocomment a").first
    expect(link).to_have_text("→\u00a0Hulu Sungai")
    assert link.get_attribute("href") == f"/wiki/Sungai_{lang}#hulu-sungai"


@pytest.mark.parametrize("lang", ["en", "id"])
def test_section_summaries_link_to_the_section_everywhere(
    browser: Browser, server: WikiServer, lang: str
) -> None:
    base = server.url
    context, page, errors = new_page(browser, lang)
    browser_login(page, base, ADMIN)
    page.goto(f"{base}/wiki/Sungai_{lang}?action=history")
    _section_link(page, "#pagehistory", lang)
    expect(page.locator("#pagehistory")).not_to_contain_text("/* Hulu Sungai */")
    page.goto(f"{base}/wiki/Special:RecentChanges")
    _section_link(page, f"li:has(a.mw-changeslist-title[href='/wiki/Sungai_{lang}'])", lang)
    page.goto(f"{base}/wiki/Special:Contributions/{ADMIN.replace(' ', '_')}")
    _section_link(page, f"ul.contributions li:has(a[href='/wiki/Sungai_{lang}'])", lang)
    page.goto(f"{base}/wiki/Special:Watchlist")
    _section_link(page, f"li:has(a.mw-changeslist-title[href='/wiki/Sungai_{lang}'])", lang)
    # In the diff of that edit, and the link leads to the section.
    page.goto(f"{base}/wiki/Sungai_{lang}?action=history")
    with page.expect_navigation():  # "prev" of the section edit (newest first)
        page.locator("#pagehistory li").first.locator(".links a").last.click()
    _section_link(page, ".diff-ntitle-new", lang)
    with page.expect_navigation():
        page.locator(".diff-ntitle-new .autocomment a").click()
    assert urlsplit(page.url).fragment == "hulu-sungai"
    expect(page.locator("#hulu-sungai")).to_be_in_viewport()
    context.close()
    assert not errors, errors


@pytest.mark.parametrize("lang", ["en", "id"])
def test_diff_prev_header_actions_and_reverted_tag(
    browser: Browser, server: WikiServer, lang: str
) -> None:
    w = WORDS[lang]
    base = server.url
    context, page, errors = new_page(browser, lang)
    browser_login(page, base, ADMIN)
    # ?diff=prev with no oldid: the latest change, the IP's.
    response = page.goto(f"{base}/wiki/Danau_{lang}?diff=prev")
    assert response is not None and response.status == 200
    new = page.locator(".diff-ntitle-new")
    expect(new.locator(".revinfo-label")).to_have_text(w["latest"])
    expect(new.locator("a.mw-userlink")).to_have_text("127.0.0.1")
    expect(new.locator(".mw-usertoollinks")).to_have_text(
        f"({w['talk']} | {w['contribs']} | {w['block']})"
    )
    expect(new.locator(".mw-usertoollinks a.blocklink")).to_have_attribute(
        "href", "/wiki/Special:Block/127.0.0.1"
    )
    old = page.locator(".diff-ntitle-old")
    expect(old.locator("a.mw-userlink")).to_have_text(ADMIN)
    # The side's label is not the revision link's words again.
    label = new.locator(".revinfo-label").inner_text()
    assert label not in new.locator(".revinfo-link").inner_text()
    # One clean action row: three items, no brackets or stray spaces.
    row = page.locator("ul.diff-actions")
    expect(row.locator("> li")).to_have_count(3)
    items = [" ".join(t.split()) for t in row.locator("> li").all_inner_texts()]
    assert items == [w["patrol"], w["rollback"], w["undo"]], items
    assert not set(row.inner_text()) & set("[]()"), row.inner_text()
    separator = page.evaluate(
        "() => getComputedStyle(document.querySelectorAll('ul.diff-actions > li')[1],"
        " '::before').content"
    )
    assert separator == '"|"', separator
    # Roll back; the reverted edit then carries the tag.
    with page.expect_navigation():
        row.locator("button.rollback").click()
    expect(page.locator(".notice.rolledback")).to_be_visible()
    old_side = page.locator(".diff-ntitle-old")
    expect(old_side.locator(".tag.reverted")).to_have_text(w["reverted"])
    expect(page.locator(".diff-ntitle-new .tag.reverted")).to_have_count(0)
    context.close()
    assert not errors, errors
