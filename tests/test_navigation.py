"""HTTP tests for navigation: redirects, category pages, the special pages and moving."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from starlette.testclient import TestClient

from tests.conftest import TOKEN_RE, edit, login, make_user
from wiki.db import Database
from wiki.pages import revisions
from wiki.text import titles
from wiki.web import navigation, special

ANON = revisions.Author(name="198.51.100.7")


class Page(HTMLParser):
    """Links, ids and text of an HTML page, for assertions on structure."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (href, text, class)
        self.ids: dict[str, str] = {}  # id -> text inside
        self._stack: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("input", "link", "meta", "br", "img"):
            return
        self._stack.append((tag, dict(attrs), []))

    def handle_data(self, data: str) -> None:
        for _, _, texts in self._stack:
            texts.append(data)

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            name, attrs, texts = self._stack.pop()
            text = " ".join("".join(texts).split())
            if name == "a":
                self.links.append((attrs.get("href") or "", text, attrs.get("class") or ""))
            if attrs.get("id"):
                self.ids[str(attrs["id"])] = text
            if name == tag:
                return

    def hrefs(self, cls: str | None = None) -> list[str]:
        return [h for h, _, c in self.links if cls is None or cls in c.split()]

    def texts_in(self, element_id: str) -> str:
        return self.ids.get(element_id, "")


def heading(html: str) -> str:
    return Page(html).texts_in("firstHeading")


def save(client: TestClient, title: str, text: str) -> None:
    """Save through the edit form, as a browser does."""
    r = edit(client, title.replace(" ", "_"), text)
    assert r.status_code == 303, r.text[:400]


def put(db: Database, title: str, text: str) -> None:
    """Save through the service: faster, but no cache epoch bump, so only before reading."""
    with db.write() as s:
        page = revisions.get_page(s, titles.parse(title))
        base = page.latest_id if page else None
        revisions.save(s, titles.parse(title), text, author=ANON, base_id=base, max_bytes=1 << 20)


# --- redirects ------------------------------------------------------------------------------


def test_redirect_serves_the_target_with_a_note(client: TestClient) -> None:
    save(client, "Alpha", "Alpha text.")
    save(client, "Beta", "#REDIRECT [[Alpha]]")
    r = client.get("/wiki/Beta")
    assert r.status_code == 200 and heading(r.text) == "Alpha"
    page = Page(r.text)
    assert "Alpha text." in r.text
    assert "Redirected from Beta" in page.texts_in("contentSub")
    assert "/wiki/Beta?redirect=no" in page.hrefs("mw-redirect")
    assert '<link rel="canonical" href="/wiki/Alpha">' in r.text
    r = client.get("/wiki/Beta?redirect=no")
    assert r.status_code == 200 and heading(r.text) == "Beta"
    assert "/wiki/Alpha" in Page(r.text).hrefs() and "Alpha text." not in r.text


def test_double_redirect_is_followed_once_then_shown(client: TestClient, db: Database) -> None:
    put(db, "End", "The end.")
    put(db, "Middle", "#REDIRECT [[End]]")
    put(db, "Start", "#REDIRECT [[Middle]]")
    r = client.get("/wiki/Start")
    assert heading(r.text) == "Middle" and "The end." not in r.text
    assert "Redirected from Start" in Page(r.text).texts_in("contentSub")
    assert "/wiki/End" in Page(r.text).hrefs()


@pytest.mark.parametrize(
    ("pages", "url", "shown"),
    [
        ([("Self", "#REDIRECT [[Self]]")], "/wiki/Self", "Self"),
        ([("Ping", "#REDIRECT [[Pong]]"), ("Pong", "#REDIRECT [[Ping]]")], "/wiki/Ping", "Pong"),
    ],
    ids=["self", "two-page-loop"],
)
def test_redirect_loops_are_shown_not_followed(
    client: TestClient, db: Database, pages: list[tuple[str, str]], url: str, shown: str
) -> None:
    for title, text in pages:
        put(db, title, text)
    r = client.get(url)
    assert r.status_code == 200 and heading(r.text) == shown
    assert 'class="notice error redirect-loop"' in r.text


def test_redirect_to_a_missing_page_shows_a_red_link(client: TestClient, db: Database) -> None:
    put(db, "Dangling", "#REDIRECT [[Not written yet]]")
    r = client.get("/wiki/Dangling")
    assert r.status_code == 200 and heading(r.text) == "Dangling"
    assert "/wiki/Not_written_yet?action=edit&redlink=1" in Page(r.text).hrefs("new")


def test_cached_redirect_follows_later_changes(client: TestClient) -> None:
    save(client, "Target", "First version.")
    save(client, "Alias", "#REDIRECT [[Target]]")
    assert "First version." in client.get("/wiki/Alias").text
    assert "First version." in client.get("/wiki/Alias").text  # from the page cache
    save(client, "Target", "Second version.")
    assert "Second version." in client.get("/wiki/Alias").text
    save(client, "Alias", "Now a page of its own.")
    r = client.get("/wiki/Alias")
    assert heading(r.text) == "Alias" and "Now a page of its own." in r.text


# --- categories -----------------------------------------------------------------------------


def test_page_shows_its_categories_red_and_blue(client: TestClient, db: Database) -> None:
    put(db, "Category:Described", "About this category.")
    put(db, "Member", "Text.\n\n[[Category:Described]] [[Kategori:Undescribed]]")
    page = Page(client.get("/wiki/Member").text)
    assert "/wiki/Category:Described" in page.hrefs()
    assert "/wiki/Category:Undescribed?action=edit&redlink=1" in page.hrefs("new")
    assert "Described" in page.texts_in("catlinks")


def test_category_page_lists_members_by_letter_in_batches(
    client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(navigation, "CATEGORY_LIMIT", 2)
    for name in ("Cempaka", "Anggrek", "Bakung"):
        put(db, name, "[[Category:Bunga]]")
    put(db, "Category:Anggrek liar", "[[Category:Bunga]]")
    r = client.get("/wiki/Category:Bunga")  # no description page, but members: 200
    assert r.status_code == 200
    pages = Page(r.text)
    assert "Anggrek liar" in pages.texts_in("mw-subcategories")
    listed = pages.texts_in("mw-pages")
    assert "3 pages" in listed and "A Anggrek B Bakung" in listed and "Cempaka" not in listed
    next_url = [h for h, text, _ in pages.links if text == "next page"][-1]
    r = client.get(next_url)
    second = Page(r.text).texts_in("mw-pages")
    assert "C Cempaka" in second and "Anggrek" not in second
    prev_url = [h for h, text, _ in Page(r.text).links if text == "previous page"][-1]
    assert "Anggrek" in Page(client.get(prev_url).text).texts_in("mw-pages")
    assert client.get("/wiki/Category:Empty").status_code == 404


# --- special pages --------------------------------------------------------------------------


@pytest.fixture
def wiki(client: TestClient, db: Database) -> TestClient:
    """A small wiki: links, a red link, an orphan, a redirect, categories, a help page.

    Saved through the service (faster than the form), before the client reads anything.
    """
    for title, text in [
        ("Hub", "[[Leaf]] [[Wanted]] [[Wanted too]]\n\n[[Category:Things]]"),
        ("Leaf", "Back to [[Hub]] and [[Wanted]]. A longer text than the others."),
        ("Orphan", "x"),
        ("Shortcut", "#REDIRECT [[Leaf]]"),
        ("Help:Start", "[[Hub]]"),
    ]:
        put(db, title, text)
    return client


def test_all_pages_and_prefix_index(wiki: TestClient) -> None:
    page = Page(wiki.get("/wiki/Special:AllPages").text)
    listed = [h for h in page.hrefs() if h.startswith("/wiki/") and "Special" not in h]
    assert {"/wiki/Hub", "/wiki/Leaf", "/wiki/Orphan", "/wiki/Shortcut?redirect=no"} <= set(listed)
    r = wiki.get("/wiki/Special:AllPages?from=L&hideredirects=1&limit=1")
    page = Page(r.text)
    assert "/wiki/Leaf" in page.hrefs() and "/wiki/Orphan" not in page.hrefs()
    assert "/wiki/Special:AllPages?from=Orphan&hideredirects=1&limit=1" in page.hrefs()
    assert "/wiki/Help:Start" in wiki.get("/wiki/Special:AllPages?namespace=12").text
    assert wiki.get("/wiki/Special:AllPages?namespace=Nowhere").status_code == 400
    r = wiki.get("/wiki/Special:PrefixIndex/Help:St")
    assert "/wiki/Help:Start" in Page(r.text).hrefs()
    r = wiki.get("/wiki/Special:PrefixIndex?prefix=O")
    assert "/wiki/Orphan" in Page(r.text).hrefs() and "/wiki/Hub" not in Page(r.text).hrefs()
    assert wiki.get("/wiki/Special:PrefixIndex?prefix=a[b").status_code == 400


def test_random_redirects_to_a_page_that_is_not_a_redirect(wiki: TestClient) -> None:
    seen = {wiki.get("/wiki/Special:Random").headers["location"] for _ in range(20)}
    assert seen <= {"/wiki/Hub", "/wiki/Leaf", "/wiki/Orphan"} and seen
    for sub in ("Help", "Bantuan"):
        r = wiki.get(f"/wiki/Special:Random/{sub}")
        assert r.status_code == 302 and r.headers["location"] == "/wiki/Help:Start"
    assert wiki.get("/wiki/Special:Random/Category").status_code == 200  # none there
    assert wiki.get("/wiki/Special:Random/Klingon").status_code == 400


def test_new_pages_newest_first(wiki: TestClient) -> None:
    page = Page(wiki.get("/wiki/Special:NewPages").text)
    order = [h for h in page.hrefs() if h in ("/wiki/Hub", "/wiki/Leaf", "/wiki/Orphan")]
    assert order == ["/wiki/Orphan", "/wiki/Leaf", "/wiki/Hub"]
    assert "/wiki/Shortcut" not in page.hrefs()
    all_ns = Page(wiki.get("/wiki/Special:NewPages?namespace=all&hideredirs=0").text)
    assert "/wiki/Help:Start" in all_ns.hrefs() and "/wiki/Shortcut" in all_ns.hrefs()
    first = Page(wiki.get("/wiki/Special:NewPages?limit=1").text)
    assert any("offset=" in h for h in first.hrefs())


def test_maintenance_reports(wiki: TestClient) -> None:
    wanted = wiki.get("/wiki/Special:WantedPages").text
    assert re.search(r"Wanted\?action=edit&amp;redlink=1\">Wanted</a>\s*\(<a[^>]*>2 links", wanted)
    assert "Wanted_too?action=edit" in wanted
    assert "from=" in wiki.get("/wiki/Special:WantedPages?limit=1").text
    lonely = Page(wiki.get("/wiki/Special:LonelyPages").text).hrefs()
    assert "/wiki/Orphan" in lonely and "/wiki/Hub" not in lonely
    assert "/wiki/Help:Start" in wiki.get("/wiki/Special:LonelyPages?namespace=12").text
    deadend = Page(wiki.get("/wiki/Special:DeadendPages").text).hrefs()
    assert "/wiki/Orphan" in deadend and "/wiki/Leaf" not in deadend
    short = [h for h in Page(wiki.get("/wiki/Special:ShortPages").text).hrefs() if "/wiki/" in h]
    long = [h for h in Page(wiki.get("/wiki/Special:LongPages").text).hrefs() if "/wiki/" in h]
    assert short.index("/wiki/Orphan") < short.index("/wiki/Leaf")
    assert long.index("/wiki/Leaf") < long.index("/wiki/Orphan")
    assert "/wiki/Shortcut" not in short


def test_redirect_lists(wiki: TestClient, db: Database) -> None:
    put(db, "Shortcut2", "#REDIRECT [[Shortcut]]")
    listed = Page(wiki.get("/wiki/Special:ListRedirects").text).hrefs()
    assert "/wiki/Shortcut?redirect=no" in listed and "/wiki/Leaf" in listed
    double = Page(wiki.get("/wiki/Special:DoubleRedirects").text).hrefs()
    assert "/wiki/Shortcut2?redirect=no" in double and "/wiki/Leaf" in double


def test_statistics_and_special_pages(wiki: TestClient) -> None:
    html = wiki.get("/wiki/Special:Statistics").text
    stats = dict(re.findall(r'data-stat="(\w+)">([^<]*)<', html))
    assert stats["pages"] == "5" and stats["content_pages"] == "3" and stats["edits"] == "5"
    assert stats["redirects"] == "1" and stats["users"] == "0"
    listed = set(Page(wiki.get("/wiki/Special:SpecialPages").text).hrefs())
    for page in special.all_pages():
        if page.listed:
            assert f"/wiki/Special:{page.name}" in listed, page.name


def test_what_links_here(wiki: TestClient, db: Database) -> None:
    put(db, "Via shortcut", "[[Shortcut]]")
    r = wiki.get("/wiki/Special:WhatLinksHere/Leaf")
    page = Page(r.text)
    assert heading(r.text) == 'Pages that link to "Leaf"'
    assert "/wiki/Hub" in page.hrefs() and "/wiki/Shortcut?redirect=no" in page.hrefs()
    assert "/wiki/Via_shortcut" in page.hrefs(), "redirects are expanded one level"
    hidden = Page(wiki.get("/wiki/Special:WhatLinksHere/Leaf?hideredirs=1").text).hrefs()
    assert "/wiki/Hub" in hidden and "/wiki/Shortcut?redirect=no" not in hidden
    only = Page(wiki.get("/wiki/Special:WhatLinksHere?target=Leaf&hidelinks=1").text).hrefs()
    assert "/wiki/Hub" not in only and "/wiki/Shortcut?redirect=no" in only
    paged = Page(wiki.get("/wiki/Special:WhatLinksHere/Leaf?limit=1").text)
    more = [h for h in paged.hrefs() if "from=" in h]
    assert more and "/wiki/Shortcut?redirect=no" in Page(wiki.get(more[0]).text).hrefs()
    members = Page(wiki.get("/wiki/Special:WhatLinksHere/Category:Things").text).hrefs()
    assert "/wiki/Hub" in members
    assert wiki.get("/wiki/Special:WhatLinksHere/Special:AllPages").status_code == 400
    assert wiki.get("/wiki/Special:WhatLinksHere/a[b").status_code == 400
    assert wiki.get("/wiki/Special:WhatLinksHere").status_code == 200


def test_categories_list(wiki: TestClient, db: Database) -> None:
    put(db, "Category:Things", "Things.")
    put(db, "Orphan", "[[Category:Zebra]]")
    page = Page(wiki.get("/wiki/Special:Categories").text)
    assert "/wiki/Category:Things" in page.hrefs()
    assert "/wiki/Category:Zebra" in page.hrefs("new")
    assert "/wiki/Category:Zebra" in Page(wiki.get("/wiki/Special:Categories?from=T").text).hrefs()


# --- moving ---------------------------------------------------------------------------------


def move_form(client: TestClient, title: str) -> str:
    r = client.get(f"/wiki/Special:MovePage/{title}")
    assert r.status_code == 200, r.text[:300]
    token = TOKEN_RE.search(r.text)
    assert token
    return token.group(1)


def post_move(client: TestClient, title: str, new: str, **fields: str) -> tuple[int, str]:
    data = {"wpEditToken": move_form(client, title), "wpNewTitle": new, **fields}
    r = client.post(f"/wiki/Special:MovePage/{title}", data=data)
    return r.status_code, r.text


def test_anonymous_cannot_move(client: TestClient, db: Database) -> None:
    put(db, "Fixed", "x")
    assert client.get("/wiki/Special:MovePage/Fixed").status_code == 403
    assert "Special:MovePage" not in client.get("/wiki/Fixed").text


def test_move_through_the_form(client: TestClient, db: Database) -> None:
    make_user(db, "Editor", autoconfirmed=True)
    login(client, "Editor")
    put(db, "Old name", "Content. [[Category:Moved]]")
    put(db, "Talk:Old name", "Talk.")
    assert "/wiki/Special:MovePage/Old_name" in Page(client.get("/wiki/Old_name").text).hrefs()
    form = client.get("/wiki/Special:MovePage/Old_name").text
    assert 'name="wpMovetalk"' in form and 'type="hidden" name="wpLeaveRedirect"' in form

    # Without the delete right, unticking "leave a redirect" is ignored.
    status, html = post_move(client, "Old_name", "New name", wpReason="clearer", wpMovetalk="1")
    assert status == 200 and "has been moved" in html
    r = client.get("/wiki/Old_name")
    assert heading(r.text) == "New name"
    assert "Redirected from Old name" in Page(r.text).texts_in("contentSub")
    assert heading(client.get("/wiki/Talk:Old_name").text) == "Talk:New name"
    history = client.get("/wiki/New_name?action=history").text
    assert "Editor moved page [[Old name]] to [[New name]]: clearer" in history

    for bad, message in [
        ("a[b", "forbidden character"),
        ("New name", "onto itself"),
        ("Special:Elsewhere", "Special namespace"),
        ("Talk:New name", "already exists"),
        ("", "empty"),
    ]:
        status, html = post_move(client, "New_name", bad)
        assert status == 400, (bad, status)
        assert message in html and 'role="alert"' in html
    assert client.get("/wiki/Special:MovePage/Nothing_here").status_code == 404
    assert client.get("/wiki/Special:MovePage").status_code == 400
    r = client.post("/wiki/Special:MovePage/New_name", data={"wpNewTitle": "X"})
    assert r.status_code == 403, "a move without the form's token does nothing"


def test_admin_may_move_without_leaving_a_redirect(client: TestClient, db: Database) -> None:
    make_user(db, "Boss", groups=("admin",))
    login(client, "Boss")
    put(db, "Typo nmae", "Content.")
    form = client.get("/wiki/Special:MovePage/Typo_nmae").text
    assert 'type="checkbox" name="wpLeaveRedirect"' in form
    status, html = post_move(client, "Typo_nmae", "Typo name")
    assert status == 200 and "No redirect was left" in html
    assert client.get("/wiki/Typo_nmae").status_code == 404
    assert client.get("/wiki/Typo_name").status_code == 200


def test_new_pages_can_show_only_unpatrolled_creations(client: TestClient, db: Database) -> None:

    ip = TestClient(client.app, base_url="http://testserver", client=("198.51.100.7", 4000))
    edit(ip, "Dibuat_IP", "oleh IP")  # an IP's creation stays unpatrolled
    patroller = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    make_user(db, "Petugas", groups=("patroller",))
    login(patroller, "Petugas")
    edit(patroller, "Dibuat_petugas", "autopatrolled")
    everything = client.get("/wiki/Special:NewPages").text
    assert "Dibuat IP" in everything and "Dibuat petugas" in everything
    risky = client.get("/wiki/Special:NewPages?hidepatrolled=1").text
    assert "Dibuat IP" in risky and "Dibuat petugas" not in risky
