"""Hiding a revision's text, summary or author (MediaWiki's revision deletion). No HTTP here.

A revision's ``visibility`` is a bit field: ``TEXT`` (1), ``SUMMARY`` (2), ``USER`` (4). Readers
without the ``viewsuppressed`` right never get a hidden part: the functions that hand revisions
to views (:func:`redact`) blank it, and every surface (history, diffs, the API, feeds, recent
changes, contributions) goes through them. The bits are copied to the recent-changes rows and to
archived revisions so those surfaces need no join.

As in MediaWiki, the text of a page's *current* revision cannot be hidden (revert first): the
page view and the search index always show the current text, so it must stay public.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Protocol, TypeVar

TEXT = 1
SUMMARY = 2
USER = 4
ALL = TEXT | SUMMARY | USER
#: Form and API names of the bits.
PARTS = {"text": TEXT, "summary": SUMMARY, "user": USER}


class HiddenParts:
    """Mixin for rows that carry a ``visibility`` bit field: which parts are hidden."""

    visibility: int

    @property
    def text_hidden(self) -> bool:
        return bool(self.visibility & TEXT)

    @property
    def summary_hidden(self) -> bool:
        return bool(self.visibility & SUMMARY)

    @property
    def user_hidden(self) -> bool:
        return bool(self.visibility & USER)


class Hideable(Protocol):
    """Anything a view shows that carries revision parts (RevisionInfo, a recent change...)."""

    @property
    def visibility(self) -> int: ...


H = TypeVar("H", bound=Hideable)


def hidden(visibility: int, part: int) -> bool:
    return bool(visibility & part)


def redact(item: H, can_view_suppressed: bool) -> H:
    """``item`` with its hidden parts blanked (user_text/user_id/summary), unless the reader may
    see them. The visibility bits stay, so a view can say "(edit summary removed)"."""
    vis = item.visibility
    if can_view_suppressed or not vis & (SUMMARY | USER):
        return item
    changes: dict[str, object] = {}
    if vis & SUMMARY:
        changes["summary"] = ""
    if vis & USER:
        changes["user_text"] = ""
        changes["user_id"] = None
    return dataclasses.replace(item, **changes)  # type: ignore[type-var]


def redact_all(items: Iterable[H], can_view_suppressed: bool) -> list[H]:
    return [redact(i, can_view_suppressed) for i in items]
