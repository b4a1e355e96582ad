"""Two app hosts on one PostgreSQL and one Redis (issue 19, "Several hosts").

Each host is a real server process (tests/server.py) with its own data directory (its own
page-cache version files and search index) and port. Cache invalidations and the live
recent-changes stream cross between them.

Every test runs twice: through Redis (``WIKI_TEST_REDIS_URL``, default
``redis://127.0.0.1:6379/0``) and through PostgreSQL ``LISTEN/NOTIFY`` without Redis. Runs
when ``WIKI_TEST_DATABASE_URL`` points at PostgreSQL; skipped otherwise. Every wait
is on an observable event (a line of the stream, a page showing the text), bounded.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.server import PG_ENV, WikiServer

REDIS_URL = os.environ.get("WIKI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PG_URL = os.environ.get(PG_ENV, "")
TOKEN_RE = re.compile(r'name="wpEditToken" value="([^"]+)"')
BASE_RE = re.compile(r'name="wpBaseRevId" value="([^"]*)"')
PASSWORD = "several hosts password 2026"
#: Seen on the other host within one second (the issue's goal): invalidations are pushed.
SEEN_WITHIN = 1.0
#: The search index follows the database in its own time; allow a busy machine.
SEARCH_WITHIN = 15.0
#: Anonymous edits are limited tightly (only the rate-limit test makes them); accounts are not.
ANON_EDITS = 3
LIMITS = f"edit:anon={ANON_EDITS}/300,edit:newbie=1000/60,edit:user=1000/60"


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:
        return False


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PG_URL, reason=f"{PG_ENV} is not set (needs PostgreSQL)"),
]


@pytest.fixture(scope="module", params=["redis", "notify"])
def hosts(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[WikiServer, WikiServer]]:
    """Two hosts; between them Redis pub/sub (and Redis rate-limit counters), or, without
    WIKI_REDIS_URL, PostgreSQL LISTEN/NOTIFY (and counters in the database)."""
    env = {"WIKI_RATE_LIMITS": LIMITS, "WIKI_SEARCH_INTERVAL": "0.5"}
    if request.param == "redis":
        if not _redis_up():
            pytest.skip("no Redis at WIKI_TEST_REDIS_URL")
        env["WIKI_REDIS_URL"] = REDIS_URL
    a = WikiServer(data_dir=tmp_path_factory.mktemp("host-a"), env=env, start_timeout=120)
    a.start()
    try:
        b = WikiServer(
            data_dir=tmp_path_factory.mktemp("host-b"),
            database_url=a.database_url,  # the same PostgreSQL schema
            env=env,
            start_timeout=120,
        )
        b.start()
        try:
            for name, role in (("Alice", None), ("Admin", "admin"), ("Mallory", None)):
                cmd = [sys.executable, "-m", "wiki.cli", "create-user", name]
                cmd += ["--role", role] if role else []
                subprocess.run(cmd, input=PASSWORD + "\n", text=True, env=a.env, check=True)
            yield a, b
        finally:
            b.close()
    finally:
        a.close()


def client(server: WikiServer, cookies: httpx.Cookies | None = None) -> httpx.Client:
    return httpx.Client(
        base_url=server.url, timeout=60, follow_redirects=False, cookies=cookies or None
    )


def login(c: httpx.Client, name: str) -> None:
    token = TOKEN_RE.search(c.get("/wiki/Special:Login").text)
    assert token
    r = c.post(
        "/wiki/Special:Login",
        data={"wpEditToken": token.group(1), "wpName": name, "wpPassword": PASSWORD},
    )
    assert r.status_code == 303, r.text[:300]


def save(c: httpx.Client, title: str, text: str, summary: str = "") -> httpx.Response:
    form = c.get(f"/wiki/{title}?action=edit")
    token, base = TOKEN_RE.search(form.text), BASE_RE.search(form.text)
    assert token and base, form.text[:300]
    return c.post(
        f"/wiki/{title}?action=submit",
        data={
            "wpEditToken": token.group(1),
            "wpBaseRevId": base.group(1),
            "wpTextbox1": text,
            "wpSummary": summary,
            "wpSave": "1",
        },
    )


def wait_for(check: Callable[[], bool], within: float, what: str) -> float:
    """Poll ``check`` (each call is a real request) until true; seconds it took."""
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < within, f"{what}: not seen within {within} s"
        time.sleep(0.02)
    return time.monotonic() - start


class Stream:
    """Host B's live recent changes, read in a thread; ``wait(word)`` waits for a row."""

    def __init__(self, server: WikiServer) -> None:
        self.rows: list[str] = []
        self.open = threading.Event()
        self.changed = threading.Condition()
        self._client = httpx.Client(base_url=server.url, timeout=httpx.Timeout(60, read=None))
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        assert self.open.wait(30), "the stream did not open"

    def _read(self) -> None:
        with contextlib.suppress(httpx.HTTPError):  # closed by close(), or the stream ended
            self._follow()

    def _follow(self) -> None:
        url = "/wiki/Special:RecentChanges?stream=1&timeout=50"
        with self._client.stream("GET", url) as r:
            for line in r.iter_lines():
                if line.startswith("retry:"):  # the stream has its start id
                    self.open.set()
                elif line.startswith("data: "):
                    with self.changed:
                        self.rows.append(json.loads(line[6:])["html"])
                        self.changed.notify_all()

    def wait(self, word: str, within: float) -> None:
        with self.changed:
            ok = self.changed.wait_for(lambda: any(word in h for h in self.rows), within)
        assert ok, f"{word} did not reach the live stream within {within} s"

    def close(self) -> None:
        self._client.close()


def test_a_save_on_one_host_is_seen_on_the_other(hosts: tuple[WikiServer, WikiServer]) -> None:
    a, b = hosts
    word = "kapal" + uuid.uuid4().hex[:8]
    title = "Pelabuhan_" + word
    with client(a) as editor_a, client(b) as anon_b, client(b) as reader_b:
        login(editor_a, "Alice")
        assert save(editor_a, title, "Old text.").status_code == 303
        login(reader_b, "Alice")
        # B caches the page for anonymous and logged-in readers.
        for c in (anon_b, reader_b):
            assert "Old text." in c.get(f"/wiki/{title}").text
            assert "Old text." in c.get(f"/wiki/{title}").text
        stream = Stream(b)
        try:
            assert save(editor_a, title, f"New text about {word}.", "second").status_code == 303
            saved = time.monotonic()
            stream.wait(word[:5], SEEN_WITHIN + 5)  # the row has the title, with its word
            for c in (anon_b, reader_b):
                wait_for(lambda c=c: word in c.get(f"/wiki/{title}").text, SEEN_WITHIN, "view")
            assert "second" in anon_b.get(f"/wiki/{title}?action=history").text
            assert time.monotonic() - saved < SEEN_WITHIN + 5
        finally:
            stream.close()
        wait_for(
            lambda: (
                f'href="/wiki/{title}"' in anon_b.get(f"/wiki/Special:Search?search={word}").text
            ),
            SEARCH_WITHIN,
            "search on B",
        )


def test_sessions_are_shared_between_hosts(hosts: tuple[WikiServer, WikiServer]) -> None:
    a, b = hosts
    with client(a) as on_a:
        login(on_a, "Alice")
        assert "Alice" in on_a.get("/wiki/Main_Page").text
        with client(b, on_a.cookies) as on_b:
            assert "Special:Logout" in on_b.get("/wiki/Main_Page").text  # logged in on B
            token = TOKEN_RE.search(on_b.get("/wiki/Special:Logout").text)
            assert token
            r = on_b.post("/wiki/Special:Logout", data={"wpEditToken": token.group(1)})
            assert r.status_code == 303
        # The same (old) cookie on A is no longer logged in.
        wait_for(
            lambda: "Special:Logout" not in on_a.get("/wiki/Main_Page").text,
            SEEN_WITHIN,
            "logout on A",
        )


def test_rate_limits_and_blocks_are_shared(hosts: tuple[WikiServer, WikiServer]) -> None:
    a, b = hosts
    # One anonymous visitor (127.0.0.1) edits on both hosts: one counter in Redis.
    with client(a) as anon_a, client(b) as anon_b:
        for i in range(ANON_EDITS):
            on = anon_a if i % 2 == 0 else anon_b
            assert save(on, f"Anon_{uuid.uuid4().hex[:6]}", "Hello.").status_code == 303
        for on in (anon_a, anon_b):
            assert save(on, f"Anon_{uuid.uuid4().hex[:6]}", "Once more.").status_code == 429
    # A block made on A stops the blocked account on B.
    with client(a) as admin, client(a) as mallory_a:
        login(admin, "Admin")
        login(mallory_a, "Mallory")
        assert save(mallory_a, "Sandbox_" + uuid.uuid4().hex[:6], "Before.").status_code == 303
        token = TOKEN_RE.search(admin.get("/wiki/Special:Block").text)
        assert token
        r = admin.post(
            "/wiki/Special:Block",
            data={"wpEditToken": token.group(1), "target": "Mallory", "expiry": "1 day"},
        )
        assert r.status_code in (200, 303), r.text[:300]
        with client(b, mallory_a.cookies) as mallory_b:
            title = "Sandbox_" + uuid.uuid4().hex[:6]
            form = mallory_b.get(f"/wiki/{title}?action=edit")
            if form.status_code != 403:
                assert save(mallory_b, title, "After the block.").status_code == 403


def test_killing_a_host_mid_save_loses_nothing(
    hosts: tuple[WikiServer, WikiServer], tmp_path: Path
) -> None:
    a, b = hosts
    title = "Catatan_" + uuid.uuid4().hex[:8]
    acknowledged: list[int] = []
    enough = threading.Event()
    stop = threading.Event()

    def writer() -> None:
        with client(a) as c:
            login(c, "Alice")
            i = 0
            while not stop.is_set():
                try:
                    r = save(c, title, f"Entry {i}.", f"entry-{i}")
                except (httpx.HTTPError, AssertionError):
                    return  # A is gone
                if r.status_code == 303:
                    acknowledged.append(i)
                    if len(acknowledged) >= 5:
                        enough.set()
                i += 1

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    assert enough.wait(120), "A did not acknowledge 5 saves"
    a.kill()  # SIGKILL the whole host, most likely in the middle of a save
    stop.set()
    thread.join(60)
    try:
        with client(b) as c:
            history = c.get(f"/wiki/{title}?action=history&limit=500").text
            missing = [i for i in acknowledged if f"entry-{i}" not in history]
            assert not missing, f"acknowledged saves missing on B: {missing}"
            # The view shows the last acknowledged save, or a later one that committed
            # before the kill without its answer reaching us.
            shown = re.search(r"Entry (\d+)\.", c.get(f"/wiki/{title}").text)
            assert shown and int(shown.group(1)) >= acknowledged[-1]
    finally:
        a.restart()
