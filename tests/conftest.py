"""Shared fixtures: a fresh database per test (SQLite file, or a PostgreSQL schema when
``WIKI_TEST_DATABASE_URL`` is set), settings, the app and an httpx-based client on it."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from wiki import models  # noqa: F401
from wiki.app import create_app
from wiki.db import Base, Database
from wiki.settings import Settings

PG_URL = os.environ.get("WIKI_TEST_DATABASE_URL", "")
#: Tests make many edits quickly; rate limits get their own tests with tight settings.
GENEROUS_LIMITS = ",".join(
    f"{action}:{group}=100000/60"
    for action in ("edit", "createaccount", "login", "move", "patrol", "topic")
    for group in ("anon", "newbie", "user")
)


def _pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(autouse=True)
def english_namespace_names() -> Iterator[None]:
    """Namespace names follow the content language per process (create_app sets it): a test
    that built an Indonesian wiki must not rename titles in the tests after it."""
    from wiki.text import titles

    yield
    titles.set_content_language("en")


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still argon2id, with the cheapest parameters: hashing cost is not what tests test."""
    from argon2 import PasswordHasher

    from wiki.accounts import users

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "_hasher", cheap)
    monkeypatch.setattr(users, "_DUMMY_HASH", cheap.hash("dummy"))


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database that exists only for this test."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'wiki.sqlite3'}"
        return
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_schema_url(PG_URL, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    db = Database(database_url)
    Base.metadata.create_all(db.engine)
    db.dispose()
    return Settings(
        data_dir=tmp_path / "instance",
        database_url=database_url,
        secret_key="test-secret-key-" + "x" * 32,
        site_name="Gotong Test",
        language="en",
        rate_limits=GENEROUS_LIMITS,
        search_interval=0.0,  # no indexer thread per app; search tests start one or call sync
    ).validated()


@pytest.fixture
def app_settings(settings: Settings) -> Settings:
    """Override in a test module to change settings for the app."""
    return settings


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    app = create_app(app_settings)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        yield c
    app.state.wiki.db.dispose()


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    yield database
    database.dispose()


TOKEN_RE = re.compile(r'name="wpEditToken" value="([^"]+)"')
BASE_RE = re.compile(r'name="wpBaseRevId" value="([^"]*)"')


def edit(
    client: TestClient,
    title: str,
    text: str,
    summary: str = "",
    minor: bool = False,
) -> httpx.Response:
    """Open the edit form like a browser and save ``text``; returns the response."""
    form = client.get(f"/wiki/{title}?action=edit")
    token = TOKEN_RE.search(form.text)
    base = BASE_RE.search(form.text)
    assert token and base, form.text[:500]
    data = {
        "wpEditToken": token.group(1),
        "wpBaseRevId": base.group(1),
        "wpTextbox1": text,
        "wpSummary": summary,
        "wpSave": "1",
    }
    if minor:
        data["wpMinoredit"] = "1"
    return client.post(f"/wiki/{title}?action=submit", data=data)


PASSWORD = "correct horse battery staple"


def make_user(
    db: Database,
    name: str,
    *,
    groups: tuple[str, ...] = (),
    autoconfirmed: bool = False,
    password: str = PASSWORD,
) -> int:
    """Create an account through the service (autoconfirmed = old enough, enough edits)."""
    from datetime import timedelta

    from wiki.accounts import users
    from wiki.models import utcnow
    from wiki.patrol import logs

    with db.write() as session:
        user = users.create_user(session, name, password)
        if autoconfirmed or groups:
            user.created_at = utcnow() - timedelta(days=30)
            user.edit_count = 50 if autoconfirmed else 0
        if groups:
            users.set_groups(session, user, set(groups), performer=logs.Performer("test"))
        return user.id


def login(client: TestClient, name: str, password: str = PASSWORD) -> httpx.Response:
    """Log ``client`` in through the real form."""
    form = client.get("/wiki/Special:Login")
    token = TOKEN_RE.search(form.text)
    assert token, form.text[:300]
    r = client.post(
        "/wiki/Special:Login",
        data={"wpEditToken": token.group(1), "wpName": name, "wpPassword": password},
    )
    assert r.status_code == 303, r.text[:500]
    return r


def token_of(client: TestClient, url: str = "/wiki/Special:Preferences") -> str:
    """The CSRF token of ``client``'s current session, read from a form page."""
    r = client.get(url)
    m = TOKEN_RE.search(r.text)
    assert m, r.text[:300]
    return m.group(1)
