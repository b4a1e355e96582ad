"""Start-up cost: importing the app and ``create_app()``, in fresh processes, and the time until
``wiki serve --workers 2`` answers ``/readyz``.

    .venv/bin/python bench/startup_bench.py [--runs 5]

CPU seconds (``time.process_time`` in the child) are what a worker spends before it can serve,
whatever else the machine does; wall seconds are shown beside them with the load average,
since both grow when the machine is busy. The issue behind it (19, item 6): on a host with load
average 14, ``create_app()`` took 8.6 s of wall time, uvicorn's 5 s worker health check gave
up, and workers were killed and restarted for over a minute. Goal: import + ``create_app()``
under 1.5 s of CPU, and ``wiki serve --workers 2`` ready well within ``WIKI_WORKER_TIMEOUT``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = """
import json, time
c0, w0 = time.process_time(), time.perf_counter()
from wiki.app import create_app
c1, w1 = time.process_time(), time.perf_counter()
app = create_app()
c2, w2 = time.process_time(), time.perf_counter()
print(json.dumps({"import_cpu": c1 - c0, "import_wall": w1 - w0,
                  "create_cpu": c2 - c1, "create_wall": w2 - w1}))
"""


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"load average: {load()} (2 cores, shared: wall times are noisy)")
    with tempfile.TemporaryDirectory(prefix="gotong-startup-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WIKI_")}
        env.update(WIKI_DATA_DIR=tmp, WIKI_SEARCH_INTERVAL="0")
        subprocess.run([sys.executable, "-m", "wiki.cli", "init"], env=env, cwd=ROOT, check=True,
                       capture_output=True)  # fmt: skip
        rows = []
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=ROOT, check=True,
                                 capture_output=True, text=True)  # fmt: skip
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    for key in ("import_cpu", "create_cpu", "import_wall", "create_wall"):
        values = sorted(r[key] for r in rows)
        print(f"{key:12} median {statistics.median(values):6.3f} s   max {values[-1]:6.3f} s")
    total = statistics.median(r["import_cpu"] + r["create_cpu"] for r in rows)
    print(f"import + create_app CPU: {total:.3f} s (goal < 1.5 s)")

    from tests.server import WikiServer

    started = time.perf_counter()
    with WikiServer(workers=2, start_timeout=300) as server:
        import httpx

        while httpx.get(server.url + "/readyz", timeout=60).status_code != 200:
            time.sleep(0.05)
        ready = time.perf_counter() - started
    print(f"wiki init + serve --workers 2 until /readyz: {ready:.2f} s wall")
    print(f"load average: {load()}")
    return 0 if total < 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
