"""Recent changes: rows written with every save and logged action, filters, grouping, paging,
purging; over HTTP: the page, its flags and filters kept in links, RecentChangesLinked, and
the live stream (server-sent events)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from starlette.datastructures import QueryParams
from starlette.testclient import TestClient

from tests.conftest import make_user
from tests.patrolkit import as_user, browser, rc_rows, save
from wiki.db import Database
from wiki.errors import BadInput
from wiki.models import RecentChange, User, utcnow
from wiki.pages import edits, revisions
from wiki.pages.revisions import Author
from wiki.patrol import grouping, logs, recentchanges, recording
from wiki.patrol.recentchanges import Filters
from wiki.text import titles

MAX = 10_000


def _save(db: Database, title: str, text: str, author: Author, **kw: object) -> int:
    with db.write() as s:
        page = revisions.get_page(s, titles.parse(title))
        result = revisions.save(
            s,
            titles.parse(title),
            text,
            author=author,
            base_id=page.latest_id if page else None,
            max_bytes=MAX,
            **kw,  # type: ignore[arg-type]
        )
        return result.revision.id


def _changes(db: Database, **filters: object) -> list[recentchanges.Change]:
    with db.read() as s:
        f = Filters(**filters)  # type: ignore[arg-type]
        return recentchanges.changes(s, f, can_view_suppressed=False).changes


ANON = Author("203.0.113.5")
NEWBIE_GROUPS = frozenset({"*", "user"})
CONFIRMED_GROUPS = frozenset({"*", "user", "autoconfirmed"})


def test_every_save_is_a_row_with_the_editor_kind_and_autopatrol(db: Database) -> None:
    newbie = make_user(db, "Newbie")
    patroller = make_user(db, "Pat", groups=("patroller",), autoconfirmed=True)
    bot = make_user(db, "Botty", groups=("bot",))
    _save(db, "Alpha", "one", ANON, summary="created")
    _save(db, "Alpha", "one two", Author("Newbie", newbie, NEWBIE_GROUPS), minor=True)
    _save(db, "Alpha", "one two three", Author("Pat", patroller))  # groups looked up
    _save(db, "Beta", "bot text", Author("Botty", bot, frozenset({"*", "user", "bot"})))
    rows = _changes(db, hide_bots=False, hide_logs=True)
    assert [(c.title.text, c.kind, c.user_kind, c.bot, c.patrolled) for c in rows] == [
        ("Beta", "new", "confirmed", True, recentchanges.AUTOPATROLLED),
        ("Alpha", "edit", "confirmed", False, recentchanges.AUTOPATROLLED),
        ("Alpha", "edit", "new", False, recentchanges.UNPATROLLED),
        ("Alpha", "new", "anon", False, recentchanges.UNPATROLLED),
    ]
    assert rows[2].minor and rows[2].delta == 4 and rows[3].delta == 3
    assert rows[3].summary == "created"
    assert rows[1].current and not rows[2].current  # only the page's latest revision


def test_filters_combine(db: Database) -> None:
    newbie = make_user(db, "Newbie")
    bot = make_user(db, "Botty", groups=("bot",))
    _save(db, "Alpha", "one", ANON)
    _save(db, "Help:Guide", "guide", Author("Newbie", newbie, NEWBIE_GROUPS))
    _save(db, "Alpha", "one two", Author("Newbie", newbie, NEWBIE_GROUPS), minor=True)
    _save(db, "Gamma", "g", Author("Botty", bot, frozenset({"*", "user", "bot"})))
    with db.write() as s:
        logs.record(
            s,
            type="protect",
            action="protect",
            performer=logs.Performer("Admin", None),
            target=titles.parse("Alpha"),
        )

    def titles_of(**f: object) -> list[tuple[str, str]]:
        return [(c.title.full, c.kind) for c in _changes(db, **f)]

    assert titles_of(namespace=0) == [
        ("Alpha", "log"),
        ("Alpha", "edit"),
        ("Alpha", "new"),
    ]
    assert titles_of(namespace=0, hide_logs=True, hide_bots=False) == [
        ("Gamma", "new"),
        ("Alpha", "edit"),
        ("Alpha", "new"),
    ]
    assert titles_of(namespace=12) == [("Help:Guide", "new")]
    # The protection was by a performer with no account and no IP: the software, not an IP.
    assert titles_of(user_types=frozenset({"anon"}), namespace=0) == [("Alpha", "new")]
    assert titles_of(user_types=frozenset({"registered"}), namespace=0)[0] == ("Alpha", "log")
    assert titles_of(user_types=frozenset({"new"}), hide_logs=True) == [
        ("Alpha", "edit"),
        ("Help:Guide", "new"),
    ]
    assert titles_of(unpatrolled=True, hide_minor=True) == [
        ("Help:Guide", "new"),
        ("Alpha", "new"),
    ]
    assert titles_of(new_only=True, namespace=0) == [("Alpha", "new")]
    assert titles_of(tag="mw-blank") == []


def test_query_strings_round_trip_and_bad_values_are_refused() -> None:
    q = QueryParams(
        "namespace=4&usertype=anon&usertype=new&hidebots=0&hidebots=1&unpatrolled=1"
        "&hideminor=1&newonly=1&tag=mw-undo&period=1h&limit=100"
    )
    f = Filters.parse(q)
    assert f == Filters(
        namespace=4,
        user_types=frozenset({"anon", "new"}),
        hide_bots=True,  # the checkbox's "1" after the hidden "0"
        unpatrolled=True,
        hide_minor=True,
        new_only=True,
        tag="mw-undo",
        period="1h",
        limit=100,
    )
    assert Filters.parse(QueryParams(f.query())) == f
    assert Filters.parse(QueryParams("hidebots=0")).hide_bots is False
    for bad in ("period=2y", "usertype=martian", "limit=0", "limit=9999", "namespace=77"):
        with pytest.raises(BadInput):
            Filters.parse(QueryParams(bad))


def test_period_paging_tags_and_purge(db: Database) -> None:
    for i in range(5):
        _save(db, "Paged", f"text {i}", ANON)
    with db.write() as s:  # an old change, outside every period
        old = s.get(RecentChange, 1)
        assert old is not None
        old.timestamp = utcnow() - timedelta(days=40)
    first = _changes(db, limit=2)
    assert [c.id for c in first] == [5, 4]
    with db.read() as s:
        page = recentchanges.changes(s, Filters(limit=2), can_view_suppressed=False)
        assert page.older == 4
        f = Filters(limit=2, older_than=4)
        nxt = recentchanges.changes(s, f, can_view_suppressed=False)
        assert [c.id for c in nxt.changes] == [3, 2] and nxt.older is None  # 1 is too old
        all30 = recentchanges.changes(s, Filters(period="30d"), can_view_suppressed=False)
        assert 1 not in [c.id for c in all30.changes]
    _save(db, "Paged", "", ANON)  # blanking is tagged
    assert _changes(db, tag="mw-blank")[0].tags == ("mw-blank",)
    with db.write() as s:
        later = utcnow() + recentchanges.MAX_AGE - timedelta(days=20)
        assert recording.purge(s, now=later) == 1


def test_enhanced_grouping_by_day_and_page(db: Database) -> None:
    _save(db, "A", "1", ANON)
    _save(db, "B", "1", ANON)
    _save(db, "A", "12", Author("198.51.100.1"))
    _save(db, "A", "123", ANON)
    days = grouping.grouped(_changes(db, hide_logs=True))
    assert len(days) == 1
    groups = days[0].groups
    assert [g.title.text for g in groups] == ["A", "B"]
    assert len(groups[0].changes) == 3 and groups[0].delta == 3 and groups[0].is_new
    assert groups[0].users == [("203.0.113.5", 2), ("198.51.100.1", 1)]


def test_watch_by_default_follows_the_preference(db: Database) -> None:
    uid = make_user(db, "Walker", autoconfirmed=True)
    author = Author("Walker", uid, CONFIRMED_GROUPS)
    with db.write() as s:
        result = revisions.save(s, titles.parse("Walked"), "x", author=author, max_bytes=MAX)
        edits.after_save(s, result, author)
        user = s.get(User, uid)
        assert user is not None
        user.watch_edits = False
        r2 = revisions.save(s, titles.parse("Unwalked"), "y", author=author, max_bytes=MAX)
        edits.after_save(s, r2, author)
    from wiki.patrol import watchlist

    with db.read() as s:
        assert watchlist.state(s, uid, titles.parse("Walked")).watched
        assert watchlist.state(s, uid, titles.parse("Talk:Walked")).watched
        assert not watchlist.state(s, uid, titles.parse("Unwalked")).watched


# --- over HTTP ---------------------------------------------------------------------------------


def test_recent_changes_page_shows_flags_links_and_keeps_filters(
    client: TestClient, db: Database
) -> None:
    app = client.app
    ip = browser(app, "203.0.113.5")
    save(ip, "Kebijakan", "Teks asli tentang kebijakan.", summary="baru")
    save(ip, "Kebijakan", "Teks asli tentang kebijakan. Tambahan.", summary="tambah", minor=True)
    patroller = as_user(app, db, "Pat", groups=("patroller",))
    r = patroller.get("/wiki/Special:RecentChanges?usertype=anon&unpatrolled=1")
    assert r.status_code == 200
    rows = rc_rows(r.text)
    assert len(rows) == 2
    assert "!" in rows[0]["text"] and "m" in rows[0]["text"] and "tambah" in rows[0]["text"]
    assert "N" in rows[1]["text"]
    html = r.text
    assert 'name="from" value="203.0.113.5"' in html  # rollback on the current revision only
    assert html.count('class="link-button rollback"') == 1
    assert "usertype=anon" in html and "unpatrolled=1" in html  # feed and live links keep filters
    registered = patroller.get("/wiki/Special:RecentChanges?usertype=registered&hidelogs=1")
    assert rc_rows(registered.text) == []
    assert client.get("/wiki/Special:RecentChanges?enhanced=1").status_code == 200
    assert client.get("/wiki/Special:RecentChanges?period=99d").status_code == 400
    assert "rollback" not in client.get("/wiki/Special:RecentChanges").text.split("<main")[1]


def test_related_changes(client: TestClient) -> None:
    c = browser(client.app, "192.0.2.1")
    save(c, "Hub", "See [[Spoke]] and [[Other]].")
    save(c, "Spoke", "spoke text")
    save(c, "Unrelated", "x")
    r = c.get("/wiki/Special:RecentChangesLinked/Hub")
    assert r.status_code == 200
    assert [row["text"].split(";")[0].split()[-1] for row in rc_rows(r.text)] == ["Spoke"]
    assert c.get("/wiki/Special:RecentChangesLinked/Nowhere").status_code == 404


def _events(body: str) -> list[dict[str, object]]:
    out = []
    for block in body.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if lines.get("event") == "change":
            out.append(json.loads(lines["data"]))
    return out


def test_stream_sends_rows_after_since_then_ends(client: TestClient) -> None:
    c = browser(client.app, "203.0.113.9")
    save(c, "Streamed", "a")
    save(c, "Streamed", "ab")
    save(c, "Other", "x")
    with c.stream("GET", "/wiki/Special:RecentChanges?stream=1&since=1&maxevents=2") as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    events = _events(body)
    assert [e["id"] for e in events] == [2, 3]
    assert 'data-rc-id="3"' in str(events[1]["html"]) and "Other" in str(events[1]["html"])
    # Filters apply to the stream too; the stream stops at its time limit.
    with c.stream("GET", "/wiki/Special:RecentChanges?stream=1&since=0&newonly=1&timeout=0.2") as r:
        ids = [e["id"] for e in _events("".join(r.iter_text()))]
    assert ids == [1, 3]
    # Last-Event-ID (an EventSource reconnecting) wins over since.
    with c.stream(
        "GET",
        "/wiki/Special:RecentChanges?stream=1&since=0&timeout=0.2",
        headers={"Last-Event-ID": "2"},
    ) as r:
        assert [e["id"] for e in _events("".join(r.iter_text()))] == [3]
