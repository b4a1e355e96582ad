"""Result lines: the words to mark in a hit's title and snippet, and the hit itself."""

from __future__ import annotations

from datetime import UTC, datetime

from wiki.search.results import Hit
from wiki.search.schema import analyze
from wiki.search.store import Store
from wiki.search.syntax import ParsedQuery, highlight
from wiki.search.view import View


def highlight_terms(store: Store, parsed: ParsedQuery) -> tuple[set[str], set[str]]:
    exact: set[str] = set()
    stems: set[str] = set()
    for group in parsed.groups:
        for c in group:
            words = analyze(store.exact, c.text)
            exact.update(words)
            if not c.phrase:
                stems.update(store.stem(w) for w in words)
    return exact, stems


def make_hit(store: Store, view: View, docnum: int, exact: set[str], stems: set[str]) -> Hit:
    stored = view.searcher.stored_fields(docnum)
    stem = store.stem
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
