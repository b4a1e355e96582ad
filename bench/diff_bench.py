"""Benchmark of ``wiki.text.diffing.diff`` against diff-match-patch character diffs.

Run: ``.venv/bin/python bench/diff_bench.py`` (about half a minute).

It generates (fixed seed) a ~500 KB Markdown-ish article in mixed English and Indonesian
with Zipf-distributed words, plus versions with 1 %, 2 % and 5 % of the words changed
(replaced, inserted or deleted, spread over the whole text), and times, median of several
runs in the same process:

(a) fast_diff_match_patch (C++) character diff, ``timelimit=0, checklines=False``;
(b) the same with ``checklines=True`` (diff-match-patch's line-mode speedup);
(c) ``wiki.text.diffing.diff``: the whole pipeline (line alignment, pairing, word diffs, rows);
(d) the pure-Python diff_match_patch character diff with a 1 s ``Diff_Timeout``.

Goal: (c) <= 2.0 x (a) for the 2 % case, and word-level (not coarse). It also runs, through
``diff()`` with the default 1 s CPU budget:

* a ~590 KB article of 600 one-line paragraphs of 100 words with two words changed in each
  (2 %): goal word-level, with every changed word marked;
* two unrelated ~2 MB texts: goal <= 2 s;
* a paragraph moved across the 500 KB article with one word changed inside it: goal shown
  as a move with that word marked;
* a second view of the 590 KB diff through the diff cache.

Diff budgets are CPU time, so the coarse/word-level verdicts do not depend on the machine's
load; the times do. The load average is printed at the start and the end: figures taken
while other work runs are noisy. The script exits 1 only on its own errors, never because a
goal was missed.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from itertools import accumulate
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import fast_diff_match_patch
from diff_match_patch import diff_match_patch

from wiki.text.diffing import DiffResult, Row, diff
from wiki.text.diffing_cache import DiffCache

SEED = 20240611
TARGET_BYTES = 500_000
GOAL = 2.0


def words(text: str) -> list[str]:
    return text.split()


ENGLISH = words("""
the of and to in a is that for it as was with be by on not he this are or his from
at which but have an they you were their one all we can her has there been if more when will
would who so no other its time only new some could these two may first then do any like my now
over such our man me even most made after also did many before must through back years where much
your way well down should because each just those people how too little state good very make
world still own see men work long get here between both life being under never day same another
know while last might great old year off come since against go came right used take three states
himself few house use during without again place around however home small found thought went say
part once general high upon school every does got united left number course war until always away
something fact though water less public put think almost hand enough far took head yet government
system better set told nothing night end why called didn find look going asked later knew point
next program city business give group toward young days let room president side social given
present several order national possible rather second face per among form important often things
looked early white case john become large big need four within felt along children saw best church
ever least power development light thing seemed family interest want members mind country area
others done turned although open god service certain kind problem began different door thus help
sense means whole matter perhaps itself york times law human line above name example action company
hands local show whether five history gave today either act feet across taken past quite anything
having seen death experience body word half really field car words already themselves information
tell together college shall money period held keep sure free seems real behind cannot miss political
air question making office brought whose special heard major problems ago became federal moment
study available known result street economic boy position reason change south board individual job
society areas west close turn love community true court force full seem am wife age policy voice
woman""")

INDONESIAN = words("""
yang dan di itu dengan untuk tidak ini dari dalam akan pada juga saya ke karena
tersebut bisa ada mereka lebih kata tahun sudah atau saat oleh menjadi orang kami telah hanya
namun seperti bahwa kita baru masih harus banyak para secara hari dia lain jika bagi sangat
setelah lagi dapat masyarakat negara pemerintah kebijakan publik kebijakannya daerah wilayah
pembangunan pendidikan kesehatan ekonomi sosial budaya sejarah penduduk kota desa provinsi
kabupaten pulau laut gunung sungai hutan pertanian perikanan perdagangan industri pariwisata
bahasa agama adat tradisi kesenian musik tarian makanan minuman pakaian rumah jalan jembatan
sekolah universitas mahasiswa guru murid dokter rumah-sakit pasar kantor perusahaan pekerja
petani nelayan pedagang pegawai pejabat menteri presiden gubernur bupati walikota camat lurah
undang-undang peraturan keputusan anggaran pajak pendapatan pengeluaran pertumbuhan kemiskinan
pengangguran kesejahteraan keadilan kemerdekaan persatuan kesatuan gotong royong musyawarah
mufakat demokrasi pemilihan umum partai politik parlemen dewan perwakilan rakyat mahkamah
konstitusi hukum hak kewajiban warga penduduk asli pendatang transmigrasi urbanisasi lingkungan
hidup pencemaran banjir kekeringan gempa bumi letusan tsunami iklim cuaca musim hujan kemarau
beras jagung kedelai kelapa sawit karet kopi teh cengkeh lada pala kayu emas perak tembaga timah
batu bara minyak gas alam listrik air bersih sampah limbah anak-anak kupu-kupu sehari-hari
berbagai beberapa semua setiap seluruh sebagian besar kecil tinggi rendah panjang pendek luas
sempit baik buruk penting utama pertama kedua ketiga terakhir awal akhir tengah utara selatan
timur barat kemudian sebelum sesudah selama sejak hingga sampai antara terhadap tentang melalui
menurut berdasarkan sebagai adalah merupakan yaitu ialah bukan belum pernah sering selalu kadang
café naïve coöperate résumé""")

SYLLABLES = words(
    "ka ba ta la ma na sa ra pa da ga ja ci ri ni ki si mi li di bu tu ru mu nu su ku pu lu "
    "ke be te le me ne se re pe de ge je ko bo to lo mo no so ro po do go ang ung ing an in "
    "un er ar or str th ch sh pr tr gr br"
)


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Common real words first, then invented rarer words; Zipf weights by rank."""
    words = list(dict.fromkeys(ENGLISH + INDONESIAN))
    rng.shuffle(words)
    seen = set(words)
    while len(words) < 12_000:
        w = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    weights = [1.0 / (rank + 2.7) for rank in range(len(words))]
    return words, weights


class Writer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words, weights = vocabulary(self.rng)
        self.cum = list(accumulate(weights))

    def take(self, k: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cum, k=k)

    def sentence(self) -> str:
        ws = self.take(self.rng.randint(6, 24))
        for i in range(1, len(ws) - 1):
            if self.rng.random() < 0.06:
                ws[i] += ","
        ws[0] = ws[0][:1].upper() + ws[0][1:]
        if self.rng.random() < 0.1:
            ws[self.rng.randrange(len(ws))] = f"[[{ws[-1]}]]"
        return " ".join(ws) + self.rng.choice(".....?!")

    def block(self) -> str:
        r = self.rng.random()
        if r < 0.08:
            return "#" * self.rng.randint(2, 3) + " " + " ".join(self.take(3)).capitalize()
        if r < 0.16:
            return "\n".join("- " + self.sentence() for _ in range(self.rng.randint(2, 6)))
        if r < 0.20:
            rows = ["| " + " | ".join(self.take(3)) + " |" for _ in range(self.rng.randint(2, 6))]
            return "\n".join(["| a | b | c |", "|---|---|---|", *rows])
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 9)))

    def article(self, size: int) -> str:
        blocks: list[str] = []
        total = 0
        while total < size:
            b = self.block()
            blocks.append(b)
            total += len(b) + 2
        return "\n\n".join(blocks) + "\n"


def mutate(text: str, rate: float, writer: Writer, seed: int) -> str:
    """Change about ``rate`` of the words: replace 60 %, insert 20 %, delete 20 %."""
    rng = random.Random(seed)
    out_lines = []
    for line in text.split("\n"):
        words = line.split(" ")
        new: list[str] = []
        for w in words:
            if w and rng.random() < rate:
                r = rng.random()
                if r < 0.6:
                    new.append(writer.take(1)[0])
                elif r < 0.8:
                    new.append(w)
                    new.append(writer.take(1)[0])
                # else: deleted
            else:
                new.append(w)
        out_lines.append(" ".join(new))
    return "\n".join(out_lines)


def fast_char(a: str, b: str, *, checklines: bool) -> Any:
    return fast_diff_match_patch.diff(a, b, timelimit=0, checklines=checklines)


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def cpu_and_wall(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    c, t = time.thread_time(), time.perf_counter()
    result = fn()
    return time.thread_time() - c, time.perf_counter() - t, result


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def paragraph_article(writer: Writer, seed: int) -> tuple[str, str, list[tuple[str, str]]]:
    """600 one-line paragraphs of 100 words (~590 KB); two words changed in every one.

    Returns old, new and the (old word, new word) pairs that changed.
    """
    rng = random.Random(seed)
    long_words = [w for w in writer.words if len(w) >= 8]
    longer = [w for w in long_words if len(w) >= 9]  # 60 % of these: ~590 KB in all

    def word() -> str:
        return rng.choice(longer if rng.random() < 0.6 else long_words)

    paras = [[word() for _ in range(100)] for _ in range(600)]
    changed: list[tuple[str, str]] = []
    new_paras = []
    for p in paras:
        q = list(p)
        for k in sorted(rng.sample(range(100), 2)):
            q[k] = word()
            while q[k] == p[k]:
                q[k] = word()
            changed.append((p[k], q[k]))
        new_paras.append(q)
    old = "\n".join(" ".join(p) for p in paras)
    new = "\n".join(" ".join(p) for p in new_paras)
    return old, new, changed


def marked_words(result: DiffResult) -> tuple[list[str], list[str]]:
    deleted: list[str] = []
    inserted: list[str] = []
    for row in result.rows:
        if isinstance(row, Row):
            deleted += [w for s in row.left if s.kind == "delete" for w in s.text.split()]
            inserted += [w for s in row.right if s.kind == "insert" for w in s.text.split()]
    return deleted, inserted


def moved_paragraph(old: str, seed: int) -> tuple[str, str, str, str]:
    """``old`` with one long paragraph moved from near the top to near the end, one word in
    it changed. Returns new, the paragraph, the old word and the new word."""
    rng = random.Random(seed)
    lines = old.split("\n")
    k = next(i for i, line in enumerate(lines) if len(line.split()) > 40)
    para = lines.pop(k)
    words_ = para.split(" ")
    w = rng.randrange(5, len(words_) - 5)
    before, words_[w] = words_[w], "VANDALISM"
    lines.insert(len(lines) - 3, " ".join(words_))
    return "\n".join(lines), para, before, "VANDALISM"


def main() -> None:
    t_start = time.perf_counter()
    print(f"# diff_bench, {load_average()} at the start")
    writer = Writer(SEED)
    old = writer.article(TARGET_BYTES)
    print(
        f"article: {len(old.encode()):,} bytes, {len(old.split()):,} words, "
        f"{old.count(chr(10)) + 1:,} lines"
    )
    header = (
        f"{'case':>5} | {'(a) C++ char':>12} | {'(b) C++ lines':>13} | {'(c) ours':>9} | "
        f"{'(d) py char':>11} | {'c/a':>5} | {'rows':>5} | coarse"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for rate in (0.01, 0.02, 0.05):
        new = mutate(old, rate, writer, seed=int(rate * 1000))
        ta, _ = median_time(partial(fast_char, old, new, checklines=False), 5)
        tb, _ = median_time(partial(fast_char, old, new, checklines=True), 5)
        tc, res = median_time(partial(diff, old, new), 5)
        dmp = diff_match_patch()
        dmp.Diff_Timeout = 1.0
        td, _ = median_time(partial(dmp.diff_main, old, new, False), 3)
        ratio = tc / ta
        if rate == 0.02 and (ratio > GOAL or res.coarse):
            ok = False
        print(
            f"{rate:>5.0%} | {ta * 1e3:>9.1f} ms | {tb * 1e3:>10.1f} ms | {tc * 1e3:>6.1f} ms | "
            f"{td * 1e3:>8.1f} ms | {ratio:>5.2f} | {len(res.rows):>5} | {res.coarse}"
        )
    print(f"goal: (c) <= {GOAL:.1f} x (a) and word-level at 2 %: {'MET' if ok else 'NOT MET'}")
    print("(d) stops at its 1 s timeout when it cannot finish, with a non-minimal diff.")

    new_moved, para, before, after = moved_paragraph(old, SEED + 3)
    cpu, wall, res = cpu_and_wall(partial(diff, old, new_moved))
    moves = [r for r in res.rows if isinstance(r, Row) and r.move is not None]
    deleted, inserted = marked_words(res)
    shown = (
        len(moves) == 2
        and "".join(s.text for s in moves[0].left) == para
        and deleted == [before]
        and inserted == [after]
    )
    print(
        f"moved paragraph ({len(para):,} chars) with one word changed: {wall * 1e3:.0f} ms "
        f"wall, {cpu * 1e3:.0f} ms CPU, moved rows={len(moves)}, marked -{deleted} +{inserted}; "
        f"goal shown as a move with that word: {'MET' if shown else 'NOT MET'}"
    )

    p_old, p_new, changed = paragraph_article(writer, SEED + 4)
    cpu, wall, res = cpu_and_wall(partial(diff, p_old, p_new))
    deleted, inserted = marked_words(res)
    every = (
        not res.coarse
        and sorted(deleted) == sorted(o for o, _ in changed)
        and sorted(inserted) == sorted(n for _, n in changed)
    )
    print(
        f"paragraph-per-line {len(p_old.encode()) / 1e3:.0f} KB, 600 x 100 words, "
        f"{len(changed)} words changed: {wall * 1e3:.0f} ms wall, {cpu * 1e3:.0f} ms CPU, "
        f"coarse={res.coarse}, marked {len(deleted)} deleted / {len(inserted)} inserted words; "
        f"goal word-level with every changed word marked: {'MET' if every else 'NOT MET'}"
    )
    cache = DiffCache()
    cache.diff(p_old, p_new, timeout=1.0)
    cpu, wall, again = cpu_and_wall(partial(cache.diff, p_old, p_new, timeout=1.0))
    print(
        f"  second view through the diff cache: {wall * 1e3:.1f} ms wall, {cpu * 1e3:.1f} ms "
        f"CPU (hashing both texts), same result: {again.rows == res.rows}"
    )

    big_a = Writer(SEED + 1).article(2_000_000)
    big_b = Writer(SEED + 2).article(2_000_000)
    runs = [cpu_and_wall(partial(diff, big_a, big_b)) for _ in range(3)]
    cpu = statistics.median(r[0] for r in runs)
    tu = statistics.median(r[1] for r in runs)
    res = runs[-1][2]
    verdict = "MET" if tu <= 2.0 else "NOT MET"
    print(
        f"unrelated {len(big_a.encode()) / 1e6:.1f} MB vs {len(big_b.encode()) / 1e6:.1f} MB: "
        f"{tu * 1e3:.0f} ms wall, {cpu * 1e3:.0f} ms CPU (medians of 3), coarse={res.coarse}, "
        f"rows={len(res.rows):,}; goal <= 2000 ms: {verdict}"
    )
    print(f"bench total: {time.perf_counter() - t_start:.1f} s; {load_average()} at the end")


if __name__ == "__main__":
    main()
