"""Action API benchmark: ``list=recentchanges`` with 500 rows over 1,000,000 revisions, and an
``action=edit`` of a 20 KB page against the REST ``PUT`` of the same edit, through the real app.

Run: ``.venv/bin/python bench/action_api_bench.py`` (about 3 minutes, most of it loading;
``--revisions 200000`` for a quicker look).

1. Loads the database with ``bench/patrol_bench.py``'s loader (same data, same seed).
2. Times ``/w/api.php?action=query&list=recentchanges`` (500 rows, several ``rcprop``/``rcshow``
   combinations, and the third batch through ``continue``) 30 times after 3 warm-ups: p50/p99.
3. Edits one 20 KB page alternately through ``action=edit`` and ``PUT /w/rest.php/v1/page``
   (each a new line at the end, anonymous, 40 rounds): p50 of each and their ratio, measured in
   the same run so that machine load affects both alike. Process CPU time is printed too.

Goals: list=recentchanges 500 rows p50 < 50 ms of CPU time (wall-clock is printed too; on a
busy machine it mostly measures the queue for a core); Action API edit CPU p50 ≤ 1.2 × REST PUT
CPU p50 (the wall-clock ratio is printed too).
The load average is printed with the figures: on a shared machine, read them with it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import warnings  # noqa: E402

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from starlette.testclient import TestClient  # noqa: E402

from bench.patrol_bench import _pct, load  # noqa: E402
from wiki.app import create_app  # noqa: E402
from wiki.settings import Settings  # noqa: E402

RUNS, WARMUP = 30, 3
EDIT_ROUNDS = 40
GOAL_MS, EDIT_RATIO_GOAL = 50.0, 1.2


def _time(c: TestClient, url: str, params: dict[str, str]) -> tuple[list[float], list[float]]:
    """Wall-clock and process CPU milliseconds of each request (the app runs in this process,
    so CPU time is what the request cost, whatever else the machine is doing)."""
    wall, cpu = [], []
    for i in range(WARMUP + RUNS):
        t0, c0 = time.perf_counter(), time.process_time()
        r = c.get(url, params=params)
        elapsed, used = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
        assert r.status_code == 200 and "error" not in r.json(), r.text[:300]
        if i >= WARMUP:
            wall.append(elapsed)
            cpu.append(used)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--revisions", type=int, default=1_000_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gotong-action-api-bench-"))
    path = tmp / "wiki.sqlite3"
    t0 = time.perf_counter()
    facts = load(path, args.revisions)
    print(
        f"# Loaded {facts['revisions']:,} revisions, {facts['changes']:,} recent changes in "
        f"{time.perf_counter() - t0:.0f} s; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} (other work on the machine skews the figures)"
    )
    settings = Settings(
        data_dir=tmp / "instance",
        database_url=f"sqlite:///{path}",
        secret_key="action-api-bench-secret-" + "x" * 32,
        search_interval=0,
        rate_limits=",".join(
            f"{a}:{g}=1000000/60" for a in ("edit", "login") for g in ("anon", "newbie", "user")
        ),
    ).validated()
    app = create_app(settings)
    failed = False
    with TestClient(app) as c:
        base = {"action": "query", "list": "recentchanges", "format": "json", "rclimit": "500"}
        cases = [
            ("rc 500, default props", {}),
            (
                "rc 500, title|ids|sizes|flags|user|timestamp|comment",
                {"rcprop": "title|ids|sizes|flags|user|timestamp|comment"},
            ),
            (
                "rc 500, !bot|!patrolled, patrolled prop",
                {"rcshow": "!bot|!patrolled", "rcprop": "title|ids|patrolled"},
            ),
            ("rc 500, main ns, formatversion=2", {"rcnamespace": "0", "formatversion": "2"}),
        ]
        first = c.get("/w/api.php", params={**base}).json()
        second = c.get("/w/api.php", params={**base, **first["continue"]}).json()
        cases.append(("rc 500, third batch (continue)", dict(second["continue"])))
        print(f"\n{'list=recentchanges':54} {'wall p50':>9} {'wall p99':>9} {'CPU p50':>8}")
        for name, extra in cases:
            wall, cpu = _time(c, "/w/api.php", {**base, **extra})
            p50, cpu50 = _pct(wall, 50), _pct(cpu, 50)
            missed = cpu50 >= GOAL_MS
            failed |= missed
            print(
                f"{name:54} {p50:9.1f} {_pct(wall, 99):9.1f} {cpu50:8.1f}"
                f"{'  (goal missed)' if missed else ''}"
            )
        print(f"(ms; the goal, p50 < {GOAL_MS:.0f} ms, is judged on CPU time; load average "
              f"{os.getloadavg()[0]:.2f})")  # fmt: skip

        text = "".join(f"Baris {i}: kebijakan publik yang ditulis bersama.\n" for i in range(400))
        assert 19_000 < len(text.encode()) < 22_000
        made = c.post("/w/rest.php/v1/page", json={"title": "Bench edit", "source": text})
        assert made.status_code == 201, made.text
        latest = made.json()["latest"]["id"]
        api_ms: list[float] = []
        rest_ms: list[float] = []
        api_cpu: list[float] = []
        rest_cpu: list[float] = []
        cpu0 = time.process_time()
        for i in range(EDIT_ROUNDS):
            text += f"Tambahan {i}.\n"
            t0, c0 = time.perf_counter(), time.process_time()
            r = c.post(
                "/w/api.php",
                data={"action": "edit", "format": "json", "title": "Bench edit", "text": text,
                      "baserevid": str(latest), "token": "+\\"},
            )  # fmt: skip
            api_ms.append((time.perf_counter() - t0) * 1000)
            api_cpu.append((time.process_time() - c0) * 1000)
            latest = r.json()["edit"]["newrevid"]
            text += f"Lagi {i}.\n"
            t0, c0 = time.perf_counter(), time.process_time()
            r = c.put(
                "/w/rest.php/v1/page/Bench_edit", json={"source": text, "latest": {"id": latest}}
            )
            rest_ms.append((time.perf_counter() - t0) * 1000)
            rest_cpu.append((time.process_time() - c0) * 1000)
            assert r.status_code == 200, r.text[:300]
            latest = r.json()["latest"]["id"]
        cpu = time.process_time() - cpu0
        api50, rest50 = _pct(api_ms, 50), _pct(rest_ms, 50)
        ratio = _pct(api_cpu, 50) / _pct(rest_cpu, 50)
        failed |= ratio > EDIT_RATIO_GOAL
        print(f"\n{'edit of a 20 KB page':54} {'wall p50':>9} {'wall p99':>9} {'CPU p50':>8}")
        print(f"{'action=edit':54} {api50:9.1f} {_pct(api_ms, 99):9.1f} {_pct(api_cpu, 50):8.1f}")
        print(
            f"{'REST PUT /v1/page/{title}':54} {rest50:9.1f} {_pct(rest_ms, 99):9.1f} "
            f"{_pct(rest_cpu, 50):8.1f}"
        )
        print(
            f"ratio action=edit / REST PUT: CPU p50 {ratio:.2f} (goal <= {EDIT_RATIO_GOAL}), "
            f"wall p50 {api50 / rest50:.2f}; process CPU for {2 * EDIT_ROUNDS} edits {cpu:.1f} s; "
            f"load average {os.getloadavg()[0]:.2f}"
        )
    app.state.wiki.db.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
