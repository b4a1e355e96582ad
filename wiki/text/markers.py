"""Unresolved conflict blocks (``<<<<<<<`` / ``=======`` / ``>>>>>>>``) left in a text: found so
that a save can refuse them with the block named. Pure."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass


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
