"""Dumps and backups: import and export rates, import memory as the dump grows, and a backup of
a large database while the wiki serves page views.

Run: ``.venv/bin/python bench/dumps_bench.py`` (100,000 revisions and a ~1 GB database; on the
shared 2-core machine, 10-20 minutes). ``--revisions 20000 --backup-mb 200`` for a quick look.

What it does, in a temp dir (removed afterwards unless ``--keep``):

1. bulk-loads a source wiki (SQLite, schema by Alembic): ``--revisions`` revisions over pages
   of 20 revisions each, ~1.5 KB of Indonesian/English Markdown per revision;
2. **export**: ``wiki.dumps.export.write`` of the full history (our own format, schema 0.11)
   to a file: revisions/s. Also writes dumps of the first quarter and half of the pages;
3. **import** of the quarter, the half and the whole dump, each into an empty SQLite wiki in a
   fresh child process (``wiki.actions.imports.import_dump``, as ``wiki import`` runs it):
   revisions/s and the child's peak RSS (``ru_maxrss``), next to a baseline child that loads
   the same modules and opens an empty wiki but imports nothing. Flat memory: the peak stays
   near the baseline however large the dump;
4. **backup while serving**: bulk-loads a database of ``--backup-mb`` MB, serves it with
   ``wiki serve`` (tests/server.py; search indexer off), measures page views (anonymous, 4
   client threads, random pages) for ``--view-seconds`` without a backup, then again while
   ``wiki backup`` runs: backup seconds and the views' p50/p99 in both phases, and their ratio.

The load average is printed with the figures: the machine is shared, so absolute figures are
noisy; the ratios in the same run are the steadier part.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import WikiServer  # noqa: E402

REVS_PER_PAGE = 20
SEED = 15
_WORDS = (
    "sungai gotong royong desa warga kebijakan musyawarah hutan air laut kampung pasar sekolah "
    "river village community policy forest water market school history culture language people "
    "the of and to in is was for on with as by at from that this which"
)
WORDS = _WORDS.split()


def load(path: Path, revisions: int, text_bytes: int) -> int:
    """Bulk-load pages with REVS_PER_PAGE revisions each; returns the number of pages."""
    from wiki import migrations
    from wiki.db import make_engine

    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    engine.dispose()
    rnd = random.Random(SEED)
    paragraphs = [
        " ".join(rnd.choice(WORDS) for _ in range(80)).capitalize() + "." for _ in range(64)
    ]
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA journal_mode=WAL")
    pages = max(1, revisions // REVS_PER_PAGE)  # whole pages: a remainder is left out
    start = datetime(2020, 1, 1, tzinfo=UTC)
    rev_id = 0
    page_rows: list[tuple[Any, ...]] = []
    rev_rows: list[tuple[Any, ...]] = []
    for p in range(1, pages + 1):
        parent = None
        text = ""
        for j in range(REVS_PER_PAGE):
            rev_id += 1
            if rev_id > revisions:
                break
            parts = [f"# Halaman {p}\n"]
            while sum(len(x) for x in parts) < text_bytes:
                parts.append(paragraphs[rnd.randrange(len(paragraphs))])
            parts.append(f"Revisi {j} [[Halaman {rnd.randrange(1, pages + 1)}]].")
            text = "\n\n".join(parts)
            ts = (start + timedelta(minutes=rev_id)).strftime("%Y-%m-%d %H:%M:%S.%f")
            who = (None, f"10.0.{rev_id % 250}.{rev_id % 200}") if j % 3 else (None, "Budi")
            rev_rows.append(
                (
                    rev_id,
                    p,
                    parent,
                    text,
                    hashlib.sha1(text.encode()).hexdigest(),
                    len(text.encode()),
                    who[0],
                    who[1],
                    ts,
                    f"suntingan {j}",
                    0,
                )
            )
            parent = rev_id
        page_rows.append((p, 0, f"Halaman {p}", parent, len(text.encode()), 0, ts, ts))
        if len(rev_rows) >= 2000:
            _flush(db, page_rows, rev_rows)
    _flush(db, page_rows, rev_rows)
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return pages


def _flush(db: sqlite3.Connection, page_rows: list[Any], rev_rows: list[Any]) -> None:
    db.executemany(
        "INSERT INTO page (id, namespace, title, latest_id, length, is_redirect, created_at,"
        " touched_at) VALUES (?,?,?,?,?,?,?,?)",
        page_rows,
    )
    db.executemany(
        "INSERT INTO revision (id, page_id, parent_id, text, sha1, size, user_id, user_text,"
        " timestamp, summary, minor, visibility) VALUES (?,?,?,?,?,?,?,?,?,?,?,0)",
        rev_rows,
    )
    page_rows.clear()
    rev_rows.clear()


def _site() -> Any:
    from wiki.dumps import export

    return export.SiteInfo(
        sitename="Bench", base="http://bench.test/wiki/Main_Page", generator="Gotong bench"
    )


def export_dumps(source: Path, out_dir: Path, pages: int) -> dict[str, Any]:
    """Time the full-history export; also write quarter and half dumps (untimed)."""
    from wiki.db import Database
    from wiki.dumps import export
    from wiki.text.titles import parse

    db = Database(f"sqlite:///{source}")
    files: dict[str, Path] = {}
    started, cpu = time.monotonic(), time.process_time()
    with (out_dir / "full.xml").open("wb") as fh:
        stats = export.write(db, fh, _site(), history=True)
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu
    files["1/1"] = out_dir / "full.xml"
    for share, name in ((4, "1/4"), (2, "1/2")):
        wanted = [parse(f"Halaman {p}") for p in range(1, pages // share + 1)]
        path = out_dir / f"part{share}.xml"
        with path.open("wb") as fh:
            export.write(db, fh, _site(), pages=wanted, history=True)
        files[name] = path
    db.dispose()
    return {"revisions": stats.revisions, "seconds": seconds, "cpu": cpu, "files": files}


def child_import(dump: str, data_dir: str, really: bool) -> None:
    """In a fresh process: import ``dump`` into an empty wiki; print JSON figures."""
    from wiki import migrations
    from wiki.accounts.ratelimit import RateLimiter
    from wiki.actions import imports
    from wiki.actions.context import IMPORT, Actor, Env
    from wiki.db import Database
    from wiki.settings import Settings

    settings = Settings(data_dir=Path(data_dir), search_interval=0.0).validated()
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    migrations.upgrade(db.engine)
    env = Env(settings, db, RateLimiter(db, settings.rate_limits))
    actor = Actor(
        user_id=None,
        name="Maintenance script",
        ip="127.0.0.1",
        groups=frozenset({"*", "user", "autoconfirmed", "admin"}),
        channel=IMPORT,
    )
    started, cpu = time.monotonic(), time.process_time()
    revisions = 0
    if really:
        with open(dump, "rb") as fh:
            revisions = imports.import_dump(env, actor, fh).revisions
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu
    # Resident now (after the import, before clean-up): finer than the peak, which start-up
    # (model, templates, whoosh) may already set higher than anything the import adds.
    now_kib = int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGESIZE")
    now_kib //= 1024
    db.dispose()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "revisions": revisions,
                "seconds": seconds,
                "cpu": cpu,
                "rss_kib": rss,
                "now_kib": now_kib,
            }
        )
    )


def run_child(dump: Path, data_dir: Path, really: bool) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", str(dump), str(data_dir)]
    if not really:
        args.append("--baseline")
    done = subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


def views(url: str, pages: int, stop: threading.Event, threads: int = 4) -> list[float]:
    samples: list[float] = []
    errors: list[str] = []

    def worker(n: int) -> None:
        rnd = random.Random(n)
        with httpx.Client(base_url=url, timeout=60) as http:
            while not stop.is_set():
                t0 = time.perf_counter()
                r = http.get(f"/wiki/Halaman_{rnd.randrange(1, pages + 1)}")
                samples.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    errors.append(str(r.status_code))

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise SystemExit(f"page views failed: {errors[:5]}")
    return samples


def backup_while_serving(tmp: Path, megabytes: int, view_seconds: float) -> dict[str, Any]:
    data = tmp / "big"
    data.mkdir()
    db_path = data / "wiki.sqlite3"
    text_bytes = 10_000
    revisions = max(REVS_PER_PAGE, megabytes * 2**20 // (text_bytes + 600))
    t0 = time.monotonic()
    pages = load(db_path, revisions, text_bytes)
    revisions = min(revisions, pages * REVS_PER_PAGE)  # whole pages only
    load_s = time.monotonic() - t0
    size = db_path.stat().st_size
    env = {"WIKI_SEARCH_INTERVAL": "0"}
    with WikiServer(data_dir=data, database_url=f"sqlite:///{db_path}", env=env) as server:

        def timed(seconds: float) -> list[float]:
            stop = threading.Event()
            timer = threading.Timer(seconds, stop.set)
            timer.start()
            return views(server.url, pages, stop)

        timed(view_seconds)  # warm-up: caches, connections
        quiet = timed(view_seconds)
        stop = threading.Event()
        busy: list[float] = []
        viewer = threading.Thread(target=lambda: busy.extend(views(server.url, pages, stop)))
        viewer.start()
        t0 = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "wiki.cli", "backup", str(tmp / "bak")],
            env=server.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        backup_s = time.monotonic() - t0
        stop.set()
        viewer.join()
        after = timed(view_seconds)
        if done.returncode != 0:
            raise SystemExit(f"wiki backup failed: {done.stderr}")
    return {
        "db_bytes": size,
        "revisions": revisions,
        "load_s": load_s,
        "backup_s": backup_s,
        "backup_out": done.stdout.strip(),
        "quiet": quiet,
        "busy": busy,
        "after": after,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--revisions", type=int, default=100_000)
    ap.add_argument("--backup-mb", type=int, default=1024, help="size of the backed-up database")
    ap.add_argument("--view-seconds", type=float, default=20.0)
    ap.add_argument("--skip-backup", action="store_true")
    ap.add_argument("--keep", type=Path, default=None, help="work here and keep the files")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child_import(args.child[0], args.child[1], not args.baseline)
        return 0
    print(f"load average: {os.getloadavg()} on {os.cpu_count()} CPUs (shared machine: noisy)")
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="dumps-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        source = tmp / "source.sqlite3"
        t0 = time.monotonic()
        pages = load(source, args.revisions, 1500)
        print(
            f"source wiki: {pages} pages, {args.revisions} revisions, "
            f"{source.stat().st_size / 2**20:.0f} MiB, loaded in {time.monotonic() - t0:.0f} s"
        )

        exp = export_dumps(source, tmp, pages)
        full = exp["files"]["1/1"]
        print(
            f"\nexport (full history, our format): {exp['revisions']} revisions in "
            f"{exp['seconds']:.1f} s = {exp['revisions'] / exp['seconds']:.0f} revisions/s "
            f"(CPU {exp['cpu']:.1f} s; {full.stat().st_size / 2**20:.0f} MiB of XML)"
        )
        print(f"load average: {os.getloadavg()}")

        base = run_child(full, tmp / "w-base", really=False)
        print(
            f"\nimport into an empty SQLite wiki (child processes; baseline RSS "
            f"{base['rss_kib'] / 1024:.0f} MiB: same modules, empty wiki, nothing imported)"
        )
        print(
            f"{'dump':>5} {'revisions':>10} {'seconds':>8} {'rev/s':>7} {'CPU s':>7} "
            f"{'peak RSS':>9} {'RSS - baseline':>15} {'RSS at end - baseline':>22}"
        )
        first_rate = None
        for name in ("1/4", "1/2", "1/1"):
            r = run_child(exp["files"][name], tmp / f"w-{name.replace('/', '-')}", really=True)
            rate = r["revisions"] / r["seconds"]
            first_rate = first_rate or rate
            print(
                f"{name:>5} {r['revisions']:>10} {r['seconds']:>8.1f} {rate:>7.0f} "
                f"{r['cpu']:>7.1f} {r['rss_kib'] / 1024:>7.0f} MiB "
                f"{(r['rss_kib'] - base['rss_kib']) / 1024:>11.0f} MiB"
                f"{(r['now_kib'] - base['now_kib']) / 1024:>18.1f} MiB"
                f"   {r['revisions'] / r['cpu']:.0f} rev/CPU-s; rate {rate / first_rate:.2f}x 1/4"
            )
        print(f"load average: {os.getloadavg()}")

        if not args.skip_backup:
            b = backup_while_serving(tmp, args.backup_mb, args.view_seconds)
            q, s = b["quiet"], b["busy"]
            print(
                f"\nbackup while serving: database {b['db_bytes'] / 2**20:.0f} MiB "
                f"({b['revisions']} revisions, loaded in {b['load_s']:.0f} s)"
            )
            print(f"  `wiki backup` command: {b['backup_s']:.1f} s wall, with Python start-up")
            print(f"  its own report: {b['backup_out']}")
            print(
                f"  page views without backup: n={len(q)} p50 {_pct(q, 0.5) * 1000:.1f} ms "
                f"p99 {_pct(q, 0.99) * 1000:.1f} ms"
            )
            print(
                f"  page views during backup:  n={len(s)} p50 {_pct(s, 0.5) * 1000:.1f} ms "
                f"p99 {_pct(s, 0.99) * 1000:.1f} ms"
            )
            a = b["after"]
            print(
                f"  page views after backup:   n={len(a)} p50 {_pct(a, 0.5) * 1000:.1f} ms "
                f"p99 {_pct(a, 0.99) * 1000:.1f} ms"
            )
            if q and s:
                print(
                    f"  p99 ratio during/without: {_pct(s, 0.99) / _pct(q, 0.99):.2f}; "
                    f"p50 ratio {statistics.median(s) / statistics.median(q):.2f}"
                )
            print(f"load average: {os.getloadavg()}")
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
