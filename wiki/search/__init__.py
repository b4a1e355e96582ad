"""Full-text search; the only package that imports whoosh.

The public surface, for ``wiki.web.search``, ``wiki.cli`` and ``wiki.app``: ``SearchIndex``
(search, titles, find_title, sync, rebuild, status), ``Indexer`` (the background thread), the
result types, and ``snippet_html``. The modules: ``schema`` (fields and analysis), ``documents``
(pages as indexed, the watermark), ``store`` (files, lock, open view), ``view`` (one commit's
searcher), ``query`` (planning and ranking), ``spelling``, ``snippets``, ``titles``,
``indexer`` (sync, rebuild, optimise), ``signals`` (waking it), ``worker`` (its loop),
``language``, ``syntax`` and ``indonesian`` (pure).
"""

from wiki.search.index import SearchIndex
from wiki.search.results import (
    MAX_LIMIT,
    PAGE_SIZE,
    Hit,
    Notice,
    Results,
    Status,
    SyncReport,
    TitleMatch,
)
from wiki.search.store import CHECK_INTERVAL
from wiki.search.syntax import snippet_html
from wiki.search.worker import Indexer, run_host_indexer, watch

__all__ = [
    "CHECK_INTERVAL",
    "MAX_LIMIT",
    "PAGE_SIZE",
    "Hit",
    "Indexer",
    "Notice",
    "Results",
    "SearchIndex",
    "Status",
    "SyncReport",
    "TitleMatch",
    "run_host_indexer",
    "snippet_html",
    "watch",
]
