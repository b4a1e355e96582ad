"""Time ``wiki.vandalism.score`` on edits of a 20 KB page: p50 and p99 per kind of edit.

Usage: ``.venv/bin/python scripts/time_vandalism_score.py [ROUNDS]``

The page is a long article from the dataset generator's templates, grown to 20 KB. Each kind
of edit is scored ROUNDS times (after a warm-up, so the word lists and model are loaded). Wall
time includes whatever else the machine is doing; CPU time (this thread's) does not. The CPU
time of the claim-level analysis model v2 added (``wiki.vandalism.claims.analyse``) is printed
beside it, measured in the same run, and so is the load average.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from make_vandalism_dataset import Edits, insert_in_paragraph  # noqa: E402

from wiki.vandalism import Edit, score  # noqa: E402
from wiki.vandalism.claims import analyse  # noqa: E402
from wiki.vandalism.features import changed_text  # noqa: E402


def page(maker: Edits, lang: str, size: int = 20_000) -> str:
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        parts.append(maker.article(lang, "long").render())
    return "\n".join(parts)[:size]


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return f"p50 {statistics.median(ordered):6.2f} ms  p99 {p99:6.2f} ms"


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    rng = random.Random(1)
    maker = Edits(rng)
    old = page(maker, "id")
    other = page(maker, "en")
    lines = old.split("\n")
    middle = len(lines) // 2
    cases = {
        "insert an insult": insert_in_paragraph(old, "dasar goblok lu semua!!!", rng),
        "add a sourced sentence": insert_in_paragraph(
            old, "Jumlah penduduk pada tahun 2020 tercatat 4.512 jiwa.[^99]", rng
        )
        + "\n[^99]: BPS, https://bps.go.id/x\n",
        "rewrite a paragraph": "\n".join(
            [*lines[:middle], lines[middle][::-1], *lines[middle + 1 :]]
        ),
        "remove a third": "\n".join(lines[: len(lines) // 3] + lines[2 * len(lines) // 3 :]),
        "blank": "",
        "replace everything": other,
    }
    print(f"old page: {len(old):,} characters, {len(lines)} lines; {rounds} rounds each")
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    all_times: list[float] = []
    all_cpu: list[float] = []
    for name, new in cases.items():
        edit = Edit(old, new, summary="", is_anonymous=True)
        score(edit)  # warm-up
        times, cpu = [], []
        for _ in range(rounds):
            t0, c0 = time.perf_counter(), time.thread_time()
            score(edit)
            cpu.append((time.thread_time() - c0) * 1000)
            times.append((time.perf_counter() - t0) * 1000)
        added, _removed = changed_text(old, new)
        claims_cpu = []
        for _ in range(rounds):
            c0 = time.thread_time()
            analyse(old, new, "", added)
            claims_cpu.append((time.thread_time() - c0) * 1000)
        all_times += times
        all_cpu += cpu
        print(
            f"  {name:<24} {summary(times)}   CPU {summary(cpu)}   "
            f"of which claims CPU p50 {statistics.median(claims_cpu):5.2f} ms"
        )
    print(f"  {'all':<24} {summary(all_times)}   CPU {summary(all_cpu)}")
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
