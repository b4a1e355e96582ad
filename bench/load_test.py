"""Load test: locust against one host, then two hosts on one PostgreSQL, with the issue's mix.

    WIKI_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/load_test.py [--duration 30] [--users 20] [--workers 2]

Each host is a real ``wiki serve --workers N`` (``tests/server.py``) with its own data dir
(and so its own search index), all on one fresh PostgreSQL schema (SQLite when the variable is
unset: then only one host is run). The driver seeds 200 pages and a page with 40 revisions,
then runs ``locust --headless`` (``bench/locustfile.py``) for a bounded time per setup:

- 90 % page views, 5 % full-text searches, 4 % history or diff, 1 % saves (REST);
- every request to a host picked at random (a load balancer without stickiness).

It prints throughput and p50/p99 per request type for each setup, with the load average, and
exits 1 on any failed request (the goal: zero errors). The machine is shared (2 cores, other
work running): absolute figures are noisy, and two hosts on one 2-core machine share its CPU,
so they show correctness under a load balancer more than scaling.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import WikiServer  # noqa: E402

WORDS = ["kebijakan", "publik", "warga", "anggaran", "daerah", "policy", "budget", "water"]
#: Rate limits high enough for the load (the test measures serving, not the limiter).
ENV = {
    "WIKI_RATE_LIMITS": "edit:anon=1000000/60,preview:anon=1000000/60,topic:anon=1000000/60",
    "WIKI_SEARCH_INTERVAL": "0.5",
}


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def seed(url: str, path: Path) -> None:
    titles, revisions = [], []
    with httpx.Client(base_url=url, timeout=120) as c:
        for i in range(200):
            title = f"Halaman {i}"
            words = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(40))
            text = f"# {title}\n\nTentang {words}.\n\n## Bagian\n\nLihat [[Halaman {i + 1}]]."
            r = c.post("/w/rest.php/v1/page", json={"title": title, "source": text})
            r.raise_for_status()
            titles.append(title)
        latest = c.post("/w/rest.php/v1/page", json={"title": "Diff page", "source": "v0"})
        latest.raise_for_status()
        rev = latest.json()["latest"]["id"]
        for i in range(1, 41):
            r = c.put(
                "/w/rest.php/v1/page/Diff_page",
                json={"source": f"v{i} " + "kata " * i, "latest": {"id": rev}, "comment": "x"},
            )
            r.raise_for_status()
            rev = r.json()["latest"]["id"]
            revisions.append(rev)
    path.write_text(
        json.dumps(
            {"titles": titles, "words": WORDS, "revisions": revisions, "diff_title": "Diff_page"}
        )
    )


def run_locust(hosts: list[str], seed_path: Path, args: argparse.Namespace, out: Path) -> int:
    env = dict(os.environ, GOTONG_HOSTS=",".join(hosts), GOTONG_SEED=str(seed_path))
    cmd = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
        "--headless", "--users", str(args.users), "--spawn-rate", str(args.users),
        "--run-time", f"{args.duration}s", "--stop-timeout", "30", "--host", hosts[0],
        "--csv", str(out), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):  # 1: some requests failed (reported below)
        print(done.stdout[-3000:], done.stderr[-3000:])
    return done.returncode


def report(label: str, out: Path) -> int:
    with open(f"{out}_stats.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    print(f"\n{label}   (load average {load()})")
    print(f"{'type':10} {'requests':>9} {'failures':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    failures = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all"
        failures += int(row["Failure Count"]) if name != "all" else 0
        print(
            f"{name:10} {row['Request Count']:>9} {row['Failure Count']:>9} "
            f"{float(row['Requests/s']):8.1f} {row['50%']:>8} {row['99%']:>8}"
        )
    failed = Path(f"{out}_failures.csv")
    if failures and failed.exists():
        print(failed.read_text()[:2000])
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds per setup")
    parser.add_argument("--users", type=int, default=20, help="simulated visitors")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per host")
    args = parser.parse_args()
    pg = bool(os.environ.get("WIKI_TEST_DATABASE_URL"))
    print(f"load average: {load()} (2 cores, shared: figures are noisy)")
    print(
        f"database: {'PostgreSQL' if pg else 'SQLite (set WIKI_TEST_DATABASE_URL for two hosts)'}"
    )
    failures = 0
    with tempfile.TemporaryDirectory(prefix="gotong-load-") as tmp, ExitStack() as stack:
        first = stack.enter_context(WikiServer(workers=args.workers, env=ENV, start_timeout=300))
        seed_path = Path(tmp) / "seed.json"
        seed(first.url, seed_path)
        setups = [("one host", [first])]
        if pg:
            second = stack.enter_context(
                WikiServer(
                    workers=args.workers,
                    env=ENV,
                    database_url=first.database_url,
                    start_timeout=300,
                )
            )
            setups.append(("two hosts", [first, second]))
        for label, servers in setups:
            out = Path(tmp) / label.replace(" ", "_")
            run_locust([s.url for s in servers], seed_path, args, out)
            failures += report(
                f"{label}: {args.users} users, {args.duration} s, {args.workers} workers/host",
                out,
            )
    print(f"\nfailed requests: {failures} (goal: 0)")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
