"""Revision diffs in the MediaWiki style: aligned by line, side by side, word highlights.

This module is pure (no I/O, no HTTP). The diff page and the REST compare endpoint call
:func:`diff`; the template escapes the text, this module never produces HTML.

Units
    The unit of alignment is the **line** (``text.split("\\n")``), as in MediaWiki. A Markdown
    paragraph is usually one line, and lines work better than blank-line separated blocks
    for lists and tables (one changed item or table row is one changed unit). Blank lines
    are units too; they show up as (empty) context rows. ``Row.left_no``/``right_no`` and
    ``Skip.count`` are therefore line numbers and line counts. An empty text has no lines.

Exactness
    Joining the texts of the left segments of all rows that have a left side (``context``,
    ``change``, ``remove``), with Skips expanded, using ``"\\n"`` gives back ``old`` exactly;
    the same holds for the right side and ``new``. No text is ever dropped.

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

Time limit
    ``timeout`` bounds the whole computation. The line alignment always gets at least
    ``MIN_LINE_BUDGET`` seconds so even a tiny timeout yields a sensible line-level diff.
    If the word refinement (or the alignment itself) runs past the deadline the result is
    *coarse*: ``coarse=True``, no word highlights, and every changed run becomes at most two
    rows: one ``remove`` row holding all its removed lines and one ``add`` row holding all
    its added lines (the text then contains ``"\\n"``; ``left_no``/``right_no`` are the
    first line's numbers). This keeps the row count small however many lines changed, so
    two unrelated 2 MB texts still answer in about ``timeout`` + 0.3 s.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, Literal

from diff_match_patch import diff_match_patch

__all__ = [
    "DiffResult",
    "Row",
    "Segment",
    "Skip",
    "diff",
    "inline_segments",
    "to_json",
    "tokenize_words",
]

#: The line alignment gets at least this many seconds, whatever ``timeout`` says.
MIN_LINE_BUDGET = 0.05

# diff-match-patch operation codes.
_DELETE = -1
_EQUAL = 0
_INSERT = 1

# A paired change whose common text is below this share of both lines is not a "change".
_PAIR_MIN_SIMILARITY = 0.3
# Changed runs with up to this many (deleted x inserted) line combinations are aligned by
# similarity; bigger runs are paired by position.
_PAIR_DP_LIMIT = 2500
# Below this many units (after trimming the common prefix and suffix) plain Myers is used.
_ANCHOR_MIN_UNITS = 400
# diff-match-patch's half-match search is only tried on inputs up to this many units.
_HALF_MATCH_MAX_UNITS = 1000
# The fine pass checks the deadline every this many rows.
_CHECK_EVERY = 256


# --- public data ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a line: unchanged (``equal``), only in the new text, or only in the old."""

    kind: Literal["equal", "insert", "delete"]
    text: str


@dataclass(frozen=True, slots=True)
class Row:
    """One line pair of the side-by-side view.

    ``context``: an unchanged line, ``left == right == [equal]``.
    ``change``: a line edited in place; ``left`` holds equal and delete segments, ``right``
    equal and insert segments, and the equal segments are the same on both sides.
    ``remove``: ``left == [delete]``, ``right == []``. ``add``: ``left == []``,
    ``right == [insert]``. Every side that exists has at least one segment (an empty line
    is one segment with empty text), so ``bool(row.left)`` tells whether there is a left.
    A row is one line, except in a coarse result, where a remove/add row holds a whole
    changed run (several lines joined by ``"\\n"``).
    """

    kind: Literal["context", "change", "add", "remove"]
    left_no: int | None
    right_no: int | None
    left: list[Segment]
    right: list[Segment]


@dataclass(frozen=True, slots=True)
class Skip:
    """Unchanged lines collapsed between (or before/after) hunks.

    ``left_no``/``right_no`` are the 1-based numbers of the first skipped line on each side;
    the next shown row starts at ``left_no + count`` / ``right_no + count``.
    ``left_bytes``/``right_bytes`` (not part of equality) are the UTF-8 sizes of the skipped
    lines including their line breaks; :func:`to_json` uses them for byte offsets.
    """

    left_no: int
    right_no: int
    count: int
    left_bytes: int = field(default=0, compare=False)
    right_bytes: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class DiffResult:
    """The outcome of :func:`diff`. ``rows`` is empty when the texts are identical."""

    rows: list[Row | Skip]
    coarse: bool
    identical: bool
    added_words: int
    removed_words: int


# --- tokens --------------------------------------------------------------------------------

# Combining marks stay inside a word (decomposed accents: "e" + U+0301).
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# Scripts written without spaces: every character is a word of its own.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Letters/digits/underscore outside CJK, then combining marks with more letters (unrolled
# so the regex stays fast); hyphen or apostrophe between two such parts keeps them joined.
_WORD_PART = rf"[^\W{_CJK}]+(?:[{_MARKS}]+[^\W{_CJK}]*)*"
_WORD = rf"{_WORD_PART}(?:['’-]{_WORD_PART})*|[{_CJK}]"
_WORD_RE = re.compile(_WORD)
_TOKEN_RE = re.compile(rf"{_WORD}|\s+|.", re.DOTALL)


def tokenize_words(text: str) -> list[str]:
    """Split ``text`` into words, whitespace runs and single other characters.

    Words are runs of Unicode letters/digits/underscore (plus combining marks), so
    "kebijakannya" or "café" stay whole; a hyphen or apostrophe between two word parts
    keeps them together ("anak-anak", "don't"). Han/kana characters are one token each.
    Every other character (punctuation, symbols) is its own token. ``"".join(tokens) ==
    text`` always holds.
    """
    return _TOKEN_RE.findall(text)


def _count_words(text: str) -> int:
    return len(_WORD_RE.findall(text)) if text else 0


# --- unit encoding -------------------------------------------------------------------------

_FIRST_CODE = 0x100  # keep ASCII (newline, space...) out of the unit alphabet
_SURROGATES = 0xD800
_MAX_CODES = 0x110000 - _FIRST_CODE - 0x800


def _code_char(n: int) -> str:
    c = n + _FIRST_CODE
    return chr(c if c < _SURROGATES else c + 0x800)


class _Overflow(Exception):
    """More distinct units than there are characters."""


class _Encoder:
    """Maps each distinct unit (line or token) to one character.

    With ``share_overflow`` the units beyond the character range all share the last
    character (the caller must then verify equalities); otherwise :class:`_Overflow`.
    """

    def __init__(self, *, share_overflow: bool = False) -> None:
        self.codes: dict[str, str] = {}
        self.share_overflow = share_overflow
        self.overflowed = False

    def encode(self, units: list[str]) -> str:
        codes = self.codes
        new = [u for u in dict.fromkeys(units) if u not in codes]
        if new:
            n = len(codes)
            if n + len(new) > _MAX_CODES - 1:
                if not self.share_overflow:
                    raise _Overflow
                self.overflowed = True
                last = _code_char(_MAX_CODES - 1)
                for u in new:
                    if n < _MAX_CODES - 1:
                        codes[u] = _code_char(n)
                        n += 1
                    else:
                        codes[u] = last
            else:
                codes.update(zip(new, map(_code_char, range(n, n + len(new))), strict=True))
        return "".join(map(codes.__getitem__, units))


# --- sequence diff -------------------------------------------------------------------------


class _DMP(diff_match_patch):  # type: ignore[misc]
    """diff-match-patch whose half-match speedup is limited to small inputs.

    The half-match search has no deadline and is quadratic on periodic input (thousands
    of identical lines); big inputs are split by the patience anchors instead.
    """

    def diff_halfMatch(self, text1: str, text2: str) -> list[str] | None:
        if len(text1) + len(text2) > _HALF_MATCH_MAX_UNITS:
            return None
        result: list[str] | None = super().diff_halfMatch(text1, text2)
        return result


class _TokenDMP(_DMP):
    """For token strings: no edge shifting based on the character classes of the codes."""

    def diff_cleanupSemanticLossless(self, diffs: list[tuple[int, str]]) -> None:
        return None


_dmp = _DMP()
_dmp.Diff_Timeout = 1.0  # > 0 enables the half-match speedup; deadlines are passed explicitly
_token_dmp = _TokenDMP()

Ops = list[tuple[int, str]]


def _anchors(a: str, b: str) -> list[tuple[int, int]]:
    """Positions (i, j) of units unique in both ``a`` and ``b``, longest increasing chain."""
    ca = Counter(a)
    cb = Counter(b)
    unique = {c for c, n in ca.items() if n == 1 and cb.get(c) == 1}
    if not unique:
        return []
    pos_b = {c: j for j, c in enumerate(b) if c in unique}
    pairs = [(i, pos_b[c]) for i, c in enumerate(a) if c in unique]
    return increasing_chain(pairs)


def increasing_chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (sorted by i) whose j's increase too (patience sorting):
    the anchors two sequences agree on, in order."""
    if not pairs:
        return []
    tails: list[int] = []
    tail_at: list[int] = []
    back = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        p = bisect_left(tails, j)
        if p == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[p] = j
            tail_at[p] = k
        back[k] = tail_at[p - 1] if p else -1
    chain: list[tuple[int, int]] = []
    k = tail_at[-1]
    while k >= 0:
        chain.append(pairs[k])
        k = back[k]
    chain.reverse()
    return chain


def _diff_units(a: str, b: str, deadline: float) -> Ops:
    """Diff two unit strings: patience anchors first, Myers (diff-match-patch) in the gaps.

    Never raises on the deadline: past it, diff-match-patch returns a valid but coarse diff
    quickly, and the caller decides what a late answer means.
    """
    out: Ops = []
    # Work list of (a_start, a_end, b_start, b_end), processed left to right.
    stack: list[tuple[int, int, int, int]] = [(0, len(a), 0, len(b))]
    while stack:
        i0, i1, j0, j1 = stack.pop()
        sa = a[i0:i1]
        sb = b[j0:j1]
        if sa == sb:
            if sa:
                out.append((_EQUAL, sa))
            continue
        if not sa or not sb:
            out.append((_INSERT, sb) if sb else (_DELETE, sa))
            continue
        pre = _dmp.diff_commonPrefix(sa, sb)
        if pre:
            out.append((_EQUAL, sa[:pre]))
            sa, sb = sa[pre:], sb[pre:]
            i0 += pre
            j0 += pre
        suf = _dmp.diff_commonSuffix(sa, sb)
        if suf:
            # Process the middle first, then the suffix (stack is LIFO).
            stack.append((i1 - suf, i1, j1 - suf, j1))
            i1 -= suf
            j1 -= suf
            sa, sb = sa[:-suf], sb[:-suf]
        if (
            len(sa) + len(sb) < _ANCHOR_MIN_UNITS
            or not sa
            or not sb
            or time.time() > deadline
            or not (chain := _anchors(sa, sb))
        ):
            out.extend(_dmp.diff_main(sa, sb, False, deadline))
            continue
        # Push the gaps and anchors in reverse so that they come out in order.
        tasks: list[tuple[int, int, int, int]] = []
        pi, pj = 0, 0
        for i, j in chain:
            tasks.append((i0 + pi, i0 + i, j0 + pj, j0 + j))
            tasks.append((i0 + i, i0 + i + 1, j0 + j, j0 + j + 1))  # the anchor: equal
            pi, pj = i + 1, j + 1
        tasks.append((i0 + pi, i1, j0 + pj, j1))
        stack.extend(reversed(tasks))
    return _normalize(out)


def _normalize(ops: Ops) -> Ops:
    """Merge neighbouring operations: one equality, then at most one delete and one insert."""
    out: Ops = []
    dels: list[str] = []
    ins: list[str] = []
    eqs: list[str] = []
    for op, s in ops:
        if not s:
            continue
        if op == _EQUAL:
            if dels or ins:
                if dels:
                    out.append((_DELETE, "".join(dels)))
                if ins:
                    out.append((_INSERT, "".join(ins)))
                dels, ins = [], []
            eqs.append(s)
        else:
            if eqs:
                out.append((_EQUAL, "".join(eqs)))
                eqs = []
            (dels if op == _DELETE else ins).append(s)
    if dels:
        out.append((_DELETE, "".join(dels)))
    if ins:
        out.append((_INSERT, "".join(ins)))
    if eqs:
        out.append((_EQUAL, "".join(eqs)))
    return out


# --- line alignment ------------------------------------------------------------------------

# A block is (is_change, i0, i1, j0, j1): lines old[i0:i1] / new[j0:j1] (0-based).
_Block = tuple[bool, int, int, int, int]


def _line_blocks(a_lines: list[str], b_lines: list[str], deadline: float) -> list[_Block]:
    enc = _Encoder(share_overflow=True)
    ca = enc.encode(a_lines)
    cb = enc.encode(b_lines)
    ops = _diff_units(ca, cb, deadline)
    blocks: list[_Block] = []
    ia = ib = 0
    for op, s in ops:
        n = len(s)
        if op == _EQUAL:
            if enc.overflowed:
                _verified_equal(blocks, a_lines, b_lines, ia, ib, n)
            else:
                _add_block(blocks, False, ia, ia + n, ib, ib + n)
            ia += n
            ib += n
        elif op == _DELETE:
            _add_block(blocks, True, ia, ia + n, ib, ib)
            ia += n
        else:
            _add_block(blocks, True, ia, ia, ib, ib + n)
            ib += n
    return blocks


def _add_block(blocks: list[_Block], change: bool, i0: int, i1: int, j0: int, j1: int) -> None:
    if blocks and blocks[-1][0] == change:
        prev = blocks[-1]
        blocks[-1] = (change, prev[1], i1, prev[3], j1)
    else:
        blocks.append((change, i0, i1, j0, j1))


def _verified_equal(
    blocks: list[_Block], a_lines: list[str], b_lines: list[str], ia: int, ib: int, n: int
) -> None:
    """An equality from an overflowed encoding: lines sharing a character may differ."""
    for k in range(n):
        same = a_lines[ia + k] == b_lines[ib + k]
        _add_block(blocks, not same, ia + k, ia + k + 1, ib + k, ib + k + 1)


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

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.encoder = _Encoder()
        self.added = 0
        self.removed = 0
        self.ticks = 0

    def block_rows(self, dels: list[str], ins: list[str], i0: int, j0: int) -> list[Row]:
        rows: list[Row] = []
        pk = pl = 0
        for k, m in [*_pair_lines(dels, ins), (len(dels), len(ins))]:
            for x in range(pk, k):
                rows.append(self._remove(dels[x], i0 + x + 1))
                self._tick()
            for y in range(pl, m):
                rows.append(self._add(ins[y], j0 + y + 1))
                self._tick()
            if k < len(dels) and m < len(ins):
                rows.extend(self._pair_rows(dels[k], ins[m], i0 + k + 1, j0 + m + 1))
                self._tick()
            pk, pl = k + 1, m + 1
        return rows

    def _tick(self) -> None:
        self.ticks += 1
        if self.ticks % _CHECK_EVERY == 0 and time.time() > self.deadline:
            raise _Timeout

    def _remove(self, text: str, no: int) -> Row:
        self.removed += _count_words(text)
        return _remove_row(text, no)

    def _add(self, text: str, no: int) -> Row:
        self.added += _count_words(text)
        return _add_row(text, no)

    def _pair_rows(self, a: str, b: str, left_no: int, right_no: int) -> list[Row]:
        if a == b:
            return [_context_row(a, left_no, right_no)]
        if not a or not b:
            return [self._remove(a, left_no), self._add(b, right_no)]
        ta = _TOKEN_RE.findall(a)
        tb = _TOKEN_RE.findall(b)
        enc = self.encoder
        if len(enc.codes) + len(ta) + len(tb) >= _MAX_CODES - 1:
            enc = self.encoder = _Encoder()  # codes only need to agree within one pair
        try:
            ua = enc.encode(ta)
            ub = enc.encode(tb)
        except _Overflow:
            raise _Timeout from None  # absurdly large line: give up on words
        ops = _diff_units(ua, ub, self.deadline)
        if time.time() > self.deadline:
            raise _Timeout
        _token_dmp.diff_cleanupSemantic(ops)
        offa = list(accumulate(map(len, ta), initial=0))
        offb = list(accumulate(map(len, tb), initial=0))
        left: list[Segment] = []
        right: list[Segment] = []
        xa = xb = 0
        same = 0
        removed = added = 0
        for op, s in ops:
            n = len(s)
            if op == _EQUAL:
                text = a[offa[xa] : offa[xa + n]]
                seg = Segment("equal", text)
                left.append(seg)
                right.append(seg)
                same += len(text)
                xa += n
                xb += n
            elif op == _DELETE:
                text = a[offa[xa] : offa[xa + n]]
                left.append(Segment("delete", text))
                removed += _count_words(text)
                xa += n
            else:
                text = b[offb[xb] : offb[xb + n]]
                right.append(Segment("insert", text))
                added += _count_words(text)
                xb += n
        if 2 * same < _PAIR_MIN_SIMILARITY * (len(a) + len(b)):
            return [self._remove(a, left_no), self._add(b, right_no)]
        self.removed += removed
        self.added += added
        return [Row("change", left_no, right_no, left, right)]


def _pair_lines(dels: list[str], ins: list[str]) -> list[tuple[int, int]]:
    """Which deleted line goes with which inserted line (monotone in both)."""
    m, n = len(dels), len(ins)
    if not m or not n:
        return []
    if m == 1 and n == 1:
        return [(0, 0)]
    if m * n > _PAIR_DP_LIMIT:
        return [(k, k) for k in range(min(m, n))]
    wa = [set(_WORD_RE.findall(s)) for s in dels]
    wb = [set(_WORD_RE.findall(s)) for s in ins]
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


# --- the diff ------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else []


def diff(old: str, new: str, *, timeout: float = 1.0, context: int = 1) -> DiffResult:
    """Diff two revision texts line by line with word highlights (see the module doc).

    ``context`` is the number of unchanged lines kept around each change; longer unchanged
    stretches collapse into :class:`Skip` rows. ``timeout`` (seconds) bounds the work; when
    it is exceeded the result is ``coarse`` (line level only).
    """
    if old == new:
        return DiffResult(rows=[], coarse=False, identical=True, added_words=0, removed_words=0)
    start = time.time()
    deadline = start + timeout
    a_lines = _lines(old)
    b_lines = _lines(new)
    blocks = _line_blocks(a_lines, b_lines, start + max(timeout, MIN_LINE_BUDGET))

    changes: dict[int, list[Row]] = {}
    coarse = time.time() > deadline
    added = removed = 0
    if not coarse:
        refiner = _Refiner(deadline)
        try:
            for k, (is_change, i0, i1, j0, j1) in enumerate(blocks):
                if is_change:
                    changes[k] = refiner.block_rows(a_lines[i0:i1], b_lines[j0:j1], i0, j0)
            added, removed = refiner.added, refiner.removed
        except _Timeout:
            coarse = True
    if coarse:
        # Line level only: each changed run is its removed lines as one row and its added
        # lines as one row (a bounded number of rows, however many lines changed).
        changes = {}
        for k, (is_change, i0, i1, j0, j1) in enumerate(blocks):
            if is_change:
                rows = []
                if i1 > i0:
                    text = "\n".join(a_lines[i0:i1])
                    rows.append(_remove_row(text, i0 + 1))
                    removed += _count_words(text)
                if j1 > j0:
                    text = "\n".join(b_lines[j0:j1])
                    rows.append(_add_row(text, j0 + 1))
                    added += _count_words(text)
                changes[k] = rows

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
        rows=out, coarse=coarse, identical=False, added_words=added, removed_words=removed
    )


def _utf8_size(lines: list[str], start: int, end: int) -> int:
    """UTF-8 bytes of lines[start:end], each counted with a line break after it."""
    return len("\n".join(lines[start:end]).encode("utf-8")) + 1 if end > start else 0


# --- views ---------------------------------------------------------------------------------


def inline_segments(row: Row) -> list[Segment]:
    """The one-column view of a row: left and right merged in reading order.

    Between two equal stretches the deleted text comes first, then the inserted text.
    Context rows give their equal segment, remove/add rows their single segment.
    """
    if row.kind != "change":
        return list(row.left or row.right)
    out: list[Segment] = []
    left, right = row.left, row.right
    li = ri = 0
    lpos = rpos = 0  # characters of the current equal segment already emitted
    while li < len(left) or ri < len(right):
        while li < len(left) and left[li].kind != "equal":
            out.append(left[li])
            li += 1
        while ri < len(right) and right[ri].kind != "equal":
            out.append(right[ri])
            ri += 1
        if li < len(left) and ri < len(right):
            lt = left[li].text[lpos:]
            rt = right[ri].text[rpos:]
            n = min(len(lt), len(rt))
            out.append(Segment("equal", lt[:n]) if n < len(lt) or lpos else left[li])
            lpos += n
            rpos += n
            if lpos >= len(left[li].text):
                li, lpos = li + 1, 0
            if rpos >= len(right[ri].text):
                ri, rpos = ri + 1, 0
        else:
            # Unbalanced equal text (not produced by diff()): show it, never drop it.
            for seg in left[li:]:
                out.append(Segment("equal", seg.text[lpos:]) if lpos else seg)
                lpos = 0
            for seg in right[ri:]:
                out.append(Segment("equal", seg.text[rpos:]) if rpos else seg)
                rpos = 0
            break
    return out


_CONTEXT, _ADD, _DEL, _CHANGE = 0, 1, 2, 3
_TYPES = {"context": _CONTEXT, "add": _ADD, "remove": _DEL, "change": _CHANGE}


def to_json(result: DiffResult) -> dict[str, Any]:
    """A JSON-able dict modelled on MediaWiki's REST compare (``/revision/{a}/compare/{b}``).

    ``{"diff": [...], "coarse": bool}``; each diff entry is
    ``{"type", "lineNumber", "text", "highlightRanges", "offset"}`` with MediaWiki's meaning:

    * ``type``: 0 context, 1 added line, 2 deleted line, 3 line changed in place
      (4/5, moved paragraphs, are never produced: a move shows as a delete and an add).
    * ``lineNumber``: the line number in the new revision, ``None`` for deleted lines.
    * ``text``: the line; for type 3 the inline merge of both versions
      (:func:`inline_segments`), deleted and inserted words both present.
    * ``highlightRanges``: for type 3, ``{"start", "length", "type"}`` with start/length in
      UTF-8 bytes of ``text`` and type 0 = inserted, 1 = deleted; empty for other types.
    * ``offset``: ``{"from", "to"}``, UTF-8 byte offset of the line's start in the old/new
      text, ``None`` when the line does not exist on that side.

    Skipped unchanged stretches produce no entries (line numbers jump over them).
    """
    entries: list[dict[str, Any]] = []
    off_from = off_to = 0
    for row in result.rows:
        if isinstance(row, Skip):
            off_from += row.left_bytes
            off_to += row.right_bytes
            continue
        has_left = row.kind != "add"
        has_right = row.kind != "remove"
        ranges: list[dict[str, int]] = []
        if row.kind == "change":
            parts: list[str] = []
            pos = 0
            for seg in inline_segments(row):
                size = len(seg.text.encode("utf-8"))
                if seg.kind != "equal" and size:
                    ranges.append(
                        {"start": pos, "length": size, "type": 0 if seg.kind == "insert" else 1}
                    )
                parts.append(seg.text)
                pos += size
            text = "".join(parts)
        else:
            text = "".join(seg.text for seg in (row.left if has_left else row.right))
        entries.append(
            {
                "type": _TYPES[row.kind],
                "lineNumber": row.right_no if has_right else None,
                "text": text,
                "highlightRanges": ranges,
                "offset": {
                    "from": off_from if has_left else None,
                    "to": off_to if has_right else None,
                },
            }
        )
        if has_left:
            off_from += len("".join(seg.text for seg in row.left).encode("utf-8")) + 1
        if has_right:
            off_to += len("".join(seg.text for seg in row.right).encode("utf-8")) + 1
    return {"diff": entries, "coarse": result.coarse}
