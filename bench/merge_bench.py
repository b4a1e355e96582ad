"""Benchmark of ``wiki.text.merging.merge3`` on a big page edited concurrently.

Run: ``.venv/bin/python bench/merge_bench.py`` (well under a minute).

It generates (fixed seed) a ~500 KB Markdown-ish article in mixed English and Indonesian
(paragraphs, headings and lists, Zipf-distributed words) and two concurrent edits of it,
each changing about 1 % of the words (replace 70 %, insert 15 %, delete 15 %) at places at
least three words away from the other side's changes. Most paragraphs are changed by both
sides, so almost every paragraph goes through the word-level refinement.

It checks that the merge is clean and equals the text with both edits applied, then
prints the median time of several ``merge3`` runs next to baselines measured in the same
process: a plain line diff base -> theirs with difflib (``SequenceMatcher``,
``autojunk=False``) and with diff-match-patch (linesToChars + ``diff_main``).

Goal: ``merge3`` median < 300 ms.
"""

from __future__ import annotations

import difflib
import random
import statistics
import sys
import time
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from diff_match_patch import diff_match_patch

from wiki.text.merging import merge3

SEED = 20240612
TARGET_BYTES = 500_000
RATE = 0.01
GAP = 3  # minimum distance in words between a change of theirs and one of yours
RUNS = 7
GOAL_MS = 300.0

ENGLISH_TEXT = """the of and to in a is that for it as was with be by on not he this are or his from
at which but have an they you were their one all we can her has there been if more when will
would who so no other its time only new some could these two may first then do any like my now
over such our man me even most made after also did many before must through back years where much
your way well down should because each just those people how too little state good very make
world still own see men work long get here between both life being under never day same another
know while last might great old year off come since against go came right used take three states
public policy law court community local government system water school health budget city village
"""

INDONESIAN_TEXT = """yang dan di itu dengan untuk tidak ini dari dalam akan pada juga saya ke karena
tersebut bisa ada mereka lebih kata tahun sudah atau saat oleh menjadi orang kami telah hanya
namun seperti bahwa kita baru masih harus banyak para secara hari dia lain jika bagi sangat
setelah lagi dapat masyarakat negara pemerintah kebijakan publik kebijakannya daerah wilayah
pembangunan pendidikan kesehatan ekonomi sosial budaya sejarah penduduk kota desa provinsi
undang-undang peraturan keputusan anggaran pajak pendapatan gotong royong musyawarah mufakat
"""

SYLLABLES_TEXT = (
    "ka ba ta la ma na sa ra pa da ga ja ri ni ki si mi li di bu tu ru mu nu ko an in er"
)
ENGLISH = ENGLISH_TEXT.split()
INDONESIAN = INDONESIAN_TEXT.split()
SYLLABLES = SYLLABLES_TEXT.split()


class Writer:
    """Deterministic article generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        words = list(dict.fromkeys(ENGLISH + INDONESIAN))
        self.rng.shuffle(words)
        seen = set(words)
        while len(words) < 8_000:
            w = "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 4)))
            if w not in seen:
                seen.add(w)
                words.append(w)
        self.words = words
        self.cum = list(accumulate(1.0 / (rank + 2.7) for rank in range(len(words))))

    def take(self, k: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cum, k=k)

    def sentence(self) -> str:
        ws = self.take(self.rng.randint(6, 24))
        for i in range(1, len(ws) - 1):
            if self.rng.random() < 0.06:
                ws[i] += ","
        ws[0] = ws[0][:1].upper() + ws[0][1:]
        return " ".join(ws) + self.rng.choice(".....?!")

    def block(self) -> str:
        r = self.rng.random()
        if r < 0.08:
            return "#" * self.rng.randint(2, 3) + " " + " ".join(self.take(3)).capitalize()
        if r < 0.18:
            return "\n".join("- " + self.sentence() for _ in range(self.rng.randint(2, 6)))
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 9)))

    def article(self, size: int) -> str:
        blocks: list[str] = []
        total = 0
        while total < size:
            b = self.block()
            blocks.append(b)
            total += len(b) + 2
        return "\n\n".join(blocks) + "\n"


Edits = dict[tuple[int, int], str | None]  # (line, word) -> replacement text, None = delete


def plan_edits(lines: list[list[str]], writer: Writer, rng: random.Random) -> tuple[Edits, Edits]:
    """Two disjoint edit sets, each touching about RATE of the words."""
    positions = [(li, wi) for li, ws in enumerate(lines) for wi, w in enumerate(ws) if w]
    count = round(len(positions) * RATE)
    theirs_pos = set(rng.sample(positions, count))
    near = {(li, wi + d) for li, wi in theirs_pos for d in range(-GAP, GAP + 1)}
    yours_pos = set(rng.sample([p for p in positions if p not in near], count))

    def edit(pos: set[tuple[int, int]]) -> Edits:
        out: Edits = {}
        for li, wi in sorted(pos):
            r = rng.random()
            word = lines[li][wi]
            if r < 0.70:
                new = writer.take(1)[0]
                out[li, wi] = new if new != word else new + "x"
            elif r < 0.85:
                out[li, wi] = word + " " + writer.take(1)[0]
            elif wi > 0:  # keep the line's first word (list markers, headings)
                out[li, wi] = None
        return out

    return edit(theirs_pos), edit(yours_pos)


def apply(lines: list[list[str]], *edit_sets: Edits) -> str:
    out: list[str] = []
    for li, ws in enumerate(lines):
        new: list[str] = []
        for wi, w in enumerate(ws):
            rep: str | None = w
            for edits in edit_sets:
                if (li, wi) in edits:
                    rep = edits[li, wi]
            if rep is not None:
                new.append(rep)
        out.append(" ".join(new))
    return "\n".join(out)


def median_ms(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times: list[float] = []
    result = None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, result


def dmp_line_diff(a: str, b: str) -> Any:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    ca, cb, _ = dmp.diff_linesToChars(a, b)
    return dmp.diff_main(ca, cb, False)


def difflib_line_diff(a: str, b: str) -> Any:
    sm = difflib.SequenceMatcher(None, a.split("\n"), b.split("\n"), autojunk=False)
    return sm.get_opcodes()


def main() -> None:
    writer = Writer(SEED)
    base = writer.article(TARGET_BYTES)
    lines = [line.split(" ") for line in base.split("\n")]
    theirs_edits, yours_edits = plan_edits(lines, writer, random.Random(SEED + 1))
    theirs = apply(lines, theirs_edits)
    yours = apply(lines, yours_edits)
    expected = apply(lines, theirs_edits, yours_edits)
    words = sum(1 for ws in lines for w in ws if w)
    changed = sum(
        1
        for a, b, c in zip(base.split("\n"), theirs.split("\n"), yours.split("\n"), strict=True)
        if a != b and a != c
    )
    print(
        f"article: {len(base.encode()):,} bytes, {words:,} words, {len(lines):,} lines; "
        f"edits: theirs {len(theirs_edits)}, yours {len(yours_edits)}; "
        f"lines changed by both sides: {changed}"
    )

    ms, result = median_ms(lambda: merge3(base, theirs, yours), RUNS)
    assert result.clean, f"{len(result.conflicts)} conflicts"
    assert result.text() == expected, "merge differs from applying both edits"
    print(f"merge3 (clean, equals both edits applied): median {ms:.1f} ms over {RUNS} runs")

    ms_difflib, _ = median_ms(lambda: difflib_line_diff(base, theirs), 3)
    print(
        f"baseline difflib line diff base->theirs:  median {ms_difflib:.1f} ms  "
        f"(merge3 / baseline = {ms / ms_difflib:.2f})"
    )
    ms_dmp, _ = median_ms(lambda: dmp_line_diff(base, theirs), 3)
    print(
        f"baseline diff-match-patch line diff:      median {ms_dmp:.1f} ms  "
        f"(merge3 / baseline = {ms / ms_dmp:.2f})"
    )
    verdict = "MET" if ms < GOAL_MS else "NOT MET"
    print(f"goal: merge3 < {GOAL_MS:.0f} ms -> {verdict}")
    if ms >= GOAL_MS:
        sys.exit(1)


if __name__ == "__main__":
    main()
