"""One process's view of an index commit: its searcher, the title lists built per segment, the
namespace filters, and a collector with a deadline. Rebuilt only when the generation changes.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq
from whoosh.collectors import TimeLimit, TimeLimitCollector
from whoosh.scoring import BM25F

TIME_LIMIT = 1.0  # seconds the collector may spend before it returns what it has

__all__ = ["TIME_LIMIT", "BoundedCollector", "TimeLimit", "View", "open_reader"]


@dataclass(frozen=True)
class SegmentTitles:
    """One segment's titles sorted by lower-cased full title. A segment's documents never
    change (only its deletions grow), so this is built once per segment, and a save costs the
    title list only its new, small segment."""

    keys: list[str]
    entries: list[tuple[int, int, str, bool, int]]  # (local docnum, ns, full, redirect?, page id)

    @classmethod
    def build(cls, leaf: Any) -> SegmentTitles:
        entry_col = leaf.column_reader("entry")
        pid_col = leaf.column_reader("page_id")
        items: list[tuple[str, int, int, str, bool, int]] = []
        for local in range(leaf.doc_count_all()):
            raw: bytes = entry_col[local]
            if raw:
                ns, kind, full = raw.decode().split("\t", 2)
                pid = int(pid_col[local])
                items.append((full.lower(), local, int(ns), full, kind == "redirect", pid))
        items.sort()
        return cls([i[0] for i in items], [i[1:] for i in items])


@dataclass(frozen=True)
class TitleHit:
    key: str
    docnum: int
    namespace: int
    title: str
    is_redirect: bool
    page_id: int


def open_reader(ix: Any, old: Any | None) -> tuple[Any, int]:
    """A reader on the latest commit, reusing the segment readers of ``old`` that are still
    valid, and the commit's generation.

    whoosh's own ``Searcher.refresh`` reuses a segment's reader even when the commit added
    deletions to that segment, so replaced documents would stay visible; here a reader is
    reused only if its segment has the same number of deletions (deletions only grow).
    """
    from whoosh.reading import EmptyReader, MultiReader, SegmentReader

    for attempt in range(10):
        try:
            toc = ix._read_toc()
            break
        except OSError:  # a commit deleted the table of contents we were about to read
            if attempt == 9:
                raise
            time.sleep(0.05)
    reusable: dict[str, Any] = {}
    if old is not None:
        for leaf, _ in old.leaf_readers():
            segment = leaf.segment()
            if segment is not None:
                reusable[segment.segment_id()] = leaf
    readers = []
    for segment in toc.segments:
        leaf = reusable.get(segment.segment_id())
        if leaf is not None and leaf.segment().deleted_count() == segment.deleted_count():
            del reusable[segment.segment_id()]
            readers.append(leaf)
        else:
            readers.append(
                SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
            )
    for leaf in reusable.values():
        leaf.close()
    if not readers:
        return EmptyReader(toc.schema), toc.generation
    if len(readers) == 1:
        return readers[0], toc.generation
    return MultiReader(readers, generation=toc.generation), toc.generation


class View:
    """An open index and its searcher, with caches that live as long as this index state."""

    def __init__(self, name: str, ix: Any, title_cache: dict[tuple[str, str], Any]) -> None:
        self.name = name
        self.ix = ix
        self.title_cache = title_cache
        self.searcher: Any = None
        self.generation = -1
        self._open(None)

    def _open(self, old: Any | None) -> None:
        from whoosh.searching import Searcher

        reader, self.generation = open_reader(self.ix, old)
        self.searcher = Searcher(reader, weighting=BM25F(), fromindex=self.ix)
        self._filters: dict[tuple[int, ...] | None, set[int]] = {}
        self._hidden: set[int] | None = None
        self._languages: dict[tuple[str, ...], set[int]] = {}

    def refresh(self) -> None:
        """Move to the latest commit, if there is a newer one."""
        if self.ix.latest_generation() != self.generation:
            self._open(self.searcher.reader())

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()

    @property
    def reader(self) -> Any:
        return self.searcher.reader()

    def titles(self, key: str, *, exact: bool = False, limit: int = 0) -> list[TitleHit]:
        """Live titles that start with ``key`` (lower-cased; or equal it, with ``exact``), in
        title order; at most ``limit`` (0: all)."""
        found: list[TitleHit] = []
        live: set[tuple[str, str]] = set()
        for leaf, offset in self.reader.leaf_readers():
            segment = leaf.segment()
            if segment is None:
                continue
            cache_key = (self.name, segment.segment_id())
            live.add(cache_key)
            titles_ = self.title_cache.get(cache_key)
            if titles_ is None:
                titles_ = self.title_cache[cache_key] = SegmentTitles.build(leaf)
            keys, entries = titles_.keys, titles_.entries
            taken = 0
            i = bisect_left(keys, key)
            while i < len(keys) and (keys[i] == key if exact else keys[i].startswith(key)):
                local, ns, full, is_redirect, pid = entries[i]
                if not leaf.is_deleted(local):
                    found.append(TitleHit(keys[i], offset + local, ns, full, is_redirect, pid))
                    taken += 1
                    if limit and taken >= limit:
                        break
                i += 1
        for stale in [k for k in self.title_cache if k[0] == self.name and k not in live]:
            del self.title_cache[stale]
        found.sort(key=lambda h: (h.key, h.docnum))
        return found[:limit] if limit else found

    def hidden(self) -> set[int]:
        """Documents that are never results: redirects and the meta document."""
        if self._hidden is None:
            s = self.searcher
            self._hidden = set(s.docs_for_query(wq.Term("kind", "redirect"))) | set(
                s.docs_for_query(wq.Term("kind", "meta"))
            )
        return self._hidden

    def in_languages(self, languages: tuple[str, ...]) -> set[int]:
        """Pages detected as written in one of ``languages``."""
        cached = self._languages.get(languages)
        if cached is None:
            q = wq.Or([wq.Term("lang", lang) for lang in languages])
            cached = set(self.searcher.docs_for_query(q))
            self._languages[languages] = cached
        return cached

    def in_namespaces(self, namespaces: tuple[int, ...] | None) -> set[int] | None:
        """Documents in these namespaces (None: no restriction)."""
        if namespaces is None:
            return None
        cached = self._filters.get(namespaces)
        if cached is None:
            q = wq.Or([wq.Term("namespace", str(ns)) for ns in namespaces])
            cached = set(self.searcher.docs_for_query(q))
            self._filters[namespaces] = cached
        return cached


class BoundedCollector(TimeLimitCollector):  # type: ignore[misc]
    """whoosh's TimeLimitCollector without its timer thread and SIGALRM (which only works in the
    main thread): the deadline is checked between matches. It also filters documents."""

    def __init__(
        self, child: Any, timelimit: float, allow: set[int] | None, restrict: set[int]
    ) -> None:
        super().__init__(child, timelimit, use_alarm=False)
        self.allow = allow
        self.restrict = restrict
        self.deadline = 0.0
        self.collected = 0

    def prepare(self, top_searcher: Any, q: Any, context: Any) -> None:
        self.child.prepare(top_searcher, q, context)
        self.timedout = False
        self.collected = 0
        self.deadline = time.monotonic() + self.timelimit

    def collect_matches(self) -> None:
        child, allow, restrict, offset = self.child, self.allow, self.restrict, self.offset
        deadline = self.deadline
        for n, sub_docnum in enumerate(child.matches()):
            if n & 63 == 63 and time.monotonic() > deadline:
                self.timedout = True
                raise TimeLimit
            docnum = offset + sub_docnum
            if docnum in restrict or (allow is not None and docnum not in allow):
                continue
            child.collect(sub_docnum)
            self.collected += 1

    def finish(self) -> None:
        self.child.finish()
