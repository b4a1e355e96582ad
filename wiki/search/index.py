"""``SearchIndex``: the one object the app, the command line and the tests hold.

A thin facade over the package: ``store`` (files, lock, open view), ``query`` (planning and
ranking), ``titles`` (autocomplete and Go), ``indexer`` (sync, rebuild, optimise). Thread-safe.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection

from wiki.db import Database
from wiki.search import indexer, query
from wiki.search import titles as title_search
from wiki.search.results import PAGE_SIZE, Results, SyncReport, TitleMatch
from wiki.search.store import Store
from wiki.text import titles


class SearchIndex(Store):
    """One process's handle on the shared index in ``<data dir>/search``."""

    def search(
        self,
        text: str,
        *,
        namespaces: Collection[int] | None = (titles.NS_MAIN,),
        sort: str = "relevance",
        offset: int = 0,
        limit: int = PAGE_SIZE,
        correct: bool = True,
    ) -> Results:
        """Ranked results for a search box query; never raises for odd input."""
        return query.search(
            self,
            text,
            namespaces=namespaces,
            sort=sort,
            offset=offset,
            limit=limit,
            correct=correct,
        )

    def titles(self, text: str, limit: int = 10) -> list[TitleMatch]:
        """Pages whose title starts with ``text`` (case-insensitive), for the search box."""
        return title_search.complete(self, text, limit)

    def find_title(self, text: str) -> str | None:
        """The full title of the one page whose title is ``text`` ignoring case, or None."""
        return title_search.find_title(self, text)

    def sync(
        self,
        db: Database,
        *,
        reconcile: bool = False,
        wait: float = 0.0,
        stop: threading.Event | None = None,
    ) -> SyncReport | None:
        """One indexer pass; None when another writer holds the lock."""
        return indexer.sync(self, db, reconcile=reconcile, wait=wait, stop=stop)

    def rebuild(
        self,
        db: Database,
        *,
        progress: Callable[[int, int], None] | None = None,
        stop: threading.Event | None = None,
        procs: int = 1,
    ) -> SyncReport:
        """Build a fresh index in a new directory, catch it up, and swap it in atomically."""
        return indexer.rebuild(self, db, progress=progress, stop=stop, procs=procs)

    def optimize(self) -> bool:
        """Merge all segments into one if the writer lock is free; True when it did."""
        return indexer.optimize(self)

    def needs_optimize(self) -> bool:
        """Whether segments have piled up or many documents are deleted."""
        return indexer.needs_optimize(self)
