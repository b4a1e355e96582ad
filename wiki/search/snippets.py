"""Result lines: the words to mark in a hit's title and snippet, and the hit itself."""

from __future__ import annotations

from datetime import UTC, datetime

from wiki.search.language import LANGUAGES, of_query
from wiki.search.planning import stems_of
from wiki.search.results import Hit
from wiki.search.schema import STEMMERS, analyze, exact_analyzer
from wiki.search.syntax import ParsedQuery, highlight, join_blocks
from wiki.search.view import View

_EXACT = exact_analyzer()


def highlight_terms(parsed: ParsedQuery) -> tuple[set[str], set[str]]:
    """The words to mark as written, and the stems (in the query's languages) to mark."""
    languages = of_query(parsed.words)
    exact: set[str] = set()
    stems: set[str] = set()
    for group in parsed.groups:
        for c in group:
            words = analyze(_EXACT, c.text)
            exact.update(words)
            if not c.phrase:
                for w in words:
                    stems.update(stems_of(w, languages))
    return exact, stems


def make_hit(view: View, docnum: int, exact: set[str], stems: set[str]) -> Hit:
    stored = view.searcher.stored_fields(docnum)
    lang = stored.get("lang") or ""
    stem = STEMMERS[lang if lang in LANGUAGES else "id"]
    body = join_blocks(stored.get("body") or "")
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
