"""Alignment for :mod:`wiki.text.diffing`: tokens, unit encoding, the anchored sequence diff.

Pure (no I/O). Every distinct unit (a line, or a word token) is mapped to one character
(diff-match-patch's linesToChars trick) and the character strings are diffed with a patience
anchor chain plus diff-match-patch's Myers diff in the gaps. :func:`increasing_chain` is also
the anchor chain of :mod:`wiki.text.merging`.

Time limits are in **CPU time of the calling thread** (:class:`CpuDeadline`), not wall-clock:
a diff on a busy machine gets the same amount of work as on a quiet one, so the same pair of
texts gives the same (word-level or coarse) answer whatever the load.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left
from collections import Counter

from diff_match_patch import diff_match_patch

__all__ = [
    "DELETE",
    "EQUAL",
    "INSERT",
    "MAX_CODES",
    "TOKEN_RE",
    "WORD_RE",
    "Block",
    "CpuDeadline",
    "Encoder",
    "Ops",
    "Overflow",
    "count_words",
    "diff_units",
    "increasing_chain",
    "line_blocks",
    "token_dmp",
    "tokenize_words",
]

# diff-match-patch operation codes.
DELETE = -1
EQUAL = 0
INSERT = 1

# Below this many units (after trimming the common prefix and suffix) plain Myers is used.
_ANCHOR_MIN_UNITS = 400
# diff-match-patch's half-match search is only tried on inputs up to this many units.
_HALF_MATCH_MAX_UNITS = 1000


class CpuDeadline:
    """A point in this thread's CPU time (:func:`time.thread_time`) after which to give up.

    diff-match-patch checks its deadline with ``time.time() > deadline``. ``float.__gt__``
    does not know this class, so Python asks ``deadline.__lt__(now)`` instead, and that
    answers from the thread's CPU clock: passing a ``CpuDeadline`` to ``diff_main`` makes the
    library's own bail-out CPU-timed too. (Its only other use of the deadline is
    ``deadline == None``, which is False.)
    """

    __slots__ = ("at",)

    def __init__(self, seconds: float) -> None:
        self.at = time.thread_time() + seconds

    def passed(self) -> bool:
        return time.thread_time() > self.at

    def __lt__(self, other: object) -> bool:  # ``wall_now > self`` in diff-match-patch
        return self.passed()


# --- tokens --------------------------------------------------------------------------------

# Combining marks stay inside a word (decomposed accents: "e" + U+0301).
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# Scripts written without spaces: every character is a word of its own.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Letters/digits/underscore outside CJK, then combining marks with more letters (unrolled
# so the regex stays fast); hyphen or apostrophe between two such parts keeps them joined.
_WORD_PART = rf"[^\W{_CJK}]+(?:[{_MARKS}]+[^\W{_CJK}]*)*"
_WORD = rf"{_WORD_PART}(?:['’-]{_WORD_PART})*|[{_CJK}]"
WORD_RE = re.compile(_WORD)
TOKEN_RE = re.compile(rf"{_WORD}|\s+|.", re.DOTALL)


def tokenize_words(text: str) -> list[str]:
    """Split ``text`` into words, whitespace runs and single other characters.

    Words are runs of Unicode letters/digits/underscore (plus combining marks), so
    "kebijakannya" or "café" stay whole; a hyphen or apostrophe between two word parts
    keeps them together ("anak-anak", "don't"). Han/kana characters are one token each.
    Every other character (punctuation, symbols) is its own token. ``"".join(tokens) ==
    text`` always holds.
    """
    return TOKEN_RE.findall(text)


def count_words(text: str) -> int:
    return len(WORD_RE.findall(text)) if text else 0


# --- unit encoding -------------------------------------------------------------------------

_FIRST_CODE = 0x100  # keep ASCII (newline, space...) out of the unit alphabet
_SURROGATES = 0xD800
MAX_CODES = 0x110000 - _FIRST_CODE - 0x800


def _code_char(n: int) -> str:
    c = n + _FIRST_CODE
    return chr(c if c < _SURROGATES else c + 0x800)


class Overflow(Exception):
    """More distinct units than there are characters."""


class Encoder:
    """Maps each distinct unit (line or token) to one character.

    With ``share_overflow`` the units beyond the character range all share the last
    character (the caller must then verify equalities); otherwise :class:`Overflow`.
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
            if n + len(new) > MAX_CODES - 1:
                if not self.share_overflow:
                    raise Overflow
                self.overflowed = True
                last = _code_char(MAX_CODES - 1)
                for u in new:
                    if n < MAX_CODES - 1:
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
token_dmp = _TokenDMP()

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


def diff_units(a: str, b: str, deadline: CpuDeadline) -> Ops:
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
                out.append((EQUAL, sa))
            continue
        if not sa or not sb:
            out.append((INSERT, sb) if sb else (DELETE, sa))
            continue
        pre = _dmp.diff_commonPrefix(sa, sb)
        if pre:
            out.append((EQUAL, sa[:pre]))
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
            or deadline.passed()
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
        if op == EQUAL:
            if dels or ins:
                if dels:
                    out.append((DELETE, "".join(dels)))
                if ins:
                    out.append((INSERT, "".join(ins)))
                dels, ins = [], []
            eqs.append(s)
        else:
            if eqs:
                out.append((EQUAL, "".join(eqs)))
                eqs = []
            (dels if op == DELETE else ins).append(s)
    if dels:
        out.append((DELETE, "".join(dels)))
    if ins:
        out.append((INSERT, "".join(ins)))
    if eqs:
        out.append((EQUAL, "".join(eqs)))
    return out


# --- line alignment ------------------------------------------------------------------------

# A block is (is_change, i0, i1, j0, j1): lines old[i0:i1] / new[j0:j1] (0-based).
Block = tuple[bool, int, int, int, int]


def line_blocks(a_lines: list[str], b_lines: list[str], deadline: CpuDeadline) -> list[Block]:
    enc = Encoder(share_overflow=True)
    ca = enc.encode(a_lines)
    cb = enc.encode(b_lines)
    ops = diff_units(ca, cb, deadline)
    blocks: list[Block] = []
    ia = ib = 0
    for op, s in ops:
        n = len(s)
        if op == EQUAL:
            if enc.overflowed:
                _verified_equal(blocks, a_lines, b_lines, ia, ib, n)
            else:
                _add_block(blocks, False, ia, ia + n, ib, ib + n)
            ia += n
            ib += n
        elif op == DELETE:
            _add_block(blocks, True, ia, ia + n, ib, ib)
            ia += n
        else:
            _add_block(blocks, True, ia, ia, ib, ib + n)
            ib += n
    return blocks


def _add_block(blocks: list[Block], change: bool, i0: int, i1: int, j0: int, j1: int) -> None:
    if blocks and blocks[-1][0] == change:
        prev = blocks[-1]
        blocks[-1] = (change, prev[1], i1, prev[3], j1)
    else:
        blocks.append((change, i0, i1, j0, j1))


def _verified_equal(
    blocks: list[Block], a_lines: list[str], b_lines: list[str], ia: int, ib: int, n: int
) -> None:
    """An equality from an overflowed encoding: lines sharing a character may differ."""
    for k in range(n):
        same = a_lines[ia + k] == b_lines[ib + k]
        _add_block(blocks, not same, ia + k, ia + k + 1, ib + k, ib + k + 1)
