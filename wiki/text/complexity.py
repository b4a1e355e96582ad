"""How much markup a page may hold, so that rendering it costs about what its size suggests.

Markdown rendering is linear, but some constructs cost far more per byte than prose: 60 KB of
``[[`` took 25 s of CPU, 20,000 footnotes 30 s, 100 KB of nested brackets 2.4 s. Saves and
previews over these limits are refused with a message that names the construct (the text is
kept, as for a text over the size limit); a stored page over them (saved before the limits)
is shown as plain text. Counting uses ``str.count``, so checking a 2 MiB page costs
milliseconds. ``bench/render_bench.py`` measures the worst inputs we know against a typical
article.

Pure module: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from wiki.errors import N_, TooLarge

#: ``[[wiki links]]`` plus ``[label](url)`` links. A long Wikipedia article has ~1,000.
MAX_LINKS = 5_000
#: ``[^note]`` marks: references and definitions together.
MAX_FOOTNOTES = 2_000
#: ``[`` and ``]`` characters, each.
MAX_BRACKETS = 20_000
#: Square brackets open inside each other.
MAX_NESTING = 32
#: A render may take this many seconds of CPU (its own thread's) plus RENDER_BUDGET_PER_KB per
#: KB of text, and never more than RENDER_BUDGET_MAX, before it falls back to plain text. Per
#: KB, that is about 10x what Help:Editing (an article using every construct) costs here, so no
#: text renders slower per KB than that, whatever it holds.
RENDER_BUDGET_FLOOR = 0.02
RENDER_BUDGET_PER_KB = 0.0035
RENDER_BUDGET_MAX = 3.0

_NOT_BRACKET = re.compile(r"[^\[\]]+")


class TooComplex(TooLarge):
    """A text has more of some costly construct than a page may hold (413, text kept)."""


@dataclass(frozen=True)
class Problem:
    """Which limit a text breaks: a message id and its parameters."""

    msgid: str
    params: dict[str, Any]

    def error(self) -> TooComplex:
        return TooComplex(self.msgid, **self.params)


def problem(text: str) -> Problem | None:
    """The first construct limit ``text`` breaks, or None."""
    links = text.count("[[") + text.count("](")
    if links > MAX_LINKS:
        return Problem(
            N_(
                "The text has {count} links; the limit is {limit}. Nothing was saved and your "
                "text is kept below."
            ),
            {"count": links, "limit": MAX_LINKS},
        )
    notes = text.count("[^")
    if notes > MAX_FOOTNOTES:
        return Problem(
            N_(
                "The text has {count} footnote marks; the limit is {limit}. Nothing was saved and "
                "your text is kept below."
            ),
            {"count": notes, "limit": MAX_FOOTNOTES},
        )
    brackets = max(text.count("["), text.count("]"))
    if brackets > MAX_BRACKETS:
        return Problem(
            N_(
                "The text has {count} square brackets; the limit is {limit}. Nothing was saved and "
                "your text is kept below."
            ),
            {"count": brackets, "limit": MAX_BRACKETS},
        )
    depth = nesting(text)
    if depth > MAX_NESTING:
        return Problem(
            N_(
                "The text nests square brackets {depth} deep; the limit is {limit}. Nothing was "
                "saved and your text is kept below."
            ),
            {"depth": depth, "limit": MAX_NESTING},
        )
    return None


def nesting(text: str) -> int:
    """How deep ``[`` brackets nest in ``text`` (an unclosed ``[`` counts as open)."""
    depth = deepest = 0
    for char in _NOT_BRACKET.sub("", text):  # C speed; ``problem`` bounds what is left
        if char == "[":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


def render_budget(text: str) -> float:
    """Seconds of CPU a render of ``text`` may take (see RENDER_BUDGET_FLOOR)."""
    return min(RENDER_BUDGET_MAX, RENDER_BUDGET_FLOOR + RENDER_BUDGET_PER_KB * len(text) / 1024)


def check(text: str) -> None:
    """Raise TooComplex when ``text`` breaks a construct limit."""
    found = problem(text)
    if found is not None:
        raise found.error()
