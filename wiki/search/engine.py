"""Full-text search on whoosh: everything that touches whoosh is here, and nothing else imports it.

**The database is the truth; the index follows it like a replica.** The indexer reads the
revisions table: every page with a revision newer than the index's *watermark* is (re)indexed
from its latest revision, and the new watermark is written *inside the index*, as a document
committed in the same whoosh commit as the pages. A crash before that commit leaves the old
watermark, so the next pass does the same work again; nothing is lost and nothing needs a manual
step. Revision ids below the watermark that were not there yet (PostgreSQL can commit ids out of
order) are remembered as *gaps* for a while and checked on every pass. A *reconcile* compares the
page table with the index by page id (set difference, as moin does) and fixes any difference:
pages deleted, moved or hidden without a new revision disappear or move in the index.

**Several processes share ``<data dir>/search``.** Writers take an exclusive ``flock`` on
``search/writer.lock`` and never wait for it (a process that finds it taken skips its pass: the
holder does the work). Readers take no lock: whoosh commits are atomic (a new table of contents
replaces the old), and each process keeps one searcher that it refreshes when the index changes.
The live index is the directory named in ``search/CURRENT``; ``rebuild`` builds a new one beside
it and swaps the pointer atomically.

**Each app process runs an ``Indexer`` thread** that polls the database's highest revision id
(one indexed ``max()`` query) every ``WIKI_SEARCH_INTERVAL`` seconds, and sooner when the shared
cache epoch moves. A save never waits for the index: it only commits to the database.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import shutil
import threading
import time
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh import columns as wcolumns
from whoosh import fields as wfields
from whoosh import index as windex
from whoosh import query as wq
from whoosh.analysis import STOP_WORDS, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.collectors import TimeLimit, TimeLimitCollector, TopCollector
from whoosh.lang import stemmer_for_language
from whoosh.scoring import BM25F
from whoosh.writing import MERGE_SMALL, NO_MERGE

from wiki.db import Database, is_unavailable
from wiki.errors import N_, InvalidTitle
from wiki.models import Page, Revision
from wiki.search import indonesian
from wiki.search.syntax import (
    MAX_CLAUSES,
    MAX_QUERY_CHARS,
    Clause,
    ParsedQuery,
    Segment,
    highlight,
    parse_query,
    snippet_html,
)
from wiki.text import markup, titles
from wiki.text.titles import Title

__all__ = [
    "Clause",
    "Hit",
    "Indexer",
    "ParsedQuery",
    "Results",
    "SearchIndex",
    "TitleMatch",
    "highlight",
    "parse_query",
    "snippet_html",
]

log = logging.getLogger("wiki.search.engine")

#: Bump when the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 2
META_ID = "meta"  # page_id of the one document that holds the watermark (real ids are digits)

PAGE_SIZE = 20  # results per page of Special:Search
MAX_LIMIT = 100  # most results one request may ask for
MAX_WILDCARD_TERMS = 64  # terms a "word*" expands to
MAX_TITLE_WORDS = 24  # title words a half-typed word expands to, for suggestions
TIME_LIMIT = 1.0  # seconds the collector may spend before it returns what it has
RESCORE_WINDOW = 40  # documents whose exact-form bonus is computed (see SearchIndex._collect)
STORED_BODY_CHARS = 32_768  # body text kept in the index for snippets
MAX_TOKEN_CHARS = 80  # longer "words" (base64, hashes) are not indexed

# Query-side boosts (linear, on top of BM25F). A word found as written scores in both its exact
# and its stemmed field; a variant form scores only in the stemmed one, so exact ranks higher.
EXACT_BOOST = 1.5
TITLE_BOOST = 4.0
REDIRECT_BOOST = 3.0
HEADING_BOOST = 1.8
CATEGORY_BOOST = 1.5

CHECK_INTERVAL = 0.05  # seconds between a reader's checks for a newer index
GAP_TTL = 120.0  # seconds a missing revision id is waited for
GAP_SPAN = 2_000  # only ids this close to the top can be in flight
REV_WINDOW = 5_000  # revision ids handled per commit when catching up
RECONCILE_EVERY = 60.0  # seconds between reconciles (and soon after a change without revisions)
RECONCILE_DEBOUNCE = 2.0
MERGE_ABOVE = 8  # segments: more than this, and a commit merges the small ones
OPTIMIZE_DELETED = 0.25  # deleted share above which an idle index is optimized
LOCK_WAIT = 120.0  # seconds `rebuild` waits for the writer lock before the swap

_WORD_RE = re.compile(r"\w+")


# --- analysis --------------------------------------------------------------------------------

_snowball_en = stemmer_for_language("en")


@lru_cache(maxsize=200_000)
def stem_en(word: str) -> str:
    """English snowball (Porter2) stem of a lower-case word."""
    result: str = _snowball_en(word)
    return result


STEMMERS: dict[str, Callable[[str], str]] = {"en": stem_en, "id": indonesian.stem}
# Both lists for both languages: the community writes in both, and neither list holds a word
# that means something else in the other language.
_STOPWORDS_BOTH = frozenset(STOP_WORDS) | indonesian.STOPWORDS
STOPWORDS: dict[str, frozenset[str]] = {"en": _STOPWORDS_BOTH, "id": _STOPWORDS_BOTH}


def _exact_analyzer(lang: str) -> Any:
    """Words as written: split on non-word characters, lower-cased, stopwords out."""
    return (
        RegexTokenizer(_WORD_RE.pattern)
        | LowercaseFilter()
        | StopFilter(stoplist=STOPWORDS[lang], minsize=1, maxsize=MAX_TOKEN_CHARS)
    )


def _stem_analyzer(lang: str) -> Any:
    """The exact analysis, then each word reduced to its stem (cached by the stem function)."""
    return _exact_analyzer(lang) | StemFilter(stemfn=STEMMERS[lang], cachesize=None)


def make_schema(lang: str) -> Any:
    """The index schema: one document per page (and one for the watermark)."""
    exact, stemmed = _exact_analyzer(lang), _stem_analyzer(lang)
    return wfields.Schema(
        # The page's database id as text: the unique key update_document replaces by.
        page_id=wfields.ID(stored=True, unique=True, sortable=True),
        # "page", "redirect" (a #REDIRECT page: found by autocomplete, never in results), or
        # "meta" (the watermark document).
        kind=wfields.ID(stored=True),
        # Namespace number as text ("0", "1", ...), for the namespace filter.
        namespace=wfields.ID(stored=True),
        # Title words as written (without the namespace), with positions for phrases; the
        # stored value is the full title as shown ("Help:Editing").
        title=wfields.TEXT(analyzer=exact, stored=True),
        # Title words stemmed (Indonesian or English, per WIKI_LANGUAGE).
        title_stem=wfields.TEXT(analyzer=stemmed, phrase=False),
        # Heading texts as written, and stemmed.
        headings=wfields.TEXT(analyzer=exact),
        headings_stem=wfields.TEXT(analyzer=stemmed, phrase=False),
        # The page's visible text (Markdown rendered to plain text: no markup, no link targets),
        # as written with positions; the stored value is its first STORED_BODY_CHARS, for
        # snippets.
        body=wfields.TEXT(analyzer=exact, stored=True),
        # Every visible word of the page stemmed: title, headings, body, redirect titles and
        # categories. A query word must match here (one posting list per word keeps AND
        # queries fast); the exact-form fields only add to the score.
        text_stem=wfields.TEXT(analyzer=stemmed, phrase=False),
        # Full titles of the redirect pages pointing here: a search for an old name finds the
        # page it now lives at.
        redirects=wfields.TEXT(analyzer=exact, stored=True),
        # Category names (from [[Category:...]]), as words.
        categories=wfields.TEXT(analyzer=exact, stored=True),
        # On a redirect page: its target's full title, to find the redirects to a page.
        redirect_to=wfields.ID(stored=True),
        # Time of the latest revision (naive UTC): "sort by last edited" and the result line.
        modified=wfields.DATETIME(stored=True, sortable=True),
        # Size in bytes and in words of the latest revision, for the result line.
        size=wfields.STORED(),
        words=wfields.STORED(),
        # b"<latest revision id>:<namespace>:<title>": what reconcile compares with the database.
        sig=wfields.COLUMN(wcolumns.VarBytesColumn()),
        # b"<namespace>\t<kind>\t<full title>": the title list for autocomplete is built from it.
        entry=wfields.COLUMN(wcolumns.VarBytesColumn()),
        # Meta document only: JSON {"watermark", "gaps", "schema", "language", ...}.
        meta=wfields.STORED(),
    )


# --- results ---------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Status:
    """The index as `wiki check` reports it."""

    path: Path | None
    watermark: int | None  # None: no index yet
    documents: int
    segments: int
    size_bytes: int


# --- documents -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """A page's latest state, as the indexer reads it."""

    id: int
    namespace: int
    title: str
    latest_id: int
    length: int
    text: str
    timestamp: datetime

    @property
    def full(self) -> str:
        return Title(self.namespace, self.title).full

    @property
    def sig(self) -> bytes:
        return _sig(self.latest_id, self.namespace, self.title)


def _sig(latest_id: int, namespace: int, title: str) -> bytes:
    return f"{latest_id}:{namespace}:{title}".encode()


def _link_title(raw: str) -> str | None:
    try:
        return titles.parse(raw).full
    except InvalidTitle:
        return None


def _redirect_target(text: str) -> str | None:
    """The full title a #REDIRECT page points to, or None for an ordinary page."""
    if text.lstrip()[:1] != "#":
        return None
    return markup.render(text.split("\n", 1)[0], link_title=_link_title).redirect


def _naive_utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC).replace(tzinfo=None) if dt.tzinfo else dt


def _base_fields(row: _Row, kind: str) -> dict[str, Any]:
    full = row.full
    return {
        "page_id": str(row.id),
        "kind": kind,
        "namespace": str(row.namespace),
        "title": row.title,
        "_stored_title": full,
        "title_stem": row.title,
        "modified": _naive_utc(row.timestamp),
        "size": row.length,
        "sig": row.sig,
        "entry": f"{row.namespace}\t{kind}\t{full}".encode(),
    }


def _redirect_document(row: _Row, target: str) -> dict[str, Any]:
    doc = _base_fields(row, "redirect")
    doc.update(redirect_to=target, words=0)
    return doc


def _page_document(row: _Row, redirects: Iterable[str]) -> dict[str, Any]:
    doc = _base_fields(row, "page")
    try:
        rendered = markup.render(row.text, link_title=_link_title)
        body = markup.plain_text(row.text)
        headings = "\n".join(h.text for h in rendered.headings)
        categories = "\n".join(rendered.categories)
    except Exception:  # one bad page must not stop a pass: index its title and raw text
        log.exception("search: could not render page %s; indexing its raw text", row.id)
        body, headings, categories = row.text, "", ""
    redirect_text = "\n".join(sorted(redirects))
    doc.update(
        headings=headings,
        headings_stem=headings,
        body=body,
        _stored_body=body[:STORED_BODY_CHARS],
        text_stem="\n".join((row.title, headings, body, redirect_text, categories)),
        redirects=redirect_text,
        categories=categories,
        words=len(_WORD_RE.findall(body)),
    )
    return doc


def _rows_select() -> Any:
    return select(
        Page.id,
        Page.namespace,
        Page.title,
        Page.latest_id,
        Page.length,
        Revision.text,
        Revision.timestamp,
    ).join(Revision, Revision.id == Page.latest_id)


def _load_rows(session: Session, page_ids: Iterable[int]) -> dict[int, _Row]:
    ids = sorted(page_ids)
    rows: dict[int, _Row] = {}
    for i in range(0, len(ids), 500):
        for r in session.execute(_rows_select().where(Page.id.in_(ids[i : i + 500]))):
            rows[r.id] = _Row(*r)
    return rows


# --- the watermark ---------------------------------------------------------------------------


@dataclass
class _Meta:
    """What the index knows about its own freshness; stored in the META_ID document."""

    watermark: int = 0  # every revision id <= this is reflected (gaps aside)
    gaps: dict[int, float] = field(default_factory=dict)  # missing id -> first seen (time())
    schema: int = SCHEMA_VERSION
    language: str = ""
    reconciled: float = 0.0  # time() of the last reconcile; 0 after a rebuild: due at once

    def dumps(self) -> str:
        data = self.__dict__ | {"gaps": {str(k): v for k, v in self.gaps.items()}}
        return json.dumps(data, sort_keys=True)

    @classmethod
    def loads(cls, raw: str | None) -> _Meta:
        """The stored meta; one that is missing or unreadable asks for a rebuild."""
        try:
            data = json.loads(raw or "")
            return cls(
                watermark=int(data["watermark"]),
                gaps={int(k): float(v) for k, v in data.get("gaps", {}).items()},
                schema=int(data["schema"]),
                language=str(data["language"]),
                reconciled=float(data.get("reconciled", 0.0)),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return cls(schema=-1)

    def document(self) -> dict[str, Any]:
        # Every column field gets a value: whoosh cannot read a column past the last document
        # that has one, and this document is often the last of its segment.
        return {
            "page_id": META_ID,
            "kind": "meta",
            "meta": self.dumps(),
            "modified": datetime(1970, 1, 1),
            "sig": b"",
            "entry": b"",
        }


def _read_meta(searcher: Any) -> _Meta:
    stored = searcher.document(page_id=META_ID)
    return _Meta.loads(stored.get("meta") if stored else None)


# --- the process's view of the index ---------------------------------------------------------


@dataclass(frozen=True)
class _SegmentTitles:
    """One segment's titles sorted by lower-cased full title. A segment's documents never
    change (only its deletions grow), so this is built once per segment, and a save costs the
    title list only its new, small segment."""

    keys: list[str]
    entries: list[tuple[int, int, str, bool, int]]  # (local docnum, ns, full, redirect?, page id)

    @classmethod
    def build(cls, leaf: Any) -> _SegmentTitles:
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
class _TitleHit:
    key: str
    docnum: int
    namespace: int
    title: str
    is_redirect: bool
    page_id: int


def _open_reader(ix: Any, old: Any | None) -> tuple[Any, int]:
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


class _View:
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

        reader, self.generation = _open_reader(self.ix, old)
        self.searcher = Searcher(reader, weighting=BM25F(), fromindex=self.ix)
        self._filters: dict[tuple[int, ...] | None, set[int]] = {}
        self._hidden: set[int] | None = None

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

    def titles(self, key: str, *, exact: bool = False, limit: int = 0) -> list[_TitleHit]:
        """Live titles that start with ``key`` (lower-cased; or equal it, with ``exact``), in
        title order; at most ``limit`` (0: all)."""
        found: list[_TitleHit] = []
        live: set[tuple[str, str]] = set()
        for leaf, offset in self.reader.leaf_readers():
            segment = leaf.segment()
            if segment is None:
                continue
            cache_key = (self.name, segment.segment_id())
            live.add(cache_key)
            titles_ = self.title_cache.get(cache_key)
            if titles_ is None:
                titles_ = self.title_cache[cache_key] = _SegmentTitles.build(leaf)
            keys, entries = titles_.keys, titles_.entries
            taken = 0
            i = bisect_left(keys, key)
            while i < len(keys) and (keys[i] == key if exact else keys[i].startswith(key)):
                local, ns, full, is_redirect, pid = entries[i]
                if not leaf.is_deleted(local):
                    found.append(_TitleHit(keys[i], offset + local, ns, full, is_redirect, pid))
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


class _BoundedCollector(TimeLimitCollector):  # type: ignore[misc]
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


# --- ranking ---------------------------------------------------------------------------------


@dataclass
class _Part:
    """One clause: the query a page must match, and bonus queries that only add to its score
    (``window``: scored for the best pages by the stemmed text; ``small``: title and redirects,
    which match few pages, scored for all of them)."""

    required: Any
    window: list[Any] = field(default_factory=list)
    small: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class _Plan:
    required: Any
    window: list[Any]  # scored one by one: a union of them would cost more per document
    small: Any | None


def _any(queries: Iterable[Any | None]) -> Any:
    subs = [q for q in queries if q is not None]
    if not subs:
        return wq.NullQuery
    return subs[0] if len(subs) == 1 else wq.Or(subs)


def _all_scores(searcher: Any, q: Any) -> dict[int, float]:
    """Every document ``q`` matches, with its score (for queries that match few)."""
    scores: dict[int, float] = {}
    context = searcher.context()
    for sub, offset in searcher.leaf_searchers():
        m = q.matcher(sub, context)
        while m.is_active():
            scores[m.id() + offset] = m.score()
            m.next()
    return scores


def _score_docs(searcher: Any, q: Any, docs: list[int]) -> dict[int, float]:
    """The score ``q`` gives each of ``docs`` (sorted), for the documents it matches."""
    scores: dict[int, float] = {}
    context = searcher.context()
    for sub, offset in searcher.leaf_searchers():
        end = offset + sub.doc_count_all()
        local = [d - offset for d in docs if offset <= d < end]
        if not local:
            continue
        m = q.matcher(sub, context)
        for d in local:
            if not m.is_active():
                break
            if m.id() < d:
                m.skip_to(d)
                if not m.is_active():
                    break
            if m.id() == d:
                scores[d + offset] = m.score()
    return scores


# --- the index -------------------------------------------------------------------------------


class SearchIndex:
    """One process's handle on the shared index in ``<data dir>/search``. Thread-safe."""

    def __init__(self, root: Path, language: str) -> None:
        self.root = root
        self.language = language
        self.schema = make_schema(language)
        self._exact = _exact_analyzer(language)
        self._stemmed = _stem_analyzer(language)
        self.stem = STEMMERS[language]
        self._lock = threading.RLock()  # whoosh readers are not safe across threads
        self._view: _View | None = None
        self._checked = 0.0
        self._current_stat: tuple[int, int] | None = None
        self._title_cache: dict[tuple[str, str], Any] = {}  # (index dir, segment id) -> titles

    # --- files and locks ---

    @property
    def current_file(self) -> Path:
        return self.root / "CURRENT"

    def _current_name(self) -> str | None:
        try:
            name = self.current_file.read_text().strip()
        except FileNotFoundError:
            return None
        return name if name and (self.root / name).is_dir() else None

    def _set_current(self, name: str) -> None:
        tmp = self.root / f"CURRENT.{os.getpid()}.{threading.get_ident()}"
        tmp.write_text(name + "\n")
        os.replace(tmp, self.current_file)

    @contextlib.contextmanager
    def _writer_lock(self, wait: float = 0.0) -> Iterator[bool]:
        """Hold the writer lock (an flock: released by the kernel if the process dies)."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / "writer.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.02)
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # --- reading ---

    def _get_view(self) -> _View | None:
        """The open index, refreshed if another commit or a rebuild happened (lock held)."""
        now = time.monotonic()
        if self._view is not None and now - self._checked < CHECK_INTERVAL:
            return self._view
        self._checked = now
        try:
            st = os.stat(self.current_file)
            stat: tuple[int, int] | None = (st.st_ino, st.st_mtime_ns)
        except FileNotFoundError:
            stat = None
        if self._view is not None and stat == self._current_stat:
            self._view.refresh()
            return self._view
        name = self._current_name()
        if self._view is not None and self._view.name == name:
            self._current_stat = stat
            self._view.refresh()
            return self._view
        if self._view is not None:
            self._view.close()
            self._view = None
        self._title_cache.clear()  # another index directory: its segments are all new
        for attempt in range(5):
            if name is None:
                return None
            try:
                ix = windex.open_dir(str(self.root / name), schema=self.schema)
                self._view = _View(name, ix, self._title_cache)
                break
            except (OSError, windex.EmptyIndexError):
                # A rebuild swapped and removed this directory as we opened it: look again.
                if attempt == 4:
                    raise
                time.sleep(0.02)
                name = self._current_name()
        self._current_stat = stat
        return self._view

    def invalidate(self) -> None:
        """Look for a newer index on the next read (after this process committed)."""
        self._checked = 0.0

    def close(self) -> None:
        with self._lock:
            if self._view is not None:
                self._view.close()
                self._view = None

    def status(self) -> Status:
        """Where the index is, its watermark, documents, segments and size on disk."""
        with self._lock:
            self.invalidate()
            view = self._get_view()
            if view is None:
                return Status(None, None, 0, 0, 0)
            path = self.root / view.name
            size = sum(p.stat().st_size for p in path.iterdir() if p.is_file())
            return Status(
                path=path,
                watermark=_read_meta(view.searcher).watermark,
                documents=view.reader.doc_count() - 1,  # not the meta document
                segments=len(view.ix._segments()),
                size_bytes=size,
            )

    def differences(self, db: Database) -> set[int]:
        """Page ids whose indexed state differs from the database (empty: the index is exact).
        Reads every page id; for checks and tests, not for requests."""
        with self._lock:
            self.invalidate()
            view = self._get_view()
            with db.read() as session:
                if view is None:
                    return {pid for pid in session.scalars(select(Page.id))}
                return _reconcile_diff(session, view.searcher)

    def watermark(self) -> int | None:
        """The highest revision id the index reflects, or None when there is no index yet."""
        return self.status().watermark

    def _analyze(self, analyzer: Any, text: str) -> list[str]:
        return [t.text for t in analyzer(text)]

    def _clause_query(self, clause: Clause, reader: Any) -> _Part | None:
        """What a page must match for one clause, and what adds to its score."""
        exact = self._analyze(self._exact, clause.text)
        if not exact:
            return None

        def term(fieldname: str, text: str, boost: float = 1.0) -> Any | None:
            return wq.Term(fieldname, text, boost=boost) if (fieldname, text) in reader else None

        exact_fields = [("title", TITLE_BOOST), ("redirects", REDIRECT_BOOST)]
        if not clause.title_only:
            exact_fields += [("headings", HEADING_BOOST), ("body", 1.0)]
        if clause.wildcard:
            terms: set[str] = set()
            for name, _ in exact_fields:
                for found in reader.expand_prefix(name, exact[-1]):
                    terms.add(found.decode() if isinstance(found, bytes) else found)
                    if len(terms) >= MAX_WILDCARD_TERMS:
                        break
            return _Part(_any(term(n, t, b) for n, b in exact_fields for t in sorted(terms)))
        if clause.phrase or len(exact) > 1:
            if len(exact) == 1:
                phrase = _any(term(n, exact[0], b * EXACT_BOOST) for n, b in exact_fields)
            else:
                phrase = wq.Or(
                    [wq.Phrase(n, exact, boost=b * EXACT_BOOST) for n, b in exact_fields]
                )
            if clause.phrase:
                return _Part(phrase)
            # "e-mail", "2024/25": one word, several tokens; all must be there, and together
            # they score more.
            field = "title_stem" if clause.title_only else "text_stem"
            required = wq.And([wq.Term(field, self.stem(w)) for w in exact])
            return _Part(required, window=[phrase])
        word = exact[0]
        stem = self.stem(word)
        if clause.title_only:
            return _Part(
                _any([term("title_stem", stem), term("redirects", word)]),
                small=[term("title", word, TITLE_BOOST * EXACT_BOOST)],
            )
        return _Part(
            wq.Term("text_stem", stem),
            window=[
                term("body", word, EXACT_BOOST),
                term("headings", word, HEADING_BOOST * EXACT_BOOST),
                term("headings_stem", stem, HEADING_BOOST),
                term("categories", word, CATEGORY_BOOST),
            ],
            small=[
                term("title", word, TITLE_BOOST * EXACT_BOOST),
                term("title_stem", stem, TITLE_BOOST),
                term("redirects", word, REDIRECT_BOOST * EXACT_BOOST),
            ],
        )

    def _query(self, parsed: ParsedQuery, reader: Any) -> _Plan | None:
        """The whoosh queries for a parsed query: what must match (AND of the groups, OR within
        one, minus the excluded words), and the two kinds of score bonus."""
        required: list[Any] = []
        window: list[Any] = []
        small: list[Any] = []
        for group in parsed.groups:
            parts = [p for p in (self._clause_query(c, reader) for c in group) if p is not None]
            if parts:
                required.append(_any(p.required for p in parts))
                window.extend(b for p in parts for b in p.window if b is not None)
                small.extend(b for p in parts for b in p.small if b is not None)
        if not required:
            return None
        q = required[0] if len(required) == 1 else wq.And(required)
        excluded = [p for p in (self._clause_query(c, reader) for c in parsed.excluded) if p]
        if excluded:
            q = wq.AndNot(q, _any(p.required for p in excluded))
        return _Plan(q, window, _any(small) if small else None)

    def _prefix_docs(self, view: _View, prefix: str) -> tuple[set[int], list[int]]:
        """Documents whose full title starts with ``prefix`` (case-insensitive), in title
        order."""
        key = _title_key(prefix)
        if key is None:
            return set(), []
        docs = [h.docnum for h in view.titles(key)]
        return set(docs), docs

    def search(
        self,
        text: str,
        *,
        namespaces: Collection[int] | None = (titles.NS_MAIN,),
        sort: str = "relevance",
        offset: int = 0,
        limit: int = PAGE_SIZE,
    ) -> Results:
        """Ranked results (BM25F) for a search box query; never raises for odd input.

        ``namespaces=None`` searches all of them; ``sort`` is ``relevance`` or ``last_edit``
        (newest first). A namespace at the start of the query overrides ``namespaces``.
        """
        limit = max(1, min(limit, MAX_LIMIT))
        offset = max(0, min(offset, 10_000))
        parsed = parse_query(text)
        notices: list[Notice] = []
        if parsed.truncated:
            notices.append(
                Notice(
                    N_(
                        "The search was too long: only its first {n} characters "
                        "(or {words} words) were used."
                    ),
                    (("n", MAX_QUERY_CHARS), ("words", MAX_CLAUSES)),
                )
            )
        ns: tuple[int, ...] | None = (
            parsed.namespaces
            if parsed.namespaces is not None
            else (tuple(sorted(set(namespaces))) if namespaces is not None else None)
        )
        with self._lock:
            view = self._get_view()
            if view is None:
                notices.append(Notice(N_("The search index is being built. Try again shortly.")))
                return Results(text, [], 0, offset, limit, notices=notices)
            reader = view.reader
            q = self._query(parsed, reader)
            allow = view.in_namespaces(ns)
            prefix_order: list[int] = []
            if parsed.prefix is not None:
                prefix_set, prefix_order = self._prefix_docs(view, parsed.prefix)
                allow = prefix_set if allow is None else prefix_set & allow
            hidden = view.hidden()
            if q is None and parsed.prefix is None:
                if parsed.excluded:
                    msg = N_("Add a word to search for: a search cannot only exclude words.")
                else:
                    msg = N_("Type some words to search for.")
                notices.append(Notice(msg))
                return Results(text, [], 0, offset, limit, notices=notices)
            if q is None:  # prefix: only — list those titles in order
                docs = [
                    d for d in prefix_order if d not in hidden and (allow is None or d in allow)
                ]
                page = docs[offset : offset + limit]
                total = len(docs)
            else:
                page, total, timed_out = self._collect(view, q, allow, hidden, sort, offset, limit)
                if timed_out:
                    notices.append(
                        Notice(N_("The search took too long; the results may be incomplete."))
                    )
            exact_terms, stems = self._highlight_terms(parsed)
            hits = [self._hit(view, d, exact_terms, stems) for d in page]
            suggestion = self._suggestion(reader, parsed, text) if total < 5 else None
        return Results(text, hits, total, offset, limit, suggestion, notices)

    def _collect(
        self,
        view: _View,
        plan: _Plan,
        allow: set[int] | None,
        hidden: set[int],
        sort: str,
        offset: int,
        limit: int,
    ) -> tuple[list[int], int, bool]:
        """One page of document numbers, the total, and whether time ran out.

        Ranking has two steps, so that the common case stays one fast intersection of posting
        lists: (1) the best ``RESCORE_WINDOW`` documents (or more, for later pages) by the
        stemmed text alone; (2) those, plus every matching document with a query word in its
        title, headings, redirects or categories (few), get their exact-form bonuses, and the
        page is cut from that. Step (2) misses no title match; a page outside the window could
        only gain from its body using the exact form.
        """
        searcher = view.searcher
        want = offset + limit
        window = max(RESCORE_WINDOW, 2 * want)
        if sort == "last_edit":
            child = searcher.collector(limit=want, sortedby="modified", reverse=True)
        else:
            # No block-quality skipping: it skips little here, and without it the collector
            # counts every match, so the total needs no second pass.
            child = TopCollector(window, usequality=False)
        collector = _BoundedCollector(child, TIME_LIMIT, allow, hidden)
        timed_out = False
        try:
            searcher.search_with_collector(plan.required, collector)
        except TimeLimit:
            timed_out = True
        results = collector.results()
        first = [(results.docnum(i), results.score(i)) for i in range(results.scored_length())]
        total = max(collector.collected, len(first))
        if sort == "last_edit":
            return [d for d, _ in first[offset:want]], total, timed_out
        scores = {d: s or 0.0 for d, s in first}
        small: dict[int, float] = {}
        if plan.small is not None:  # title-like matches are few: score them all
            small = {
                d: s
                for d, s in _all_scores(searcher, plan.small).items()
                if d not in hidden and (allow is None or d in allow)
            }
            extra = sorted(d for d in small if d not in scores)
            scores.update(_score_docs(searcher, plan.required, extra))  # those that match
        candidates = sorted(scores)
        for bonus_query in plan.window:
            for d, bonus in _score_docs(searcher, bonus_query, candidates).items():
                scores[d] += bonus
        for d in scores:
            scores[d] += small.get(d, 0.0)
        ranked = sorted(scores, key=lambda d: (-scores[d], d))
        return ranked[offset:want], total, timed_out

    def _highlight_terms(self, parsed: ParsedQuery) -> tuple[set[str], set[str]]:
        exact: set[str] = set()
        stems: set[str] = set()
        for group in parsed.groups:
            for c in group:
                words = self._analyze(self._exact, c.text)
                exact.update(words)
                if not c.phrase:
                    stems.update(self.stem(w) for w in words)
        return exact, stems

    def _hit(self, view: _View, docnum: int, exact: set[str], stems: set[str]) -> Hit:
        stored = view.searcher.stored_fields(docnum)
        stem = self.stem
        body = stored.get("body") or ""
        title = stored.get("title") or ""
        redirect_from = None
        if not any(m for _, m in highlight(title, exact, stems, stem)):
            for r in (stored.get("redirects") or "").split("\n"):
                if r and any(m for _, m in highlight(r, exact, stems, stem)):
                    redirect_from = r
                    break
        modified = stored.get("modified")
        return Hit(
            page_id=int(stored["page_id"]),
            namespace=int(stored["namespace"]),
            title=title,
            title_parts=highlight(title, exact, stems, stem, width=1000),
            snippet=highlight(body, exact, stems, stem),
            size=int(stored.get("size") or 0),
            words=int(stored.get("words") or 0),
            modified=modified.replace(tzinfo=UTC) if modified else datetime.now(UTC),
            redirect_from=redirect_from,
        )

    def _suggestion(self, reader: Any, parsed: ParsedQuery, text: str) -> str | None:
        """The query with misspelt words replaced by the index's most common near words."""
        suggested = text
        changed = False
        for word in parsed.words:
            tokens = self._analyze(self._exact, word)
            if len(tokens) != 1 or not 3 <= len(tokens[0]) <= 30:
                continue
            token = tokens[0]
            if any(reader.doc_frequency(f, token) for f in ("title", "body")):
                continue
            if reader.doc_frequency("text_stem", self.stem(token)):
                continue
            better = self._near_word(reader, token)
            if better is None:
                continue
            pattern = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)", re.IGNORECASE)
            suggested = pattern.sub(better, suggested, count=1)
            changed = True
        return suggested if changed and suggested != text else None

    def _near_word(self, reader: Any, word: str) -> str | None:
        for maxdist in (1, 2):
            if maxdist == 2 and len(word) < 5:
                break
            found: set[str] = set()
            for fieldname in ("title", "body"):
                found.update(reader.terms_within(fieldname, word, maxdist, prefix=1))
            found.discard(word)
            if found:

                def weight(term: str) -> tuple[int, str]:
                    df = reader.doc_frequency("title", term) + reader.doc_frequency("body", term)
                    return (-df, term)

                return min(found, key=weight)
        return None

    def titles(self, text: str, limit: int = 10) -> list[TitleMatch]:
        """Pages whose title starts with ``text`` (case-insensitive), for the search box.

        Exact match first, then in title order; when fewer than ``limit`` do, pages with a title
        *word* starting with the last word typed follow (typing "kebij" finds "Rancangan
        kebijakan").
        """
        limit = max(1, min(limit, MAX_LIMIT))
        key = _title_key(text)
        if key is None:
            return []
        with self._lock:
            view = self._get_view()
            if view is None:
                return []
            out = [
                TitleMatch(h.page_id, h.namespace, h.title, h.is_redirect)
                for h in view.titles(key, limit=limit)
            ]
            out.sort(key=lambda m: m.title.lower() != key)  # stable: exact match first
            seen = {m.page_id for m in out}
            if len(out) < limit:
                out.extend(self._title_words(view, text, limit - len(out), seen))
            return out

    def _title_words(self, view: _View, text: str, limit: int, seen: set[int]) -> list[TitleMatch]:
        words = self._analyze(self._exact, text)
        if not words or len(words) > 8 or len(words[-1]) < 2:
            return []
        reader = view.reader
        subs: list[Any] = [wq.Term("title", w) for w in words[:-1]]
        expanded = []
        for term in reader.expand_prefix("title", words[-1]):
            expanded.append(term.decode() if isinstance(term, bytes) else term)
            if len(expanded) >= MAX_TITLE_WORDS:
                break
        if not expanded:
            return []
        subs.append(wq.Or([wq.Term("title", t) for t in expanded]))
        q = wq.And(subs) if len(subs) > 1 else subs[0]
        child = TopCollector(limit + len(seen) + 5, usequality=False, replace=0)
        collector = _BoundedCollector(child, TIME_LIMIT / 4, None, {-1})
        with contextlib.suppress(TimeLimit):
            view.searcher.search_with_collector(q, collector)
        results = collector.results()
        out: list[TitleMatch] = []
        for i in range(results.scored_length()):
            stored = view.searcher.stored_fields(results.docnum(i))
            pid = int(stored["page_id"])
            if pid in seen or stored.get("kind") not in ("page", "redirect"):
                continue
            seen.add(pid)
            out.append(
                TitleMatch(
                    pid, int(stored["namespace"]), stored["title"], stored["kind"] == "redirect"
                )
            )
            if len(out) >= limit:
                break
        return out

    def find_title(self, text: str) -> str | None:
        """The full title of the one page whose title is ``text`` ignoring case, or None."""
        key = _title_key(text)
        if key is None:
            return None
        with self._lock:
            view = self._get_view()
            if view is None:
                return None
            found = view.titles(key, exact=True)
            return found[0].title if len(found) == 1 else None

    # --- writing ---

    def sync(
        self,
        db: Database,
        *,
        reconcile: bool = False,
        wait: float = 0.0,
        stop: threading.Event | None = None,
    ) -> SyncReport | None:
        """One indexer pass: bring the index up to the database. None when another writer holds
        the lock (it is doing the work). Creates the index on first use (``stop`` interrupts
        that build)."""
        with self._writer_lock(wait) as locked:
            if not locked:
                return None
            name = self._current_name()
            if name is None:
                return self._rebuild_locked(db, stop)
            ix = windex.open_dir(str(self.root / name), schema=self.schema)
            try:
                with ix.searcher() as s:
                    meta = _read_meta(s)
                if meta.schema != SCHEMA_VERSION or meta.language != self.language:
                    log.info("search: index is of another schema or language; rebuilding")
                    ix.close()
                    return self._rebuild_locked(db, stop)
                report = self._catch_up(db, ix, meta, reconcile=reconcile)
            finally:
                ix.close()
        self.invalidate()
        return report

    def _catch_up(self, db: Database, ix: Any, meta: _Meta, *, reconcile: bool) -> SyncReport:
        """Index every page with a revision above the watermark (or a gap), window by window;
        with ``reconcile``, also every page whose indexed state differs from the database."""
        indexed = deleted = 0
        reconcile = reconcile or meta.reconciled == 0.0
        with db.read() as session:
            top = session.scalar(select(func.max(Revision.id))) or 0
        now = time.time()
        meta.gaps = {g: t for g, t in meta.gaps.items() if now - t < GAP_TTL}
        if top <= meta.watermark and not meta.gaps and not reconcile:
            return SyncReport(0, 0, meta.watermark, False)
        first = True
        while first or meta.watermark < top:
            hi = min(top, meta.watermark + REV_WINDOW)
            with db.read() as session:
                pages: set[int] = set()
                seen: set[int] = set()
                cond = (Revision.id > meta.watermark) & (Revision.id <= hi)
                if meta.gaps:
                    cond = cond | Revision.id.in_(sorted(meta.gaps))
                for rev_id, page_id in session.execute(
                    select(Revision.id, Revision.page_id).where(cond)
                ):
                    seen.add(rev_id)
                    pages.add(page_id)
                filled = [g for g in meta.gaps if g in seen]
                for g in filled:
                    del meta.gaps[g]
                for missing in range(max(meta.watermark + 1, hi - GAP_SPAN), hi + 1):
                    if missing not in seen:
                        meta.gaps.setdefault(missing, now)
                if not pages and not filled and hi <= meta.watermark and not reconcile:
                    break  # only gaps still waited for: nothing to commit
                writer = ix.writer()
                try:
                    searcher = writer.searcher()
                    if reconcile and first:
                        pages |= _reconcile_diff(session, searcher)
                        meta.reconciled = now
                    n_indexed, n_deleted = self._apply(session, writer, searcher, pages)
                    meta.watermark = max(meta.watermark, hi)
                    meta.language = self.language
                    writer.update_document(**meta.document())
                    segments = ix._segments()
                    writer.commit(
                        mergetype=MERGE_SMALL if len(segments) > MERGE_ABOVE else NO_MERGE
                    )
                except BaseException:
                    writer.cancel()
                    raise
            indexed += n_indexed
            deleted += n_deleted
            first = False
        return SyncReport(indexed, deleted, meta.watermark, reconcile)

    def _apply(
        self, session: Session, writer: Any, searcher: Any, page_ids: set[int]
    ) -> tuple[int, int]:
        """(Re)index the latest state of ``page_ids``; delete those gone. Pages whose set of
        redirects changed (a redirect to them was made, changed or deleted) are refreshed too."""
        if not page_ids:
            return 0, 0
        rows = _load_rows(session, page_ids)
        old_targets: set[str] = set()
        for pid in page_ids:
            stored = searcher.document(page_id=str(pid))
            if stored and stored.get("redirect_to"):
                old_targets.add(stored["redirect_to"])
        new_targets: dict[int, str] = {}
        for pid, loaded in rows.items():
            target = _redirect_target(loaded.text)
            if target is not None:
                new_targets[pid] = target
        # Pages whose list of redirects changes: load them too.
        affected = old_targets | set(new_targets.values())
        extra = _ids_for_titles(session, affected) - page_ids
        rows.update(_load_rows(session, extra))
        redirect_titles = {pid: rows[pid].full for pid in new_targets}
        indexed = deleted = 0
        for pid in sorted(page_ids | extra):
            row = rows.get(pid)
            if row is None:
                writer.delete_by_term("page_id", str(pid))
                deleted += 1
                continue
            if pid in new_targets:
                writer.update_document(**_redirect_document(row, new_targets[pid]))
            else:
                redirects = set()
                for s in searcher.documents(redirect_to=row.full):
                    if int(s["page_id"]) not in page_ids:
                        redirects.add(s["title"])
                redirects.update(
                    redirect_titles[r] for r, t in new_targets.items() if t == row.full
                )
                writer.update_document(**_page_document(row, redirects))
            indexed += 1
        return indexed, deleted

    def rebuild(
        self,
        db: Database,
        *,
        progress: Callable[[int, int], None] | None = None,
        stop: threading.Event | None = None,
        procs: int = 1,
    ) -> SyncReport:
        """Build a fresh index in a new directory, catch it up, and swap it in atomically.

        The build runs without the writer lock (other processes keep indexing into the old
        index meanwhile); the catch-up and the swap hold it. ``procs`` > 1 analyses documents
        in that many processes (for the command line: it forks).
        """
        self.root.mkdir(parents=True, exist_ok=True)
        name, count = self._build_dir(db, progress, stop, procs)
        with self._writer_lock(LOCK_WAIT) as locked:
            if not locked:
                shutil.rmtree(self.root / name, ignore_errors=True)
                raise TimeoutError("the search index writer lock stayed busy")
            return self._swap_in(db, name, count)

    def _rebuild_locked(self, db: Database, stop: threading.Event | None) -> SyncReport:
        name, count = self._build_dir(db, None, stop, 1)
        return self._swap_in(db, name, count)

    def _swap_in(self, db: Database, name: str, count: int) -> SyncReport:
        ix = windex.open_dir(str(self.root / name), schema=self.schema)
        try:
            with ix.searcher() as s:
                meta = _read_meta(s)
            report = self._catch_up(db, ix, meta, reconcile=True)
        finally:
            ix.close()
        old = self._current_name()
        self._set_current(name)
        self.invalidate()
        if old is not None and old != name:
            shutil.rmtree(self.root / old, ignore_errors=True)
        self._remove_leftovers(keep={name})
        return SyncReport(count + report.indexed, report.deleted, report.watermark, True, True)

    def _remove_leftovers(self, keep: set[str]) -> None:
        """Delete index directories of crashed rebuilds (not current, untouched for a day)."""
        cutoff = time.time() - 86_400
        for path in self.root.glob("ix-*"):
            with contextlib.suppress(OSError):
                if path.name not in keep and path.stat().st_mtime < cutoff:
                    shutil.rmtree(path, ignore_errors=True)

    def _build_dir(
        self,
        db: Database,
        progress: Callable[[int, int], None] | None,
        stop: threading.Event | None,
        procs: int,
    ) -> tuple[str, int]:
        """Write every page into a new index directory; returns its name and the page count."""
        name = f"ix-{time.time_ns():x}-{os.getpid()}"
        path = self.root / name
        path.mkdir(parents=True)
        try:
            ix = windex.create_in(str(path), self.schema)
            with db.read() as session:
                watermark = session.scalar(select(func.max(Revision.id))) or 0
                total = (
                    session.scalar(
                        select(func.count()).select_from(Page).where(Page.latest_id.is_not(None))
                    )
                    or 0
                )
                redirects = _all_redirects(session)
            by_target: dict[str, list[str]] = {}
            for full, target in redirects.values():
                by_target.setdefault(target, []).append(full)
            if procs > 1 and total > 1_000:
                writer = ix.writer(procs=procs, limitmb=128, multisegment=True)
            else:
                writer = ix.writer(limitmb=256)
            done = last = 0
            try:
                for row in _all_rows(db):
                    if stop is not None and stop.is_set():
                        raise InterruptedError("rebuild stopped")
                    if row.id in redirects:
                        writer.add_document(**_redirect_document(row, redirects[row.id][1]))
                    else:
                        writer.add_document(**_page_document(row, by_target.get(row.full, ())))
                    done += 1
                    if progress is not None and (done - last >= 50 or done == total):
                        progress(done, total)
                        last = done
                meta = _Meta(watermark=watermark, language=self.language, reconciled=0.0)
                writer.add_document(**meta.document())
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            finally:
                ix.close()
            if progress is not None:
                progress(done, max(total, done))
            return name, done
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise

    def optimize(self) -> bool:
        """Merge all segments into one if the lock is free; True when it did."""
        with self._writer_lock() as locked:
            if not locked:
                return False
            name = self._current_name()
            if name is None:
                return False
            ix = windex.open_dir(str(self.root / name), schema=self.schema)
            try:
                ix.optimize()
            finally:
                ix.close()
        self.invalidate()
        return True

    def needs_optimize(self) -> bool:
        """Whether segments have piled up or many documents are deleted."""
        with self._lock:
            view = self._get_view()
            if view is None:
                return False
            segments = view.ix._segments()
            if len(segments) > MERGE_ABOVE * 2:
                return True
            total = sum(s.doc_count_all() for s in segments)
            dead = sum(s.deleted_count() for s in segments)
            return total > 0 and dead / total > OPTIMIZE_DELETED and len(segments) > 1


def _title_key(text: str) -> str | None:
    """The lower-cased full-title form of what someone typed (``help:ed`` for ``Bantuan:ed``),
    keeping a trailing space; None when it cannot start a title."""
    raw = " ".join(text.replace("_", " ").split())
    if not raw:
        return None
    trailing = " " if text.endswith((" ", "_")) else ""
    try:
        return titles.parse(raw).full.lower() + trailing
    except InvalidTitle:
        return None


def _reconcile_diff(session: Session, searcher: Any) -> set[int]:
    """Page ids whose indexed state differs from the database: missing, stale, moved, or
    deleted from the database (set difference by page id)."""
    in_db = {
        pid: _sig(latest, ns, title)
        for pid, latest, ns, title in session.execute(
            select(Page.id, Page.latest_id, Page.namespace, Page.title)
        )
        if latest is not None
    }
    reader = searcher.reader()
    in_index: dict[int, bytes] = {}
    if reader.doc_count():
        pid_col = reader.column_reader("page_id")
        sig_col = reader.column_reader("sig")
        for docnum in reader.all_doc_ids():
            pid = pid_col[docnum]
            if pid and pid != META_ID:
                in_index[int(pid)] = sig_col[docnum]
    stale = {pid for pid, sig in in_db.items() if in_index.get(pid) != sig}
    return stale | (in_index.keys() - in_db.keys())


def _ids_for_titles(session: Session, fulls: Iterable[str]) -> set[int]:
    ids: set[int] = set()
    for full in fulls:
        try:
            t = titles.parse(full)
        except InvalidTitle:
            continue
        pid = session.scalar(select(Page.id).where(Page.namespace == t.ns, Page.title == t.text))
        if pid is not None:
            ids.add(pid)
    return ids


def _all_redirects(session: Session) -> dict[int, tuple[str, str]]:
    """page id -> (full title, target full title) for every redirect page."""
    out: dict[int, tuple[str, str]] = {}
    head = func.lower(func.substr(func.ltrim(Revision.text), 1, 5))
    stmt = _rows_select().where(head.in_(("#redi", "#alih")))
    for r in session.execute(stmt):
        row = _Row(*r)
        target = _redirect_target(row.text)
        if target is not None:
            out[row.id] = (row.full, target)
    return out


def _all_rows(db: Database, chunk: int = 500) -> Iterator[_Row]:
    """Every page's latest state in page id order, one short read transaction per chunk."""
    last = 0
    while True:
        with db.read() as session:
            batch = [
                _Row(*r)
                for r in session.execute(
                    _rows_select().where(Page.id > last).order_by(Page.id).limit(chunk)
                )
            ]
        if not batch:
            return
        yield from batch
        last = batch[-1].id


# --- the background indexer ------------------------------------------------------------------


class Indexer:
    """A daemon thread that keeps the index up to the database, in one app process.

    Every ``interval`` seconds (and within 0.1 s of the cache epoch moving) it runs
    ``SearchIndex.sync``; it reconciles at start, every RECONCILE_EVERY seconds, and soon after
    the epoch moved without a new revision (a delete or a move); when the index is idle with
    piled-up segments it optimizes. Errors are logged, never raised.
    """

    def __init__(
        self, index: SearchIndex, db: Database, *, interval: float, epoch: Path | None = None
    ) -> None:
        self.index = index
        self.db = db
        self.interval = interval
        self.epoch = epoch
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0

    def start(self) -> None:
        if self._thread is None and self.interval > 0:
            self._thread = threading.Thread(target=self._run, name="gotong-indexer", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _epoch(self) -> int:
        if self.epoch is None:
            return 0
        try:
            return os.stat(self.epoch).st_mtime_ns
        except OSError:
            return 0

    def _run(self) -> None:
        tick = min(self.interval, 0.1)
        last_poll = 0.0
        last_reconcile = 0.0
        last_change = time.monotonic()
        epoch = self._epoch()
        reconcile_due = True
        failures = 0
        while not self._stop.is_set():
            now = time.monotonic()
            new_epoch = self._epoch()
            moved = new_epoch != epoch
            epoch = new_epoch
            if not (moved or reconcile_due or now - last_poll >= self.interval):
                self._stop.wait(tick)
                continue
            last_poll = now
            if now - last_reconcile >= RECONCILE_EVERY:
                reconcile_due = True
            try:
                report = self.index.sync(self.db, reconcile=reconcile_due, stop=self._stop)
                failures = 0
            except InterruptedError:
                break  # stopped during a first build
            except Exception as exc:
                failures += 1
                if is_unavailable(exc):  # the database outage is logged once, by Database
                    self.db.outage.failed(exc)
                else:
                    log.exception("search: indexer pass failed")
                self._stop.wait(min(30.0, tick * 2**failures))
                continue
            self.passes += 1
            if report is not None:
                if report.reconciled:
                    reconcile_due = False
                    last_reconcile = now
                if report.indexed or report.deleted:
                    last_change = now
                elif moved and now - last_reconcile >= RECONCILE_DEBOUNCE:
                    reconcile_due = True  # changed without a revision: delete, move, hide
                    continue
                elif now - last_change > 30.0 and self.index.needs_optimize():
                    with contextlib.suppress(Exception):
                        self.index.optimize()
            self._stop.wait(tick)
