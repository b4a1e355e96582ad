"""Readers and editors in a real browser, in English and Indonesian (issue 13).

Saving says so and returns to the edited section; a section edit's title names the section;
switching language keeps the page and action; a followed redirect shows the target's address
with "Redirected from" kept; every article has a permanent link and Special:CiteThisPage; a
print stylesheet hides the chrome; the navigation menu folds on a phone; a skip link reaches
the content; preview and "Show changes" stand apart from the text box, and "Show changes" on
a new page is one block.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.uikit import create_user, http_client, http_login, http_save, new_page
from tests.server import WikiServer

pytestmark = pytest.mark.browser

EDITOR = "Penyunting Kota"
TEXT = (
    "Kota Bandung terletak di dataran tinggi.\n\n"
    "## Sejarah\n\nBandung didirikan pada tahun 1810.\n\n"
    "## Iklim\n\nIklimnya sejuk sepanjang tahun.\n\n"
    "Lihat juga [situs kota](https://bandung.go.id).\n"
)
WORDS = {
    "en": {
        "saved": "Your edit was saved.",
        "section_title": "Editing {title} (section: Iklim)",
        "redirected": "Redirected from",
        "cite": "Cite this page",
        "permalink": "Permanent link",
        "menu": "Menu",
        "skip": "Skip to content",
        "changes": "Show changes",
        "history": "History",
    },
    "id": {
        "saved": "Suntingan Anda telah disimpan.",
        "section_title": "Menyunting {title} (bagian: Iklim)",
        "redirected": "Dialihkan dari",
        "cite": "Kutip halaman ini",
        "permalink": "Pranala permanen",
        "menu": "Menu",
        "skip": "Langsung ke isi",
        "changes": "Lihat perubahan",
        "history": "Riwayat",
    },
}


@pytest.fixture(scope="module")
def server(live_server: WikiServer) -> Iterator[WikiServer]:
    create_user(live_server, EDITOR)
    with http_client(live_server) as c:
        http_login(c, EDITOR)
        for lang in ("en", "id"):
            http_save(c, f"Bandung_{lang}", TEXT, "Halaman baru")
            http_save(c, f"Kota_Kembang_{lang}", f"#REDIRECT [[Bandung {lang}]]")
    yield live_server


@pytest.mark.parametrize("lang", ["en", "id"])
def test_section_save_confirms_and_returns_to_the_section(
    browser: Browser, server: WikiServer, lang: str
) -> None:
    w = WORDS[lang]
    context, page, errors = new_page(browser, lang)
    page.goto(f"{server.url}/wiki/Bandung_{lang}?action=edit&section=2")
    expect(page.locator("#firstHeading")).to_have_text(
        w["section_title"].format(title=f"Bandung {lang}")
    )
    assert w["section_title"].format(title=f"Bandung {lang}") in page.title()
    box = page.locator("#wpTextbox1")
    box.fill(box.input_value().replace("sejuk", "sejuk dan basah"))
    with page.expect_navigation():
        page.locator("button[name=wpSave]").click()
    parts = urlsplit(page.url)
    assert parts.path == f"/wiki/Bandung_{lang}" and parts.fragment == "iklim", page.url
    expect(page.locator(".notice.saved")).to_have_text(w["saved"])
    expect(page.locator("#iklim")).to_be_in_viewport()
    # Once: a reload no longer says it.
    page.reload()
    expect(page.locator(".article")).to_contain_text("sejuk dan basah")
    expect(page.locator(".notice.saved")).to_have_count(0)
    context.close()
    assert not errors, errors


@pytest.mark.parametrize("lang", ["en", "id"])
def test_switching_language_keeps_the_page_and_action(
    browser: Browser, server: WikiServer, lang: str
) -> None:
    other = "id" if lang == "en" else "en"
    context, page, errors = new_page(browser, lang)
    page.goto(f"{server.url}/wiki/Bandung_{lang}?action=history")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    with page.expect_navigation():
        page.locator(f".langs a[lang={other}]").click()
    parts = urlsplit(page.url)
    assert parts.path == f"/wiki/Bandung_{lang}", page.url
    assert parse_qs(parts.query) == {"action": ["history"], "uselang": [other]}, page.url
    expect(page.locator("html")).to_have_attribute("lang", other)
    expect(page.locator(".tabs-right li.selected")).to_contain_text(WORDS[other]["history"])
    context.close()
    assert not errors, errors


@pytest.mark.parametrize("lang", ["en", "id"])
def test_followed_redirect_shows_the_target_address(
    browser: Browser, server: WikiServer, lang: str
) -> None:
    context, page, errors = new_page(browser, lang)
    page.goto(f"{server.url}/wiki/Kota_Kembang_{lang}")
    expect(page.locator("#firstHeading")).to_have_text(f"Bandung {lang}")
    page.wait_for_function(f"() => location.pathname === '/wiki/Bandung_{lang}'")
    expect(page.locator("#contentSub")).to_contain_text(WORDS[lang]["redirected"])
    expect(page.locator("#contentSub a")).to_have_text(f"Kota Kembang {lang}")
    context.close()
    assert not errors, errors


@pytest.mark.parametrize("lang", ["en", "id"])
def test_permanent_link_and_cite_this_page(browser: Browser, server: WikiServer, lang: str) -> None:
    w = WORDS[lang]
    context, page, errors = new_page(browser, lang)
    page.goto(f"{server.url}/wiki/Bandung_{lang}")
    permalink = page.locator("#t-permalink a")
    expect(permalink).to_have_text(w["permalink"])
    href = permalink.get_attribute("href") or ""
    oldid = parse_qs(urlsplit(href).query)["oldid"][0]
    with page.expect_navigation():
        page.locator("#t-cite a").click()
    expect(page.locator("#firstHeading")).to_have_text(w["cite"])
    url = f"{server.url}/wiki/Bandung_{lang}?oldid={oldid}"
    expect(page.locator("#cite-id p")).to_contain_text(f"“Bandung {lang},”")
    expect(page.locator("#cite-id p")).to_contain_text(url)
    expect(page.locator("#cite-id p")).to_contain_text("diakses")
    expect(page.locator("#cite-apa p")).to_contain_text(f"Bandung {lang}. (")
    expect(page.locator("#cite-apa p")).to_contain_text("Retrieved ")
    expect(page.locator("#cite-mla p")).to_contain_text("Accessed ")
    with page.expect_navigation():
        page.locator("a.permalink").click()
    assert page.url == url
    context.close()
    assert not errors, errors


@pytest.mark.parametrize("lang", ["en", "id"])
def test_print_hides_menus_and_shows_external_addresses(
    browser: Browser, server: WikiServer, lang: str
) -> None:
    context, page, errors = new_page(browser, lang)
    page.goto(f"{server.url}/wiki/Bandung_{lang}")
    expect(page.locator(".site-header")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in (".site-header", ".tabs", ".page-tools", ".site-footer nav", ".editsection"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator(".article")).to_be_visible()
    after = page.evaluate(
        "() => getComputedStyle(document.querySelector('.article a.external'), '::after').content"
    )
    assert "bandung.go.id" in after, after
    context.close()
    assert not errors, errors


@pytest.mark.parametrize("lang", ["en", "id"])
def test_navigation_menu_folds_on_a_phone_and_skip_link_reaches_content(
    browser: Browser, server: WikiServer, lang: str
) -> None:
    w = WORDS[lang]
    wide, page, errors = new_page(browser, lang)
    page.goto(f"{server.url}/wiki/Bandung_{lang}")
    menu = page.locator("#p-navigation")
    for item in ("n-mainpage", "n-randompage", "n-recentchanges", "n-help", "n-portal"):
        expect(page.locator(f"#{item} a")).to_be_visible()
    expect(page.locator("#n-specialpages a")).to_be_visible()
    # The skip link is the first stop of the keyboard and moves focus to the content.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text(w["skip"])
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'content'"
    )
    wide.close()

    phone, page, errors2 = new_page(browser, lang, width=360, height=740)
    page.goto(f"{server.url}/wiki/Bandung_{lang}")
    menu = page.locator("#p-navigation")
    expect(menu).not_to_have_attribute("open", "")
    expect(page.locator("#n-randompage a")).to_be_hidden()
    page.locator("#p-navigation > summary").click()
    expect(page.locator("#n-randompage a")).to_be_visible()
    with page.expect_navigation():
        page.locator("#n-recentchanges a").click()
    assert urlsplit(page.url).path == "/wiki/Special:RecentChanges"
    phone.close()
    assert not errors + errors2, errors + errors2


@pytest.mark.parametrize("lang", ["en", "id"])
def test_show_changes_on_a_new_page_is_one_block_spaced_from_the_box(
    browser: Browser, server: WikiServer, lang: str
) -> None:
    context, page, errors = new_page(browser, lang)
    page.goto(f"{server.url}/wiki/Halaman_baru_{lang}?action=edit")
    page.locator("#wpTextbox1").fill("Baris satu.\nBaris dua.\n\nBaris tiga.")
    with page.expect_navigation():
        page.locator("button[name=wpDiff]").click()
    changes = page.locator("section.changes")
    expect(changes.locator(".diff-newpage")).to_have_count(1)
    expect(changes.locator(".diff-newpage")).to_contain_text("Baris tiga.")
    expect(changes.locator("td.diff-addedline")).to_have_count(0)
    gap = page.evaluate(
        "() => document.getElementById('wpTextbox1').getBoundingClientRect().top"
        " - document.querySelector('section.changes').getBoundingClientRect().bottom"
    )
    assert gap >= 16, gap
    with page.expect_navigation():
        page.locator("button[name=wpPreview]").click()
    gap = page.evaluate(
        "() => document.getElementById('wpTextbox1').getBoundingClientRect().top"
        " - document.querySelector('section.preview').getBoundingClientRect().bottom"
    )
    assert gap >= 16, gap
    context.close()
    assert not errors, errors


@pytest.mark.parametrize("lang", ["en", "id"])
def test_page_and_assets_arrive_compressed_and_assets_are_immutable(
    browser: Browser, server: WikiServer, lang: str
) -> None:
    context, page, errors = new_page(browser, lang)
    seen: dict[str, dict[str, str]] = {}
    page.on("response", lambda r: seen.__setitem__(r.url, r.all_headers()))
    page.goto(f"{server.url}/wiki/Bandung_{lang}")
    expect(page.locator(".article")).to_be_visible()
    page.wait_for_load_state("load")
    document = seen[f"{server.url}/wiki/Bandung_{lang}"]
    assert document.get("content-encoding") in ("zstd", "br", "gzip"), document
    assets = {u: h for u, h in seen.items() if "/static/" in u and u.endswith((".css", ".js"))}
    assert any(u.endswith(".css") for u in assets) and any(u.endswith(".js") for u in assets)
    for url, headers in assets.items():
        assert headers["cache-control"] == "public, max-age=31536000, immutable", url
        if int(headers.get("content-length", "1000")) >= 500:
            assert headers.get("content-encoding") in ("zstd", "br", "gzip"), (url, headers)
    # The stylesheet really applied (a fingerprinted URL that resolves).
    shown = page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).display")
    assert shown == "flex"
    context.close()
    assert not errors, errors
