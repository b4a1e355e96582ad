"""The patrol REST API: recent changes and contributions with filters, the watchlist, patrol,
undo, rollback and revision visibility; JSON errors."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.patrolkit import api_headers, as_user, browser, save
from wiki.db import Database

ORIGINAL = "Satu.\n\nDua.\n\nTiga."


def test_recent_changes_and_contributions(client: TestClient, db: Database) -> None:
    app = client.app
    ip = browser(app, "203.0.113.5")
    save(ip, "Api", ORIGINAL, summary="baru")
    save(ip, "Api", ORIGINAL + "\n\nEmpat.", minor=True)
    save(ip, "Help:Api", "bantuan")
    r = client.get("/w/rest.php/v1/recentchanges?namespace=0&hidelogs=1&limit=1")
    assert r.status_code == 200
    data = r.json()
    change = data["changes"][0]
    assert change["title"] == "Api" and change["minor"] and not change["patrolled"]
    assert change["user"] == {"id": None, "name": "203.0.113.5"} and change["current"]
    assert change["delta"] == len("\n\nEmpat.") and change["user_kind"] == "anon"
    assert "older_than=" in data["older"] and "namespace=0" in data["older"]
    nxt = client.get(data["older"].split("testserver")[1]).json()
    assert [c["new"] for c in nxt["changes"]] == [True]
    assert client.get("/w/rest.php/v1/recentchanges?period=1y").json()["httpCode"] == 400
    contribs = client.get("/w/rest.php/v1/user/203.0.113.5/contributions?limit=2").json()
    assert [c["page"]["title"] for c in contribs["contributions"]] == ["Help:Api", "Api"]
    assert contribs["older"] and contribs["newer"] is None
    assert client.get("/w/rest.php/v1/user/Nobody/contributions").json()["contributions"] == []


def test_watch_unwatch_and_watchlist(client: TestClient, db: Database) -> None:
    app = client.app
    save(browser(app, "192.0.2.1"), "Pantau Api", "x")
    bob = as_user(app, db, "Bob")
    h = api_headers(bob)
    r = bob.put("/w/rest.php/v1/watchlist/Pantau_Api", json={"expiry": "1 month"}, headers=h)
    assert r.status_code == 200 and r.json()["watched"] and r.json()["expires"]
    pages = bob.get("/w/rest.php/v1/watchlist/pages").json()["pages"]
    assert [p["title"] for p in pages] == ["Pantau Api"]
    save(browser(app, "203.0.113.5"), "Pantau Api", "xy")
    changes = bob.get("/w/rest.php/v1/watchlist?hidelogs=1").json()["changes"]
    assert [(c["title"], c["seen"]) for c in changes] == [
        ("Pantau Api", False),
        ("Pantau Api", True),
    ]
    r = bob.delete("/w/rest.php/v1/watchlist/Pantau_Api", headers=h)
    assert r.status_code == 200 and not r.json()["watched"]
    assert client.get("/w/rest.php/v1/watchlist").status_code == 403
    assert bob.put("/w/rest.php/v1/watchlist/Special:X", json={}, headers=h).status_code == 400


def test_patrol_rollback_undo_and_visibility(client: TestClient, db: Database) -> None:
    app = client.app
    alice = as_user(app, db, "Alice", ip="192.0.2.2")
    save(alice, "Aksi", ORIGINAL)
    vandal = browser(app, "203.0.113.5")
    save(vandal, "Aksi", ORIGINAL.replace("Satu", "RUSAK"))
    pat = as_user(app, db, "Pat", groups=("patroller",), ip="192.0.2.3")
    h = api_headers(pat)
    r = pat.post("/w/rest.php/v1/revision/2/patrol", headers=h)
    assert r.json() == {"revision": 2, "patrolled": True, "changed": True}
    assert pat.post("/w/rest.php/v1/revision/2/patrol", headers=h).json()["changed"] is False
    r = pat.post("/w/rest.php/v1/page/Aksi/rollback", json={"from": "203.0.113.5"}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["reverted"] == 1 and r.json()["latest"]["id"] == 3
    again = pat.post("/w/rest.php/v1/page/Aksi/rollback", json={"from": "203.0.113.5"}, headers=h)
    assert again.status_code == 409 and again.json()["httpReason"] == "Conflict"
    # Undo: clean with a later edit, then a conflicting one.
    save(vandal, "Aksi", ORIGINAL.replace("Tiga", "SPAM"))
    save(alice, "Aksi", ORIGINAL.replace("Tiga", "SPAM").replace("Satu", "Satu!"))
    r = pat.post("/w/rest.php/v1/page/Aksi/undo", json={"undo": 4}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["source"] == ORIGINAL.replace("Satu", "Satu!")
    save(vandal, "Aksi", ORIGINAL.replace("Dua", "DUA"))
    save(alice, "Aksi", ORIGINAL.replace("Dua", "Dua lagi"))
    r = pat.post("/w/rest.php/v1/page/Aksi/undo", json={"undo": 7}, headers=h)
    assert r.status_code == 409 and "could not be undone" in r.json()["message"]
    assert (
        pat.post("/w/rest.php/v1/page/Aksi/undo", json={"undo": "x"}, headers=h).status_code == 400
    )
    # Visibility: admins hide, everyone reads the flags.
    admin = as_user(app, db, "Admin", groups=("admin",), ip="192.0.2.4")
    r = admin.put(
        "/w/rest.php/v1/revision/2/visibility",
        json={"text": True, "comment": True, "reason": "spam"},
        headers=api_headers(admin),
    )
    assert r.status_code == 200
    assert r.json()["hidden"] == {"text": True, "comment": True, "user": False}
    assert client.get("/w/rest.php/v1/revision/2/visibility").json()["hidden"]["text"] is True
    r = admin.put(
        "/w/rest.php/v1/revision/8/visibility", json={"text": True}, headers=api_headers(admin)
    )
    assert r.status_code == 400  # the current revision's text stays visible
