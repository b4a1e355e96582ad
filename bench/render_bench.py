"""Rendering cost of hostile text, per KB, against a typical article measured in the same run.

    .venv/bin/python bench/render_bench.py            # every case
    .venv/bin/python bench/render_bench.py --quick    # smaller inputs (about 10 s)

Each case is rendered by ``wiki.text.markup.render`` (construct limits, CPU budget and the
plain-text fallback included) and timed in CPU seconds of this thread (``time.thread_time``),
so other processes on a busy machine matter less than for wall time; the load average is
printed beside the figures all the same. The baseline is Help:Editing (the seeded page that
uses every construct: headings, lists, tables, links, footnotes, code), repeated to ~100 KB.

Goal (issue 19): no case is slower per KB than 10x the baseline, for inputs of 20 KB or more
(smaller inputs are dominated by the budget's fixed floor, ``RENDER_BUDGET_FLOOR``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wiki.text import complexity, markup  # noqa: E402

GOAL = 10.0


def cases(scale: float) -> dict[str, str]:
    """Name -> text. ``scale`` 1.0 gives the sizes reported in the issue where there are any."""

    def n(count: int) -> int:
        return max(1, int(count * scale))

    return {
        # From the issue.
        "[ x50k + x + ] x50k": "[" * n(50_000) + "x" + "]" * n(50_000),
        "60 KB of [[": "[[" * n(30_000),
        "20k footnotes": "".join(f"x[^{i}]\n\n[^{i}]: n{i}\n\n" for i in range(n(20_000))),
        "2 MiB of [x](": "[x](" * n(2 * 1024 * 1024 // 4 - 1024),
        # Just under each construct limit (what an attacker would try next).
        "[x]( at the link limit": "[x](" * (complexity.MAX_LINKS - 1),
        "![x]( at the link limit": "![x](" * (complexity.MAX_LINKS - 1),
        "[[x]] at the link limit": "[[x]] " * (complexity.MAX_LINKS - 1),
        "[^1] at the note limit": "[^1]" * (complexity.MAX_FOOTNOTES - 1),
        "[a] at the bracket limit": "[a]" * (complexity.MAX_BRACKETS - 1),
        "brackets 32 deep": ("[" * 32 + "x" + "]" * 32) * (complexity.MAX_BRACKETS // 33),
        # Other constructs that cost more than prose.
        "emphasis *a _": "*a _" * n(10_000),
        "strikethrough ~~a": "~~a" * n(20_000),
        "tiny table cells": "|a|b|\n|-|-|\n" + "|x|y|\n" * n(5_000),
        "2000-column table": "|"
        + "a|" * 2000
        + "\n|"
        + "-|" * 2000
        + "\n"
        + ("|" + "x|" * 2000 + "\n") * n(20),
        "one-line headings": "# h\n" * n(10_000),
        "setext headings": "a\n---\n" * n(10_000),
        "autolinks": "<http://a>" * n(10_000),
        "reference definitions": "".join(f"[r{i}]: http://x/{i}\n" for i in range(n(5_000)))
        + "".join(f"[r{i}] " for i in range(n(5_000))),
        "backslash escapes": "\\*" * n(40_000),
        "entities": "&#x41;" * n(20_000),
        "<a": "<a " * n(20_000),
        "nested lists": "".join("  " * (i % 40) + "- x\n" for i in range(n(5_000))),
    }


def cpu(fn: Callable[[], object], repeat: int) -> float:
    """Best of ``repeat`` runs, in CPU seconds of this thread."""
    best = float("inf")
    for _ in range(repeat):
        start = time.thread_time()
        fn()
        best = min(best, time.thread_time() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="inputs at 1/5 of the full size")
    args = parser.parse_args()
    scale = 0.2 if args.quick else 1.0
    help_page = (ROOT / "wiki" / "seed" / "help_editing.en.md").read_text(encoding="utf-8")
    typical = help_page * max(1, (100 * 1024) // len(help_page))
    base = cpu(lambda: markup.render(typical), 5) / (len(typical.encode()) / 1024)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores, shared)")
    print(f"baseline: Help:Editing x{len(typical) // len(help_page)}, {len(typical) // 1024} KB, ")
    print(f"          {base * 1000:.3f} ms CPU per KB")
    print()
    print(f"{'case':28} {'KB':>8} {'CPU s':>8} {'ms/KB':>8} {'x base':>7}  result")
    worst = 0.0
    for name, text in cases(scale).items():
        kb = len(text.encode()) / 1024
        rendered = markup.render(text)
        seconds = cpu(lambda t=text: markup.render(t), 3)  # type: ignore[misc]
        ratio = seconds / kb / base
        if kb >= 20:
            worst = max(worst, ratio)
        found = complexity.problem(text)
        result = "plain (over a limit)" if found else ("plain (budget)" if rendered.plain else "")
        print(
            f"{name:28} {kb:8.1f} {seconds:8.3f} {seconds / kb * 1000:8.3f} {ratio:7.1f}  {result}"
        )
    print()
    verdict = "meets" if worst <= GOAL else "MISSES"
    print(f"worst case (inputs >= 20 KB): {worst:.1f}x the baseline per KB;", end=" ")
    print(f"{verdict} the goal <= {GOAL:.0f}x")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
