"""What a new volunteer meets, in English and Indonesian, in a real browser (issue 13):
the IP notice on the edit form, IP blocks that spare logged-in volunteers, localised expiries,
and right-aligned number columns in tables despite the CSP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import GENEROUS_LIMITS, PASSWORD, make_user
from tests.server import WikiServer
from wiki.db import Database

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WikiServer]:
    """A real server (2 workers) whose rate limits let these tests' anonymous saves through:
    every browser here shares one address."""
    env = {"WIKI_RATE_LIMITS": GENEROUS_LIMITS}
    with WikiServer(workers=2, data_dir=tmp_path_factory.mktemp("live"), env=env) as server:
        yield server


TEXTS = {
    "en": {
        "ip": "your IP address (127.0.0.1) will be published",
        "create": "Create an account",
        "blocked": "You are blocked",
        "anon_only": "anonymous users only",
        "reason": "Inserting false information",
    },
    "id": {
        "ip": "alamat IP Anda (127.0.0.1) akan dipublikasikan",
        "create": "Buat akun baru",
        "blocked": "Anda diblokir",
        "anon_only": "hanya pengguna anonim",
        "reason": "Memasukkan informasi palsu",
    },
}


def _page(browser: Browser, lang: str) -> Page:
    page = browser.new_context(locale=lang).new_page()
    page.set_default_timeout(8000)
    return page


def _login(page: Page, server: WikiServer, name: str, lang: str) -> None:
    page.goto(f"{server.url}/wiki/Special:Login?uselang={lang}")
    page.locator("#wpName").fill(name)
    page.locator("#wpPassword").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.account-form button[type=submit]").click()
    expect(page.locator(".personal a.user")).to_have_text(name)


@pytest.mark.parametrize("lang", ["en", "id"])
def test_anonymous_editors_are_told_their_ip_is_published(
    browser: Browser, live_server: WikiServer, lang: str
) -> None:
    page = _page(browser, lang)
    page.goto(f"{live_server.url}/wiki/Catatan_{lang}?action=edit&uselang={lang}")
    notice = page.locator(".anon-edit-warning")
    expect(notice).to_contain_text(TEXTS[lang]["ip"])
    link = notice.get_by_role("link", name=TEXTS[lang]["create"])
    expect(link).to_have_attribute("href", re.compile(r"Special:CreateAccount\?returnto="))
    link.click()
    page.wait_for_url(re.compile(r"Special:CreateAccount"))
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "id"])
def test_table_number_columns_are_right_aligned(
    browser: Browser, live_server: WikiServer, lang: str
) -> None:
    title = f"Anggaran {lang}"
    source = "| Desa | Dana (juta) |\n|:--|--:|\n| Sukamaju | 2,18 |\n| Mekarsari | 16.301 |\n"
    with httpx.Client() as c:
        r = c.post(f"{live_server.url}/w/rest.php/v1/page", json={"title": title, "source": source})
        assert r.status_code == 201
    page = _page(browser, lang)
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Security" in m.text else None)
    page.goto(f"{live_server.url}/wiki/{quote(title)}?uselang={lang}")
    cell = page.locator(".article td", has_text="16.301")
    assert cell.evaluate("e => getComputedStyle(e).textAlign") == "right"
    first = page.locator(".article td", has_text="Sukamaju")
    assert first.evaluate("e => getComputedStyle(e).textAlign") == "left"
    assert page.locator(".article [style]").count() == 0
    assert csp_errors == []
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "id"])
def test_ip_block_spares_logged_in_volunteers(
    browser: Browser, live_server: WikiServer, lang: str
) -> None:
    db = Database(live_server.database_url)
    try:
        make_user(db, f"Admin{lang}", groups=("admin",))
        make_user(db, f"Relawan{lang}")
    finally:
        db.dispose()
    t = TEXTS[lang]
    title = f"Warnet {lang}"
    with httpx.Client() as c:
        r = c.post(f"{live_server.url}/w/rest.php/v1/page", json={"title": title, "source": "A."})
        assert r.status_code == 201
    url = f"{live_server.url}/wiki/{quote(title)}"

    # An admin blocks the address everyone here shares (127.0.0.1) with the defaults.
    admin = _page(browser, lang)
    _login(admin, live_server, f"Admin{lang}", lang)
    admin.goto(f"{live_server.url}/wiki/Special:Block?uselang={lang}")
    admin.locator("#target").fill("127.0.0.1")
    expect(admin.locator("input[name=anon_only]")).to_be_checked()
    expect(admin.locator("input[name=block_createaccount]")).to_be_checked()
    options = admin.locator("#expiry option").all_inner_texts()
    assert "infinite" not in " ".join(options) and "infinity" not in " ".join(options)
    if lang == "id":
        assert "1 tahun" in options and "tak terbatas" in options
    admin.locator("#expiry_other").fill("10 hari" if lang == "id" else "10 days")
    admin.locator("#reason_list").select_option(label=t["reason"])
    admin.locator("#reason").fill("hoaks")
    with admin.expect_navigation():
        admin.locator("form.account-form button[type=submit]").click()
    row = admin.locator(".blocklist tr", has_text="127.0.0.1")
    expect(row).to_contain_text(t["anon_only"])
    expect(row).to_contain_text(f"{t['reason']}: hoaks")
    expiry_cell = row.locator("td").nth(2).inner_text()
    assert not re.search(r"\d{4}-\d\d-\d\dT|infinity|infinite", expiry_cell), expiry_cell
    assert re.search(r"\d{4}", expiry_cell), expiry_cell  # a date, in words of the locale

    try:
        # Anonymous visitors on the address cannot edit ...
        anon = _page(browser, lang)
        anon.goto(f"{url}?action=edit&uselang={lang}")
        expect(anon.locator(".notice.blocked")).to_contain_text(t["blocked"])
        refusal = anon.locator(".notice.blocked").inner_text()
        assert not re.search(r"\d{4}-\d\d-\d\dT", refusal), refusal
        expect(anon.locator("button[name=wpSave]")).to_have_count(0)
        anon.context.close()
        # ... but a logged-in volunteer on the same address can.
        member = _page(browser, lang)
        _login(member, live_server, f"Relawan{lang}", lang)
        member.goto(f"{url}?action=edit&uselang={lang}")
        member.locator("#wpTextbox1").fill("A. Ditambah relawan.")
        with member.expect_navigation():
            member.locator("button[name=wpSave]").click()
        expect(member.locator(".article")).to_contain_text("Ditambah relawan")
        member.context.close()
    finally:
        admin.goto(f"{live_server.url}/wiki/Special:Unblock/127.0.0.1?uselang={lang}")
        with admin.expect_navigation():
            admin.locator("form button[type=submit]").last.click()
        admin.context.close()
