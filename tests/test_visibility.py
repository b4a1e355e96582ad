"""Hidden revision parts are absent from every surface for readers without viewsuppressed:
history, diffs, old revisions, raw text, recent changes, contributions, feeds, the API and
search; admins still see them; hiding and un-hiding need the same right; the current text
cannot be hidden."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.patrolkit import Html, api_headers, as_user, browser, post, save, text_of
from wiki.db import Database
from wiki.pages import visibility
from wiki.text import titles

SECRET_TEXT = "Nomor telepon pribadi 0812SECRET"
SECRET_SUMMARY = "doxxing SUMMARYSECRET"
VANDAL_IP = "203.0.113.66"


@pytest.fixture
def hidden(client: TestClient, db: Database) -> dict[str, Any]:
    """Alice writes; an IP adds private data; Alice reverts; an admin hides all three parts
    of the IP's revision (revision 2)."""
    app = client.app
    alice = as_user(app, db, "Alice")
    save(alice, "Rahasia", "Teks umum tentang kebijakan.")
    save(
        browser(app, VANDAL_IP),
        "Rahasia",
        f"Teks umum tentang kebijakan. {SECRET_TEXT}",
        SECRET_SUMMARY,
    )
    save(alice, "Rahasia", "Teks umum tentang kebijakan.", "revert")
    admin = as_user(app, db, "Admin", groups=("admin",), ip="192.0.2.40")
    form = admin.get("/wiki/Special:RevisionDelete?ids=2")
    assert form.status_code == 200
    r = post(
        admin,
        "/wiki/Special:RevisionDelete",
        {"ids": "2", "hide-text": "1", "hide-summary": "1", "hide-user": "1", "reason": "privacy"},
    )
    assert r.status_code == 303
    patroller = as_user(app, db, "Pat", groups=("patroller",), ip="192.0.2.41")
    return {"app": app, "admin": admin, "patroller": patroller, "anon": browser(app, "192.0.2.42")}


SURFACES = (
    "/wiki/Rahasia?action=history",
    "/wiki/Rahasia?action=history&feed=atom",
    "/wiki/Rahasia?diff=2",
    "/wiki/Rahasia?diff=3&oldid=2",
    "/wiki/Rahasia?diff=prev&oldid=3",
    "/wiki/Rahasia?oldid=2",
    "/wiki/Rahasia?action=raw&oldid=2",
    "/wiki/Rahasia?action=info",
    "/wiki/Rahasia?action=edit&undo=2",
    "/wiki/Rahasia?action=edit&oldid=2",
    "/wiki/Special:RecentChanges",
    "/wiki/Special:RecentChanges?feed=atom",
    f"/wiki/Special:Contributions/{VANDAL_IP}",
    "/w/rest.php/v1/page/Rahasia/history",
    "/w/rest.php/v1/revision/2",
    "/w/rest.php/v1/revision/2/compare/3",
    "/w/rest.php/v1/recentchanges",
    f"/w/rest.php/v1/user/{VANDAL_IP}/contributions",
)


@pytest.mark.parametrize("reader", ["anon", "patroller"])
def test_hidden_parts_are_absent_everywhere(hidden: dict[str, Any], reader: str) -> None:
    c: TestClient = hidden[reader]
    for url in SURFACES:
        r = c.get(url)
        assert r.status_code in (200, 403), (url, r.status_code)
        # Contributions pages name the IP they were asked for; the hidden edit is not listed.
        names_ip = VANDAL_IP in url
        for secret in ("0812SECRET", "SUMMARYSECRET", *(() if names_ip else (VANDAL_IP,))):
            assert secret not in r.text, (url, secret)
    assert 'data-revid="2"' not in c.get(f"/wiki/Special:Contributions/{VANDAL_IP}").text
    assert c.get(f"/w/rest.php/v1/user/{VANDAL_IP}/contributions").json()["contributions"] == []
    history = Html(c.get("/wiki/Rahasia?action=history").text)
    assert "(username removed)" in text_of(c.get("/wiki/Rahasia?action=history").text)
    assert history.by_class("history-deleted")
    assert c.get("/wiki/Rahasia?oldid=2").status_code == 403
    assert c.get("/w/rest.php/v1/revision/2/compare/3").status_code == 403
    data = c.get("/w/rest.php/v1/revision/2").json()
    assert "source" not in data and data["comment"] is None and data["user"] is None
    assert data["hidden"] == {"text": True, "comment": True, "user": True}


def test_hidden_text_is_not_searchable(hidden: dict[str, Any]) -> None:
    app = hidden["app"]
    assert app.state.search.sync(app.state.wiki.db, wait=10, reconcile=True) is not None
    for c in (hidden["anon"], hidden["admin"]):
        r = c.get("/w/rest.php/v1/search/page?q=0812SECRET")
        assert r.status_code == 200 and r.json()["pages"] == []
    assert hidden["anon"].get("/w/rest.php/v1/search/page?q=kebijakan").json()["pages"]


def test_admins_see_hidden_parts_and_only_they_can_unhide(
    hidden: dict[str, Any], db: Database
) -> None:
    admin: TestClient = hidden["admin"]
    assert "0812SECRET" in admin.get("/wiki/Rahasia?diff=2").text
    assert "SUMMARYSECRET" in admin.get("/wiki/Rahasia?action=history").text
    assert VANDAL_IP in admin.get(f"/wiki/Special:Contributions/{VANDAL_IP}").text
    assert admin.get("/w/rest.php/v1/revision/2").json()["source"].endswith("0812SECRET")
    pat: TestClient = hidden["patroller"]
    assert post(pat, "/wiki/Special:RevisionDelete", {"ids": "2"}).status_code == 403
    assert pat.get("/wiki/Special:RevisionDelete?ids=2").status_code == 403
    r = pat.put(
        "/w/rest.php/v1/revision/2/visibility",
        json={"text": False},
        headers=api_headers(pat),
    )
    assert r.status_code == 403
    # Un-hiding: every part unticked shows it again, and it is logged.
    assert post(admin, "/wiki/Special:RevisionDelete", {"ids": "2"}).status_code == 303
    assert "0812SECRET" in hidden["anon"].get("/wiki/Rahasia?diff=2").text
    log = admin.get("/wiki/Special:Log?type=revision").text
    assert len(Html(log).find("li", **{"data-log-type": "revision"})) == 2


def test_the_current_text_cannot_be_hidden(hidden: dict[str, Any], db: Database) -> None:
    admin: TestClient = hidden["admin"]
    r = post(admin, "/wiki/Special:RevisionDelete", {"ids": "3", "hide-text": "1"})
    assert r.status_code == 400
    r = post(admin, "/wiki/Special:RevisionDelete", {"ids": "3", "hide-summary": "1"})
    assert r.status_code == 303  # its summary or author can be
    with db.read() as s:
        from wiki.pages import revisions

        assert revisions.revision_info(s, 3).visibility == visibility.SUMMARY
        page = revisions.get_page(s, titles.parse("Rahasia"))
        assert page is not None and page.latest_id == 3
