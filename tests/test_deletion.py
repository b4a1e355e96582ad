"""Deleting a page keeps its history for admins; Special:Undelete restores it wholly or by
revision; link tables, recent changes and the search index stay consistent."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.patrolkit import Html, as_user, browser, post, save
from wiki.db import Database
from wiki.models import ArchivedRevision, LinkTarget, Page, RecentChange, Revision
from wiki.navigation import links
from wiki.pages import rendering
from wiki.patrol import logs
from wiki.text import titles


def _snapshot_matches_rebuild(db: Database) -> None:
    """The incrementally kept link tables equal a rebuild from the latest texts."""
    with db.read() as s:
        before = links.snapshot(s)
    with db.write() as s:
        links.rebuild(s, rendering.render_text)
    with db.read() as s:
        assert links.snapshot(s) == before


def test_delete_and_restore_over_http(client: TestClient, db: Database) -> None:
    app = client.app
    alice = as_user(app, db, "Alice")
    save(alice, "Hub", "Links to [[Doomed]].")
    save(alice, "Doomed", "First text, links to [[Hub]].")
    save(browser(app, "203.0.113.5"), "Doomed", "Second text, links to [[Hub]] and [[Elsewhere]].")
    admin = as_user(app, db, "Admin", groups=("admin",), ip="192.0.2.40")
    assert Html(admin.get("/wiki/Doomed").text).find("li", id="ca-delete")
    assert admin.get("/wiki/Doomed?action=delete").status_code == 200
    with db.read() as s:
        assert s.query(Page).filter_by(title="Doomed").count() == 1  # a GET changes nothing
    r = post(admin, "/wiki/Doomed?action=delete", {"reason": "hoax"})
    assert r.status_code == 303
    anon = browser(app, "192.0.2.50")
    assert anon.get("/wiki/Doomed").status_code == 404
    hub = Html(anon.get("/wiki/Hub").text)
    assert [a["attrs"]["class"] for a in hub.find("a") if a["text"] == "Doomed"] == ["new"]
    with db.read() as s:
        assert s.query(Revision).count() == 1  # Hub's only
        assert s.query(ArchivedRevision).count() == 2
        assert s.query(RecentChange).filter_by(title="Doomed", kind="edit").count() == 0
        assert s.query(LinkTarget).filter_by(title="Elsewhere").count() == 0
        assert logs.entries(s, type="delete")[0].comment == "hoax"
    _snapshot_matches_rebuild(db)
    # The search index forgets the page.
    assert app.state.search.sync(app.state.wiki.db, wait=10, reconcile=True) is not None
    assert anon.get("/w/rest.php/v1/search/page?q=Second").json()["pages"] == []
    # Special:Undelete lists it for admins; one revision's text can be read there.
    listing = admin.get("/wiki/Special:Undelete").text
    assert "Doomed" in listing
    assert "First text" in admin.get("/wiki/Special:Undelete/Doomed?revision=2").text
    # Restore only the first revision, then the rest.
    r = post(admin, "/wiki/Special:Undelete/Doomed", {"ids": "2", "reason": "not a hoax"})
    assert r.status_code == 303
    assert "First text" in anon.get("/wiki/Doomed").text
    r = post(admin, "/wiki/Special:Undelete/Doomed", {})
    assert r.status_code == 303
    view = anon.get("/wiki/Doomed").text
    assert "Second text" in view
    history = Html(anon.get("/wiki/Doomed?action=history").text)
    assert [li["attrs"]["data-revid"] for li in history.find("li") if "data-revid" in li["attrs"]][
        -2:
    ] == ["3", "2"]  # restored revisions keep their ids
    with db.read() as s:
        assert s.query(ArchivedRevision).count() == 0
        assert [e.action for e in logs.entries(s, type="delete")] == [
            "restore",
            "restore",
            "delete",
        ]
    _snapshot_matches_rebuild(db)
    assert app.state.search.sync(app.state.wiki.db, wait=10, reconcile=True) is not None
    assert anon.get("/w/rest.php/v1/search/page?q=Second").json()["pages"]


def test_restore_merges_with_a_page_created_since(client: TestClient, db: Database) -> None:
    app = client.app
    admin = as_user(app, db, "Admin", groups=("admin",), ip="192.0.2.40")
    save(admin, "Again", "old text")
    post(admin, "/wiki/Again?action=delete")
    save(admin, "Again", "new text")
    post(admin, "/wiki/Special:Undelete/Again")
    with db.read() as s:
        page = s.query(Page).filter_by(title="Again").one()
        ids = [r.id for r in s.query(Revision).filter_by(page_id=page.id).order_by(Revision.id)]
        assert ids == [1, 2]  # the restored revision joins the history, under it
    assert "new text" in browser(app).get("/wiki/Again").text


def test_only_admins_delete_and_undelete(client: TestClient, db: Database) -> None:
    app = client.app
    pat = as_user(app, db, "Pat", groups=("patroller",))
    save(pat, "Tetap", "x")
    assert not Html(pat.get("/wiki/Tetap").text).find("li", id="ca-delete")
    assert pat.get("/wiki/Tetap?action=delete").status_code == 403
    assert post(pat, "/wiki/Tetap?action=delete").status_code == 403
    assert pat.get("/wiki/Special:Undelete").status_code == 403
    assert post(pat, "/wiki/Special:Undelete/Tetap").status_code == 403
    with db.read() as s:
        assert s.query(Page).filter(Page.title == titles.parse("Tetap").text).count() == 1
