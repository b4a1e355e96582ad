"""Per-page cache invalidation (MediaWiki's HTMLCacheUpdate): a save makes stale the page and
what shows it, not every cached page; and the channels that carry invalidations between hosts."""

from __future__ import annotations

import os
import threading
import time
import uuid
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.conftest import login, make_user, token_of
from tests.patrolkit import Html, as_user, browser, post, save
from tests.test_navigation import post_move
from wiki.cache import Invalidation, PageCache
from wiki.cache_channels import PostgresChannel, RedisChannel, channel_name, libpq_url
from wiki.db import Database
from wiki.text.titles import parse
from wiki.web.base import Wiki

REDIS_URL = os.environ.get("WIKI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PG_URL = os.environ.get("WIKI_TEST_DATABASE_URL", "")


def wiki(client: TestClient) -> Wiki:
    w: Wiki = client.app.state.wiki  # type: ignore[attr-defined]
    return w


def version(client: TestClient, raw: str) -> tuple[int, int]:
    return wiki(client).page_version(parse(raw))


def red_links(html: str) -> list[str]:
    return [a["text"] for a in Html(html).find("a") if "new" in (a["attrs"].get("class") or "")]


def test_a_save_leaves_other_pages_cached(client: TestClient, db: Database) -> None:
    alice = as_user(client.app, db, "Alice")
    save(alice, "Stable", "Unrelated text.")
    save(alice, "Busy", "First.")
    anon = browser(client.app, "192.0.2.50")
    body = anon.get("/wiki/Stable").content
    stable, busy = version(client, "Stable"), version(client, "Busy")
    save(alice, "Busy", "Second.")
    save(alice, "Elsewhere", "A new page nobody links to.")
    assert version(client, "Stable") == stable  # the cached view is still valid
    assert version(client, "Busy") != busy
    assert anon.get("/wiki/Stable").content == body
    assert "Second." in anon.get("/wiki/Busy").text


def test_creation_and_deletion_turn_links_blue_and_red(client: TestClient, db: Database) -> None:
    alice = as_user(client.app, db, "Alice")
    save(alice, "Hub", "See [[Spoke]].")
    anon = browser(client.app, "192.0.2.50")
    assert red_links(anon.get("/wiki/Hub").text) == ["Spoke"]
    before = version(client, "Hub")
    save(alice, "Spoke", "Now it exists.")
    assert version(client, "Hub") != before
    assert red_links(anon.get("/wiki/Hub").text) == []
    linked = version(client, "Hub")
    save(alice, "Spoke", "An ordinary edit: no link changes colour.")
    assert version(client, "Hub") == linked
    admin = as_user(client.app, db, "Admin", groups=("admin",), ip="192.0.2.40")
    assert post(admin, "/wiki/Spoke?action=delete", {"reason": "test"}).status_code == 303
    assert red_links(anon.get("/wiki/Hub").text) == ["Spoke"]


def test_a_redirect_shows_its_targets_new_text(client: TestClient, db: Database) -> None:
    alice = as_user(client.app, db, "Alice")
    save(alice, "Target", "Old words.")
    save(alice, "Shortcut", "#REDIRECT [[Target]]")
    anon = browser(client.app, "192.0.2.50")
    assert "Old words." in anon.get("/wiki/Shortcut").text
    save(alice, "Target", "New words.")
    assert "New words." in anon.get("/wiki/Shortcut").text


def test_category_pages_follow_their_members(client: TestClient, db: Database) -> None:
    alice = as_user(client.app, db, "Alice")
    save(alice, "Category:Birds", "All birds.")
    save(alice, "Sparrow", "Small. [[Category:Birds]]")
    anon = browser(client.app, "192.0.2.50")
    assert "Sparrow" in anon.get("/wiki/Category:Birds").text
    save(alice, "Crow", "Black. [[Category:Birds]]")
    assert "Crow" in anon.get("/wiki/Category:Birds").text
    save(alice, "Sparrow", "Small, and no longer listed.")
    listing = anon.get("/wiki/Category:Birds").text
    assert "Crow" in listing and "/wiki/Sparrow" not in listing
    # A member shows its category link red until the category page exists.
    save(alice, "Fish", "Wet. [[Category:Fish]]")
    assert "Category:Fish" in " ".join(
        a["attrs"].get("href") or ""
        for a in Html(anon.get("/wiki/Fish").text).find("a")
        if "new" in (a["attrs"].get("class") or "")
    )
    save(alice, "Category:Fish", "All fish.")
    assert not [
        a
        for a in Html(anon.get("/wiki/Fish").text).find("a")
        if "Category:Fish" in (a["attrs"].get("href") or "")
        and "new" in (a["attrs"].get("class") or "")
    ]


def test_a_new_talk_page_turns_the_talk_tab_blue(client: TestClient, db: Database) -> None:
    alice = as_user(client.app, db, "Alice")
    save(alice, "Subject", "Text.")
    anon = browser(client.app, "192.0.2.50")
    tab = Html(anon.get("/wiki/Subject").text).find("li", id="ca-talk")
    assert tab and "new" in (tab[0]["attrs"].get("class") or "")
    save(alice, "Talk:Subject", "A comment.")
    tab = Html(anon.get("/wiki/Subject").text).find("li", id="ca-talk")
    assert tab and "new" not in (tab[0]["attrs"].get("class") or "")


def test_a_move_updates_both_titles_and_the_links_to_them(client: TestClient, db: Database) -> None:
    alice = as_user(client.app, db, "Alice")
    admin = as_user(client.app, db, "Admin", groups=("admin",), ip="192.0.2.40")
    save(alice, "Linker", "See [[Old name]], [[New name]] and [[Newer name]].")
    save(alice, "Old name", "Content.")
    anon = browser(client.app, "192.0.2.50")
    assert red_links(anon.get("/wiki/Linker").text) == ["New name", "Newer name"]
    status, html = post_move(alice, "Old_name", "New name")
    assert status == 200 and "has been moved" in html
    assert "Content." in anon.get("/wiki/New_name").text
    # The redirect left behind keeps Old name blue; New name is now blue too.
    assert red_links(anon.get("/wiki/Linker").text) == ["Newer name"]
    # An admin moves it on without leaving a redirect: New name turns red again.
    status, html = post_move(admin, "New_name", "Newer name")
    assert status == 200 and "has been moved" in html
    assert red_links(anon.get("/wiki/Linker").text) == ["New name"]


def test_a_logged_in_readers_bell_follows_notifications(client: TestClient, db: Database) -> None:
    make_user(db, "Reader")
    reader = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    login(reader, "Reader")
    alice = as_user(client.app, db, "Alice")
    save(alice, "Quiet", "Text.")
    first = reader.get("/wiki/Quiet").text
    assert reader.get("/wiki/Quiet").text == first
    save(alice, "User talk:Reader", "Hello Reader, a message for you.")
    assert reader.get("/wiki/Quiet").text != first  # the bell or the new-messages bar
    assert token_of(reader)


def test_page_cache_units(tmp_path: Path) -> None:
    cache = PageCache(tmp_path / "cache")
    woke: list[int] = []
    cache.subscribe(lambda: woke.append(1))
    a, b = cache.version("A"), cache.version("B")
    changes = cache.changes()
    cache.invalidate(["A"])
    assert cache.version("A") != a and cache.version("B") == b
    assert cache.changes() != changes and woke == [1]
    a, b = cache.version("A"), cache.version("B")
    cache.invalidate_all()
    assert cache.version("A") != a and cache.version("B") != b
    accounts = cache.epoch("accounts").current()
    cache.epoch("accounts").bump()
    # Account and inbox changes do not wake the search indexer or the live streams.
    assert cache.epoch("accounts").current() != accounts and len(woke) == 2
    changes = cache.changes()
    cache.invalidate(["inbox:7"], content=False)
    assert cache.version("inbox:7") != (0, 0) and cache.changes() == changes and len(woke) == 2
    # Malformed messages from another host mean "everything", never an error.
    assert Invalidation.from_json("nonsense").everything
    assert Invalidation.from_json({"keys": "A"}).everything
    parsed = Invalidation.from_json({"keys": ["A", 3], "epochs": ["accounts", "bogus"]})
    assert parsed.keys == {"A"} and parsed.epochs == {"accounts"} and not parsed.everything


def _two_hosts(tmp_path: Path, make: object) -> None:
    """Host one invalidates; host two's versions move, waited for on an event."""
    assert callable(make)
    one = PageCache(tmp_path / "one", make("one"))
    two = PageCache(tmp_path / "two", make("two"))
    moved = threading.Event()
    two.subscribe(moved.set)
    one.start()
    two.start()
    try:
        for host in (one, two):
            channel = host.channel
            assert isinstance(channel, (RedisChannel, PostgresChannel))
            assert channel.ready.wait(10), "the channel never subscribed"
        a, b = two.version("A"), two.version("B")
        one.invalidate(["A"])
        assert moved.wait(10), "the invalidation never reached the other host"
        assert two.version("A") != a and two.version("B") == b
        moved.clear()
        accounts = two.epoch("accounts").current()
        one.epoch("accounts").bump()
        deadline = time.monotonic() + 10  # no wake-up for accounts: watch the file, bounded
        while two.epoch("accounts").current() == accounts:
            assert time.monotonic() < deadline, "the accounts epoch never reached the other host"
            time.sleep(0.01)
        assert not moved.is_set()
        moved.clear()
        b = two.version("B")
        one.invalidate_all()
        assert moved.wait(10)
        assert two.version("B") != b
    finally:
        one.close()
        two.close()


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis at WIKI_TEST_REDIS_URL")
def test_invalidations_reach_another_host_through_redis(tmp_path: Path) -> None:
    name = "test_" + uuid.uuid4().hex  # a channel of its own: the Redis is shared

    def make(host: str) -> RedisChannel:
        return RedisChannel(REDIS_URL, name, origin=host)

    _two_hosts(tmp_path, make)


@pytest.mark.skipif(not PG_URL, reason="WIKI_TEST_DATABASE_URL is not set")
def test_invalidations_reach_another_host_through_postgres_notify(tmp_path: Path) -> None:
    name = channel_name(uuid.uuid4().hex)

    def make(host: str) -> PostgresChannel:
        return PostgresChannel(libpq_url(PG_URL), name, origin=host)

    _two_hosts(tmp_path, make)


def test_rebuilding_links_from_the_cli_invalidates_the_running_app(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wiki import cli
    from wiki.app import create_app
    from wiki.settings import Settings

    monkeypatch.setenv("WIKI_DATA_DIR", str(tmp_path / "inst"))
    monkeypatch.setenv("WIKI_DATABASE_URL", database_url)
    assert cli.main(["init"]) == 0
    app = create_app(Settings.from_env())
    with TestClient(app, base_url="http://testserver") as c:
        assert c.get("/wiki/Main_Page").status_code == 200
        before = wiki(c).page_version(parse("Main Page"))
        assert cli.main(["rebuild-links"]) == 0
        assert wiki(c).page_version(parse("Main Page")) != before
    app.state.wiki.db.dispose()
