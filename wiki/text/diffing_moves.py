"""Moved paragraphs: which removed line reappears, maybe edited, as an added line elsewhere.

Pure (no I/O). :func:`wiki.text.diffing.diff` first aligns the texts in order; a paragraph
moved elsewhere on the page then comes out as a removed line at its old place and an added
line at its new place. :func:`find_moves` pairs such lines when they share most of their
words, as MediaWiki's diff does since 2018, so the diff can show "moved" with the words
changed inside the paragraph highlighted, instead of a deletion and an unrelated addition
(where a vandal's one-word change inside a moved paragraph would be invisible).

Similarity is the Dice coefficient of the two lines' word sets; candidates are found through
an index of the added lines' words, skipping words so common that they would make the search
quadratic. Pairs are taken best first, each line at most once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from wiki.text.diffing_align import WORD_RE, CpuDeadline

__all__ = ["MIN_MOVE_SIMILARITY", "MIN_MOVE_WORDS", "find_moves"]

#: Two lines are one moved paragraph when this share of their distinct words is common.
MIN_MOVE_SIMILARITY = 0.5
#: Lines with fewer distinct words than this only count as moved when unchanged.
MIN_MOVE_WORDS = 3
# A word found in more added lines than this does not propose candidates.
_COMMON_WORD_LINES = 50
# Candidates are considered for at most this many removed and added lines each.
_MAX_LINES = 20_000


class MoveTimeout(Exception):
    """The move search ran past the diff's deadline."""


def find_moves(
    removed: list[str],
    added: list[str],
    deadline: CpuDeadline,
    in_place: Callable[[int, int], bool] = lambda r, a: False,
) -> list[tuple[int, int]]:
    """Pairs ``(r, a)`` of indexes into ``removed`` and ``added``: the same paragraph moved.

    Blank lines never move, nor do pairs for which ``in_place(r, a)`` is true (a line
    rewritten where it stood is not a move). Raises :class:`MoveTimeout` past ``deadline``.
    """
    if not removed or not added or len(removed) > _MAX_LINES or len(added) > _MAX_LINES:
        return []
    exact: dict[str, list[int]] = defaultdict(list)
    words_a: list[frozenset[str]] = []
    index: dict[str, list[int]] = defaultdict(list)
    for k, text in enumerate(added):
        ws = frozenset(WORD_RE.findall(text)) if text.strip() else frozenset()
        words_a.append(ws)
        if text.strip():
            exact[text].append(k)
        for w in ws:
            index[w].append(k)
    scored: list[tuple[float, int, int]] = []
    for r, text in enumerate(removed):
        if r % 64 == 0 and deadline.passed():
            raise MoveTimeout
        if not text.strip():
            continue
        for k in exact.get(text, ()):
            if not in_place(r, k):
                scored.append((2.0, r, k))  # unchanged: before any edited candidate
        ws = frozenset(WORD_RE.findall(text))
        if len(ws) < MIN_MOVE_WORDS:
            continue
        candidates: set[int] = set()
        for w in ws:
            lines = index.get(w, ())
            if len(lines) <= _COMMON_WORD_LINES:
                candidates.update(lines)
        for k in candidates:
            wa = words_a[k]
            if len(wa) < MIN_MOVE_WORDS or added[k] == text or in_place(r, k):
                continue
            sim = 2 * len(ws & wa) / (len(ws) + len(wa))
            if sim >= MIN_MOVE_SIMILARITY:
                scored.append((sim, r, k))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_r: set[int] = set()
    used_a: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, r, k in scored:
        if r not in used_r and k not in used_a:
            used_r.add(r)
            used_a.add(k)
            pairs.append((r, k))
    pairs.sort()
    return pairs
