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


def _pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


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
