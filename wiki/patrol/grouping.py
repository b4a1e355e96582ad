"""MediaWiki's enhanced recent changes: a day's changes grouped by page. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from wiki.patrol.recentchanges import Change
from wiki.text.titles import Title


@dataclass(frozen=True)
class Group:
    """A page's changes on one day (log rows are groups of one)."""

    title: Title
    changes: list[Change]

    @property
    def latest(self) -> Change:
        return self.changes[0]

    @property
    def delta(self) -> int:
        return self.changes[0].new_size - self.changes[-1].old_size

    @property
    def unpatrolled(self) -> bool:
        return any(c.unpatrolled for c in self.changes)

    @property
    def is_new(self) -> bool:
        return any(c.is_new for c in self.changes)

    @property
    def users(self) -> list[tuple[str, int]]:
        """Who made the changes, with how many each, in order of first appearance."""
        counts: dict[str, int] = {}
        for c in self.changes:
            counts[c.user_text] = counts.get(c.user_text, 0) + 1
        return list(counts.items())


@dataclass(frozen=True)
class Day:
    day: date
    groups: list[Group]


def grouped(changes: Sequence[Change]) -> list[Day]:
    """Changes (newest first) by day, and within a day by page, each page where its newest
    change is: MediaWiki's enhanced recent changes."""
    days: list[Day] = []
    index: dict[tuple[int, str], Group] = {}
    for c in changes:
        d = c.timestamp.date()
        if not days or days[-1].day != d:
            days.append(Day(d, []))
            index = {}
        key = (c.title.ns, c.title.text)
        if c.is_log or key not in index:
            group = Group(c.title, [c])
            days[-1].groups.append(group)
            if not c.is_log:
                index[key] = group
        else:
            index[key].changes.append(c)
    return days


def by_day(changes: Sequence[Change]) -> list[tuple[date, list[Change]]]:
    """Changes (newest first) under a heading per day, as the plain view lists them."""
    out: list[tuple[date, list[Change]]] = []
    for c in changes:
        d = c.timestamp.date()
        if not out or out[-1][0] != d:
            out.append((d, []))
        out[-1][1].append(c)
    return out
