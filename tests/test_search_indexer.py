"""The indexer that sleeps when idle: the wake-up bells, the loop, the merge policy, and the
host's one indexer process under ``wiki serve``."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from wiki.app import create_app
from wiki.db import Database
from wiki.pages import revisions
from wiki.search import Indexer, SearchIndex, indexer, signals
from wiki.settings import Settings
from wiki.text import titles

from .server import WikiServer

AUTHOR = revisions.Author(name="Tester")


def save(db: Database, title: str, text: str) -> None:
    with db.write() as session:
        t = titles.parse(title)
        page = revisions.get_page(session, t)
        revisions.save(
            session,
            t,
            text,
            author=AUTHOR,
            base_id=page.latest_id if page else None,
            max_bytes=1_000_000,
        )


def until(condition: Callable[[], object], timeout: float = 30.0) -> None:
    """Wait for ``condition`` (checked every 10 ms), failing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for a condition")
        time.sleep(0.01)


@pytest.fixture
def index(settings: Settings) -> Iterator[SearchIndex]:
    ix = SearchIndex(settings.data_dir / "search", "en")
    yield ix
    ix.close()


# --- bells --------------------------------------------------------------------------------


def test_a_socket_bell_wakes_the_doorbell_and_never_fails(tmp_path: Path) -> None:
    path = tmp_path / "wake.sock"
    bell = signals.SocketBell(path)
    bell.ring()  # nobody listens yet: no error
    door = signals.SocketDoorbell(path)
    try:
        assert not door.wait(0.0)
        bell.ring()
        bell.ring()
        assert door.wait(5.0)
        assert not door.wait(0.0)  # both rings were taken at once
        assert signals.listening(path)
        with pytest.raises(OSError):
            signals.SocketDoorbell(path)  # one indexer per socket
    finally:
        door.close()
        bell.close()
    assert not signals.listening(path)
    path.touch()  # a stale file (a crashed indexer's socket) is taken over
    signals.SocketDoorbell(path).close()


def test_commits_that_change_pages_ring_the_host_indexer(settings: Settings) -> None:
    door = signals.SocketDoorbell(signals.socket_path(settings.data_dir / "search"))
    app = create_app(replace(settings, search_indexer="host", search_interval=0.5))
    try:
        with TestClient(app, base_url="http://testserver") as client:
            r = client.post("/w/rest.php/v1/page", json={"title": "Bell", "source": "Ding."})
            assert r.status_code == 201
            assert door.wait(10.0)
            # A write that changes no page (a login attempt) does not ring.
            client.post("/wiki/Special:UserLogin", data={"wpName": "x", "wpPassword": "y"})
            assert not door.wait(0.2)
    finally:
        door.close()
        app.state.wiki.db.dispose()


# --- the loop ---------------------------------------------------------------------------


def test_the_indexer_sleeps_when_idle_and_wakes_on_a_save(db: Database, index: SearchIndex) -> None:
    save(db, "Before", "indexed at start")
    bell = signals.LocalBell()
    signals.notify_on_commit(db, [bell])
    worker = Indexer(index, db, interval=0.02, doorbell=bell)
    worker.start()
    try:
        until(lambda: [h.title for h in index.search("start").hits] == ["Before"])
        passes = worker.passes
        polls = worker.polls
        until(lambda: worker.polls >= polls + 10)  # ten fallback polls: one integer each
        assert worker.passes == passes  # ... and no pass: the index was not opened
        save(db, "After", "rang the bell")
        until(lambda: [h.title for h in index.search("bell").hits] == ["After"], timeout=10)
        assert worker.passes > passes
    finally:
        worker.stop()


def test_a_lost_ring_is_caught_by_the_fallback_poll(db: Database, index: SearchIndex) -> None:
    worker = Indexer(index, db, interval=0.05)  # its own bell: nobody rings it
    worker.start()
    try:
        until(lambda: worker.passes >= 1)
        save(db, "Quiet", "saved without a ring")
        until(lambda: [h.title for h in index.search("ring").hits] == ["Quiet"], timeout=10)
    finally:
        worker.stop()


def test_a_change_without_a_revision_is_reconciled_after_a_ring(
    db: Database, index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import update

    from wiki.models import Page

    monkeypatch.setattr("wiki.search.worker.RECONCILE_DEBOUNCE", 0.05)
    save(db, "Old name", "a page that moves")
    bell = signals.LocalBell()
    signals.notify_on_commit(db, [bell])
    worker = Indexer(index, db, interval=5.0, doorbell=bell)  # the poll would be too slow
    worker.start()
    try:
        until(lambda: [h.title for h in index.search("moves").hits] == ["Old name"])
        with db.write() as session:  # a rename with no new revision, as a bulk statement
            session.execute(update(Page).values(title="New name"))
        until(lambda: [h.title for h in index.search("moves").hits] == ["New name"], timeout=10)
    finally:
        worker.stop()


def test_a_stream_of_small_commits_keeps_few_segments(db: Database, index: SearchIndex) -> None:
    for i in range(40):
        save(db, f"Page {i}", f"commit number {i}")
        index.sync(db)
    status = index.status()
    assert status.documents == 40
    assert status.segments < 2 * indexer.MERGE_FACTOR
    assert len(index.search("commit", limit=100).hits) == 40


# --- the host's indexer under `wiki serve` ---------------------------------------------------


def _indexer_pids(server: WikiServer) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[1]) == server.pid and b"indexer" in cmdline:
            pids.append(int(entry.name))
    return pids


@pytest.mark.slow
def test_wiki_serve_runs_one_supervised_indexer_for_the_host(tmp_path: Path) -> None:
    env = {"WIKI_SEARCH_INTERVAL": "30"}
    with (
        WikiServer(workers=2, data_dir=tmp_path, env=env, start_timeout=120) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        until(lambda: len(_indexer_pids(server)) == 1)

        def saved_and_found(title: str, word: str) -> None:
            r = client.post("/w/rest.php/v1/page", json={"title": title, "source": word})
            assert r.status_code == 201, r.text

            def found() -> bool:
                pages = client.get("/w/rest.php/v1/search/page", params={"q": word}).json()
                return [p["title"] for p in pages["pages"]] == [title]

            # The fallback poll is 30 s: found sooner means the save rang the indexer.
            until(found, timeout=20)

        saved_and_found("First", "zqxfirst")
        (pid,) = _indexer_pids(server)
        os.kill(pid, signal.SIGKILL)
        until(lambda: _indexer_pids(server) not in ([], [pid]))  # restarted
        saved_and_found("Second", "zqxsecond")
