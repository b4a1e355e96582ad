"""Namespace names follow the wiki's content language, as in MediaWiki: the database keeps the
number, an Indonesian wiki names its pages Pembicaraan:, Pengguna:, ... in URLs and on pages,
and English names still work, redirecting to the canonical form (and the other way round)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from tests.conftest import edit
from wiki.app import create_app
from wiki.settings import Settings
from wiki.text import titles
from wiki.text.titles import NS_TALK, NS_USER_TALK, Title


def test_titles_are_named_in_the_content_language() -> None:
    assert Title(NS_USER_TALK, "Budi").key == "User_talk:Budi"
    titles.set_content_language("id")
    try:
        assert Title(NS_USER_TALK, "Budi").key == "Pembicaraan_Pengguna:Budi"
        assert Title(NS_TALK, "Dana").full == "Pembicaraan:Dana"
        for raw in ("Talk:Dana", "Pembicaraan:Dana", "pembicaraan:dana"):
            assert titles.parse(raw) == Title(NS_TALK, "Dana")
        assert "Proyek" in dict(titles.namespace_names()).values()
    finally:
        titles.set_content_language("en")
    assert Title(NS_TALK, "Dana").full == "Talk:Dana"


@pytest.fixture
def id_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(dataclasses.replace(settings, language="id"))
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        yield c
    app.state.wiki.db.dispose()


def test_an_indonesian_wiki_redirects_english_names(id_client: TestClient) -> None:
    assert edit(id_client, "Pembicaraan:Dana_desa", "Diskusi.").status_code == 303
    r = id_client.get("/wiki/Talk:Dana_desa")
    assert r.status_code == 301 and r.headers["location"] == "/wiki/Pembicaraan:Dana_desa"
    page = id_client.get("/wiki/Pembicaraan:Dana_desa?uselang=en")
    assert page.status_code == 200
    heading = re.search(r'<h1 id="firstHeading"[^>]*>(.*?)</h1>', page.text, re.S)
    assert heading and "Pembicaraan:Dana desa" in heading.group(1)
    # The subject page's talk tab links to the canonical name.
    edit(id_client, "Dana_desa", "Isi.")
    assert 'href="/wiki/Pembicaraan:Dana_desa"' in id_client.get("/wiki/Dana_desa").text
    # Namespace menus name them the same way.
    rc = id_client.get("/wiki/Special:RecentChanges?uselang=id").text
    assert re.search(r'<option value="1"[^>]*>Pembicaraan</option>', rc)
    contribs = id_client.get("/wiki/Special:Contributions/127.0.0.1").text
    assert re.search(r'<option value="3"[^>]*>Pembicaraan Pengguna</option>', contribs)
    # Special pages answer under either name.
    assert id_client.get("/wiki/Istimewa:RecentChanges").status_code == 200


def test_an_english_wiki_redirects_indonesian_names(client: TestClient) -> None:
    edit(client, "Talk:Dana_desa", "Discussion.")
    r = client.get("/wiki/Pembicaraan:Dana_desa")
    assert r.status_code == 301 and r.headers["location"] == "/wiki/Talk:Dana_desa"
