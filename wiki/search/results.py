"""What a search returns: results, hits, title matches, notices, and the indexer's reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from wiki.search.syntax import Segment

PAGE_SIZE = 20  # results per page of Special:Search
MAX_LIMIT = 100  # most results one request may ask for


@dataclass(frozen=True)
class Notice:
    """Something to tell the searcher (translated where shown)."""

    msgid: str
    params: tuple[tuple[str, Any], ...] = ()

    def translated(self, gettext: Callable[[str], str]) -> str:
        return gettext(self.msgid).format(**dict(self.params))


@dataclass(frozen=True)
class Hit:
    """One search result."""

    page_id: int
    namespace: int
    title: str  # full title, as shown
    title_parts: list[Segment]  # the title with matched words marked
    snippet: list[Segment]  # ~200 characters of text around the best matches
    size: int  # bytes
    words: int
    modified: datetime
    redirect_from: str | None = None  # the redirect title that matched, if only it did

    @property
    def key(self) -> str:
        return self.title.replace(" ", "_")


@dataclass(frozen=True)
class Results:
    """One page of search results."""

    query: str
    hits: list[Hit]
    total: int  # matching pages (all result pages)
    offset: int
    limit: int
    suggestion: str | None = None  # "did you mean"
    notices: list[Notice] = field(default_factory=list)
    corrected: str | None = None  # the spelling searched instead of ``query`` ("showing …")

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.hits) < self.total


@dataclass(frozen=True)
class TitleMatch:
    """A page for the search box's suggestions."""

    page_id: int
    namespace: int
    title: str  # full title
    is_redirect: bool

    @property
    def key(self) -> str:
        return self.title.replace(" ", "_")


@dataclass(frozen=True)
class SyncReport:
    """What one indexer pass did."""

    indexed: int
    deleted: int
    watermark: int
    reconciled: bool
    rebuilt: bool = False
    gaps: int = 0  # revision ids below the watermark still waited for


@dataclass(frozen=True)
class Status:
    """The index as `wiki check` reports it."""

    path: Path | None
    watermark: int | None  # None: no index yet
    documents: int
    segments: int
    size_bytes: int
