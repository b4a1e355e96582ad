"""Save throughput under contention: 50 writers on one page against 50 writers on 50 pages.

Runs the real server (``wiki serve --workers 2``, SQLite by default, PostgreSQL when
``WIKI_TEST_DATABASE_URL`` is set) and 50 threads that each save ``--saves`` times through the
REST API. On the shared page every writer rewrites its own paragraph starting from the latest
revision it knows, so most saves are three-way merges onto a newer revision; a conflict (409) is
retried from the latest. Prints saves/s for both cases and their ratio.

    .venv/bin/python bench/contention_bench.py [--saves 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.server import WikiServer

WRITERS = 50
PARAGRAPH = "Paragraf {i}: penjelasan kebijakan publik yang ditulis bersama, versi {v}."


def run(server: WikiServer, *, shared: bool, saves: int) -> tuple[float, int, int, list[float]]:
    api = f"{server.url}/w/rest.php/v1"
    titles = ["Bersama"] * WRITERS if shared else [f"Sendiri {i}" for i in range(WRITERS)]
    with httpx.Client(timeout=60) as c:
        for title in set(titles):
            body = "\n\n".join(PARAGRAPH.format(i=i, v=0) for i in range(WRITERS))
            c.post(f"{api}/page", json={"title": title, "source": body}).raise_for_status()
    barrier = threading.Barrier(WRITERS + 1)
    done = [0] * WRITERS
    conflicts = [0] * WRITERS
    latencies: list[float] = []
    lock = threading.Lock()

    def writer(i: int) -> None:
        title = titles[i].replace(" ", "_")
        with httpx.Client(timeout=60) as c:
            page = c.get(f"{api}/page/{title}").json()
            latest, source = page["latest"]["id"], page["source"]
            barrier.wait()
            v = 0
            while done[i] < saves:
                v += 1
                paras = source.split("\n\n")
                paras[i] = PARAGRAPH.format(i=i, v=v)
                t0 = time.perf_counter()
                r = c.put(
                    f"{api}/page/{title}",
                    json={
                        "source": "\n\n".join(paras),
                        "comment": f"w{i}",
                        "latest": {"id": latest},
                    },
                )
                elapsed = time.perf_counter() - t0
                if r.status_code == 200:
                    done[i] += 1
                    with lock:
                        latencies.append(elapsed)
                    fresh = r.json()
                    latest, source = fresh["latest"]["id"], fresh["source"]
                elif r.status_code == 409:
                    conflicts[i] += 1
                    fresh = c.get(f"{api}/page/{title}").json()
                    latest, source = fresh["latest"]["id"], fresh["source"]
                else:
                    raise RuntimeError(f"{r.status_code}: {r.text[:200]}")

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return sum(done) / elapsed, sum(done), sum(conflicts), latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=10, help="saves per writer")
    args = parser.parse_args()
    env = {"WIKI_RATE_LIMITS": "edit:anon=1000000/60", "WIKI_SEARCH_INTERVAL": "0.5"}
    with WikiServer(workers=2, env=env) as server:
        print(f"server: {server.url}, workers 2, database {server.database_url.split('?')[0]}")
        rows = []
        for shared in (False, True):
            rate, n, conflicts, lat = run(server, shared=shared, saves=args.saves)
            lat.sort()
            rows.append((shared, rate))
            name = "50 writers, one page " if shared else "50 writers, 50 pages"
            p50 = statistics.median(lat) * 1000
            p99 = lat[int(len(lat) * 0.99) - 1] * 1000
            print(
                f"{name}: {rate:7.1f} saves/s  ({n} saves, {conflicts} conflicts retried, "
                f"latency p50 {p50:.0f} ms, p99 {p99:.0f} ms)"
            )
    print(f"one page / 50 pages: {rows[1][1] / rows[0][1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
