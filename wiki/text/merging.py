"""Three-way merge of wiki page text (diff3 style, from exact diffs only).

When two people edit the same page from the same base revision, :func:`merge3` combines
their changes. It is pure (no I/O) and never guesses: changes that overlap are reported as
conflicts, and fuzzy patching is never used.

Units
    Texts are ``"\\n"``-separated lines. Whether a text ends with a line break is merged
    separately, as a flag (taken from the side that changed it; both sides changing it
    necessarily agree), so appending a line to a text without a final line break is an
    insertion, not a change of its last line. An empty text has no lines.

Algorithm (diff3)
    1. Every distinct line is mapped to one character and base is diffed against each side
       (common prefix/suffix, then patience anchors -- lines unique in both sequences, or
       failing that lines occurring equally often in both, paired in order, through a
       longest increasing subsequence -- and diff-match-patch's Myers diff in the small gaps
       between anchors; a big gap with neither kind of anchor is split at any common lines,
       paired in order, because Myers in pure Python is quadratic there). The diffs are
       exact but not necessarily minimal. Each is a list of *hunks*: base range -> side
       range.
    2. Hunks of the two sides are grouped into clusters of overlapping hunks. At line level
       two hunks overlap when their base ranges share a line, when both insert at the same
       point, or when one inserts strictly inside the other's range. Hunks that merely touch
       (one side edits line 5, the other line 6; an insertion right before a line the other
       side edits) do not overlap.
    3. Between clusters both sides equal base. A cluster changed by one side only takes that
       side; one where both sides produced the same text takes it once; otherwise the
       cluster is *refined*: its lines on the three sides are tokenised (words, runs of
       spaces, line breaks, single other characters) and merged again with the same
       algorithm at token level, where the rule is stricter (as in GNU diff3): touching
       changes overlap too, so two changes must be separated by at least one unchanged
       token (e.g. the space between two words). If every token cluster is clean, that
       merge is used; otherwise the whole line cluster is a :class:`Conflict`. (The side
       closer to base is diffed first; when the other side does not even contain the text
       around one of its hunks, a clash is certain and the second diff is skipped.)

Time limit
    ``timeout`` bounds the whole computation. If it runs out (or a text has more distinct
    lines than there are characters), the result is a single conflict covering everything.
"""

from __future__ import annotations

import enum
import re
import time
from collections import Counter
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

from wiki.text.diffing import increasing_chain

__all__ = [
    "Chunk",
    "Conflict",
    "MergeResult",
    "Resolution",
    "UnresolvedBlock",
    "merge3",
    "new_unresolved_blocks",
    "tokenize",
    "unresolved_blocks",
]


# --- public data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """A region both sides changed differently: its exact text in base, theirs and yours.

    Each string is a run of whole lines of that text (with their line breaks; the last line
    of a text that has no final line break is kept without one).
    """

    base: str
    theirs: str
    yours: str


@dataclass(frozen=True)
class Chunk:
    """A piece of the merge result: merged ``text``, or a ``conflict``; exactly one is set."""

    text: str | None = None
    conflict: Conflict | None = None

    def __post_init__(self) -> None:
        if (self.text is None) == (self.conflict is None):
            raise ValueError("exactly one of Chunk.text and Chunk.conflict must be set")


@dataclass(frozen=True)
class MergeResult:
    """The outcome of :func:`merge3`: chunks in text order."""

    chunks: list[Chunk]

    @property
    def clean(self) -> bool:
        """True when there is no conflict."""
        return all(c.conflict is None for c in self.chunks)

    @property
    def conflicts(self) -> list[Conflict]:
        return [c.conflict for c in self.chunks if c.conflict is not None]

    def text(self) -> str:
        """The merged text. Raises :class:`ValueError` if the merge has conflicts."""
        if not self.clean:
            raise ValueError(f"merge has {len(self.conflicts)} conflict(s)")
        return "".join(c.text for c in self.chunks if c.text is not None)

    def proposal(self, *, labels: tuple[str, str] = ("current", "yours")) -> str:
        """Merged text where clean; each conflict as a marked block keeping both sides::

            <<<<<<< current
            (their lines)
            =======
            (your lines)
            >>>>>>> yours

        Markers always start on a line of their own and end with a line break.
        """
        return self.resolved({}, labels=labels)

    def resolved(
        self,
        choices: dict[int, tuple[Resolution, str]],
        *,
        labels: tuple[str, str] = ("current", "yours"),
    ) -> str:
        """The text with conflict ``i`` (counted from 0) resolved by ``choices[i]``: a
        :class:`Resolution` and, for ``MANUAL``, the text typed by hand. A conflict without a
        choice stays a marked block (as in :meth:`proposal`), which a save refuses."""
        out: list[str] = []

        def line_start() -> None:
            if out and not out[-1].endswith("\n"):
                out.append("\n")

        def add(text: str) -> None:
            if text:
                line_start()
                out.append(text)

        index = -1
        for chunk in self.chunks:
            c = chunk.conflict
            if c is None:
                if chunk.text:
                    out.append(chunk.text)
                continue
            index += 1
            choice, typed = choices.get(index, (None, ""))
            if choice is Resolution.THEIRS:
                add(c.theirs)
                continue
            if choice is Resolution.YOURS:
                add(c.yours)
                continue
            if choice is Resolution.BOTH:
                add(c.theirs)
                add(c.yours)
                continue
            if choice is Resolution.MANUAL:
                typed = typed.replace("\r\n", "\n")
                if typed and not typed.endswith("\n"):
                    typed += "\n"
                add(typed)
                continue
            line_start()
            out.append(f"<<<<<<< {labels[0]}\n")
            if c.theirs:
                out.append(c.theirs)
                line_start()
            out.append("=======\n")
            if c.yours:
                out.append(c.yours)
                line_start()
            out.append(f">>>>>>> {labels[1]}\n")
        return "".join(out)


class Resolution(enum.Enum):
    """How the conflict screen resolves one conflicting block."""

    THEIRS = "theirs"
    YOURS = "yours"
    BOTH = "both"
    MANUAL = "manual"


# --- unresolved marker blocks --------------------------------------------------------------


@dataclass(frozen=True)
class UnresolvedBlock:
    """A marked conflict block left in a text: where it starts (1-based line) and its lines."""

    line: int
    text: str


_START = re.compile(r"<{7}(?:[ \t].*)?")
_MIDDLE = re.compile(r"={7}[ \t]*")
_END = re.compile(r">{7}(?:[ \t].*)?")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def unresolved_blocks(text: str) -> list[UnresolvedBlock]:
    """Every complete ``<<<<<<<`` / ``=======`` / ``>>>>>>>`` block in ``text``, as the
    conflict screen writes them, outside fenced code (where such lines may be quoted)."""
    lines = text.split("\n")
    found: list[UnresolvedBlock] = []
    fence: str | None = None
    start: int | None = None
    middle = False
    for i, line in enumerate(lines):
        line = line.rstrip("\r")
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m and start is None:
            fence = m.group(1)
            continue
        if _START.fullmatch(line):
            start, middle = i, False
        elif start is not None and not middle and _MIDDLE.fullmatch(line):
            middle = True
        elif start is not None and middle and _END.fullmatch(line):
            found.append(UnresolvedBlock(line=start + 1, text="\n".join(lines[start : i + 1])))
            start, middle = None, False
    return found


def new_unresolved_blocks(text: str, previous: str) -> list[UnresolvedBlock]:
    """The marked conflict blocks of ``text`` that ``previous`` (the page's latest text) does
    not already hold: what a save must refuse, while a page that quotes such a block keeps
    working."""
    before = Counter(b.text for b in unresolved_blocks(previous))
    new: list[UnresolvedBlock] = []
    for block in unresolved_blocks(text):
        if before[block.text] > 0:
            before[block.text] -= 1
        else:
            new.append(block)
    return new


# --- tokens --------------------------------------------------------------------------------

# Combining marks stay inside a word (decomposed accents: "e" + U+0301).
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# Scripts written without spaces: every character is a word of its own.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_CHAR = rf"(?:[^\W{_CJK}]|[{_MARKS}])"
_WORD = rf"[{_CJK}]|{_WORD_CHAR}+(?:['’-]{_WORD_CHAR}+)*"
_TOKEN_RE = re.compile(rf"{_WORD}|[^\S\n]+|.", re.DOTALL)


def tokenize(text: str) -> list[str]:
    """Split ``text`` into merge tokens: words, runs of whitespace other than line breaks,
    and single other characters (a line break is always a token of its own).

    Words are runs of letters/digits/underscore/combining marks ("kebijakannya", "café");
    a hyphen or apostrophe between word parts keeps them together ("anak-anak", "don't").
    ``"".join(tokenize(text)) == text`` always holds.
    """
    return _TOKEN_RE.findall(text)


# --- unit encoding -------------------------------------------------------------------------

_SURROGATES = 0xD800
_MAX_CODES = 0x110000 - 0x800


class _Timeout(Exception):
    """The deadline passed."""


class _Overflow(Exception):
    """More distinct units than there are characters."""


class _Encoder:
    """Maps each distinct unit (line or token) to one character, shared by all texts."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}

    def encode(self, units: list[str]) -> str:
        codes = self.codes
        new = [u for u in dict.fromkeys(units) if u not in codes]
        if new:
            n = len(codes)
            if n + len(new) > _MAX_CODES:
                raise _Overflow
            for k, u in enumerate(new, n):
                codes[u] = chr(k if k < _SURROGATES else k + 0x800)
        return "".join(map(codes.__getitem__, units))


# --- two-way diff --------------------------------------------------------------------------

_dmp = diff_match_patch()
# No half-match speedup (it can return non-minimal diffs); deadlines are passed explicitly.
_dmp.Diff_Timeout = 0

# Above this many units (a + b, after trimming) a gap is split at anchors before Myers.
_ANCHOR_MIN_UNITS = 100
# Above this many units a gap without better anchors is split at any common units, paired
# in order: Myers in pure Python costs (a + b) x (number of differences), far too much for
# two big unrelated texts.
_ANY_ANCHOR_MIN_UNITS = 800
# The clash pre-check of the token merge is skipped above this many (hunks x characters).
_PRECHECK_LIMIT = 5_000_000

# A hunk: base[b0:b1] became side[s0:s1] (either range may be empty, not both).
_Hunk = tuple[int, int, int, int]


# Anchor candidates: units occurring once in both strings; units occurring equally often in
# both (the k-th occurrences are paired); all common units (k-th occurrences paired, up to
# the smaller count).
_UNIQUE, _EQUAL_COUNT, _ANY_COUNT = 0, 1, 2


def _anchors(a: str, b: str, mode: int) -> list[tuple[int, int]]:
    """Anchor pairs (i, j), a[i] == b[j], forming the longest chain increasing in both."""
    ca = Counter(a)
    cb = Counter(b)
    if mode == _UNIQUE:
        keep = {c for c, n in ca.items() if n == 1 and cb.get(c) == 1}
    elif mode == _EQUAL_COUNT:
        keep = {c for c, n in ca.items() if cb.get(c) == n}
    else:
        keep = {c for c in ca if c in cb}
    if not keep:
        return []
    pos_b: dict[str, list[int]] = {}
    for j, c in enumerate(b):
        if c in keep:
            pos_b.setdefault(c, []).append(j)
    taken: Counter[str] = Counter()
    pairs: list[tuple[int, int]] = []
    for i, c in enumerate(a):
        if c in keep:
            k = taken[c]
            js = pos_b[c]
            if k < len(js):
                pairs.append((i, js[k]))
                taken[c] = k + 1
    return increasing_chain(pairs)


def _hunks(a: str, b: str, deadline: float) -> list[_Hunk]:
    """Diff two unit strings into hunks (ordered, separated by at least one equal unit)."""
    matches: list[tuple[int, int, int]] = []  # (i, j, n): a[i:i+n] == b[j:j+n]
    stack: list[tuple[int, int, int, int]] = [(0, len(a), 0, len(b))]
    while stack:
        if time.time() >= deadline:
            raise _Timeout
        i0, i1, j0, j1 = stack.pop()
        sa = a[i0:i1]
        sb = b[j0:j1]
        if not sa or not sb:
            continue
        n = _dmp.diff_commonPrefix(sa, sb)
        if n:
            matches.append((i0, j0, n))
            i0 += n
            j0 += n
            sa = sa[n:]
            sb = sb[n:]
            if not sa or not sb:
                continue
        n = _dmp.diff_commonSuffix(sa, sb)
        if n:
            i1 -= n
            j1 -= n
            matches.append((i1, j1, n))
            sa = sa[:-n]
            sb = sb[:-n]
            if not sa or not sb:
                continue
        if len(sa) + len(sb) > _ANCHOR_MIN_UNITS:
            chain = _anchors(sa, sb, _UNIQUE) or _anchors(sa, sb, _EQUAL_COUNT)
            if not chain and len(sa) + len(sb) > _ANY_ANCHOR_MIN_UNITS:
                chain = _anchors(sa, sb, _ANY_COUNT)
            if chain:
                pi = pj = 0
                for i, j in chain:
                    matches.append((i0 + i, j0 + j, 1))
                    stack.append((i0 + pi, i0 + i, j0 + pj, j0 + j))
                    pi, pj = i + 1, j + 1
                stack.append((i0 + pi, i1, j0 + pj, j1))
                continue
        ops = _dmp.diff_main(sa, sb, False, deadline)
        if time.time() >= deadline:  # diff-match-patch gives up silently: never use that
            raise _Timeout
        i, j = i0, j0
        for op, s in ops:
            n = len(s)
            if op == 0:
                matches.append((i, j, n))
                i += n
                j += n
            elif op < 0:
                i += n
            else:
                j += n
    matches.sort()
    hunks: list[_Hunk] = []
    i = j = 0
    for mi, mj, n in [*matches, (len(a), len(b), 0)]:
        if mi > i or mj > j:
            hunks.append((i, mi, j, mj))
        i, j = mi + n, mj + n
    return hunks


# --- diff3 ---------------------------------------------------------------------------------

# Region kinds.
_STABLE = 0  # unchanged on both sides
_THEIRS = 1  # changed by theirs only
_YOURS = 2  # changed by yours only
_SAME = 3  # changed by both, to the same result
_CLASH = 4  # changed by both, differently

# (kind, b0, b1, t0, t1, y0, y1): base[b0:b1], theirs[t0:t1], yours[y0:y1].
_Region = tuple[int, int, int, int, int, int, int]


def _clusters(
    theirs: list[_Hunk], yours: list[_Hunk], *, strict: bool
) -> list[tuple[list[_Hunk], list[_Hunk]]]:
    """Group the hunks of both sides into clusters of (transitively) overlapping hunks.

    Hunks are swept in base order (an insertion before a change starting at the same
    point). A hunk only ever overlaps the latest hunk seen of the other side, and that one
    is then in the open cluster: hunks of one side are separated by equal units.
    """
    order = sorted([(h[0], h[1], 0, h) for h in theirs] + [(h[0], h[1], 1, h) for h in yours])
    clusters: list[tuple[list[_Hunk], list[_Hunk]]] = []
    last: list[_Hunk | None] = [None, None]
    for b0, b1, side, h in order:
        g = last[1 - side]
        if g is None:
            join = False
        elif strict:  # touching is overlapping
            join = b0 <= g[1]
        else:  # sharing a line, insertion inside, or two insertions at one point
            join = b0 < g[1] or (b0 == b1 == g[0] == g[1])
        if not join:
            clusters.append(([], []))
        clusters[-1][side].append(h)
        last[side] = h
    return clusters


def _diff3(
    base: str, theirs: str, yours: str, th: list[_Hunk], yo: list[_Hunk], *, strict: bool
) -> list[_Region]:
    """Split three unit strings into regions (see the kinds above), in order, given the
    hunks of base -> theirs (``th``) and base -> yours (``yo``)."""
    regions: list[_Region] = []
    bp = tp = yp = 0  # positions after the previous cluster; all sides equal base there
    for ct, cy in _clusters(th, yo, strict=strict):
        lo = min(h[0] for h in ct + cy)
        hi = max(h[1] for h in ct + cy)
        if lo > bp:
            n = lo - bp
            regions.append((_STABLE, bp, lo, tp, tp + n, yp, yp + n))
            tp += n
            yp += n
        t1 = ct[-1][3] + hi - ct[-1][1] if ct else tp + hi - lo
        y1 = cy[-1][3] + hi - cy[-1][1] if cy else yp + hi - lo
        if not cy:
            kind = _THEIRS
        elif not ct:
            kind = _YOURS
        elif theirs[tp:t1] == yours[yp:y1]:
            kind = _SAME
        else:
            kind = _CLASH
        regions.append((kind, lo, hi, tp, t1, yp, y1))
        bp, tp, yp = hi, t1, y1
    n = len(base) - bp
    if n:
        regions.append((_STABLE, bp, len(base), tp, tp + n, yp, yp + n))
    if tp + n != len(theirs) or yp + n != len(yours):  # pragma: no cover - a bug
        raise AssertionError("diff3 regions do not cover the texts")
    return regions


# --- line and token merge ------------------------------------------------------------------


def _split(text: str) -> tuple[list[str], bool]:
    """Lines of ``text`` and whether it ends with a line break (vacuously true if empty)."""
    if not text:
        return [], True
    if text.endswith("\n"):
        return text[:-1].split("\n"), True
    return text.split("\n"), False


def _join(lines: list[str]) -> str:
    """Lines with a line break after each one."""
    return "".join(line + "\n" for line in lines)


def _changed_span(a: str, b: str) -> int:
    """Units of a and b outside their common prefix and suffix: a cheap distance estimate."""
    pre: int = _dmp.diff_commonPrefix(a, b)
    suf: int = _dmp.diff_commonSuffix(a[pre:], b[pre:])
    return len(a) + len(b) - 2 * (pre + suf)


def _common_context(texts: tuple[str, str, str]) -> tuple[int, int]:
    """Lengths of a prefix and a suffix shared by the three texts that can be cut off
    without changing how the rest is tokenised: each ends at a token boundary (after a
    line break, or after a space followed by a character that is not whitespace)."""
    a, b, c = texts
    pre = min(_dmp.diff_commonPrefix(a, b), _dmp.diff_commonPrefix(a, c))
    cut = a.rfind("\n", 0, pre) + 1
    sp = a.rfind(" ", cut, pre - 1) if pre - 1 > cut else -1
    if sp >= 0 and not a[sp + 1].isspace():
        cut = sp + 1
    shortest = min(map(len, texts)) - cut
    suf = min(_dmp.diff_commonSuffix(a, b), _dmp.diff_commonSuffix(a, c), shortest)
    start = len(a) - suf
    ends = [i + 1 for i in (a.find("\n", start), a.find(" ", start)) if i >= 0]
    tail = 0
    if ends:
        end = min(ends)
        if end == len(a) or a[end - 1] == "\n" or not a[end].isspace():
            tail = len(a) - end
    return cut, tail


def _may_be_clean(base: str, side: str, hunks: list[_Hunk], other: str) -> bool:
    """False when a strict merge of ``hunks`` (base -> side) with ``other`` must clash.

    In a clean strict merge every hunk of one side is separated from the other side's
    hunks by an unchanged unit on each end, or the other side made the same change; so
    ``other`` contains the base text of the hunk with one unit of context on either side,
    or the side's text of it with that context.
    """
    if len(hunks) * len(other) > _PRECHECK_LIMIT:
        return True
    for b0, b1, s0, s1 in hunks:
        if (
            base[max(b0 - 1, 0) : b1 + 1] not in other
            and side[max(s0 - 1, 0) : s1 + 1] not in other
        ):
            return False
    return True


def _refine(
    base: list[str], theirs: list[str], yours: list[str], deadline: float
) -> list[str] | None:
    """Merge a line cluster at token level: the merged lines, or None on a conflict."""
    texts = (_join(base), _join(theirs), _join(yours))
    # Text shared by all three at both ends is unchanged: keep it out of the token merge.
    head, tail = _common_context(texts)
    bt, tt, yt = (tokenize(text[head : len(text) - tail]) for text in texts)
    enc = _Encoder()
    try:
        b, t, y = enc.encode(bt), enc.encode(tt), enc.encode(yt)
    except _Overflow:
        return None
    # Diff the side closer to base first: if its changes cannot merge, skip the other diff.
    swap = _changed_span(b, y) < _changed_span(b, t)
    first, second = (y, t) if swap else (t, y)
    h_first = _hunks(b, first, deadline)
    if not _may_be_clean(b, first, h_first, second):
        return None
    h_second = _hunks(b, second, deadline)
    th, yo = (h_second, h_first) if swap else (h_first, h_second)
    regions = _diff3(b, t, y, th, yo, strict=True)
    out = [texts[0][:head]]
    for kind, b0, b1, t0, t1, y0, y1 in regions:
        if kind == _CLASH:
            return None
        if kind == _STABLE:
            out += bt[b0:b1]
        elif kind == _YOURS:
            out += yt[y0:y1]
        else:
            out += tt[t0:t1]
    out.append(texts[0][len(texts[0]) - tail :])
    text = "".join(out)
    if not text:
        return []
    if not text.endswith("\n"):  # pragma: no cover - cannot happen; never guess anyway
        return None
    return text[:-1].split("\n")


def _merge(base: str, theirs: str, yours: str, deadline: float) -> MergeResult:
    """The diff3 merge proper (may raise _Timeout or _Overflow)."""
    b_lines, b_eol = _split(base)
    t_lines, t_eol = _split(theirs)
    y_lines, y_eol = _split(yours)
    enc = _Encoder()
    b, t, y = enc.encode(b_lines), enc.encode(t_lines), enc.encode(y_lines)
    regions = _diff3(b, t, y, _hunks(b, t, deadline), _hunks(b, y, deadline), strict=False)
    eol = y_eol if t_eol == b_eol else t_eol

    def side_text(lines: list[str], s0: int, s1: int, side_eol: bool) -> str:
        text = _join(lines[s0:s1])
        if s1 == len(lines) and s1 > s0 and not side_eol:
            text = text[:-1]
        return text

    chunks: list[Chunk] = []
    clean: list[str] = []  # merged lines since the last conflict
    for kind, b0, b1, t0, t1, y0, y1 in regions:
        if kind == _STABLE:
            clean += b_lines[b0:b1]
        elif kind in (_THEIRS, _SAME):
            clean += t_lines[t0:t1]
        elif kind == _YOURS:
            clean += y_lines[y0:y1]
        elif (
            merged := _refine(b_lines[b0:b1], t_lines[t0:t1], y_lines[y0:y1], deadline)
        ) is not None:
            clean += merged
        else:
            if clean:
                chunks.append(Chunk(text=_join(clean)))
                clean = []
            conflict = Conflict(
                base=side_text(b_lines, b0, b1, b_eol),
                theirs=side_text(t_lines, t0, t1, t_eol),
                yours=side_text(y_lines, y0, y1, y_eol),
            )
            chunks.append(Chunk(conflict=conflict))
    if clean:
        text = _join(clean) if eol else _join(clean)[:-1]
        if text:  # [""] without a final line break is the empty text
            chunks.append(Chunk(text=text))
    return MergeResult(chunks)


def merge3(base: str, theirs: str, yours: str, *, timeout: float = 2.0) -> MergeResult:
    """Three-way merge of ``theirs`` (the current revision) and ``yours`` (an edit), both
    made from ``base``. Non-overlapping changes are combined; overlapping ones become
    conflicts. If the merge takes longer than ``timeout`` seconds, the result is a single
    conflict covering the whole texts.
    """
    if yours == base or theirs == yours:
        return MergeResult([Chunk(text=theirs)] if theirs else [])
    if theirs == base:
        return MergeResult([Chunk(text=yours)] if yours else [])
    try:
        return _merge(base, theirs, yours, time.time() + timeout)
    except (_Timeout, _Overflow):
        return MergeResult([Chunk(conflict=Conflict(base=base, theirs=theirs, yours=yours))])
