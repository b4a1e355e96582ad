"""Patrol benchmark: recent changes, history and contributions over 1,000,000 revisions, and
rollback of 50 consecutive edits, through the real app.

Run: ``.venv/bin/python bench/patrol_bench.py`` (about 3 minutes: most of it is loading the
data; ``--revisions 200000`` for a quicker look; ``--keep DIR`` keeps the database).

1. Builds a SQLite database at the schema head (``alembic upgrade head``) and bulk-loads it
   with ``executemany``: 3,000 accounts (bots, patrollers), 50,000 pages in six namespaces,
   1,000,000 revisions over 30 days (one hot page with ~100,000 of them; one account with
   ~50,000; a fifth by IPs, a tenth by new accounts, half of those unpatrolled), a recent-changes
   row per revision plus one logged action per 100 changes, and tags on 2% of the changes. No
   ``ANALYZE``: the plans must be good without statistics, as on a fresh install.
2. Serves it with ``create_app`` (the search indexer off) through starlette's TestClient, logged
   in as a patroller (so rows carry rollback buttons), and times each URL below 30 times after
   3 warm-up requests: p50 and p99 of the whole request (routing, queries, template).
3. Prints the ``EXPLAIN QUERY PLAN`` of every SQL statement each URL ran.
4. Times ``POST ?action=rollback`` on 10 pages that each end with 50 consecutive edits by one IP.

Goals: every listing p50 < 50 ms; rollback of 50 edits p50 < 200 ms.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import warnings  # noqa: E402

from sqlalchemy import event  # noqa: E402

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from starlette.testclient import TestClient  # noqa: E402

from wiki import migrations  # noqa: E402
from wiki.accounts import users  # noqa: E402
from wiki.app import create_app  # noqa: E402
from wiki.db import make_engine  # noqa: E402
from wiki.models import Page  # noqa: E402
from wiki.pages import revisions  # noqa: E402
from wiki.pages.revisions import Author  # noqa: E402
from wiki.patrol import logs, watchlist  # noqa: E402
from wiki.settings import Settings  # noqa: E402
from wiki.text import titles  # noqa: E402

SEED = 8
PAGES = 50_000
USERS = 3_000
IPS = 20_000
HOT_SHARE = 0.1  # of edits go to the hot page
HEAVY_SHARE = 0.05  # of edits are by the heavy account
LOG_EVERY = 100
NAMESPACES = [(0, 0.70), (1, 0.10), (2, 0.08), (3, 0.05), (4, 0.04), (12, 0.03)]
LOG_TYPES = [("protect", "protect"), ("move", "move"), ("block", "block"), ("delete", "delete")]
TAGS = [("mw-replace", 0.01), ("mw-rollback", 0.005), ("mw-blank", 0.005)]
BENCH_USER = "Benchpat"
FEW_USER = "Benchfew"
PASSWORD = "a long enough benchmark password"
ROLLBACK_EDITS = 50
ROLLBACK_PAGES = 10
RUNS, WARMUP = 30, 3
GOAL_MS, ROLLBACK_GOAL_MS = 50.0, 200.0


def _ts(dt: datetime) -> str:
    return dt.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def load(path: Path, n_revisions: int) -> dict[str, Any]:
    """Create the schema with Alembic, then bulk-insert the data with sqlite3 executemany."""
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    engine.dispose()
    rnd = random.Random(SEED)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    now = datetime.now(UTC)
    start = now - timedelta(days=30)
    old = _ts(now - timedelta(days=400))
    users = []
    for i in range(1, USERS + 1):
        users.append((i, f"User{i:04d}", old, "", "", 100, "", "side", "UTC", 1, ""))
    db.executemany(
        'INSERT INTO "user" (id, name, created_at, password_hash, email, edit_count, language,'
        " diff_mode, timezone, watch_edits, feed_token) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        users,
    )
    bots = set(range(2, 62))
    groups = [(u, "bot") for u in sorted(bots)] + [(u, "patroller") for u in range(62, 92)]
    db.executemany('INSERT INTO user_group (user_id, "group") VALUES (?, ?)', groups)
    new_accounts = list(range(2000, USERS + 1))  # not autoconfirmed
    confirmed = [u for u in range(1, 2000) if u not in bots]
    ns_choices = [ns for ns, _ in NAMESPACES]
    ns_weights = [w for _, w in NAMESPACES]

    n_events = n_revisions + n_revisions // (LOG_EVERY - 1)
    step = (now - start) / n_events
    pages: list[tuple[int, str]] = []  # page id -> (ns, title) by index id-1
    page_size: dict[int, int] = {}
    page_latest: dict[int, int] = {}
    rev_rows: list[tuple[Any, ...]] = []
    rc_rows: list[tuple[Any, ...]] = []
    log_rows: list[tuple[Any, ...]] = []
    tag_rows: list[tuple[Any, ...]] = []
    rev_id = 0
    log_id = 0
    create_every = max(2, n_revisions // PAGES)

    def flush() -> None:
        db.executemany(
            "INSERT INTO revision (id, page_id, parent_id, text, sha1, size, user_id, user_text,"
            " timestamp, summary, minor, visibility) VALUES (?,?,?,?,?,?,?,?,?,?,?,0)",
            rev_rows,
        )
        db.executemany(
            "INSERT INTO recent_change (id, timestamp, kind, namespace, title, page_id,"
            " revision_id, parent_id, user_id, user_text, user_kind, bot, minor, old_size,"
            " new_size, summary, patrolled, visibility, log_id, log_type, log_action)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0,?,?,?)",
            rc_rows,
        )
        db.executemany(
            "INSERT INTO log_entry (id, type, action, timestamp, performer_id, performer_text,"
            " namespace, title, page_id, comment, params) VALUES (?,?,?,?,?,?,?,?,?,?,'{}')",
            log_rows,
        )
        db.executemany("INSERT INTO change_tag (tag, rc_id, revision_id) VALUES (?,?,?)", tag_rows)
        for rows in (rev_rows, rc_rows, log_rows, tag_rows):
            rows.clear()

    for rc_id in range(1, n_events + 1):
        ts = _ts(start + step * rc_id)
        if rc_id % LOG_EVERY == 0 and pages:
            log_id += 1
            ltype, laction = rnd.choice(LOG_TYPES)
            pid = rnd.randrange(1, len(pages) + 1)
            ns, title = pages[pid - 1]
            performer = rnd.choice(confirmed)
            log_rows.append(
                (log_id, ltype, laction, ts, performer, f"User{performer:04d}", ns, title, pid, "")
            )
            rc_rows.append(
                (
                    rc_id,
                    ts,
                    "log",
                    ns,
                    title,
                    pid,
                    None,
                    None,
                    performer,
                    f"User{performer:04d}",
                    "confirmed",
                    0,
                    0,
                    0,
                    0,
                    "",
                    1,
                    log_id,
                    ltype,
                    laction,
                )
            )
            continue
        rev_id += 1
        if rev_id == 1 or (rev_id % create_every == 0 and len(pages) < PAGES):
            pid = len(pages) + 1
            ns = 0 if pid == 1 else rnd.choices(ns_choices, ns_weights)[0]
            pages.append((ns, "Hot page" if pid == 1 else f"Page {pid}"))
            parent = None
        else:
            pid = 1 if rnd.random() < HOT_SHARE else rnd.randrange(1, len(pages) + 1)
            parent = page_latest[pid]
        ns, title = pages[pid - 1]
        r = rnd.random()
        if r < HEAVY_SHARE:
            uid, kind, bot = 1, "confirmed", 0
        elif r < 0.25:
            uid, kind, bot = None, "anon", 0
        elif r < 0.35:
            uid, kind, bot = rnd.choice(new_accounts), "new", 0
        elif r < 0.95:
            uid, kind, bot = rnd.choice(confirmed), "confirmed", 0
        else:
            uid, kind, bot = rnd.choice(sorted(bots)), "confirmed", 1
        name = (
            f"10.{rnd.randrange(IPS) // 250}.{rnd.randrange(250)}.7"
            if uid is None
            else f"User{uid:04d}"
        )
        text = f"Revision {rev_id} of {title}. " + "lorem ipsum " * rnd.randrange(2, 12)
        size = len(text)
        minor = int(parent is not None and rnd.random() < 0.25)
        summary = f"edit {rev_id}"
        unpatrolled = kind in ("anon", "new") and rnd.random() < 0.5
        patrolled = 0 if unpatrolled else (2 if kind == "confirmed" else 1)
        rev_rows.append(
            (
                rev_id,
                pid,
                parent,
                text,
                hashlib.sha1(text.encode()).hexdigest(),
                size,
                uid,
                name,
                ts,
                summary,
                minor,
            )
        )
        rc_rows.append(
            (
                rc_id,
                ts,
                "edit" if parent else "new",
                ns,
                title,
                pid,
                rev_id,
                parent,
                uid,
                name,
                kind,
                bot,
                minor,
                page_size.get(pid, 0),
                size,
                summary,
                patrolled,
                None,
                None,
                None,
            )
        )
        for tag, share in TAGS:
            if rnd.random() < share:
                tag_rows.append((tag, rc_id, rev_id))
        page_size[pid] = size
        page_latest[pid] = rev_id
        if len(rev_rows) >= 50_000:
            flush()
    db.executemany(
        "INSERT INTO page (id, namespace, title, latest_id, length, is_redirect, created_at,"
        " touched_at) VALUES (?,?,?,?,?,0,?,?)",
        [
            (pid, ns, title, page_latest[pid], page_size[pid], old, _ts(now))
            for pid, (ns, title) in enumerate(pages, 1)
        ],
    )
    flush()
    db.commit()
    db.close()
    return {"revisions": rev_id, "changes": n_events, "pages": len(pages), "now": now}


def _login(c: TestClient, name: str = BENCH_USER) -> None:
    form = c.get("/wiki/Special:Login").text
    token = re.search(r'name="wpEditToken" value="([^"]+)"', form)
    assert token
    r = c.post(
        "/wiki/Special:Login",
        data={"wpEditToken": token.group(1), "wpName": name, "wpPassword": PASSWORD},
    )
    assert r.status_code == 303, r.text[:300]


class Recorder:
    """The SQL statements the app runs while ``on`` (for EXPLAIN QUERY PLAN)."""

    def __init__(self, engine: Any) -> None:
        self.on = False
        self.statements: list[tuple[str, Any]] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: Any, cursor: Any, sql: str, params: Any, *args: Any) -> None:
        if self.on and sql.lstrip().upper().startswith("SELECT"):
            self.statements.append((sql, params))


def _pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _plan(path: Path, sql: str, params: Any) -> list[str]:
    db = sqlite3.connect(path)
    try:
        rows = db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    finally:
        db.close()
    return [r[-1] for r in rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--revisions", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="build the database in DIR and keep it")
    args = parser.parse_args()
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="gotong-patrol-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / "wiki.sqlite3"
    if path.exists():
        path.unlink()
    t0 = time.perf_counter()
    facts = load(path, args.revisions)
    print(
        f"# Loaded {facts['revisions']:,} revisions, {facts['changes']:,} recent changes, "
        f"{facts['pages']:,} pages in {time.perf_counter() - t0:.0f} s "
        f"({path.stat().st_size / 1e6:.0f} MB); SQLite {sqlite3.sqlite_version}, no ANALYZE"
    )
    settings = Settings(
        data_dir=tmp / "instance",
        database_url=f"sqlite:///{path}",
        secret_key="patrol-bench-secret-" + "x" * 32,
        search_interval=0,
        rate_limits=",".join(
            f"{a}:{g}=1000000/60" for a in ("edit", "login") for g in ("anon", "newbie", "user")
        ),
    ).validated()
    app = create_app(settings)
    w = app.state.wiki
    with w.db.write() as s:
        user = users.create_user(s, BENCH_USER, PASSWORD)
        users.set_groups(s, user, {"patroller"}, performer=logs.Performer("bench"))
        bench_uid = user.id
        rnd = random.Random(SEED + 1)
        few = users.create_user(s, FEW_USER, PASSWORD).id
        for n, pid in enumerate(rnd.sample(range(2, facts["pages"] + 1), 1000)):
            page = s.get(Page, pid)
            assert page is not None
            watchlist.watch(s, bench_uid, titles.Title(page.namespace, page.title))
            if n < 50:
                watchlist.watch(s, few, titles.Title(page.namespace, page.title))
    recorder = Recorder(w.db.engine)
    hot_mid = facts["revisions"] // 2
    urls = [
        ("RC default (7 d, 50, hide bots)", "/wiki/Special:RecentChanges"),
        ("RC main ns, hide minor", "/wiki/Special:RecentChanges?namespace=0&hideminor=1"),
        (
            "RC unpatrolled by IPs and new users",
            "/wiki/Special:RecentChanges?usertype=anon&usertype=new&unpatrolled=1",
        ),
        ("RC page creations only", "/wiki/Special:RecentChanges?newonly=1"),
        ("RC tag mw-rollback, 30 d", "/wiki/Special:RecentChanges?tag=mw-rollback&period=30d"),
        (
            "RC Help ns, unpatrolled, 30 d",
            "/wiki/Special:RecentChanges?namespace=12&unpatrolled=1&period=30d",
        ),
        (
            "RC 500 rows, 30 d, grouped",
            "/wiki/Special:RecentChanges?limit=500&period=30d&enhanced=1",
        ),
        ("RC older page (keyset)", f"/wiki/Special:RecentChanges?period=30d&older_than={hot_mid}"),
        ("Watchlist (1,000 pages), 7 d", "/wiki/Special:Watchlist"),
        ("Watchlist (50 pages), 30 d", f"{FEW_USER}:/wiki/Special:Watchlist?period=30d"),
        ("History: hot page, newest", "/wiki/Hot_page?action=history"),
        ("History: hot page, middle", f"/wiki/Hot_page?action=history&older_than={hot_mid}"),
        ("History: hot page, oldest", "/wiki/Hot_page?action=history&newer_than=1"),
        ("History: ordinary page", "/wiki/Page_777?action=history"),
        ("Contributions: 50k-edit account", "/wiki/Special:Contributions/User0001"),
        (
            "Contributions: same, deep page",
            f"/wiki/Special:Contributions/User0001?older_than={hot_mid}",
        ),
        ("Contributions: account, Help ns", "/wiki/Special:Contributions/User0001?namespace=12"),
        ("Contributions: an IP", "/wiki/Special:Contributions/10.3.17.7"),
    ]
    results: list[tuple[str, float, float, int]] = []
    plans: dict[str, list[tuple[str, list[str]]]] = {}
    with TestClient(app, client=("192.0.2.1", 5000), follow_redirects=False) as main_client:
        _login(main_client)
        few_client = TestClient(app, client=("192.0.2.2", 5000), follow_redirects=False)
        _login(few_client, FEW_USER)
        for label, target in urls:
            c = main_client
            url = target
            if target.startswith(f"{FEW_USER}:"):
                c, url = few_client, target.split(":", 1)[1]
            for _ in range(WARMUP):
                assert c.get(url).status_code == 200, url
            recorder.statements.clear()
            recorder.on = True
            c.get(url)
            recorder.on = False
            plans[label] = [(sql, _plan(path, sql, p)) for sql, p in recorder.statements]
            samples = []
            size = 0
            for _ in range(RUNS):
                t = time.perf_counter()
                r = c.get(url)
                samples.append((time.perf_counter() - t) * 1000)
                size = len(r.content)
            results.append((label, _pct(samples, 50), _pct(samples, 99), size))
        rollback_ms = _rollbacks(main_client, w, bench_uid)
    print()
    print(f"{'URL':40} {'p50 ms':>8} {'p99 ms':>8} {'KB':>6}  goal p50 < {GOAL_MS:.0f} ms")
    for label, p50, p99, size in results:
        mark = "ok" if p50 < GOAL_MS else "MISSED"
        print(f"{label:40} {p50:8.1f} {p99:8.1f} {size / 1024:6.0f}  {mark}")
    p50, p99 = _pct(rollback_ms, 50), _pct(rollback_ms, 99)
    mark = "ok" if p50 < ROLLBACK_GOAL_MS else "MISSED"
    print(
        f"{'Rollback of 50 edits (POST)':40} {p50:8.1f} {p99:8.1f} {'':6}  "
        f"goal p50 < {ROLLBACK_GOAL_MS:.0f} ms: {mark}"
    )
    print("\n# Query plans (EXPLAIN QUERY PLAN of every SELECT each URL ran)")
    for label, stmts in plans.items():
        print(f"\n## {label}")
        for sql, plan in stmts:
            short = " ".join(sql.split())
            print(f"  {short[:150]}{'…' if len(short) > 150 else ''}")
            for line in plan:
                print(f"      {line}")
    app.state.wiki.db.dispose()
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _rollbacks(c: TestClient, w: Any, bench_uid: int) -> list[float]:
    """Pages of ~5 KB with links, each ending with 50 edits by one IP; roll each back once."""
    body = "\n\n".join(
        f"## Bagian {i}\n\nAnggaran [[Page {i * 7}]] dan [[Hot page]] untuk desa {i}." * 3
        for i in range(20)
    )
    author = Author(BENCH_USER, bench_uid, frozenset({"*", "user", "autoconfirmed", "patroller"}))
    for n in range(ROLLBACK_PAGES):
        title = titles.parse(f"Rollback target {n}")
        with w.db.write() as s:
            result = revisions.save(s, title, body, author=author, max_bytes=2_000_000)
            base = result.revision.id
            for k in range(ROLLBACK_EDITS):
                result = revisions.save(
                    s,
                    title,
                    body + f"\n\nvandal {k}",
                    author=Author("203.0.113.99"),
                    base_id=base,
                    max_bytes=2_000_000,
                )
                base = result.revision.id
    token = re.search(r'name="wpEditToken" value="([^"]+)"', c.get("/wiki/Special:Login").text)
    assert token
    samples = []
    for n in range(ROLLBACK_PAGES):
        t = time.perf_counter()
        r = c.post(
            f"/wiki/Rollback_target_{n}?action=rollback",
            data={"wpEditToken": token.group(1), "from": "203.0.113.99"},
            follow_redirects=False,
        )
        samples.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 303, r.text[:300]
        assert f"rolledback={ROLLBACK_EDITS}" in r.headers["location"]
    return samples


if __name__ == "__main__":
    raise SystemExit(main())
