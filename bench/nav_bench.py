"""Navigation benchmark: WantedPages, LonelyPages and a 10,000-member category on 100,000 pages.

Run: ``.venv/bin/python bench/nav_bench.py`` (about a minute; ``--pages N`` for another size,
``--verify`` to also check the generated link tables against ``wiki rebuild-links``).

What it does, in a fresh temp dir (nothing is written to the repository):

1. migrates an empty SQLite file to the current schema (``wiki.migrations``);
2. generates a wiki with bulk inserts (``executemany``, no app code): N pages in the main
   namespace, one revision each whose text holds its links and categories; ~8 links per page
   (mostly uniform, a quarter skewed towards a few hubs, so some pages are never linked),
   red links to a pool of missing titles with a skewed count, 2 % redirects, one category
   ``Big`` with 10,000 members and 1,000 small categories; the link tables (``link_target``
   with its maintained ``page_id``/``link_count``, ``link``, ``category_link``, ``redirect``)
   are filled exactly as ``wiki.navigation.links`` would fill them (``--verify`` proves it);
3. serves the real app (``create_app`` through starlette's TestClient) with the page caches
   and the search indexer off, so every request runs the queries and the templates;
4. times each page (``--runs`` requests after 3 warm-up ones) and prints p50/p99, then the
   SQL each page ran with SQLite's ``EXPLAIN QUERY PLAN``.

Goal: p50 under 100 ms for each page on 100,000 pages.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import random
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from wiki import migrations  # noqa: E402
from wiki.db import make_engine  # noqa: E402

GOAL_MS = 100.0
BIG = "Big"
BIG_MEMBERS = 10_000
SMALL_CATEGORIES = 1_000
LINKS_PER_PAGE = 8
SYLLABLES = tuple(c + v for c in "ktnmsrlpbdgjwyh" for v in "aeiou")
PAGES_TO_TIME = {
    "Special:WantedPages": "/wiki/Special:WantedPages",
    "Special:LonelyPages": "/wiki/Special:LonelyPages",
    f"Category:{BIG} (10,000 members)": f"/wiki/Category:{BIG}",
    f"Category:{BIG}?pagefrom=M": f"/wiki/Category:{BIG}?pagefrom=M",
}


def words(rng: random.Random, n: int) -> str:
    return " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(n)
    )


def make_titles(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    found: list[str] = []
    while len(found) < count:
        t = words(rng, rng.randint(1, 3))
        t = t[0].upper() + t[1:]
        if t not in taken:
            taken.add(t)
            found.append(t)
    return found


def revision_row(pid: int, text: str, now: str) -> tuple[Any, ...]:
    """A revision row: page ``pid``'s only revision has the same id."""
    sha1 = hashlib.sha1(text.encode()).hexdigest()
    return (pid, pid, None, text, sha1, len(text.encode()), None, "198.51.100.1", now, "", False)


def skewed(rng: random.Random, n: int) -> int:
    """An index in [0, n) that favours small values (a few hubs get most links)."""
    return min(n - 1, int(n * rng.random() ** 4))


def generate(path: Path, n_pages: int, seed: int = 7) -> dict[str, int]:
    """Bulk-insert the wiki described in the module docstring; returns row counts."""
    import sqlite3

    rng = random.Random(seed)
    taken: set[str] = set()
    titles = make_titles(rng, n_pages, taken)
    missing = make_titles(rng, max(1000, n_pages // 3), taken)
    small = make_titles(rng, SMALL_CATEGORIES, taken)
    n_redirects = n_pages // 50
    redirect_of = {i: rng.randrange(n_pages) for i in rng.sample(range(n_pages), n_redirects)}
    big_members = set(rng.sample(range(n_pages), min(BIG_MEMBERS, n_pages)))
    now = datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")

    pages, revs, link_rows, cat_rows, redirect_rows = [], [], [], [], []
    counts: Counter[tuple[int, str]] = Counter()
    for i, title in enumerate(titles):
        pid = i + 1
        targets: set[str] = set()
        cats: list[str] = []
        if i in redirect_of:
            target = titles[redirect_of[i]]
            text = f"#REDIRECT [[{target}]]"
            targets.add(target)
            redirect_rows.append((pid, target))
        else:
            for _ in range(LINKS_PER_PAGE):
                j = skewed(rng, n_pages) if rng.random() < 0.25 else rng.randrange(n_pages)
                targets.add(titles[j])
            if rng.random() < 0.5:
                targets.add(missing[skewed(rng, len(missing))])
            if i in big_members:
                cats.append(BIG)
            cats.append(small[rng.randrange(len(small))])
            body = ", ".join(f"[[{t}]]" for t in sorted(targets))
            text = f"{words(rng, 12)}.\n\nSee {body}.\n\n" + " ".join(
                f"[[Category:{c}]]" for c in cats
            )
        size = len(text.encode())
        pages.append((pid, 0, title, pid, size, i in redirect_of, now, now))
        revs.append(revision_row(pid, text, now))
        for t in targets:
            link_rows.append((pid, t))
            counts[(0, t)] += 1
        for c in cats:
            cat_rows.append((pid, c, title, "page"))
    # The category's own description page, so the view renders an article and the listing.
    cat_pid = n_pages + 1
    cat_text = "Pages of the benchmark's big category."
    pages.append((cat_pid, 14, BIG, cat_pid, len(cat_text), False, now, now))
    revs.append(revision_row(cat_pid, cat_text, now))
    title_ids = {(p[1], p[2]): p[0] for p in pages}
    target_keys = sorted(set(title_ids) | set(counts))
    target_id = {k: n + 1 for n, k in enumerate(target_keys)}
    targets_rows = [
        (target_id[k], k[0], k[1], title_ids.get(k), counts.get(k, 0)) for k in target_keys
    ]

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    with conn:
        conn.executemany(
            "INSERT INTO page (id, namespace, title, latest_id, length, is_redirect, created_at,"
            " touched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            pages,
        )
        conn.executemany(
            "INSERT INTO revision (id, page_id, parent_id, text, sha1, size, user_id, user_text,"
            " timestamp, summary, minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            revs,
        )
        conn.executemany(
            "INSERT INTO link_target (id, namespace, title, page_id, link_count)"
            " VALUES (?, ?, ?, ?, ?)",
            targets_rows,
        )
        conn.executemany(
            "INSERT INTO link (from_page_id, target_id) VALUES (?, ?)",
            ((pid, target_id[(0, t)]) for pid, t in link_rows),
        )
        conn.executemany(
            "INSERT INTO category_link (from_page_id, category, sortkey, kind) VALUES (?, ?, ?, ?)",
            cat_rows,
        )
        conn.executemany(
            "INSERT INTO redirect (from_page_id, target_id) VALUES (?, ?)",
            ((pid, target_id[(0, t)]) for pid, t in redirect_rows),
        )
    conn.execute("ANALYZE")
    conn.close()
    return {
        "pages": len(pages),
        "links": len(link_rows),
        "link targets": len(targets_rows),
        "wanted titles": sum(1 for r in targets_rows if r[3] is None),
        "orphans": sum(1 for r in targets_rows if r[3] is not None and r[4] == 0) - 1,
        "category links": len(cat_rows),
        "redirects": len(redirect_rows),
    }


def verify(url: str) -> None:
    """Rebuild the link tables from the texts and compare them with the generated ones."""
    from wiki.db import Database
    from wiki.navigation import links
    from wiki.pages import rendering

    db = Database(url)
    try:
        with db.read() as s:
            before = links.snapshot(s)
        started = time.perf_counter()
        with db.write() as s:
            links.rebuild(s, rendering.render_text)
        took = time.perf_counter() - started
        with db.read() as s:
            after = links.snapshot(s)
    finally:
        db.dispose()
    for table in before:
        same = before[table] == after[table]
        print(f"  {table:18} {len(before[table]):>9,} rows  {'same' if same else 'DIFFERENT'}")
        if not same:
            raise SystemExit(f"generated {table} differs from wiki rebuild-links")
    print(f"  (wiki rebuild-links took {took:.1f} s)")


def explain(url: str, statements: list[tuple[str, Any]]) -> list[str]:
    """EXPLAIN QUERY PLAN of each captured statement, indented under it."""
    engine = make_engine(url)
    out: list[str] = []
    try:
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            for sql, params in statements:
                out.append("    " + " ".join(sql.split()))
                for row in raw.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall():
                    depth = 0 if row[1] == 0 else 1
                    out.append("      " + "  " * depth + "-> " + row[3])
    finally:
        engine.dispose()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--verify", action="store_true", help="compare with rebuild-links")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="gotong-navbench-"))
    url = f"sqlite:///{tmp / 'wiki.sqlite3'}"
    try:
        engine = make_engine(url)
        migrations.upgrade(engine)
        engine.dispose()
        started = time.perf_counter()
        counts = generate(tmp / "wiki.sqlite3", args.pages)
        took = time.perf_counter() - started
        print(f"Generated in {took:.1f} s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
        if args.verify:
            verify(url)
        return measure(tmp, url, args.runs)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def measure(tmp: Path, url: str, runs: int) -> int:
    warnings.simplefilter("ignore")  # starlette's TestClient nudges towards httpx2
    logging.disable(logging.WARNING)
    from starlette.testclient import TestClient

    from wiki.app import create_app
    from wiki.settings import Settings

    settings = Settings(
        data_dir=tmp / "instance",
        database_url=url,
        secret_key="bench-" + "k" * 40,
        page_cache_size=0,  # no article or page cache: every request queries and renders
        search_interval=0,  # no background indexer competing for the CPU
    )
    app = create_app(settings)
    captured: list[tuple[str, Any]] = []
    capturing = False

    def capture(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if capturing and sql.lstrip().upper().startswith("SELECT"):
            captured.append((sql, params))

    event.listen(app.state.wiki.db.engine, "before_cursor_execute", capture)
    failed = False
    plans: dict[str, list[str]] = {}
    print(f"\n{'page':34} {'p50 ms':>8} {'p99 ms':>8} {'bytes':>8}  goal p50 < {GOAL_MS:.0f} ms")
    with TestClient(app, follow_redirects=False) as client:
        for name, path in PAGES_TO_TIME.items():
            times = []
            for i in range(runs + 3):
                started = time.perf_counter()
                r = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                if r.status_code != 200:
                    print(f"{name}: HTTP {r.status_code}")
                    return 1
                if i >= 3:
                    times.append(elapsed)
            times.sort()
            p50 = statistics.median(times)
            p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
            ok = p50 < GOAL_MS
            failed = failed or not ok
            verdict = "ok" if ok else "MISSED"
            print(f"{name:34} {p50:8.1f} {p99:8.1f} {len(r.content):8,}  {verdict}")
            captured.clear()
            capturing = True
            client.get(path)
            capturing = False
            plans[name] = explain(url, captured)
    print("\nQuery plans (each SELECT one request ran, with SQLite's EXPLAIN QUERY PLAN):")
    for name, lines in plans.items():
        print(f"\n  {name}")
        print("\n".join(lines))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
