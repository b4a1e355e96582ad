"""Direct tests of small services that used to be tested only through HTTP: rights, the rate
limiter, the caches, drafts, feeds and auto-revert."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.conftest import make_user
from wiki.accounts import rights
from wiki.accounts.ratelimit import RateLimiter, parse
from wiki.cache import LRU, Epoch
from wiki.db import Database
from wiki.errors import ConfigError
from wiki.models import Draft, LogEntry, Revision
from wiki.pages import drafts, revisions
from wiki.patrol import autorevert, feeds
from wiki.settings import Settings
from wiki.text.titles import parse as title
from wiki.vandalism.model import load_model


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    yield database
    database.dispose()


# --- rights


def test_rights_follow_the_group_table() -> None:
    assert rights.has({"*"}, "edit") and not rights.has({"*"}, "move")
    assert rights.has({"*", "user", "autoconfirmed"}, "editsemiprotected")
    assert not rights.has({"*", "user", "autoconfirmed"}, "editprotected")
    assert rights.has({"admin"}, "delete") and not rights.has({"patroller"}, "delete")
    assert rights.rights_of({"bot"}) >= {"bot", "autopatrol", "noratelimit"}
    with pytest.raises(ValueError):
        rights.has({"admin"}, "fly")


# --- rate limits


def test_rate_limit_specs_are_parsed_strictly() -> None:
    assert parse("edit:anon=8/60, move:user=2/3600") == {
        ("edit", "anon"): parse("edit:anon=8/60")[("edit", "anon")],
        ("move", "user"): parse("move:user=2/3600")[("move", "user")],
    }
    for bad in ("edit:anon=8", "edit=8/60", "edit:robots=1/60", "edit:anon=0/60", "x:anon=a/b"):
        with pytest.raises(ConfigError):
            parse(bad)


def _limiter_counts(limiter: RateLimiter) -> None:
    ip = f"192.0.2.{uuid.uuid4().int % 250}"
    assert limiter.hit("edit", ip=ip, user_id=None, autoconfirmed=False) is None
    assert limiter.hit("edit", ip=ip, user_id=None, autoconfirmed=False) is None
    wait = limiter.hit("edit", ip=ip, user_id=None, autoconfirmed=False)
    assert wait is not None and 1 <= wait <= 3601
    # Another IP has its own bucket; an action without a limit is never counted.
    assert limiter.hit("edit", ip="198.51.100.1", user_id=None, autoconfirmed=False) is None
    assert limiter.hit("move", ip=ip, user_id=None, autoconfirmed=False) is None
    # Accounts not yet autoconfirmed fall back to the "user" limit when "newbie" has none.
    uid = uuid.uuid4().int % 10**6
    assert limiter.hit("edit", ip=ip, user_id=uid, autoconfirmed=False) is None
    assert limiter.hit("edit", ip=ip, user_id=uid, autoconfirmed=False) is not None


def test_rate_limiter_in_the_database(db: Database) -> None:
    _limiter_counts(RateLimiter(db, "edit:anon=2/3600,edit:user=1/3600"))


def test_rate_limiter_in_redis(db: Database) -> None:
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=2).ping()
    except redis.RedisError:
        if __import__("os").environ.get("CI"):
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    limiter = RateLimiter(
        db,
        "edit:anon=2/3600,edit:user=1/3600",
        "redis://127.0.0.1:6379/0",
        namespace=uuid.uuid4().hex,
    )
    _limiter_counts(limiter)


# --- caches


def test_epoch_moves_forward_and_is_shared(tmp_path: Path) -> None:
    a, b = Epoch(tmp_path / "epoch"), Epoch(tmp_path / "epoch")
    before = a.current()
    a.bump()
    assert b.current() > before
    seen = b.current()
    b.bump()
    b.bump()
    assert a.current() > seen


def test_lru_keeps_values_per_epoch_and_evicts_the_oldest() -> None:
    lru: LRU[str, int] = LRU(2)
    lru.put("a", 1, 10)
    lru.put("b", 1, 20)
    assert lru.get("a", 1) == 10  # "a" is now the most recent
    lru.put("c", 1, 30)
    assert lru.get("b", 1) is None and lru.get("a", 1) == 10 and lru.get("c", 1) == 30
    assert lru.get("a", 2) is None  # built under another epoch: not reused
    off: LRU[str, int] = LRU(0)
    off.put("a", 1, 1)
    assert off.get("a", 1) is None


# --- drafts


def test_drafts_are_kept_per_owner_replaced_and_expire(db: Database) -> None:
    owner = drafts.owner_for(user_id=None, session_id="s" * 32)
    assert owner is not None
    assert drafts.owner_for(user_id=None, session_id=None) is None
    page = title("Kebijakan")
    with db.write() as s:
        drafts.keep(s, owner, page, "Satu", summary="a", base_id=None, reason="conflict")
        drafts.keep(s, owner, page, "Dua", summary="b", base_id=None, reason="refused")
    with db.read() as s:
        found = drafts.find(s, owner, page)
        assert drafts.find(s, "someone-else", page) is None
    assert found is not None and found.text == "Dua" and found.summary == "b"
    with db.write() as s:
        s.execute(update(Draft).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        assert drafts.purge_expired(s) == 1
    with db.write() as s:
        drafts.keep(s, owner, page, "Tiga", reason="refused")
        drafts.discard(s, owner, page)
    with db.read() as s:
        assert drafts.find(s, owner, page) is None


# --- feeds


def test_atom_feeds_are_valid_xml_and_drop_what_xml_cannot_carry() -> None:
    when = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    doc = feeds.atom(
        feeds.Feed(
            id="urn:x",
            title="Perubahan <terbaru>",
            link="http://wiki/RC",
            self_link="http://wiki/RC?feed=atom",
            updated=when,
            entries=[
                feeds.Entry(
                    id="http://wiki/diff/1",
                    title="Pajak\x01",
                    link="http://wiki/diff/1",
                    updated=when,
                    author="192.0.2.1",
                    summary="rapikan",
                    content_html="<p>ok</p>",
                )
            ],
            lang="id",
        )
    )
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(doc)
    assert root.find("a:title", ns).text == "Perubahan <terbaru>"  # type: ignore[union-attr]
    entry = root.find("a:entry", ns)
    assert entry is not None
    assert entry.find("a:title", ns).text == "Pajak"  # type: ignore[union-attr]
    assert entry.find("a:updated", ns).text == "2026-12-05T08:00:00Z"  # type: ignore[union-attr]


# --- auto-revert


def test_autorevert_reverts_a_newcomer_once_per_day(db: Database) -> None:
    threshold = load_model().thresholds["auto_revert"]
    page = title("Bansos")
    system = revisions.Author("Maintenance script")
    ip = revisions.Author("192.0.2.44")
    with db.write() as s:
        first = revisions.save(
            s, page, "Bantuan Rp300.000 per bulan.", author=system, max_bytes=10**6
        )
    results = []
    for text in ("Bantuan Rp3 per bulan, HOAKS.", "Bantuan Rp9 per bulan."):
        with db.write() as s:
            latest = revisions.latest_revision(s, revisions.get_page(s, page))  # type: ignore[arg-type]
            saved = revisions.save(s, page, text, author=ip, base_id=latest.id, max_bytes=10**6)
            s.execute(
                update(Revision)
                .where(Revision.id == saved.revision.id)
                .values(vandalism_score=min(1.0, threshold + 0.01))
            )
            s.refresh(saved.revision)
            results.append(
                autorevert.maybe_revert(s, saved, ip, max_bytes=10**6, gettext=lambda m: m)
            )
    assert results == [True, False]  # the second edit the same day is left to people
    with db.read() as s:
        texts = [r.text for r in s.scalars(select(Revision).order_by(Revision.id))]
        logged = s.scalars(select(LogEntry.action).where(LogEntry.type == "rollback")).all()
    assert texts[:3] == [first.revision.text, "Bantuan Rp3 per bulan, HOAKS.", first.revision.text]
    assert logged == ["autorevert"]
    # An autoconfirmed editor is never reverted automatically.
    uid = make_user(db, "Budi", autoconfirmed=True)
    trusted = revisions.Author(
        "Budi", user_id=uid, groups=frozenset({"*", "user", "autoconfirmed"})
    )
    with db.write() as s:
        latest = revisions.latest_revision(s, revisions.get_page(s, page))  # type: ignore[arg-type]
        saved = revisions.save(
            s, page, "Bantuan Rp1.", author=trusted, base_id=latest.id, max_bytes=10**6
        )
        saved.revision.vandalism_score = 0.99
        assert not autorevert.maybe_revert(s, saved, trusted, max_bytes=10**6, gettext=lambda m: m)
