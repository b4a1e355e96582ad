"""Watchlists over HTTP: the star and its confirm form (a GET changes nothing), page and talk
watched together, expiry, watch-by-default, Special:Watchlist with its marks and "mark all as
seen", Special:EditWatchlist, one notification per page until a visit, the private feed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from tests.patrolkit import Html, as_user, browser, post, rc_rows, save, token
from wiki.db import Database
from wiki.models import User, Watch, utcnow
from wiki.patrol import recentchanges, watchlist
from wiki.talk import notifications
from wiki.text import titles


def _watched(db: Database, uid: int, title: str) -> bool:
    with db.read() as s:
        return watchlist.state(s, uid, titles.parse(title)).watched


def _uid(db: Database, name: str) -> int:
    with db.read() as s:
        user = s.query(User).filter_by(name=name).one()
        return user.id


def test_star_form_then_post_watches_page_and_talk(client: TestClient, db: Database) -> None:
    app = client.app
    save(browser(app, "192.0.2.1"), "Anggaran", "Teks anggaran.")
    bob = as_user(app, db, "Bob")
    uid = _uid(db, "Bob")
    view = Html(bob.get("/wiki/Anggaran").text)
    star = view.find("li", id="ca-watch")[0]
    assert "Watch" in star["text"] and "watched" not in star["attrs"]["class"]
    form = bob.get("/wiki/Anggaran?action=watch")
    assert form.status_code == 200 and 'name="expiry"' in form.text
    assert not _watched(db, uid, "Anggaran")  # a GET never changes anything
    assert post(bob, "/wiki/Anggaran?action=watch", {"expiry": "infinite"}).status_code == 303
    assert _watched(db, uid, "Anggaran") and _watched(db, uid, "Talk:Anggaran")
    star = Html(bob.get("/wiki/Anggaran").text).find("li", id="ca-watch")[0]
    assert "Unwatch" in star["text"] and "watched" in star["attrs"]["class"]
    # From the talk page, unwatching removes both.
    assert bob.get("/wiki/Talk:Anggaran?action=unwatch").status_code == 200
    assert _watched(db, uid, "Talk:Anggaran")
    assert post(bob, "/wiki/Talk:Anggaran?action=unwatch").status_code == 303
    assert not _watched(db, uid, "Anggaran") and not _watched(db, uid, "Talk:Anggaran")


def test_watching_needs_an_account_and_a_token(client: TestClient, db: Database) -> None:
    app = client.app
    anon = browser(app, "192.0.2.2")
    save(anon, "Topik", "x")
    assert anon.get("/wiki/Topik?action=watch").status_code == 403
    assert anon.get("/wiki/Special:EditWatchlist").status_code == 403
    assert post(anon, "/wiki/Special:EditWatchlist", {"titles": "Topik"}).status_code == 403
    assert post(anon, "/wiki/Topik?action=watch").status_code == 403
    bob = as_user(app, db, "Bob")
    assert bob.post("/wiki/Topik?action=watch", data={"expiry": "infinite"}).status_code == 403
    assert bob.post("/wiki/Topik?action=watch", data={"wpEditToken": "forged"}).status_code == 403
    assert not _watched(db, _uid(db, "Bob"), "Topik")
    assert post(bob, "/wiki/Special:Foo?action=watch").status_code in (400, 404)


def test_expiry_one_week(client: TestClient, db: Database) -> None:
    app = client.app
    save(browser(app), "Sementara", "x")
    bob = as_user(app, db, "Bob")
    uid = _uid(db, "Bob")
    post(bob, "/wiki/Sementara?action=watch", {"expiry": "1 week"})
    with db.read() as s:
        state = watchlist.state(s, uid, titles.parse("Sementara"))
    assert state.expires_at is not None
    assert timedelta(days=6) < state.expires_at - utcnow() <= timedelta(days=7)
    assert post(bob, "/wiki/Sementara?action=watch", {"expiry": "forever-ish"}).status_code == 400
    with db.write() as s:  # time passes
        for row in s.query(Watch).filter_by(user_id=uid):
            row.expires_at = utcnow() - timedelta(seconds=1)
    assert not _watched(db, uid, "Sementara")
    assert "Sementara" not in bob.get("/wiki/Special:EditWatchlist").text


def test_edits_watch_by_default_unless_the_preference_is_off(
    client: TestClient, db: Database
) -> None:
    app = client.app
    bob = as_user(app, db, "Bob")
    uid = _uid(db, "Bob")
    save(bob, "Dibuat Bob", "x")
    assert _watched(db, uid, "Dibuat Bob")
    r = post(bob, "/wiki/Special:Preferences", {"watch_edits": "0", "diff_mode": "side"})
    assert r.status_code == 303
    save(bob, "Lain lagi", "y")
    assert not _watched(db, uid, "Lain lagi")
    assert 'name="watch_edits"' in bob.get("/wiki/Special:Preferences").text


def test_watchlist_marks_notifications_and_mark_all_seen(client: TestClient, db: Database) -> None:
    app = client.app
    bob = as_user(app, db, "Bob")
    uid = _uid(db, "Bob")
    save(bob, "Pantau", "asli")  # watched by default; Bob's own edit notifies nobody
    save(bob, "Diam", "tidak diubah orang lain")
    vandal = browser(app, "203.0.113.7")
    save(vandal, "Pantau", "dirusak", summary="lol")
    save(vandal, "Pantau", "dirusak lagi")
    with db.read() as s:
        inbox = notifications.inbox(s, uid, unread_only=True)
    assert [(n.kind, n.title.full, n.actor) for n in inbox] == [("watch", "Pantau", "203.0.113.7")]
    r = bob.get("/wiki/Special:Watchlist?hidelogs=1")
    rows = rc_rows(r.text)
    assert len(rows) == 4
    unseen = [row for row in rows if "mw-changeslist-line-not-watched" in row["attrs"]["class"]]
    assert len(unseen) == 2 and all("Pantau" in row["text"] for row in unseen)
    # Visiting the page clears its mark and its notification.
    bob.get("/wiki/Pantau")
    with db.read() as s:
        assert notifications.unread_count(s, uid) == 0
    rows = rc_rows(bob.get("/wiki/Special:Watchlist?hidelogs=1").text)
    assert not [row for row in rows if "not-watched" in row["attrs"]["class"]]
    # A new change notifies again; "mark all as seen" clears marks and the notification.
    save(vandal, "Pantau", "dirusak ketiga kali")
    with db.read() as s:
        assert notifications.unread_count(s, uid) == 1
    assert post(bob, "/wiki/Special:Watchlist", {"action": "markseen"}).status_code == 303
    with db.read() as s:
        assert notifications.unread_count(s, uid) == 0
    rows = rc_rows(bob.get("/wiki/Special:Watchlist?hidelogs=1").text)
    assert not [row for row in rows if "not-watched" in row["attrs"]["class"]]
    assert browser(app).get("/wiki/Special:Watchlist").status_code == 403


def test_edit_watchlist_bulk_removal(client: TestClient, db: Database) -> None:
    app = client.app
    bob = as_user(app, db, "Bob")
    uid = _uid(db, "Bob")
    for t in ("Satu", "Dua", "Tiga"):
        save(bob, t, t)
    html = bob.get("/wiki/Special:EditWatchlist").text
    assert [e["attrs"]["value"] for e in Html(html).find("input", name="titles")] == [
        "Dua",
        "Satu",
        "Tiga",
    ]
    r = bob.post(
        "/wiki/Special:EditWatchlist",
        data={"wpEditToken": token(bob), "titles": ["Satu", "Tiga"]},
    )
    assert r.status_code == 303
    assert [t for t in ("Satu", "Dua", "Tiga") if _watched(db, uid, t)] == ["Dua"]
    assert not _watched(db, uid, "Talk:Satu")


def test_private_watchlist_feed_and_token_reset(client: TestClient, db: Database) -> None:
    app = client.app
    bob = as_user(app, db, "Bob")
    save(bob, "Umpan", "asli")
    save(browser(app, "203.0.113.8"), "Umpan", "diubah oleh IP", summary="ubah")
    html = bob.get("/wiki/Special:Watchlist").text
    feed_link = next(a["attrs"]["href"] for a in Html(html).by_class("feed"))
    assert "wltoken=" in feed_link and "wlowner=Bob" in feed_link
    anon = browser(app, "192.0.2.99")
    r = anon.get(feed_link.replace("&amp;", "&"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    assert "ubah" in r.text and "diubah" in r.text  # the entry carries the diff
    assert anon.get("/wiki/Special:Watchlist?feed=atom&wlowner=Bob&wltoken=nope").status_code == 403
    post(bob, "/wiki/Special:Watchlist", {"action": "resettoken"})
    assert anon.get(feed_link).status_code == 403


def test_long_and_short_watchlists_list_the_same_changes(
    client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two query plans (join from the watchlist, or scan the changes): one answer."""
    app = client.app
    bob = as_user(app, db, "Bob")
    for t in ("Satu", "Dua"):
        save(bob, t, t)
    ip = browser(app, "203.0.113.9")
    for i, t in enumerate(("Satu", "Tiga", "Dua", "Satu")):
        save(ip, t, f"{t} diubah {i}")
    short = bob.get("/w/rest.php/v1/watchlist?hidelogs=1").json()["changes"]
    monkeypatch.setattr(recentchanges, "WATCHLIST_SCAN_ABOVE", 0)
    scanned = bob.get("/w/rest.php/v1/watchlist?hidelogs=1").json()["changes"]
    assert scanned == short
    assert [(c["title"], c["seen"]) for c in short] == [
        ("Satu", False),
        ("Dua", False),
        ("Satu", False),
        ("Dua", True),
        ("Satu", True),
    ]
