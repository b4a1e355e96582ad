"""Accounts: sign-up, login, logout, sessions, preferences, rights; and the CLI."""

from __future__ import annotations

import email
import email.policy
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.conftest import PASSWORD, TOKEN_RE, edit, login, make_user, token_of
from wiki import cli
from wiki.accounts import users
from wiki.db import Database
from wiki.errors import BadInput
from wiki.models import LogEntry, User


def test_passwords_are_argon2id_and_checked(db: Database) -> None:
    make_user(db, "Budi")
    with db.read() as s:
        user = users.get_by_name(s, "Budi")
        assert user is not None and user.password_hash.startswith("$argon2id$")
    for bad in ("short", "password", "123456789", "iloveyou", "qwertyuiop"):
        with pytest.raises(BadInput):
            users.check_password("Someone", bad)
    with pytest.raises(BadInput):
        users.check_password("Budisantoso", "budisantoso")
    assert len(users.common_passwords()) == 1000


def test_rehash_on_login_when_parameters_change(db: Database) -> None:
    from argon2 import PasswordHasher

    make_user(db, "Old")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with db.write() as s:
        user = users.get_by_name(s, "Old")
        assert user is not None
        user.password_hash = weak
    with db.write() as s:
        assert users.authenticate(s, "Old", PASSWORD) is not None
    with db.read() as s:
        user = users.get_by_name(s, "Old")
        assert user is not None and user.password_hash != weak


def test_create_account_logs_in_and_is_logged(client: TestClient, db: Database) -> None:
    form = client.get("/wiki/Special:CreateAccount?returnto=Main_Page")
    token = TOKEN_RE.search(form.text)
    assert token
    r = client.post(
        "/wiki/Special:CreateAccount",
        data={
            "wpEditToken": token.group(1),
            "wpName": "siti_rahma",
            "wpPassword": PASSWORD,
            "wpRetype": PASSWORD,
            "returnto": "Main_Page",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/wiki/Main_Page"
    page = client.get("/wiki/Special:Preferences")
    assert page.status_code == 200 and "Siti rahma" in page.text
    with db.read() as s:
        assert s.scalar(select(LogEntry.type).where(LogEntry.title == "Siti rahma")) == "create"


@pytest.mark.parametrize(
    ("name", "password", "retype", "message"),
    [
        ("Ok name", "short", "short", "at least 8"),
        ("Ok name", "password1", "password1", "most common"),
        ("Ok name", PASSWORD, PASSWORD + "x", "do not match"),
        ("Bad|name", PASSWORD, PASSWORD, "not valid"),
        ("192.0.2.7", PASSWORD, PASSWORD, "IP address"),
        ("Taken", PASSWORD, PASSWORD, "already taken"),
    ],
)
def test_create_account_refusals(
    client: TestClient, db: Database, name: str, password: str, retype: str, message: str
) -> None:
    make_user(db, "Taken")
    token = token_of(client, "/wiki/Special:CreateAccount")
    r = client.post(
        "/wiki/Special:CreateAccount",
        data={"wpEditToken": token, "wpName": name, "wpPassword": password, "wpRetype": retype},
    )
    assert r.status_code == 400 and message in r.text


def test_login_failure_is_the_same_for_missing_and_existing_users(
    client: TestClient, db: Database
) -> None:
    make_user(db, "Exists")
    token = token_of(client, "/wiki/Special:Login")
    answers = []
    for name in ("Exists", "Nobody here"):
        r = client.post(
            "/wiki/Special:Login",
            data={"wpEditToken": token, "wpName": name, "wpPassword": "wrong password!"},
        )
        assert r.status_code == 400
        answers.append(re.search(r'role="alert"><p>(.*?)</p>', r.text, re.S))
    assert answers[0] and answers[1] and answers[0].group(1) == answers[1].group(1)


def test_session_id_changes_at_login_and_logout_kills_it(client: TestClient, db: Database) -> None:
    make_user(db, "Fix")
    client.get("/wiki/Special:Login")
    before = client.cookies.get("gotong_session")
    old_token = token_of(client, "/wiki/Special:Login")
    login(client, "Fix")
    after = client.cookies.get("gotong_session")
    assert before and after and before != after  # no session fixation
    # A token from before login is dead.
    r = client.post("/wiki/Special:Preferences", data={"wpEditToken": old_token, "language": "id"})
    assert r.status_code == 403
    stolen = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    stolen.cookies.set("gotong_session", after)
    assert stolen.get("/wiki/Special:Preferences").status_code == 200
    r = client.post("/wiki/Special:Logout", data={"wpEditToken": token_of(client)})
    assert r.status_code == 303
    # The old cookie no longer logs anyone in, even when replayed.
    assert stolen.get("/wiki/Special:Preferences").status_code == 403
    assert client.get("/wiki/Special:Preferences").status_code == 403


def test_logout_needs_a_post(client: TestClient, db: Database) -> None:
    make_user(db, "Stay")
    login(client, "Stay")
    r = client.get("/wiki/Special:Logout")
    assert r.status_code == 200 and "Do you want to log out?" in r.text
    assert client.get("/wiki/Special:Preferences").status_code == 200


def test_edits_by_accounts_are_attributed_and_counted(client: TestClient, db: Database) -> None:
    make_user(db, "Rina")
    login(client, "Rina")
    edit(client, "Catatan", "Teks oleh Rina.")
    history = client.get("/wiki/Catatan?action=history").text
    assert "Rina" in history and "testclient" not in history
    with db.read() as s:
        assert s.scalar(select(User.edit_count).where(User.name == "Rina")) == 1


def test_preferences_change_language(client: TestClient, db: Database) -> None:
    make_user(db, "Pref")
    login(client, "Pref")
    r = client.post(
        "/wiki/Special:Preferences",
        data={
            "wpEditToken": token_of(client),
            "language": "id",
            "diff_mode": "inline",
            "timezone": "Asia/Jakarta",
            "email": "",
        },
    )
    assert r.status_code == 303
    page = client.get("/wiki/Special:Preferences")
    assert 'lang="id"' in page.text and 'value="Asia/Jakarta"' in page.text
    bad = client.post(
        "/wiki/Special:Preferences",
        data={"wpEditToken": token_of(client), "timezone": "Mars/Olympus"},
    )
    assert bad.status_code == 400


def test_user_rights_change_is_logged(client: TestClient, db: Database) -> None:
    make_user(db, "Admin", groups=("admin",))
    make_user(db, "Helper")
    login(client, "Admin")
    page = client.get("/wiki/Special:UserRights/Helper")
    assert page.status_code == 200 and 'name="group-patroller"' in page.text
    r = client.post(
        "/wiki/Special:UserRights/Helper",
        data={"wpEditToken": token_of(client), "group-patroller": "1", "reason": "trusted"},
    )
    assert r.status_code == 303
    with db.read() as s:
        user = users.get_by_name(s, "Helper")
        assert user is not None and users.explicit_groups(s, user.id) == {"patroller"}
        entry = s.scalar(
            select(LogEntry).where(LogEntry.type == "rights", LogEntry.title == "Helper")
        )
        assert entry is not None and "patroller" in entry.params and entry.comment == "trusted"


@pytest.mark.parametrize(
    "returnto",
    [
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "https://evil.example/",
        "%2F%2Fevil.example",
        "\\\\evil.example",
        "/%09/evil.example",
        "http:evil.example",
        "",
    ],
)
def test_returnto_lands_on_a_local_page(client: TestClient, db: Database, returnto: str) -> None:
    make_user(db, "Trip")
    form = client.get("/wiki/Special:Login")
    token = TOKEN_RE.search(form.text)
    assert token
    r = client.post(
        "/wiki/Special:Login",
        data={
            "wpEditToken": token.group(1),
            "wpName": "Trip",
            "wpPassword": PASSWORD,
            "returnto": returnto,
        },
    )
    location = r.headers["location"]
    assert location.startswith("/wiki/") and not location.startswith("//")
    assert "evil.example" not in location.split("/wiki/", 1)[0]


def test_cli_create_user_with_role(
    tmp_path: Path, settings: object, monkeypatch: pytest.MonkeyPatch, db: Database
) -> None:
    monkeypatch.setenv("WIKI_DATA_DIR", str(tmp_path / "x"))
    monkeypatch.setenv("WIKI_DATABASE_URL", getattr(settings, "database_url"))  # noqa: B009
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["create-user", "Pertama", "--role", "admin"]) == 0
    with db.read() as s:
        user = users.get_by_name(s, "Pertama")
        assert user is not None and users.explicit_groups(s, user.id) == {"admin"}
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["create-user", "Kedua"]) == 2


def test_times_show_in_the_readers_time_zone(client: TestClient, db: Database) -> None:
    make_user(db, "Jakarta")
    login(client, "Jakarta")
    edit(client, "Waktu", "teks")
    hist = client.get("/wiki/Waktu?action=history").text
    utc_time = re.search(r'class="date"[^>]*>([^<]+)<', hist)
    assert utc_time
    client.post(
        "/wiki/Special:Preferences",
        data={"wpEditToken": token_of(client), "timezone": "Asia/Jakarta", "diff_mode": "side"},
    )
    hist = client.get("/wiki/Waktu?action=history").text
    local_time = re.search(r'class="date"[^>]*>([^<]+)<', hist)
    assert local_time and local_time.group(1) != utc_time.group(1)  # UTC+7


def test_password_reset_answers_the_same_and_works_once(
    client: TestClient, db: Database, settings: object
) -> None:
    from pathlib import Path

    make_user(db, "Lupa")
    with db.write() as s:
        user = users.get_by_name(s, "Lupa")
        assert user is not None
        user.email = "lupa@example.org"
    outbox = Path(getattr(settings, "data_dir")) / "outbox"  # noqa: B009
    answers = []
    for wanted in ("Lupa", "Nobody at all", "nobody@example.org"):
        r = client.post(
            "/wiki/Special:PasswordReset",
            data={"wpEditToken": token_of(client, "/wiki/Special:PasswordReset"), "wpName": wanted},
        )
        assert r.status_code == 200
        answers.append(re.sub(r'value="[^"]+"', "", r.text))
    assert answers[0] == answers[1] == answers[2]
    mails = list(outbox.glob("*.eml"))
    assert len(mails) == 1
    message = email.message_from_bytes(mails[0].read_bytes(), policy=email.policy.default)
    body = message.get_body()
    assert body is not None
    link = re.search(r"token=([A-Za-z0-9_\-]+)", body.get_content())
    assert link
    new_password = "kata sandi baru yang panjang"
    r = client.post(
        "/wiki/Special:ResetPassword",
        data={
            "wpEditToken": token_of(client, "/wiki/Special:PasswordReset"),
            "token": link.group(1),
            "wpPassword": new_password,
            "wpRetype": new_password,
        },
    )
    assert r.status_code == 303
    fresh = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    login(fresh, "Lupa", new_password)
    again = client.post(
        "/wiki/Special:ResetPassword",
        data={
            "wpEditToken": token_of(client, "/wiki/Special:PasswordReset"),
            "token": link.group(1),
            "wpPassword": "another long password",
            "wpRetype": "another long password",
        },
    )
    assert again.status_code == 400  # a token works once


def test_diff_mode_preference_is_the_default_view(client: TestClient, db: Database) -> None:
    make_user(db, "Inline")
    login(client, "Inline")
    edit(client, "Beda", "satu dua tiga")
    edit(client, "Beda", "satu dua empat")
    assert 'class="diff diff-side"' in client.get("/wiki/Beda?diff=cur&oldid=1").text
    client.post(
        "/wiki/Special:Preferences",
        data={"wpEditToken": token_of(client), "diff_mode": "inline", "timezone": "UTC"},
    )
    assert 'class="diff diff-inline"' in client.get("/wiki/Beda?diff=cur&oldid=1").text
    side = client.get("/wiki/Beda?diff=cur&oldid=1&diffmode=side").text
    assert 'class="diff diff-side"' in side


def test_moves_are_rate_limited(settings: object, db: Database) -> None:
    import dataclasses

    from wiki.app import create_app

    tight = dataclasses.replace(settings, rate_limits="move:user=1/3600")  # type: ignore[type-var]
    app = create_app(tight)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        make_user(db, "Mover", autoconfirmed=True)
        login(c, "Mover")
        edit(c, "Satu", "a")
        edit(c, "Dua", "b")
        codes = []
        for old, new in (("Satu", "Satu baru"), ("Dua", "Dua baru")):
            r = c.post(
                f"/wiki/Special:MovePage/{old}",
                data={"wpEditToken": token_of(c), "wpNewTitle": new, "wpReason": "x"},
            )
            codes.append(r.status_code)
        assert codes[0] in (200, 303) and codes[1] == 429
    app.state.wiki.db.dispose()
