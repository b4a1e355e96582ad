"""Titles: autocomplete for the search box, and the case-insensitive "Go" to a page."""

from __future__ import annotations

import contextlib
from typing import Any

from whoosh import query as wq
from whoosh.collectors import TopCollector

from wiki.errors import InvalidTitle
from wiki.search.results import MAX_LIMIT, TitleMatch
from wiki.search.schema import analyze
from wiki.search.store import Store
from wiki.search.view import TIME_LIMIT, BoundedCollector, TimeLimit, View
from wiki.text import titles as title_rules

MAX_TITLE_WORDS = 24  # title words a half-typed word expands to, for suggestions


def complete(store: Store, text: str, limit: int = 10) -> list[TitleMatch]:
    """Pages whose title starts with ``text`` (case-insensitive), for the search box.

    Exact match first, then in title order; when fewer than ``limit`` do, pages with a title
    *word* starting with the last word typed follow (typing "kebij" finds "Rancangan
    kebijakan").
    """
    limit = max(1, min(limit, MAX_LIMIT))
    key = title_key(text)
    if key is None:
        return []
    with store.lock:
        view = store.get_view()
        if view is None:
            return []
        out = [
            TitleMatch(h.page_id, h.namespace, h.title, h.is_redirect)
            for h in view.titles(key, limit=limit)
        ]
        out.sort(key=lambda m: m.title.lower() != key)  # stable: exact match first
        seen = {m.page_id for m in out}
        if len(out) < limit:
            out.extend(title_words(store, view, text, limit - len(out), seen))
        return out


def title_words(
    store: Store, view: View, text: str, limit: int, seen: set[int]
) -> list[TitleMatch]:
    words = analyze(store.exact, text)
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
    collector = BoundedCollector(child, TIME_LIMIT / 4, None, {-1})
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
            TitleMatch(pid, int(stored["namespace"]), stored["title"], stored["kind"] == "redirect")
        )
        if len(out) >= limit:
            break
    return out


def find_title(store: Store, text: str) -> str | None:
    """The full title of the one page whose title is ``text`` ignoring case, or None."""
    key = title_key(text)
    if key is None:
        return None
    with store.lock:
        view = store.get_view()
        if view is None:
            return None
        found = view.titles(key, exact=True)
        return found[0].title if len(found) == 1 else None


def title_key(text: str) -> str | None:
    """The lower-cased full-title form of what someone typed (``help:ed`` for ``Bantuan:ed``),
    keeping a trailing space; None when it cannot start a title."""
    raw = " ".join(text.replace("_", " ").split())
    if not raw:
        return None
    trailing = " " if text.endswith((" ", "_")) else ""
    try:
        return title_rules.parse(raw).full.lower() + trailing
    except InvalidTitle:
        return None
