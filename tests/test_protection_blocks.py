"""Protection and blocks as a reader, an editor and an admin see them."""

from __future__ import annotations

import dataclasses
import re

from sqlalchemy import select
from starlette.testclient import TestClient

from tests.conftest import edit, login, make_user, token_of
from wiki.db import Database
from wiki.models import LogEntry
from wiki.settings import Settings


def test_protected_page_shows_lock_and_view_source(client: TestClient, db: Database) -> None:
    edit(client, "Kebijakan", "Teks resmi.")
    make_user(db, "Boss", groups=("admin",))
    admin = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    login(admin, "Boss")
    r = admin.post(
        "/wiki/Kebijakan?action=protect",
        data={
            "wpEditToken": token_of(admin),
            "level-edit": "autoconfirmed",
            "level-move": "admin",
            "expiry": "1 week",
            "reason": "hoax target",
        },
    )
    assert r.status_code == 303
    view = client.get("/wiki/Kebijakan").text
    assert "class=lock" in view and "View source" in view
    form = client.get("/wiki/Kebijakan?action=edit").text
    assert "readonly" in form and 'name="wpSave"' not in form and "hoax target" in form
    assert "View source" not in admin.get("/wiki/Kebijakan").text
    info = admin.get("/wiki/Kebijakan?action=protect").text
    assert "autoconfirmed" in info and "hoax target" in info
    with db.read() as s:
        entry = s.scalar(select(LogEntry).where(LogEntry.type == "protect"))
        assert entry is not None and entry.title == "Kebijakan" and entry.action == "protect"


def test_missing_title_can_be_protected_from_creation(client: TestClient, db: Database) -> None:
    make_user(db, "Boss", groups=("admin",))
    admin = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    login(admin, "Boss")
    r = admin.post(
        "/wiki/Hoaks?action=protect",
        data={"wpEditToken": token_of(admin), "level-create": "admin", "reason": "salted"},
    )
    assert r.status_code == 303
    assert edit(client, "Hoaks", "hoax text").status_code == 403
    assert client.get("/wiki/Hoaks").status_code == 404
    bad = admin.post(
        "/wiki/Hoaks?action=protect",
        data={"wpEditToken": token_of(admin), "level-create": "admin", "expiry": "yesterday"},
    )
    assert bad.status_code == 400


def test_blocked_user_sees_reason_and_expiry_and_may_use_own_talk(
    client: TestClient, db: Database
) -> None:
    make_user(db, "Boss", groups=("admin",))
    make_user(db, "Vandal")
    admin = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    login(admin, "Boss")
    edit(admin, "Halaman", "teks")
    r = admin.post(
        "/wiki/Special:Block",
        data={
            "wpEditToken": token_of(admin),
            "target": "Vandal",
            "expiry": "3 days",
            "reason": "menambahkan hoaks",
            "allow_usertalk": "1",
        },
    )
    assert r.status_code == 303
    login(client, "Vandal")
    form = client.get("/wiki/Halaman?action=edit").text
    assert "You are blocked" in form and "menambahkan hoaks" in form and "readonly" in form
    assert edit(client, "Halaman", "vandalism").status_code == 403
    assert client.get("/wiki/Halaman?action=raw").text == "teks"
    assert edit(client, "User_talk:Vandal", "I am sorry").status_code == 303
    listing = client.get("/wiki/Special:BlockList").text
    assert "Vandal" in listing and "menambahkan hoaks" in listing
    r = admin.post(
        "/wiki/Special:Unblock",
        data={"wpEditToken": token_of(admin), "target": "Vandal", "reason": "appeal"},
    )
    assert r.status_code == 303
    assert edit(client, "Halaman", "good edit").status_code == 303
    with db.read() as s:
        actions = list(s.scalars(select(LogEntry.action).where(LogEntry.type == "block")))
    assert actions == ["block", "unblock"]


def test_ip_block_blocks_account_creation(client: TestClient, db: Database) -> None:
    from wiki.accounts import blocks
    from wiki.patrol import logs

    with db.write() as s:
        blocks.block(
            s,
            "203.0.113.0/24",
            expires_at=None,
            reason="proxy",
            allow_usertalk=False,
            block_createaccount=True,
            performer=logs.Performer("Admin"),
        )
    fresh = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    # The test client's peer is "testclient": trust it to forward the blocked address.
    client.app.state.wiki.trusted_proxies = frozenset({"testclient"})
    fresh.headers["X-Forwarded-For"] = "203.0.113.77"
    r = fresh.get("/wiki/Special:CreateAccount")
    assert r.status_code == 403 and "proxy" in r.text
    fresh.headers["X-Forwarded-For"] = "198.51.100.1"
    assert fresh.get("/wiki/Special:CreateAccount").status_code == 200


def test_ip_blocks_spare_logged_in_users_by_default(client: TestClient, db: Database) -> None:
    """Indonesian carriers share addresses: an IP block is for anonymous users only unless the
    admin unticks it, as in MediaWiki; account creation can still be prevented."""
    make_user(db, "Boss", groups=("admin",))
    make_user(db, "Relawan")
    admin = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    login(admin, "Boss")
    edit(admin, "Halaman", "teks")
    client.app.state.wiki.trusted_proxies = frozenset({"testclient"})

    def block(target: str, **extra: str) -> None:
        data = {
            "wpEditToken": token_of(admin),
            "target": target,
            "expiry": "1 day",
            "expiry_other": "",
            "reason_list": "Inserting false information",
            "reason": "dari warnet",
            "block_createaccount": "1",
            **extra,
        }
        assert admin.post("/wiki/Special:Block", data=data).status_code == 303

    block("203.0.113.0/24", anon_only="1", expiry_other="10 hari")
    anon = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    anon.headers["X-Forwarded-For"] = "203.0.113.9"
    assert edit(anon, "Halaman", "anon edit").status_code == 403
    assert anon.get("/wiki/Special:CreateAccount").status_code == 403
    member = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    member.headers["X-Forwarded-For"] = "203.0.113.9"
    login(member, "Relawan")
    assert edit(member, "Halaman", "member edit").status_code == 303
    listing = admin.get("/wiki/Special:BlockList?uselang=en").text
    assert "Inserting false information: dari warnet" in listing
    assert "anonymous users only" in listing
    # Ten days from now, as a date in the reader's language; never ISO or "infinity".
    assert not re.search(r"\d{4}-\d\d-\d\dT\d", listing)
    log = admin.get("/wiki/Special:Log?type=block&uselang=id").text
    assert "+00:00" not in log and "infinity" not in log
    # Unticked: the block applies to everyone on the address.
    block("203.0.113.0/24", expiry="infinite")
    assert edit(member, "Halaman", "member edit 2").status_code == 403
    refused = member.get("/wiki/Halaman?action=edit&uselang=id").text
    assert "tak terbatas" in refused and "infinite" not in refused


def test_block_bad_input(client: TestClient, db: Database) -> None:
    make_user(db, "Boss", groups=("admin",))
    login(client, "Boss")
    for target, expiry in (("10.0.0.0/8", "1 day"), ("Nobody", "1 day"), ("10.1.1.1", "soon")):
        r = client.post(
            "/wiki/Special:Block",
            data={"wpEditToken": token_of(client), "target": target, "expiry": expiry},
        )
        assert r.status_code in (400, 404), (target, r.status_code)


def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(client: TestClient) -> None:
    r = edit(client, "Ip", "x")
    assert r.status_code == 303
    client.headers["X-Forwarded-For"] = "203.0.113.9"
    edit(client, "Ip", "y")
    history = client.get("/wiki/Ip?action=history").text
    assert "203.0.113.9" not in history and "testclient" in history


def test_anonymous_editing_can_be_switched_off(settings: Settings, db: Database) -> None:
    from wiki.app import create_app

    app = create_app(dataclasses.replace(settings, anonymous_edits=False))
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        form = c.get("/wiki/Closed?action=edit").text
        assert "log in to edit" in form and "readonly" in form
        assert edit(c, "Closed", "text").status_code == 403
        make_user(db, "Member")
        login(c, "Member")
        assert edit(c, "Closed", "text").status_code == 303
    app.state.wiki.db.dispose()
