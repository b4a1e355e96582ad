"""Search benchmark: Gotong's whoosh search against SQLite FTS5 and a plain whoosh loop.

Run: ``.venv/bin/python bench/search_bench.py`` (20,000 articles: ~10 minutes on the 2-core
machine) or ``--quick`` (2,000 articles: ~2 minutes). Nothing is written to the repository.

What it does, in a fresh temp dir, on one corpus (``bench/corpus.py``: ~400-word articles from
real Indonesian and English word lists with Zipf-like frequencies, half in each language):

1. writes the articles into a SQLite database made by the real migrations (bulk inserts);
2. **indexing**: a full ``wiki reindex`` (the command, in a subprocess: markdown to text, two
   analyses per field, Indonesian stemming, redirects, the swap), against a plain single-writer
   whoosh loop over the same texts (one ``TEXT`` field, whoosh's standard analyzer), and SQLite
   FTS5 inserts; documents/s and size on disk for each;
3. **queries**: 200 one- and two-word queries, p50/p99/max, through the service function
   (``SearchIndex.search``: ranked top 20 with snippets) and over HTTP
   (``/w/rest.php/v1/search/page``, a real server with 2 workers), beside FTS5's ``bm25()``
   top 20 with ``snippet()`` on the same corpus and queries; and over HTTP again with a REST
   save every second running beside the queries;
4. **autocomplete**: 200 prefixes of 2–6 characters, through ``SearchIndex.titles`` and over
   HTTP (``/w/rest.php/v1/search/title``);
5. **saves**: REST API saves while the host's indexer process runs (latency p50/p99), and how
   long each save took to become searchable; and the same saves through the service function
   in this process with and without an ``Indexer`` thread running beside them.

Goals (issue 6): queries p50 < 15 ms and p99 < 100 ms; autocomplete p50 < 10 ms. The exit
status is 0 even when a goal is missed (the table says so); 1 when something failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, update  # noqa: E402

from bench.corpus import Article, Corpus  # noqa: E402
from tests.server import WikiServer  # noqa: E402
from wiki import migrations, search  # noqa: E402
from wiki.db import Database  # noqa: E402
from wiki.models import Page, Revision, utcnow  # noqa: E402
from wiki.pages import revisions  # noqa: E402
from wiki.search import signals  # noqa: E402
from wiki.text import markup, titles  # noqa: E402

LANGUAGE = "id"
BENCH_RATE_LIMITS = "edit:anon=1000000/60,edit:newbie=1000000/60,edit:user=1000000/60"
QUERY_P50_GOAL = 15.0
QUERY_P99_GOAL = 100.0
TITLES_P50_GOAL = 10.0


@dataclass
class Timing:
    label: str
    samples: list[float]  # seconds

    def pct(self, p: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

    def row(self) -> str:
        s = self.samples
        return (
            f"  {self.label:<44} p50 {self.pct(50):7.1f} ms   p99 {self.pct(99):7.1f} ms   "
            f"max {max(s) * 1000:7.1f} ms   (n={len(s)})"
        )


def timed(label: str, fn: Callable[[str], object], inputs: Iterable[str]) -> Timing:
    samples = []
    for item in inputs:
        started = time.perf_counter()
        fn(item)
        samples.append(time.perf_counter() - started)
    return Timing(label, samples)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def load_database(url: str, articles: list[Article]) -> None:
    db = Database(url)
    migrations.upgrade(db.engine)
    now = utcnow()
    with db.write() as session:
        rows = [
            {
                "id": i,
                "namespace": 0,
                "title": a.title,
                "created_at": now,
                "touched_at": now,
                "length": len(a.text.encode()),
            }
            for i, a in enumerate(articles, 1)
        ]
        session.execute(insert(Page), rows)
        revs = [
            {
                "id": i,
                "page_id": i,
                "text": a.text,
                "sha1": revisions.sha1_of(a.text),
                "size": len(a.text.encode()),
                "user_text": "Bench",
                "timestamp": now,
                "summary": "",
            }
            for i, a in enumerate(articles, 1)
        ]
        session.execute(insert(Revision), revs)
        session.execute(update(Page).values(latest_id=Page.id))
    db.dispose()


def plain_whoosh(path: Path, texts: list[tuple[str, str]]) -> float:
    """A plain single-writer whoosh loop (standard analyzer, one text field); returns docs/s."""
    from whoosh import fields, index

    path.mkdir()
    schema = fields.Schema(
        title=fields.TEXT(stored=True), body=fields.TEXT(stored=True), id=fields.ID(unique=True)
    )
    ix = index.create_in(str(path), schema)
    started = time.perf_counter()
    writer = ix.writer(limitmb=256)
    for i, (title, body) in enumerate(texts):
        writer.add_document(id=str(i), title=title, body=body)
    writer.commit()
    rate = len(texts) / (time.perf_counter() - started)
    ix.close()
    return rate


def fts5(path: Path, texts: list[tuple[str, str]], queries: list[str]) -> tuple[float, Timing]:
    """SQLite FTS5 on the same texts: inserts/s, and bm25 top 20 with snippets per query."""
    con = sqlite3.connect(path)
    con.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='unicode61')")
    started = time.perf_counter()
    with con:
        con.executemany("INSERT INTO fts(title, body) VALUES (?, ?)", texts)
    rate = len(texts) / (time.perf_counter() - started)
    sql = (
        "SELECT rowid, title, snippet(fts, 1, '<b>', '</b>', '…', 24) FROM fts "
        "WHERE fts MATCH ? ORDER BY bm25(fts, 4.0, 1.0) LIMIT 20"
    )

    def run(q: str) -> object:
        match = " ".join('"' + w.replace('"', "") + '"' for w in q.split())
        return con.execute(sql, (match,)).fetchall()

    for q in queries[:10]:
        run(q)
    timing = timed("SQLite FTS5 bm25 top 20 + snippet", run, queries)
    con.close()
    return rate, timing


def reindex(data_dir: Path, url: str) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIKI_")}
    env.update(WIKI_DATA_DIR=str(data_dir), WIKI_DATABASE_URL=url, WIKI_LANGUAGE=LANGUAGE)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "wiki.cli", "reindex"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, done.stdout.strip()


def http_saves(server: WikiServer, count: int) -> tuple[Timing, Timing]:
    """REST saves of one page while the server's indexers run; and save-to-searchable delay."""
    latency: list[float] = []
    visible: list[float] = []
    with httpx.Client(base_url=server.url, timeout=30) as client:
        r = client.post("/w/rest.php/v1/page", json={"title": "Bench save", "source": "start"})
        r.raise_for_status()
        latest = r.json()["latest"]["id"]
        for i in range(count):
            token = f"zqx{i}marker"
            body = {"source": f"Text with {token} in it.", "latest": {"id": latest}}
            started = time.perf_counter()
            r = client.put("/w/rest.php/v1/page/Bench_save", json=body)
            saved = time.perf_counter()
            r.raise_for_status()
            latest = r.json()["latest"]["id"]
            latency.append(saved - started)
            while True:
                found = client.get("/w/rest.php/v1/search/page", params={"q": token, "limit": 1})
                if found.json()["pages"]:
                    break
                if time.perf_counter() - saved > 10:
                    raise RuntimeError("a save did not become searchable within 10 s")
                time.sleep(0.005)
            visible.append(time.perf_counter() - saved)
    return (
        Timing("REST save (PUT /v1/page), indexers running", latency),
        Timing("save → searchable over HTTP", visible),
    )


class SaveEverySecond:
    """A thread that saves one page over the REST API every second while the block runs."""

    def __init__(self, server: WikiServer) -> None:
        self.server = server
        self.saves = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.server.url, timeout=30) as client:
            latest = None
            while not self._stop.wait(1.0):
                body: dict[str, object] = {"source": f"Saved beside the queries, {self.saves}."}
                if latest is not None:
                    body["latest"] = {"id": latest}
                r = client.put("/w/rest.php/v1/page/Bench_busy", json=body)
                r.raise_for_status()
                latest = r.json()["latest"]["id"]
                self.saves += 1

    def __enter__(self) -> SaveEverySecond:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(30)


def service_saves(data_dir: Path, url: str, count: int, with_indexer: bool) -> Timing:
    db = Database(url)
    index = search.SearchIndex(data_dir / "search", LANGUAGE)
    bell = signals.LocalBell()
    signals.notify_on_commit(db, [bell])  # as an app process does: the save rings the indexer
    indexer = search.Indexer(index, db, interval=0.5, doorbell=bell)
    if with_indexer:
        indexer.start()
    state = "on" if with_indexer else "off"
    title = titles.parse("Service save " + state)
    author = revisions.Author(name="Bench")
    samples = []
    try:
        for i in range(count):
            started = time.perf_counter()
            with db.write() as session:
                page = revisions.get_page(session, title)
                revisions.save(
                    session,
                    title,
                    f"Version {i} of a page saved with the indexer {state}.",
                    author=author,
                    base_id=page.latest_id if page else None,
                    max_bytes=1_000_000,
                )
            samples.append(time.perf_counter() - started)
    finally:
        indexer.stop()
        index.close()
        db.dispose()
    label = "with an Indexer thread" if with_indexer else "without an indexer"
    return Timing(f"service save {label}", samples)


def hard_queries(queries: list[str]) -> tuple[list[str], list[str]]:
    """Queries that take the slow paths: four words of which one is in no page (relaxed to
    most words), and a word of six letters or more with one letter dropped (corrected)."""
    words = [w for q in queries for w in q.split()]
    relaxed = [
        f"{words[i]} {words[(i + 7) % len(words)]} {words[(i + 13) % len(words)]} qzxv{i}"
        for i in range(len(queries) // 4)
    ]
    long_words = [w for w in words if len(w) >= 6] or words
    misspelt = [(w[: len(w) // 2] + w[len(w) // 2 + 1 :]) for w in long_words[: len(queries) // 4]]
    return relaxed, misspelt


def goal(ok: bool) -> str:
    return "goal met" if ok else "GOAL MISSED"


def run(args: argparse.Namespace, tmp: Path) -> None:
    print(f"# Gotong search benchmark: {args.docs} articles, {args.queries} queries, {LANGUAGE}")
    print(
        f"# {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, "
        f"Python {sys.version.split()[0]}"
    )
    corpus = Corpus()
    started = time.perf_counter()
    articles = list(corpus.articles(args.docs))
    queries = corpus.queries(args.queries)
    prefixes = corpus.prefixes([a.title for a in articles], args.queries)
    words = sum(len(a.text.split()) for a in articles) / len(articles)
    print(
        f"corpus: {len(articles)} articles, {words:.0f} words each on average, made in "
        f"{time.perf_counter() - started:.1f} s"
    )
    print(
        f"queries (first of each kind): {queries[0]!r}, {queries[-1]!r}; prefixes: {prefixes[0]!r}"
    )

    data_dir = tmp / "instance"
    data_dir.mkdir()
    url = f"sqlite:///{(data_dir / 'wiki.sqlite3').resolve()}"
    load_database(url, articles)
    texts = [(a.title, markup.plain_text(a.text)) for a in articles]

    print("\n## Indexing")
    seconds, output = reindex(data_dir, url)
    print(
        f"  wiki reindex            {len(articles) / seconds:8.0f} docs/s   ({seconds:.1f} s)"
        f"   {output}"
    )
    plain_rate = plain_whoosh(tmp / "plain", texts)
    print(
        f"  plain whoosh loop       {plain_rate:8.0f} docs/s"
        "   (1 writer, 1 text field, standard analyzer)"
    )
    fts_rate, fts_timing = fts5(tmp / "fts.sqlite3", texts, queries)
    print(f"  SQLite FTS5 inserts     {fts_rate:8.0f} docs/s")
    index = search.SearchIndex(data_dir / "search", LANGUAGE)
    status = index.status()
    assert status.path is not None
    print("\n## Size on disk")
    print(f"  Gotong index            {mib(status.size_bytes):>10}   ({status.segments} segments)")
    print(f"  plain whoosh index      {mib(dir_size(tmp / 'plain')):>10}")
    print(f"  SQLite FTS5 database    {mib((tmp / 'fts.sqlite3').stat().st_size):>10}")
    print(f"  article text            {mib(sum(len(a.text.encode()) for a in articles)):>10}")

    print("\n## Queries (top 20, snippets)")
    for q in queries[: min(20, len(queries))]:  # open the index, warm the caches
        index.search(q + " warmup")
    service = timed("service SearchIndex.search (first run)", index.search, queries)
    print(service.row())
    print(timed("service, same queries again", index.search, queries).row())
    one = Timing("  one-word queries", service.samples[: len(queries) // 2])
    two = Timing("  two-word queries", service.samples[len(queries) // 2 :])
    print(one.row())
    print(two.row())
    print(fts_timing.row())
    relaxed, misspelt = hard_queries(queries)
    service_relaxed = timed("service, relaxed (4 words, one in no page)", index.search, relaxed)
    service_misspelt = timed("service, misspelt (a letter dropped)", index.search, misspelt)
    print(service_relaxed.row())
    print(service_misspelt.row())

    print("\n## Autocomplete (10 titles)")
    titles_timing = timed("service SearchIndex.titles", lambda p: index.titles(p, 10), prefixes)
    print(titles_timing.row())
    index.close()

    env = {
        "WIKI_LANGUAGE": LANGUAGE,
        "WIKI_RATE_LIMITS": BENCH_RATE_LIMITS,
        "WIKI_PAGE_CACHE_SIZE": "0",
    }
    with WikiServer(workers=2, data_dir=data_dir, database_url=url, env=env) as server:
        with httpx.Client(base_url=server.url, timeout=30) as client:

            def http_search(q: str) -> object:
                r = client.get("/w/rest.php/v1/search/page", params={"q": q, "limit": 20})
                r.raise_for_status()
                return r

            def http_titles(p: str) -> object:
                r = client.get("/w/rest.php/v1/search/title", params={"q": p, "limit": 10})
                r.raise_for_status()
                return r

            for q in queries[:20]:
                http_search(q + " warmup")
                http_titles(q[:3])
            http_timing = timed("HTTP GET /v1/search/page", http_search, queries)
            http_hard = timed("HTTP, relaxed and misspelt", http_search, relaxed + misspelt)
            http_titles_timing = timed("HTTP GET /v1/search/title", http_titles, prefixes)
            with SaveEverySecond(server) as saver:
                busy_timing = timed(
                    "HTTP GET /v1/search/page, a save every second", http_search, queries
                )
        print("\n## Over HTTP (real server, 2 workers, keep-alive, the host's indexer)")
        print(http_timing.row())
        print(http_titles_timing.row())
        print(http_hard.row())
        print(busy_timing.row() + f"   ({saver.saves} saves beside it)")
        print(f"  load average {os.getloadavg()[0]:.2f}")
        print("\n## Saves")
        save_timing, visible_timing = http_saves(server, args.saves)
        print(save_timing.row())
        print(visible_timing.row())
    print(service_saves(data_dir, url, args.saves, with_indexer=False).row())
    print(service_saves(data_dir, url, args.saves, with_indexer=True).row())

    print("\n## Goals")
    print(
        f"  queries p50 {service.pct(50):.1f} ms < {QUERY_P50_GOAL:.0f} ms: "
        f"{goal(service.pct(50) < QUERY_P50_GOAL)}; over HTTP {http_timing.pct(50):.1f} ms: "
        f"{goal(http_timing.pct(50) < QUERY_P50_GOAL)}"
    )
    print(
        f"  queries p99 {service.pct(99):.1f} ms < {QUERY_P99_GOAL:.0f} ms: "
        f"{goal(service.pct(99) < QUERY_P99_GOAL)}; over HTTP {http_timing.pct(99):.1f} ms: "
        f"{goal(http_timing.pct(99) < QUERY_P99_GOAL)}"
    )
    print(
        f"  relaxed and misspelt over HTTP: p50 {http_hard.pct(50):.1f} ms "
        f"({goal(http_hard.pct(50) < QUERY_P50_GOAL)}), p99 {http_hard.pct(99):.1f} ms "
        f"({goal(http_hard.pct(99) < QUERY_P99_GOAL)})"
    )
    print(
        f"  with a save every second over HTTP: p50 {busy_timing.pct(50):.1f} ms "
        f"({goal(busy_timing.pct(50) < QUERY_P50_GOAL)}), p99 {busy_timing.pct(99):.1f} ms "
        f"({goal(busy_timing.pct(99) < QUERY_P99_GOAL)}); load average "
        f"{os.getloadavg()[0]:.2f}"
    )
    print(
        f"  autocomplete p50 {titles_timing.pct(50):.1f} ms < {TITLES_P50_GOAL:.0f} ms: "
        f"{goal(titles_timing.pct(50) < TITLES_P50_GOAL)}; over HTTP "
        f"{http_titles_timing.pct(50):.1f} ms: {goal(http_titles_timing.pct(50) < TITLES_P50_GOAL)}"
    )
    ratio = statistics.median(service.samples) / statistics.median(fts_timing.samples)
    print(
        f"  FTS5 for scale: p50 {fts_timing.pct(50):.1f} ms, p99 {fts_timing.pct(99):.1f} ms; "
        f"our median query takes {ratio:.0f}× FTS5's"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 articles (about 2 minutes)")
    parser.add_argument("--docs", type=int, help="articles (20,000; quick 2,000)")
    parser.add_argument("--queries", type=int, default=200, help="queries and prefixes (200)")
    parser.add_argument("--saves", type=int, help="saves timed (100; quick 30)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = parser.parse_args()
    args.docs = args.docs or (2_000 if args.quick else 20_000)
    args.saves = args.saves or (30 if args.quick else 100)
    tmp = Path(tempfile.mkdtemp(prefix="gotong-search-bench-"))
    try:
        run(args, tmp)
    except Exception as exc:
        print(f"FAILED: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        raise
    finally:
        if args.keep:
            print(f"(kept {tmp})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
