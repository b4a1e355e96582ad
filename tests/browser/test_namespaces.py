"""Namespace names in a real browser: an Indonesian wiki names them as id.wikipedia does, for
readers in either UI language; English names redirect to them, and the namespace menus follow.
An English wiki redirects the Indonesian names to its own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.server import WikiServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def id_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WikiServer]:
    data_dir: Path = tmp_path_factory.mktemp("idwiki")
    with WikiServer(workers=1, data_dir=data_dir, env={"WIKI_LANGUAGE": "id"}) as server:
        yield server


@pytest.mark.parametrize("lang", ["en", "id"])
def test_indonesian_wiki_names_namespaces_in_indonesian(
    browser: Browser, id_server: WikiServer, lang: str
) -> None:
    with httpx.Client() as c:
        r = c.post(
            f"{id_server.url}/w/rest.php/v1/page",
            json={"title": f"Talk:Dana {lang}", "source": "Diskusi tentang dana."},
        )
        assert r.status_code == 201, r.text
        assert r.json()["title"] == f"Pembicaraan:Dana {lang}"
    page = browser.new_context(locale=lang).new_page()
    page.set_default_timeout(8000)
    page.goto(f"{id_server.url}/wiki/Talk:Dana_{lang}?uselang={lang}")
    page.wait_for_url(re.compile(rf"/wiki/Pembicaraan:Dana_{lang}"))
    expect(page.locator("#firstHeading")).to_contain_text(f"Pembicaraan:Dana {lang}")
    page.goto(f"{id_server.url}/wiki/Special:RecentChanges?uselang={lang}")
    options = page.locator("select[name=namespace] option").all_inner_texts()
    assert "Pembicaraan" in options and "Pengguna" in options and "Proyek" in options
    assert "Talk" not in options
    expect(page.locator(".mw-changeslist, main").first).to_contain_text(f"Pembicaraan:Dana {lang}")
    page.goto(f"{id_server.url}/wiki/Special:Contributions/127.0.0.1?uselang={lang}")
    options = page.locator("select[name=namespace] option").all_inner_texts()
    assert "Pembicaraan Pengguna" in options
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "id"])
def test_english_wiki_redirects_indonesian_names(
    browser: Browser, live_server: WikiServer, lang: str
) -> None:
    with httpx.Client() as c:
        r = c.post(
            f"{live_server.url}/w/rest.php/v1/page",
            json={"title": f"Pembicaraan:Dana {lang}", "source": "Discussion."},
        )
        assert r.status_code == 201, r.text
    page = browser.new_context(locale=lang).new_page()
    page.set_default_timeout(8000)
    page.goto(f"{live_server.url}/wiki/Pembicaraan:Dana_{lang}?uselang={lang}")
    page.wait_for_url(re.compile(rf"/wiki/Talk:Dana_{lang}"))
    expect(page.locator("#firstHeading")).to_contain_text(f"Talk:Dana {lang}")
    page.context.close()
