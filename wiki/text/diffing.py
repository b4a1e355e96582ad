"""Revision diffs in the MediaWiki style: aligned by line, side by side, word highlights,
moved paragraphs.

This module is pure (no I/O, no HTTP). The diff page and the REST compare endpoint call
:func:`diff`; the template escapes the text, this module never produces HTML. The work is
split over :mod:`~wiki.text.diffing_align` (tokens, unit encoding, the anchored sequence
diff), :mod:`~wiki.text.diffing_moves` (moved paragraphs), :mod:`~wiki.text.diffing_rows`
(the data) and :mod:`~wiki.text.diffing_views` (inline order, JSON); this module puts them
together and re-exports the public names.

Units
    The unit of alignment is the **line** (``text.split("\\n")``), as in MediaWiki. A Markdown
    paragraph is usually one line, and lines work better than blank-line separated blocks
    for lists and tables (one changed item or table row is one changed unit). Blank lines
    are units too; they show up as (empty) context rows. ``Row.left_no``/``right_no`` and
    ``Skip.count`` are therefore line numbers and line counts. An empty text has no lines.

Exactness
    Joining the texts of the left segments of all rows that have a left side (``context``,
    ``change``, ``remove``, ``moved_from``), with Skips expanded, using ``"\\n"`` gives back
    ``old`` exactly; the same holds for the right side (``context``, ``change``, ``add``,
    ``moved_to``) and ``new``. No text is ever dropped.

Algorithm
    1. Line alignment: every distinct line is mapped to one character (diff-match-patch's
       linesToChars trick). The two character strings are diffed with an anchored
       ("patience") diff: lines that occur exactly once on both sides are matched through a
       longest increasing subsequence, and only the gaps between those anchors go through
       diff-match-patch's Myers diff. Plain Myers in pure Python is quadratic in the number
       of changed lines, which is far too slow for a big page where most paragraphs
       changed a little; the anchors keep every Myers problem small.
    2. In each changed run the deleted and inserted lines are paired: one to one directly,
       otherwise by word-set similarity (a monotone alignment, so reading order is kept);
       unpaired lines become ``remove``/``add`` rows.
    3. Each pair gets a word diff: both lines are tokenised (:func:`tokenize_words`), each
       distinct token mapped to one character, diffed the same way, and cleaned up with
       diff-match-patch's semantic cleanup (counted in tokens). A pair that turns out to
       share less than 30 % of its text is shown as ``remove`` + ``add`` instead.
    4. Moves: a removed line and an added line anywhere in the diff that share at least
       half their words (:func:`~wiki.text.diffing_moves.find_moves`) become a
       ``moved_from``/``moved_to`` pair of rows with the word diff of the two lines.

Time limit
    ``timeout`` bounds the whole computation in **CPU seconds of the calling thread**
    (:func:`time.thread_time`), so a busy machine slows the answer down but does not change
    it. The line alignment always gets at least ``MIN_LINE_BUDGET`` seconds so even a tiny
    timeout yields a sensible line-level diff. If the word refinement (or the alignment
    itself) runs past the deadline the result is *coarse*: ``coarse=True``, no word
    highlights and no moves, and every changed run becomes at most two rows: one ``remove``
    row holding all its removed lines and one ``add`` row holding all its added lines (the
    text then contains ``"\\n"``; ``left_no``/``right_no`` are the first line's numbers).
    This keeps the row count small however many lines changed.

Unrelated texts
    Two texts of 200+ lines that share less than 3 % of their three-word runs are not
    aligned at all: the result is coarse with ``unrelated=True``
    (one removed and one added row), in a fraction of the budget. This is the only case
    where the diff may say the texts are too different; a coarse result with
    ``unrelated=False`` ran out of time.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from itertools import accumulate

from wiki.text.diffing_align import (
    DELETE,
    EQUAL,
    MAX_CODES,
    TOKEN_RE,
    WORD_RE,
    CpuDeadline,
    Encoder,
    Overflow,
    count_words,
    diff_units,
    increasing_chain,
    line_blocks,
    token_dmp,
    tokenize_words,
)
from wiki.text.diffing_moves import MoveTimeout, find_moves
from wiki.text.diffing_rows import DiffResult, Move, Row, Segment, Skip
from wiki.text.diffing_views import inline_segments, to_json

__all__ = [
    "DiffResult",
    "Move",
    "Row",
    "Segment",
    "Skip",
    "diff",
    "increasing_chain",
    "inline_segments",
    "to_json",
    "tokenize_words",
]

#: The line alignment gets at least this many CPU seconds, whatever ``timeout`` says.
MIN_LINE_BUDGET = 0.05

# A paired change whose common text is below this share of both lines is not a "change".
_PAIR_MIN_SIMILARITY = 0.3
# Changed runs with up to this many (deleted x inserted) line combinations are aligned by
# similarity; bigger runs are paired by position.
_PAIR_DP_LIMIT = 2500
# The fine pass checks the deadline every this many rows.
_CHECK_EVERY = 256
# Texts of at least this many lines each that share less than ``_UNRELATED_SHARE`` of their
# three-word runs are "unrelated": shown whole, without alignment. The runs are only
# counted when fewer than ``_UNRELATED_LINES_SHARE`` of the non-blank lines are shared.
_UNRELATED_MIN_LINES = 200
_UNRELATED_SHARE = 0.03
_UNRELATED_LINES_SHARE = 0.5


# --- rows for changed runs -----------------------------------------------------------------


class _Timeout(Exception):
    """The fine diff ran past its deadline: fall back to the coarse one."""


def _remove_row(text: str, no: int) -> Row:
    return Row("remove", no, None, [Segment("delete", text)], [])


def _add_row(text: str, no: int) -> Row:
    return Row("add", None, no, [], [Segment("insert", text)])


def _context_row(text: str, left_no: int, right_no: int) -> Row:
    seg = [Segment("equal", text)]
    return Row("context", left_no, right_no, seg, list(seg))


class _Refiner:
    """Builds the fine rows (word highlights) of changed runs; raises :class:`_Timeout`."""

    def __init__(self, deadline: CpuDeadline) -> None:
        self.deadline = deadline
        self.encoder = Encoder()
        self.ticks = 0

    def block_rows(self, dels: list[str], ins: list[str], i0: int, j0: int) -> list[Row]:
        rows: list[Row] = []
        pk = pl = 0
        for k, m in [*_pair_lines(dels, ins), (len(dels), len(ins))]:
            for x in range(pk, k):
                rows.append(_remove_row(dels[x], i0 + x + 1))
                self.tick()
            for y in range(pl, m):
                rows.append(_add_row(ins[y], j0 + y + 1))
                self.tick()
            if k < len(dels) and m < len(ins):
                rows.extend(self._pair_rows(dels[k], ins[m], i0 + k + 1, j0 + m + 1))
                self.tick()
            pk, pl = k + 1, m + 1
        return rows

    def tick(self) -> None:
        self.ticks += 1
        if self.ticks % _CHECK_EVERY == 0 and self.deadline.passed():
            raise _Timeout

    def _pair_rows(self, a: str, b: str, left_no: int, right_no: int) -> list[Row]:
        if a == b:
            return [_context_row(a, left_no, right_no)]
        if not a or not b:
            return [_remove_row(a, left_no), _add_row(b, right_no)]
        left, right, same = self.word_diff(a, b)
        if 2 * same < _PAIR_MIN_SIMILARITY * (len(a) + len(b)):
            return [_remove_row(a, left_no), _add_row(b, right_no)]
        return [Row("change", left_no, right_no, left, right)]

    def word_diff(self, a: str, b: str) -> tuple[list[Segment], list[Segment], int]:
        """The old side (equal/delete), new side (equal/insert) and common length of a pair."""
        if a == b:
            seg = Segment("equal", a)
            return [seg], [seg], len(a)
        ta = TOKEN_RE.findall(a)
        tb = TOKEN_RE.findall(b)
        enc = self.encoder
        if len(enc.codes) + len(ta) + len(tb) >= MAX_CODES - 1:
            enc = self.encoder = Encoder()  # codes only need to agree within one pair
        try:
            ua = enc.encode(ta)
            ub = enc.encode(tb)
        except Overflow:
            raise _Timeout from None  # absurdly large line: give up on words
        ops = diff_units(ua, ub, self.deadline)
        if self.deadline.passed():
            raise _Timeout
        token_dmp.diff_cleanupSemantic(ops)
        offa = list(accumulate(map(len, ta), initial=0))
        offb = list(accumulate(map(len, tb), initial=0))
        left: list[Segment] = []
        right: list[Segment] = []
        xa = xb = 0
        same = 0
        for op, s in ops:
            n = len(s)
            if op == EQUAL:
                text = a[offa[xa] : offa[xa + n]]
                seg = Segment("equal", text)
                left.append(seg)
                right.append(seg)
                same += len(text)
                xa += n
                xb += n
            elif op == DELETE:
                left.append(Segment("delete", a[offa[xa] : offa[xa + n]]))
                xa += n
            else:
                right.append(Segment("insert", b[offb[xb] : offb[xb + n]]))
                xb += n
        return left, right, same


def _pair_lines(dels: list[str], ins: list[str]) -> list[tuple[int, int]]:
    """Which deleted line goes with which inserted line (monotone in both)."""
    m, n = len(dels), len(ins)
    if not m or not n:
        return []
    if m == 1 and n == 1:
        return [(0, 0)]
    if m * n > _PAIR_DP_LIMIT:
        return [(k, k) for k in range(min(m, n))]
    wa = [set(WORD_RE.findall(s)) for s in dels]
    wb = [set(WORD_RE.findall(s)) for s in ins]
    # score[i][j]: best total similarity pairing dels[:i] with ins[:j].
    score = [[0.0] * (n + 1) for _ in range(m + 1)]
    take = [[False] * (n + 1) for _ in range(m + 1)]
    for i in range(1, m + 1):
        row, prev = score[i], score[i - 1]
        sa, ta = wa[i - 1], dels[i - 1]
        for j in range(1, n + 1):
            best = max(prev[j], row[j - 1])
            sb = wb[j - 1]
            if ta == ins[j - 1]:
                sim = 1.0
            elif sa and sb:
                sim = 2 * len(sa & sb) / (len(sa) + len(sb))
            else:
                sim = 0.0
            if sim >= _PAIR_MIN_SIMILARITY and prev[j - 1] + sim > best:
                best = prev[j - 1] + sim
                take[i][j] = True
            row[j] = best
    pairs: list[tuple[int, int]] = []
    i, j = m, n
    while i and j:
        if take[i][j]:
            pairs.append((i - 1, j - 1))
            i -= 1
            j -= 1
        elif score[i - 1][j] >= score[i][j - 1]:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    return pairs


def _mark_moves(changes: dict[int, list[Row]], refiner: _Refiner) -> None:
    """Turn removed and added lines that are one paragraph moved into ``moved_*`` rows."""
    removed: list[tuple[int, int]] = []  # (block, row index)
    added: list[tuple[int, int]] = []
    for k, rows in changes.items():
        for x, row in enumerate(rows):
            if row.kind == "remove":
                removed.append((k, x))
            elif row.kind == "add":
                added.append((k, x))

    # The lines paired within each run, in order on both sides (the pairing is monotone).
    paired: dict[int, tuple[list[int], list[int]]] = {
        k: (
            [r.left_no for r in rows if r.left_no is not None and r.right_no is not None],
            [r.right_no for r in rows if r.left_no is not None and r.right_no is not None],
        )
        for k, rows in changes.items()
    }

    def in_place(r: int, a: int) -> bool:
        """Same changed run, and no line of it was paired across them: rewritten there."""
        (rk, rx), (ak, ax) = removed[r], added[a]
        if rk != ak:
            return False
        lefts, rights = paired[rk]
        i, j = changes[rk][rx].left_no or 0, changes[ak][ax].right_no or 0
        return bisect_left(lefts, i) == bisect_left(rights, j)

    pairs = find_moves(
        [changes[k][x].left[0].text for k, x in removed],
        [changes[k][x].right[0].text for k, x in added],
        refiner.deadline,
        in_place,
    )
    for move_id, (r, a) in enumerate(pairs, start=1):
        (rk, rx), (ak, ax) = removed[r], added[a]
        old_row, new_row = changes[rk][rx], changes[ak][ax]
        left, right, _ = refiner.word_diff(old_row.left[0].text, new_row.right[0].text)
        assert old_row.left_no is not None and new_row.right_no is not None
        move = Move(move_id, old_row.left_no, new_row.right_no, left, right)
        changes[rk][rx] = Row("moved_from", old_row.left_no, None, left, [], move)
        changes[ak][ax] = Row("moved_to", None, new_row.right_no, [], right, move)
        refiner.tick()


def _coarse_rows(
    a_lines: list[str], b_lines: list[str], i0: int, i1: int, j0: int, j1: int
) -> list[Row]:
    """A changed run at line level: its removed lines as one row, its added lines as one."""
    rows = []
    if i1 > i0:
        rows.append(_remove_row("\n".join(a_lines[i0:i1]), i0 + 1))
    if j1 > j0:
        rows.append(_add_row("\n".join(b_lines[j0:j1]), j0 + 1))
    return rows


# --- the diff ------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else []


def diff(old: str, new: str, *, timeout: float = 1.0, context: int = 1) -> DiffResult:
    """Diff two revision texts line by line with word highlights (see the module doc).

    ``context`` is the number of unchanged lines kept around each change; longer unchanged
    stretches collapse into :class:`Skip` rows. ``timeout`` (CPU seconds of this thread)
    bounds the work; when it is exceeded the result is ``coarse`` (line level only).
    """
    if old == new:
        return DiffResult(rows=[], coarse=False, identical=True, added_words=0, removed_words=0)
    deadline = CpuDeadline(timeout)
    a_lines = _lines(old)
    b_lines = _lines(new)
    unrelated = _unrelated(a_lines, b_lines)
    if unrelated:
        blocks = [(True, 0, len(a_lines), 0, len(b_lines))]
    else:
        blocks = line_blocks(a_lines, b_lines, CpuDeadline(max(timeout, MIN_LINE_BUDGET)))

    changes: dict[int, list[Row]] = {}
    coarse = unrelated or deadline.passed()
    if not coarse:
        refiner = _Refiner(deadline)
        try:
            for k, (is_change, i0, i1, j0, j1) in enumerate(blocks):
                if is_change:
                    changes[k] = refiner.block_rows(a_lines[i0:i1], b_lines[j0:j1], i0, j0)
            _mark_moves(changes, refiner)
        except (_Timeout, MoveTimeout):
            coarse = True
    if coarse:
        # Line level only: a bounded number of rows, however many lines changed.
        changes = {
            k: _coarse_rows(a_lines, b_lines, i0, i1, j0, j1)
            for k, (is_change, i0, i1, j0, j1) in enumerate(blocks)
            if is_change
        }
    added = removed = 0
    for rows in changes.values():
        for row in rows:
            removed += sum(count_words(s.text) for s in row.left if s.kind == "delete")
            added += sum(count_words(s.text) for s in row.right if s.kind == "insert")

    out: list[Row | Skip] = []
    context = max(context, 0)
    last = len(blocks) - 1
    for k, (is_change, i0, i1, j0, _) in enumerate(blocks):
        if is_change:
            out.extend(changes[k])
            continue
        n = i1 - i0
        head = min(context, n) if k > 0 else 0
        tail = min(context, n - head) if k < last else 0
        for x in range(head):
            out.append(_context_row(a_lines[i0 + x], i0 + x + 1, j0 + x + 1))
        skipped = n - head - tail
        if skipped > 0:
            s0, t0 = i0 + head, j0 + head
            out.append(
                Skip(
                    s0 + 1,
                    t0 + 1,
                    skipped,
                    left_bytes=_utf8_size(a_lines, s0, s0 + skipped),
                    right_bytes=_utf8_size(b_lines, t0, t0 + skipped),
                )
            )
        for x in range(n - tail, n):
            out.append(_context_row(a_lines[i0 + x], i0 + x + 1, j0 + x + 1))
    return DiffResult(
        rows=out,
        coarse=coarse,
        identical=False,
        added_words=added,
        removed_words=removed,
        unrelated=unrelated,
    )


def _unrelated(a_lines: list[str], b_lines: list[str]) -> bool:
    """Two big texts that share almost no runs of three words.

    Aligning them would spend the whole budget to find only blank lines in common, and
    word highlights between unrelated paragraphs mean nothing; the diff says so instead.
    Lines are checked first (cheap: texts sharing half their lines are related); a text
    where every line changed a little still shares most of its three-word runs, so it is
    not unrelated, and a few shared lines (table headers, say) do not make two texts
    related.
    """
    if min(len(a_lines), len(b_lines)) < _UNRELATED_MIN_LINES:
        return False
    ca = Counter(line for line in a_lines if line.strip())
    cb = Counter(line for line in b_lines if line.strip())
    shared = sum(min(n, cb[line]) for line, n in ca.items() if line in cb)
    if shared >= _UNRELATED_LINES_SHARE * min(ca.total(), cb.total()):
        return False
    sa, sb = _shingles(a_lines), _shingles(b_lines)
    return len(sa & sb) < _UNRELATED_SHARE * min(len(sa), len(sb))


def _shingles(lines: list[str]) -> set[int]:
    """A content-defined sample (one in eight) of the hashes of the text's 3-word runs."""
    words = "\n".join(lines).split()
    return {h for h in map(hash, zip(words, words[1:], words[2:], strict=False)) if not h & 7}


def _utf8_size(lines: list[str], start: int, end: int) -> int:
    """UTF-8 bytes of lines[start:end], each counted with a line break after it."""
    return len("\n".join(lines[start:end]).encode("utf-8")) + 1 if end > start else 0
