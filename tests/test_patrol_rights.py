"""Who may patrol, roll back, hide, delete and restore: everyone without the right is refused
(HTML forms and the REST API alike), and a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from starlette.testclient import TestClient

from tests.patrolkit import api_headers, as_user, browser, post, save
from wiki.accounts import blocks
from wiki.db import Database
from wiki.models import ArchivedRevision, LogEntry, RecentChange, Revision
from wiki.pages import revisions
from wiki.patrol import logs, recording
from wiki.text import titles
from wiki.text.expiry import parse as parse_expiry

ROLES = ("anonymous", "new", "autoconfirmed", "bot", "blocked patroller", "patroller", "admin")


def _clients(app: object, db: Database) -> dict[str, TestClient]:
    clients = {"anonymous": browser(app, "192.0.2.60")}
    clients["new"] = as_user(app, db, "Newbie", autoconfirmed=False, ip="192.0.2.61")
    clients["autoconfirmed"] = as_user(app, db, "Confirmed", ip="192.0.2.62")
    clients["bot"] = as_user(app, db, "Botty", groups=("bot",), ip="192.0.2.63")
    clients["blocked patroller"] = as_user(
        app, db, "Blockedpat", groups=("patroller",), ip="192.0.2.64"
    )
    with db.write() as s:
        blocks.block(
            s,
            "Blockedpat",
            expires_at=parse_expiry("1 day"),
            reason="test",
            allow_usertalk=True,
            block_createaccount=True,
            performer=logs.Performer("Admin"),
        )
    clients["patroller"] = as_user(app, db, "Pat", groups=("patroller",), ip="192.0.2.65")
    clients["admin"] = as_user(app, db, "Admin", groups=("admin",), ip="192.0.2.66")
    return clients


def _state(db: Database) -> tuple[int, int, int, int, int]:
    """Everything a patrol action changes: revisions, archive, log, patrolled rows, visibility."""
    with db.read() as s:
        return (
            s.query(Revision).count(),
            s.query(ArchivedRevision).count(),
            s.query(LogEntry).count(),
            s.query(RecentChange).filter(RecentChange.patrolled != 0).count(),
            sum(r.visibility for r in s.query(Revision)),
        )


Action = Callable[[TestClient], httpx.Response]


def _html_actions(rcid: int) -> dict[str, tuple[Action, frozenset[str]]]:
    staff = frozenset({"patroller", "admin"})
    admin = frozenset({"admin"})
    return {
        "mark patrolled": (
            lambda c: post(c, "/wiki/Target?action=markpatrolled", {"rcid": str(rcid)}),
            staff,
        ),
        "rollback": (
            lambda c: post(c, "/wiki/Target?action=rollback", {"from": "203.0.113.5"}),
            staff,
        ),
        "hide": (
            lambda c: post(c, "/wiki/Special:RevisionDelete", {"ids": "2", "hide-summary": "1"}),
            admin,
        ),
        "delete": (lambda c: post(c, "/wiki/Target?action=delete", {"reason": "x"}), admin),
        "undelete": (lambda c: post(c, "/wiki/Special:Undelete/Gone", {}), admin),
        "view deleted": (lambda c: c.get("/wiki/Special:Undelete/Gone?revision=4"), admin),
    }


def _api_actions(rcid: int) -> dict[str, tuple[Action, frozenset[str]]]:
    staff = frozenset({"patroller", "admin"})

    def call(method: str, url: str, body: dict[str, object] | None = None) -> Action:
        def run(c: TestClient) -> httpx.Response:
            return c.request(method, url, json=body, headers=api_headers(c))

        return run

    return {
        "api patrol": (call("POST", "/w/rest.php/v1/revision/2/patrol"), staff),
        "api rollback": (
            call("POST", "/w/rest.php/v1/page/Target/rollback", {"from": "203.0.113.5"}),
            staff,
        ),
        "api visibility": (
            call("PUT", "/w/rest.php/v1/revision/2/visibility", {"comment": True}),
            frozenset({"admin"}),
        ),
    }


def test_everyone_without_the_right_is_refused(client: TestClient, db: Database) -> None:
    app = client.app
    alice = as_user(app, db, "Alice", ip="192.0.2.59")
    save(alice, "Target", "good text")
    save(browser(app, "203.0.113.5"), "Target", "vandalism", summary="bad")
    save(alice, "Gone", "to be deleted")
    with db.write() as s:
        from wiki.pages import deletion

        deletion.delete_page(s, titles.parse("Gone"), performer=logs.Performer("Admin"))
        rc = recording.for_revision(s, 2)
        assert rc is not None
        rcid = rc.id
    clients = _clients(app, db)
    actions = _html_actions(rcid) | _api_actions(rcid)
    for name, (act, allowed) in actions.items():
        for role in ROLES:
            if role in allowed:
                continue
            before = _state(db)
            r = act(clients[role])
            assert r.status_code == 403, (name, role, r.status_code, r.text[:300])
            assert _state(db) == before, (name, role)
    # And those with the right can (each action once, by the first role allowed).
    assert (
        post(
            clients["patroller"], "/wiki/Target?action=markpatrolled", {"rcid": str(rcid)}
        ).status_code
        == 303
    )
    r = post(clients["patroller"], "/wiki/Target?action=rollback", {"from": "203.0.113.5"})
    assert r.status_code == 303
    with db.read() as s:
        page = revisions.get_page(s, titles.parse("Target"))
        assert page is not None and revisions.latest_revision(s, page).text == "good text"
    admin = clients["admin"]
    assert (
        post(admin, "/wiki/Special:RevisionDelete", {"ids": "2", "hide-summary": "1"}).status_code
        == 303
    )
    assert post(admin, "/wiki/Special:Undelete/Gone", {}).status_code == 303
    assert post(admin, "/wiki/Target?action=delete", {}).status_code == 303


def test_api_writes_with_a_session_need_the_token(client: TestClient, db: Database) -> None:
    app = client.app
    save(browser(app, "203.0.113.5"), "Token", "x")
    pat = as_user(app, db, "Pat", groups=("patroller",))
    r = pat.post("/w/rest.php/v1/revision/1/patrol")
    assert r.status_code == 403 and r.json()["httpCode"] == 403
    r = pat.put("/w/rest.php/v1/watchlist/Token", json={})
    assert r.status_code == 403
    assert pat.post("/w/rest.php/v1/revision/1/patrol", headers=api_headers(pat)).status_code == 200
