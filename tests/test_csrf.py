"""CSRF: every state-changing route refuses a missing token, another session's token and a
token from before login, and changes nothing in the database when it does."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from tests.conftest import edit, login, make_user, token_of
from wiki.db import Base, Database

# (method, url, form or json body)
ROUTES: list[tuple[str, str, dict[str, str]]] = [
    ("POST", "/wiki/Target?action=submit", {"wpTextbox1": "vandal text", "wpSave": "1"}),
    ("POST", "/wiki/Target?action=submit", {"wpDiscardDraft": "1"}),
    ("POST", "/wiki/Target?action=protect", {"level-edit": "admin", "level-move": "admin"}),
    ("POST", "/wiki/Special:Preferences", {"language": "id"}),
    ("POST", "/wiki/Special:UserRights/Victim", {"group-admin": "1"}),
    ("POST", "/wiki/Special:Block", {"target": "Victim", "expiry": "1 day"}),
    ("POST", "/wiki/Special:Unblock", {"target": "Victim"}),
    ("POST", "/wiki/Special:Logout", {}),
    ("POST", "/wiki/Special:CreateAccount", {"wpName": "Sneaky", "wpPassword": "x" * 12}),
    ("POST", "/wiki/Special:PasswordReset", {"wpName": "Victim"}),
    ("POST", "/wiki/Special:ResetPassword", {"token": "x", "wpPassword": "y" * 12}),
    ("PUT", "/w/rest.php/v1/page/Target", {"source": "api vandal", "comment": "x"}),
    ("POST", "/w/rest.php/v1/page", {"title": "Api_new", "source": "api vandal"}),
]


def snapshot(db: Database) -> dict[str, int]:
    """Row counts of every table: a cheap, complete 'did anything change' check."""
    with db.read() as s:
        return {
            t.name: s.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
            if t.name not in ("rate_counter",)
        }


@pytest.fixture
def admin_client(client: TestClient, db: Database) -> TestClient:
    make_user(db, "Boss", groups=("admin",))
    make_user(db, "Victim")
    edit(client, "Target", "original text")
    login(client, "Boss")
    return client


def send(client: TestClient, method: str, url: str, body: dict[str, str], token: str | None):  # type: ignore[no-untyped-def]
    if url.startswith("/w/rest.php"):
        headers = {"X-CSRF-Token": token} if token else {}
        return client.request(method, url, json=body, headers=headers)
    data = dict(body)
    if token is not None:
        data["wpEditToken"] = token
    return client.request(method, url, data=data)


@pytest.mark.parametrize(("method", "url", "body"), ROUTES)
def test_missing_foreign_and_stale_tokens_are_refused(
    admin_client: TestClient, db: Database, method: str, url: str, body: dict[str, str]
) -> None:
    other = TestClient(admin_client.app, base_url="http://testserver", follow_redirects=False)
    foreign = token_of(other, "/wiki/Special:Login")
    before = snapshot(db)
    for token in (None, "", foreign, "0" * 64):
        r = send(admin_client, method, url, body, token)
        assert r.status_code == 403, (token, r.text[:300])
    assert snapshot(db) == before
    # Still logged in: logout did not happen without a token.
    assert admin_client.get("/wiki/Special:Preferences").status_code == 200


def test_token_from_before_login_is_refused(client: TestClient, db: Database) -> None:
    make_user(db, "Later")
    edit(client, "Target", "original text")
    stale = token_of(client, "/wiki/Special:Login")
    login(client, "Later")
    before = snapshot(db)
    for method, url, body in ROUTES:
        r = send(client, method, url, body, stale)
        assert r.status_code == 403, (url, r.status_code)
    assert snapshot(db) == before


def test_get_never_changes_anything(admin_client: TestClient, db: Database) -> None:
    before = snapshot(db)
    for _, url, body in ROUTES:
        admin_client.get(url, params=body)
    after = snapshot(db)
    assert after == before
