"""Sections of a page, numbered as MediaWiki numbers them for ``?action=edit&section=N``.

Section 0 is the lead (the text before the first heading); section N (1-based) runs from the
N-th heading to the next heading of the same or a higher level. Headings are found by the
Markdown parser, so a ``#`` line inside a code block is not a heading. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiki.errors import N_, BadInput
from wiki.text import markup


@dataclass(frozen=True)
class Section:
    """One section's place in a text."""

    index: int
    heading: str  # plain heading text; "" for the lead
    start: int  # first line (0-based)
    end: int  # one past the last line


def split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def find(text: str, index: int) -> Section:
    """Section ``index`` of ``text``, or BadInput when there is no such section."""
    spans = markup.sections(text)
    if index == 0:
        end = spans[0][0] if spans else len(split_lines(text))
        return Section(0, "", 0, end)
    if not 1 <= index <= len(spans):
        raise BadInput(N_("This page has no section {n}."), n=index)
    headings = markup.render(text).headings
    start, end = spans[index - 1]
    return Section(index, headings[index - 1].text, start, end)


def extract(text: str, index: int) -> tuple[Section, str]:
    """The section and its text (heading line included, trailing blank lines dropped)."""
    section = find(text, index)
    lines = split_lines(text)[section.start : section.end]
    return section, "\n".join(lines).rstrip("\n")


def replace(text: str, index: int, new_section: str) -> str:
    """``text`` with section ``index`` replaced by ``new_section``, keeping the blank line that
    separates it from the next section."""
    section = find(text, index)
    lines = split_lines(text)
    before = lines[: section.start]
    after = lines[section.end :]
    new_lines = split_lines(new_section.strip("\n")) if new_section.strip() else []
    if new_lines and after:
        new_lines.append("")
    return "\n".join(before + new_lines + after)


def summary_prefix(heading: str) -> str:
    """The edit summary MediaWiki pre-fills for a section edit."""
    return f"/* {heading} */ " if heading else ""


def anchor(text: str, index: int) -> str | None:
    """The HTML id of section ``index``'s heading in ``text`` (None: the lead, or no such
    section), as the page view renders it: where a section save returns the reader."""
    if index < 1:
        return None
    headings = markup.render(text).headings
    return headings[index - 1].anchor if index <= len(headings) else None
