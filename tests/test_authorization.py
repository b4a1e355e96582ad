"""Who may do what: one table of every role against every protected action, over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from tests.conftest import BASE_RE, TOKEN_RE, login, make_user, token_of
from wiki.accounts import blocks, protection
from wiki.db import Database
from wiki.patrol import logs
from wiki.text import titles
from wiki.text.expiry import parse as parse_expiry

ROLES = ("anonymous", "new", "autoconfirmed", "patroller", "admin", "blocked", "range-blocked")
BLOCKED_IP = "testclient"  # starlette's TestClient peer; blocks need real IPs, see fixture


@dataclass
class World:
    client: TestClient
    db: Database


def _setup_role(client: TestClient, db: Database, role: str) -> None:
    """Make ``client`` act as ``role``."""
    if role == "anonymous":
        return
    name = {"new": "Newbie", "autoconfirmed": "Confirmed", "patroller": "Patrol"}.get(role, role)
    if role == "new":
        make_user(db, name)
    elif role == "autoconfirmed":
        make_user(db, name, autoconfirmed=True)
    elif role in ("patroller", "admin"):
        make_user(db, role.capitalize(), groups=(role,), autoconfirmed=True)
        name = role.capitalize()
    elif role == "blocked":
        make_user(db, "Vandal", autoconfirmed=True)
        with db.write() as s:
            blocks.block(
                s,
                "Vandal",
                expires_at=parse_expiry("1 day"),
                reason="vandalism",
                allow_usertalk=True,
                block_createaccount=True,
                performer=logs.Performer("Admin"),
            )
        name = "Vandal"
    elif role == "range-blocked":
        make_user(db, "Rangeuser", autoconfirmed=True)
        with db.write() as s:
            blocks.block(
                s,
                "10.20.0.0/16",
                expires_at=None,
                reason="open proxy range",
                allow_usertalk=False,
                block_createaccount=True,
                anon_only=False,  # a hard block: logged-in users on the range are blocked too
                performer=logs.Performer("Admin"),
            )
        name = "Rangeuser"
    login(client, name)


def _protect(db: Database, title: str, level: str) -> None:
    with db.write() as s:
        protection.protect(
            s,
            titles.parse(title),
            {"edit": level, "move": level},
            expires_at=None,
            reason="test",
            performer=logs.Performer("Admin"),
            exists=True,
        )


def _save(client: TestClient, title: str, text: str) -> int:
    form = client.get(f"/wiki/{title}?action=edit")
    token, base = TOKEN_RE.search(form.text), BASE_RE.search(form.text)
    assert token and base
    r = client.post(
        f"/wiki/{title}?action=submit",
        data={
            "wpEditToken": token.group(1),
            "wpBaseRevId": base.group(1),
            "wpTextbox1": text,
            "wpSave": "1",
        },
    )
    return r.status_code


def _post(client: TestClient, url: str, data: dict[str, str]) -> int:
    token = token_of(client, "/wiki/Special:Login")  # every form page carries the token
    return client.post(url, data={"wpEditToken": token, **data}).status_code


# action -> (callable doing it, {role: expected status})
def edit_open(c: TestClient, db: Database) -> int:
    return _save(c, "Open_page", "changed text")


def edit_semi(c: TestClient, db: Database) -> int:
    _protect(db, "Semi_page", "autoconfirmed")
    return _save(c, "Semi_page", "changed text")


def edit_full(c: TestClient, db: Database) -> int:
    _protect(db, "Full_page", "admin")
    return _save(c, "Full_page", "changed text")


def create_page(c: TestClient, db: Database) -> int:
    return _save(c, "Brand_new", "new text")


def protect(c: TestClient, db: Database) -> int:
    return _post(c, "/wiki/Open_page?action=protect", {"level-edit": "admin", "expiry": "1 day"})


def block(c: TestClient, db: Database) -> int:
    return _post(c, "/wiki/Special:Block", {"target": "198.51.100.9", "expiry": "1 day"})


def userrights(c: TestClient, db: Database) -> int:
    make_user(db, "Someone")
    return _post(c, "/wiki/Special:UserRights/Someone", {"group-patroller": "1"})


A, R = 303, 403  # allowed (saved, redirected), refused
MATRIX: dict[str, tuple[Callable[[TestClient, Database], int], dict[str, int]]] = {
    "edit": (edit_open, dict.fromkeys(ROLES, A) | {"blocked": R, "range-blocked": R}),
    "edit semi-protected": (
        edit_semi,
        {
            "anonymous": R,
            "new": R,
            "autoconfirmed": A,
            "patroller": A,
            "admin": A,
            "blocked": R,
            "range-blocked": R,
        },
    ),
    "edit fully protected": (edit_full, dict.fromkeys(ROLES, R) | {"admin": A}),
    "create": (create_page, dict.fromkeys(ROLES, A) | {"blocked": R, "range-blocked": R}),
    "protect": (protect, dict.fromkeys(ROLES, R) | {"admin": A}),
    "block": (block, dict.fromkeys(ROLES, R) | {"admin": A}),
    "manage roles": (userrights, dict.fromkeys(ROLES, R) | {"admin": A}),
}


@pytest.fixture
def app_settings(settings):  # type: ignore[no-untyped-def]
    import dataclasses

    # The range block needs the client to come from an address in the range; the test client
    # connects from "testclient", so trust it as a proxy and send X-Forwarded-For.
    return dataclasses.replace(settings, trusted_proxies="testclient")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_authorization_matrix(client: TestClient, db: Database, role: str, action: str) -> None:
    client.headers["X-Forwarded-For"] = "10.20.3.4" if role == "range-blocked" else "192.0.2.50"
    # Pages exist before the role is set up, created by an unrelated admin.
    setup = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    setup.headers["X-Forwarded-For"] = "192.0.2.99"
    for title in ("Open_page", "Semi_page", "Full_page"):
        assert _save(setup, title, f"{title} original") == 303
    _setup_role(client, db, role)
    fn, expected = MATRIX[action]
    assert fn(client, db) == expected[role]
