"""RSS beside Atom, feeds for Special:Contributions and Special:NewPages, and errors on feed
URLs answered as feeds."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from starlette.testclient import TestClient

from tests.conftest import edit, login, make_user
from wiki.db import Database

ATOM = "{http://www.w3.org/2005/Atom}"


def test_rss_and_atom_for_recent_changes_history_contributions_and_new_pages(
    client: TestClient, db: Database
) -> None:
    make_user(db, "Penulis")
    login(client, "Penulis")
    assert edit(client, "Umpan", "satu").status_code == 303
    assert edit(client, "Umpan", "satu dua").status_code == 303
    for url in (
        "/wiki/Special:RecentChanges",
        "/wiki/Umpan?action=history",
        "/wiki/Special:Contributions/Penulis",
        "/wiki/Special:NewPages",
    ):
        sep = "&" if "?" in url else "?"
        rss = client.get(f"{url}{sep}feed=rss")
        assert rss.status_code == 200, (url, rss.text[:300])
        assert rss.headers["content-type"].startswith("application/rss+xml"), url
        items = ET.fromstring(rss.content).findall("./channel/item")
        assert items and items[0].findtext("title") == "Umpan", url
        atom = client.get(f"{url}{sep}feed=atom")
        assert atom.headers["content-type"].startswith("application/atom+xml"), url
        assert ET.fromstring(atom.content).findall(f"{ATOM}entry"), url


def test_errors_on_feed_urls_are_feeds(client: TestClient) -> None:
    r = client.get("/wiki/Tidak_ada?action=history&feed=rss")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/rss+xml")
    title = ET.fromstring(r.content).findtext("./channel/item/title")
    assert title and title.startswith("404")
    r = client.get("/wiki/Special:RecentChanges?feed=atom&period=nonsense")
    assert r.status_code == 400
    assert ET.fromstring(r.content).tag == f"{ATOM}feed"
