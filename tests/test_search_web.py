"""Search over HTTP: Special:Search ("Go", results, filters, paging, bad input), the REST
routes /v1/search/page and /v1/search/title, and the header search box."""

from __future__ import annotations

import time
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from wiki.app import create_app
from wiki.settings import Settings


class Page(HTMLParser):
    """Elements with their attributes and text, for assertions on structure."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[dict[str, Any]] = []
        self._open: list[dict[str, Any]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in ("input", "meta", "link", "br", "img"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element["text"] += data

    def find(self, tag: str, **attrs: str) -> list[dict[str, Any]]:
        return [
            e
            for e in self.elements
            if e["tag"] == tag and all(e["attrs"].get(k) == v for k, v in attrs.items())
        ]

    def by_class(self, cls: str) -> list[dict[str, Any]]:
        return [e for e in self.elements if cls in (e["attrs"].get("class") or "").split()]


def create(client: TestClient, title: str, text: str) -> None:
    r = client.post("/w/rest.php/v1/page", json={"title": title, "source": text})
    assert r.status_code == 201, r.text


def synced(client: TestClient) -> None:
    """Wait for the index to reflect every save (the app's own indexer may be mid-pass)."""
    app: Any = client.app
    assert app.state.search.sync(app.state.wiki.db, wait=10) is not None


def search(client: TestClient, **params: str) -> Page:
    r = client.get("/wiki/Special:Search", params={"fulltext": "1", **params})
    assert r.status_code == 200, r.text[:500]
    return Page(r.text)


@pytest.fixture
def otters(client: TestClient) -> TestClient:
    create(client, "Sea otter", "The sea otter lives in the North Pacific and eats urchins.")
    create(client, "River otter", "The river otter lives in rivers; otters eat fish.")
    create(client, "Talk:Sea otter", "Should the article mention urchins more?")
    synced(client)
    return client


def test_header_has_a_search_box_with_its_script(client: TestClient) -> None:
    page = Page(client.get("/wiki/Main_Page").text)
    (form,) = page.find("form", action="/wiki/Special:Search")
    assert form["attrs"]["role"] == "search"
    (box,) = page.find("input", id="searchInput")
    assert box["attrs"]["name"] == "search" and box["attrs"]["role"] == "combobox"
    assert box["attrs"]["aria-controls"] == "searchSuggestions"
    assert page.find("ul", id="searchSuggestions")
    (script,) = [
        t for t in page.find("script") if t["attrs"].get("src", "").startswith("/static/search.")
    ]
    js = client.get(script["attrs"]["src"])
    assert js.status_code == 200 and "/w/rest.php/v1/search/title" in js.text


@pytest.mark.parametrize("query", ["", "?search=", "?search=%20%20"])
def test_empty_query_shows_the_search_page(client: TestClient, query: str) -> None:
    r = client.get("/wiki/Special:Search" + query)
    assert r.status_code == 200
    page = Page(r.text)
    assert page.find("input", id="searchText") and not page.by_class("search-results")


def test_exact_title_goes_straight_to_the_page(otters: TestClient) -> None:
    for typed in ("Sea otter", "sea otter", "Sea_otter", "SEA OTTER"):
        r = otters.get("/wiki/Special:Search", params={"search": typed})
        assert r.status_code == 302 and r.headers["location"] == "/wiki/Sea_otter", typed
    r = otters.get("/wiki/Special:Search", params={"search": "Sea otter", "fulltext": "1"})
    assert r.status_code == 200
    r = otters.get("/wiki/Special:Search", params={"search": "otters eat"})
    assert r.status_code == 200  # not a title: results


def test_results_have_title_snippet_size_and_date(otters: TestClient) -> None:
    page = search(otters, search="urchins")
    results = page.by_class("search-result")
    assert len(results) == 1  # the talk page is not an article
    (link,) = [a for a in page.find("a") if a["attrs"].get("href") == "/wiki/Sea_otter"][:1]
    assert link["text"] == "Sea otter"
    snippet = page.by_class("searchresult")[0]
    assert "urchins" in snippet["text"]
    assert [m["text"] for m in page.by_class("searchmatch")] == ["urchins"]
    data = page.by_class("mw-search-result-data")[0]["text"]
    assert "bytes" in data and "words" in data
    assert "1" in page.by_class("search-count")[0]["text"]


def test_namespace_filter_and_sort_links(otters: TestClient) -> None:
    page = search(otters, search="urchins", profile="talk")
    assert [e["attrs"]["data-page-id"] for e in page.by_class("search-result")]
    titles = [
        a["text"] for a in page.find("a") if a["attrs"].get("href", "").startswith("/wiki/Talk")
    ]
    assert titles == ["Talk:Sea otter"]
    page = search(otters, search="urchins", profile="all")
    assert len(page.by_class("search-result")) == 2
    links = {a["text"].strip(): a["attrs"]["href"] for a in page.find("a")}
    assert parse_qs(urlsplit(links["Talk pages"]).query)["profile"] == ["talk"]
    assert parse_qs(urlsplit(links["last edited"]).query)["sort"] == ["last_edit_desc"]
    page = search(otters, search="otter", sort="last_edit_desc")
    order = [e["attrs"]["data-page-id"] for e in page.by_class("search-result")]
    assert order == sorted(order, key=int, reverse=True)  # newest first


def test_pagination_by_offset(client: TestClient) -> None:
    for i in range(23):
        create(client, f"Page {i:02d}", f"Shared word here, number {i}.")
    synced(client)
    first = search(client, search="shared")
    assert len(first.by_class("search-result")) == 20
    (next_link,) = first.find("a", rel="next")
    assert parse_qs(urlsplit(next_link["attrs"]["href"]).query)["offset"] == ["20"]
    second = search(client, search="shared", offset="20")
    assert len(second.by_class("search-result")) == 3
    assert not second.find("a", rel="next") and second.find("a", rel="prev")


def test_a_misspelt_search_shows_the_corrected_results_and_offers_the_original(
    otters: TestClient,
) -> None:
    page = search(otters, search="urchnis")
    (corrected,) = page.by_class("search-corrected")
    assert "Showing results for urchins." in " ".join(corrected["text"].split())
    links = [e for e in page.find("a") if e["text"] in ("urchins", "urchnis")]
    by_text = {e["text"]: parse_qs(urlsplit(e["attrs"]["href"]).query) for e in links}
    assert by_text["urchins"]["search"] == ["urchins"]
    assert by_text["urchnis"]["search"] == ["urchnis"] and by_text["urchnis"]["nocorrect"] == ["1"]
    assert [r["attrs"]["data-page-id"] for r in page.by_class("search-result")] == ["1"]
    (create_link,) = page.find("a", **{"class": "new"})
    assert create_link["attrs"]["href"] == "/wiki/Urchnis?action=edit&redlink=1"
    # "Search instead for urchnis": as typed, with the suggestion.
    page = search(otters, search="urchnis", nocorrect="1")
    assert not page.by_class("search-corrected") and page.by_class("search-nonefound")
    (suggestion,) = page.by_class("search-didyoumean")
    assert "urchins" in suggestion["text"]


def test_the_correction_is_told_in_indonesian(otters: TestClient) -> None:
    page = search(otters, search="urchnis", uselang="id")
    (corrected,) = page.by_class("search-corrected")
    text = " ".join(corrected["text"].split())
    assert "Menampilkan hasil untuk urchins." in text and "Cari urchnis saja?" in text


BAD_INPUT = [
    {"search": '"unclosed'},
    {"search": "AND OR"},
    {"search": "*"},
    {"search": "x" * 10_000},
    {"search": "otter", "offset": "abc", "limit": "-5", "profile": "zzz", "sort": "x"},
    {"search": "otter", "offset": "99999999999"},
    {"search": "<script>alert(1)</script>"},
    {"search": "prefix:"},
    {"search": "intitle:"},
    {"search": "-otter"},
]


def test_bad_input_is_never_a_500(otters: TestClient) -> None:
    for params in BAD_INPUT:
        r = otters.get("/wiki/Special:Search", params={"fulltext": "1", **params})
        assert r.status_code == 200, params
        assert "<script>alert" not in r.text


def test_undecodable_query_is_not_a_500(otters: TestClient) -> None:
    r = otters.get("/wiki/Special:Search?fulltext=1&search=%00%ED%A0%80%FF")
    assert r.status_code == 200


def test_rest_title_search_is_shaped_like_mediawiki(otters: TestClient) -> None:
    r = otters.get("/w/rest.php/v1/search/title", params={"q": "sea", "limit": "5"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    pages = r.json()["pages"]
    assert pages[0] == {
        "id": pages[0]["id"],
        "key": "Sea_otter",
        "title": "Sea otter",
        "excerpt": "Sea otter",
        "matched_title": None,
        "description": None,
        "thumbnail": None,
    }
    assert len(otters.get("/w/rest.php/v1/search/title?q=s&limit=1").json()["pages"]) == 1


def test_rest_page_search_is_shaped_like_mediawiki(otters: TestClient) -> None:
    r = otters.get("/w/rest.php/v1/search/page", params={"q": "urchins"})
    assert r.status_code == 200
    (page,) = r.json()["pages"]
    assert page["key"] == "Sea_otter" and page["title"] == "Sea otter"
    assert '<span class="searchmatch">urchins</span>' in page["excerpt"]
    assert page["description"] is None and page["thumbnail"] is None


@pytest.mark.parametrize(
    "query", ["", "?q=x&limit=0", "?q=x&limit=101", "?q=x&limit=abc", "?limit=5"]
)
def test_rest_bad_parameters_are_400(client: TestClient, query: str) -> None:
    for route in ("page", "title"):
        r = client.get(f"/w/rest.php/v1/search/{route}{query}")
        assert r.status_code == 400 and r.json()["httpCode"] == 400


def test_autocomplete_follows_saves_through_the_background_indexer(settings: Settings) -> None:
    app = create_app(replace(settings, search_interval=0.05))  # the app's own indexer thread
    with TestClient(app, base_url="http://testserver") as client:
        create(client, "Kebijakan publik", "Teks tentang kebijakan.")
        deadline = time.monotonic() + 60  # generous: we wait for the event, not a duration
        pages: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            pages = client.get("/w/rest.php/v1/search/title?q=kebij").json()["pages"]
            if pages:
                break
            time.sleep(0.05)
    app.state.wiki.db.dispose()
    assert [p["title"] for p in pages] == ["Kebijakan publik"]
