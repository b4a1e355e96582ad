"""The data a diff is made of: rows of segments, collapsed stretches, the result.

Pure data, shared by :mod:`wiki.text.diffing` (which builds it) and
:mod:`wiki.text.diffing_views` (which shapes it for the inline view and JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["DiffResult", "Move", "Row", "Segment", "Skip"]


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

    A paragraph (line) moved elsewhere on the page is two rows sharing one :class:`Move`:
    ``moved_from`` at its old place (``left`` = the old line, equal and delete segments,
    ``right == []``) and ``moved_to`` at its new place (``left == []``, ``right`` = the new
    line, equal and insert segments). Their segments are the word diff of the old line
    against the new one, so a word changed inside a moved paragraph stays visible.
    """

    kind: Literal["context", "change", "add", "remove", "moved_from", "moved_to"]
    left_no: int | None
    right_no: int | None
    left: list[Segment]
    right: list[Segment]
    move: Move | None = None


@dataclass(frozen=True, slots=True)
class Move:
    """What links the two ends of a moved paragraph.

    ``id`` numbers the moves of one diff from 1, in the order of their old places.
    ``from_no`` is the line number in the old text, ``to_no`` the one in the new text.
    ``old``/``new`` are the word diff of the paragraph (equal + delete / equal + insert
    segments), the same on both ends, so either end can show the whole change.
    """

    id: int
    from_no: int
    to_no: int
    old: list[Segment] = field(compare=False)
    new: list[Segment] = field(compare=False)


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
    """The outcome of :func:`diff`. ``rows`` is empty when the texts are identical.

    ``coarse``: line level only (no word highlights, no moves). ``unrelated``: coarse because
    the texts share almost no line, not because time ran out.
    """

    rows: list[Row | Skip]
    coarse: bool
    identical: bool
    added_words: int
    removed_words: int
    unrelated: bool = False
