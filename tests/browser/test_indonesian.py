"""The UI in English and in Bahasa Indonesia, in a real browser: words shown from data (log
types, groups, protection, tags, HTTP errors) are translated, numbers use the locale's digits,
and every date-time has the locale's one format, with the zone for readers without an
account."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import GENEROUS_LIMITS
from tests.server import WikiServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WikiServer]:
    """A real server (2 workers) whose rate limits let these tests' anonymous saves through:
    every browser here shares one address."""
    env = {"WIKI_RATE_LIMITS": GENEROUS_LIMITS}
    with WikiServer(workers=2, data_dir=tmp_path_factory.mktemp("live"), env=env) as server:
        yield server


EXPECT = {
    "en": {
        "error": "Error: 404 Not Found",
        "log_option": "block log",
        "tag": "New redirect",
        # 14:05, 5 December 2026 (UTC)
        "stamp": r"^\d\d:\d\d, \d{1,2} [A-Z][a-z]+ \d{4} \(UTC\)$",
        "average": re.compile(r"^\d+\.\d\d$"),
    },
    "id": {
        "error": "Galat: 404 Tidak Ditemukan",
        "log_option": "log pemblokiran",
        "tag": "Pengalihan baru",
        # 5 Desember 2026 14.05 (UTC)
        "stamp": r"^\d{1,2} [A-Z][a-z]+ \d{4} \d\d\.\d\d \(UTC\)$",
        "average": re.compile(r"^\d+,\d\d$"),
    },
}


@pytest.mark.parametrize("lang", ["en", "id"])
def test_words_numbers_and_times_follow_the_reader(
    browser: Browser, live_server: WikiServer, lang: str
) -> None:
    want = EXPECT[lang]
    with httpx.Client() as c:
        for title, source in (
            (f"Sumber {lang}", "Isi."),
            (f"Alih {lang}", f"#REDIRECT [[Sumber {lang}]]"),
        ):
            r = c.post(
                f"{live_server.url}/w/rest.php/v1/page", json={"title": title, "source": source}
            )
            assert r.status_code == 201
    page = browser.new_context(locale=lang).new_page()
    page.set_default_timeout(8000)

    page.goto(f"{live_server.url}/wiki/Special:TidakAda?uselang={lang}")
    expect(page.locator("#firstHeading")).to_have_text(want["error"])
    assert want["error"].split(": ", 1)[1] in page.title()

    page.goto(f"{live_server.url}/wiki/Special:Log?uselang={lang}")
    options = page.locator("#log-type option").all_inner_texts()
    assert want["log_option"] in options and "block" not in options

    page.goto(f"{live_server.url}/wiki/Special:RecentChanges?uselang={lang}")
    expect(page.locator(".tag[data-tag=mw-new-redirect]").first).to_have_text(want["tag"])

    page.goto(f"{live_server.url}/wiki/Special:Statistics?uselang={lang}")
    expect(page.locator("[data-stat=average]")).to_have_text(want["average"])

    page.goto(f"{live_server.url}/wiki/{quote(f'Sumber_{lang}')}?action=history&uselang={lang}")
    stamp = page.locator(".date").first.inner_text()
    assert re.match(want["stamp"], stamp), stamp
    page.goto(f"{live_server.url}/wiki/{quote(f'Sumber_{lang}')}?uselang={lang}")
    lastmod = page.locator(".lastmod").inner_text()
    assert re.search(want["stamp"].strip("^$"), lastmod), lastmod
    page.context.close()
