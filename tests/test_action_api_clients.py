"""Real clients against a real server: mwclient logs in with a bot password and reads, pages
through recent changes and searches. (SQLite, or PostgreSQL with WIKI_TEST_DATABASE_URL.)"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.server import WikiServer

mwclient = pytest.importorskip("mwclient")

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery staple"
TOKEN_RE = re.compile(r'name="wpEditToken" value="([^"]+)"')
SEARCH_DEADLINE = 60.0  # seconds for the indexer of a busy machine to catch up


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WikiServer]:
    data_dir = tmp_path_factory.mktemp("clients")
    env = {
        "WIKI_SEARCH_INTERVAL": "0.2",
        "WIKI_RATE_LIMITS": "edit:anon=100000/60,login:anon=1000/60",
    }
    with WikiServer(workers=1, data_dir=data_dir, env=env) as srv:
        subprocess.run(
            [sys.executable, "-m", "wiki.cli", "create-user", "Robot", "--role", "patroller"],
            input=PASSWORD + "\n",
            text=True,
            env=srv.env,
            check=True,
            capture_output=True,
        )
        yield srv


def bot_password(server: WikiServer, grants: list[str]) -> str:
    with httpx.Client(base_url=server.url, follow_redirects=False) as web:
        form = web.get("/wiki/Special:Login")
        token = TOKEN_RE.search(form.text)
        assert token
        r = web.post(
            "/wiki/Special:Login",
            data={"wpEditToken": token.group(1), "wpName": "Robot", "wpPassword": PASSWORD},
        )
        assert r.status_code == 303, r.text[:300]
        form = web.get("/wiki/Special:BotPasswords")
        token = TOKEN_RE.search(form.text)
        assert token
        r = web.post(
            "/wiki/Special:BotPasswords",
            data={"wpEditToken": token.group(1), "app_id": "mw", "grant": grants},
        )
        m = re.search(r'id="new-bot-password">([0-9a-f]+)<', r.text)
        assert m, r.text[:500]
        return m.group(1)


def test_mwclient_logs_in_reads_pages_recent_changes_and_searches(server: WikiServer) -> None:
    with httpx.Client(base_url=server.url) as anon:
        for i in range(8):
            r = anon.post(
                "/w/rest.php/v1/page",
                json={"title": f"Kebijakan {i}", "source": f"Teks kebijakan nomor {i}."},
            )
            assert r.status_code == 201, r.text
    password = bot_password(server, ["editpage", "patrol", "rollback"])
    host = server.url.removeprefix("http://")
    site = mwclient.Site(host, scheme="http", path="/w/")
    with pytest.raises(mwclient.errors.LoginError):
        site.login("Robot@mw", "wrong password")
    site.login("Robot@mw", password)
    assert site.logged_in and site.username == "Robot"
    assert "patrol" in site.rights and "delete" not in site.rights
    page = site.pages["Kebijakan 3"]
    assert page.exists and page.text() == "Teks kebijakan nomor 3."
    assert page.contentmodel == "markdown"
    titles = [rc["title"] for rc in site.recentchanges(api_chunk_size=3, prop="title|ids|user")]
    assert titles[:8] == [f"Kebijakan {i}" for i in reversed(range(8))]  # 3 batches of 3
    deadline = time.monotonic() + SEARCH_DEADLINE
    found: list[str] = []
    while time.monotonic() < deadline:
        found = [hit["title"] for hit in site.search("kebijakan")]
        if len(found) == 8:
            break
        time.sleep(0.2)
    assert sorted(found) == sorted(f"Kebijakan {i}" for i in range(8))


def test_mwclient_edits_with_a_base_revision_rolls_back_and_patrols(server: WikiServer) -> None:
    with httpx.Client(base_url=server.url) as anon:
        made = anon.post(
            "/w/rest.php/v1/page", json={"title": "Rencana", "source": "satu\n\ndua\n\ntiga"}
        )
        assert made.status_code == 201, made.text
    password = bot_password(server, ["editpage", "patrol", "rollback"])
    site = mwclient.Site(server.url.removeprefix("http://"), scheme="http", path="/w/")
    site.login("Robot@mw", password)
    page = site.pages["Rencana"]
    assert page.text() == "satu\n\ndua\n\ntiga"  # the base: its timestamp goes with the edit
    with httpx.Client(base_url=server.url) as anon:  # someone else changes the last paragraph
        latest = made.json()["latest"]["id"]
        r = anon.put(
            "/w/rest.php/v1/page/Rencana",
            json={"source": "satu\n\ndua\n\nTIGA", "latest": {"id": latest}},
        )
        assert r.status_code == 200, r.text
    result = page.edit("SATU\n\ndua\n\ntiga", summary="first paragraph")  # merged
    assert result["result"] == "Success"
    assert site.pages["Rencana"].text() == "SATU\n\ndua\n\nTIGA"
    stale = site.pages["Rencana"]
    stale.text()
    with httpx.Client(base_url=server.url) as anon:  # an IP vandalises the same paragraph
        now = anon.get("/w/rest.php/v1/page/Rencana").json()["latest"]["id"]
        r = anon.put(
            "/w/rest.php/v1/page/Rencana",
            json={"source": "RUSAK\n\ndua\n\nTIGA", "latest": {"id": now}},
        )
        assert r.status_code == 200, r.text
    with pytest.raises(mwclient.errors.EditError):
        stale.edit("Satu!\n\ndua\n\nTIGA", summary="overlaps the vandal's change")
    rolled = site.post(
        "rollback", title="Rencana", user="127.0.0.1", token=site.get_token("rollback")
    )
    assert rolled["rollback"]["title"] == "Rencana"
    assert site.pages["Rencana"].text() == "SATU\n\ndua\n\nTIGA"
    vandal = next(
        rc
        for rc in site.recentchanges(prop="ids|user|patrolled", show="!patrolled")
        if rc["user"] == "127.0.0.1"
    )
    patrolled = site.patrol(rcid=vandal["rcid"])
    assert patrolled["rcid"] == vandal["rcid"]
