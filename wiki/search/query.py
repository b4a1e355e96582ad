"""Query planning and ranking: what a page must match for a parsed query, the score bonuses on
top of BM25F, and one page of ranked results.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh.collectors import TopCollector

from wiki.errors import N_
from wiki.search import spelling
from wiki.search.results import MAX_LIMIT, PAGE_SIZE, Notice, Results
from wiki.search.schema import analyze
from wiki.search.snippets import highlight_terms, make_hit
from wiki.search.store import Store
from wiki.search.syntax import MAX_CLAUSES, MAX_QUERY_CHARS, Clause, ParsedQuery, parse_query
from wiki.search.titles import title_key
from wiki.search.view import TIME_LIMIT, BoundedCollector, TimeLimit, View
from wiki.text import titles

MAX_WILDCARD_TERMS = 64  # terms a "word*" expands to
RESCORE_WINDOW = 40  # documents whose exact-form bonus is computed (see collect)

# Query-side boosts (linear, on top of BM25F). A word found as written scores in both its exact
# and its stemmed field; a variant form scores only in the stemmed one, so exact ranks higher.
EXACT_BOOST = 1.5
TITLE_BOOST = 4.0
REDIRECT_BOOST = 3.0
HEADING_BOOST = 1.8
CATEGORY_BOOST = 1.5


@dataclass
class Part:
    """One clause: the query a page must match, and bonus queries that only add to its score
    (``window``: scored for the best pages by the stemmed text; ``small``: title and redirects,
    which match few pages, scored for all of them)."""

    required: Any
    window: list[Any] = field(default_factory=list)
    small: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    required: Any
    window: list[Any]  # scored one by one: a union of them would cost more per document
    small: Any | None


def any_of(queries: Iterable[Any | None]) -> Any:
    subs = [q for q in queries if q is not None]
    if not subs:
        return wq.NullQuery
    return subs[0] if len(subs) == 1 else wq.Or(subs)


def all_scores(searcher: Any, q: Any) -> dict[int, float]:
    """Every document ``q`` matches, with its score (for queries that match few)."""
    scores: dict[int, float] = {}
    context = searcher.context()
    for sub, offset in searcher.leaf_searchers():
        m = q.matcher(sub, context)
        while m.is_active():
            scores[m.id() + offset] = m.score()
            m.next()
    return scores


def score_docs(searcher: Any, q: Any, docs: list[int]) -> dict[int, float]:
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


def clause_query(store: Store, clause: Clause, reader: Any) -> Part | None:
    """What a page must match for one clause, and what adds to its score."""
    exact = analyze(store.exact, clause.text)
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
        return Part(any_of(term(n, t, b) for n, b in exact_fields for t in sorted(terms)))
    if clause.phrase or len(exact) > 1:
        if len(exact) == 1:
            phrase = any_of(term(n, exact[0], b * EXACT_BOOST) for n, b in exact_fields)
        else:
            phrase = wq.Or([wq.Phrase(n, exact, boost=b * EXACT_BOOST) for n, b in exact_fields])
        if clause.phrase:
            return Part(phrase)
        # "e-mail", "2024/25": one word, several tokens; all must be there, and together
        # they score more.
        field = "title_stem" if clause.title_only else "text_stem"
        required = wq.And([wq.Term(field, store.stem(w)) for w in exact])
        return Part(required, window=[phrase])
    word = exact[0]
    stem = store.stem(word)
    if clause.title_only:
        return Part(
            any_of([term("title_stem", stem), term("redirects", word)]),
            small=[term("title", word, TITLE_BOOST * EXACT_BOOST)],
        )
    return Part(
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


def build_query(store: Store, parsed: ParsedQuery, reader: Any) -> Plan | None:
    """The whoosh queries for a parsed query: what must match (AND of the groups, OR within
    one, minus the excluded words), and the two kinds of score bonus."""
    required: list[Any] = []
    window: list[Any] = []
    small: list[Any] = []
    for group in parsed.groups:
        parts = [p for p in (clause_query(store, c, reader) for c in group) if p is not None]
        if parts:
            required.append(any_of(p.required for p in parts))
            window.extend(b for p in parts for b in p.window if b is not None)
            small.extend(b for p in parts for b in p.small if b is not None)
    if not required:
        return None
    q = required[0] if len(required) == 1 else wq.And(required)
    excluded = [p for p in (clause_query(store, c, reader) for c in parsed.excluded) if p]
    if excluded:
        q = wq.AndNot(q, any_of(p.required for p in excluded))
    return Plan(q, window, any_of(small) if small else None)


def prefix_docs(view: View, prefix: str) -> tuple[set[int], list[int]]:
    """Documents whose full title starts with ``prefix`` (case-insensitive), in title
    order."""
    key = title_key(prefix)
    if key is None:
        return set(), []
    docs = [h.docnum for h in view.titles(key)]
    return set(docs), docs


def search(
    store: Store,
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
    with store.lock:
        view = store.get_view()
        if view is None:
            notices.append(Notice(N_("The search index is being built. Try again shortly.")))
            return Results(text, [], 0, offset, limit, notices=notices)
        reader = view.reader
        q = build_query(store, parsed, reader)
        allow = view.in_namespaces(ns)
        prefix_order: list[int] = []
        if parsed.prefix is not None:
            prefix_set, prefix_order = prefix_docs(view, parsed.prefix)
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
            docs = [d for d in prefix_order if d not in hidden and (allow is None or d in allow)]
            page = docs[offset : offset + limit]
            total = len(docs)
        else:
            page, total, timed_out = collect(view, q, allow, hidden, sort, offset, limit)
            if timed_out:
                notices.append(
                    Notice(N_("The search took too long; the results may be incomplete."))
                )
        exact_terms, stems = highlight_terms(store, parsed)
        hits = [make_hit(store, view, d, exact_terms, stems) for d in page]
        suggestion = spelling.suggest(store, reader, parsed, text) if total < 5 else None
    return Results(text, hits, total, offset, limit, suggestion, notices)


def collect(
    view: View,
    plan: Plan,
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
    collector = BoundedCollector(child, TIME_LIMIT, allow, hidden)
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
            for d, s in all_scores(searcher, plan.small).items()
            if d not in hidden and (allow is None or d in allow)
        }
        extra = sorted(d for d in small if d not in scores)
        scores.update(score_docs(searcher, plan.required, extra))  # those that match
    candidates = sorted(scores)
    for bonus_query in plan.window:
        for d, bonus in score_docs(searcher, bonus_query, candidates).items():
            scores[d] += bonus
    for d in scores:
        scores[d] += small.get(d, 0.0)
    ranked = sorted(scores, key=lambda d: (-scores[d], d))
    return ranked[offset:want], total, timed_out
