"""Searching: one page of ranked results for a search box query, relaxed when all the words
find too little, and corrected when a word is misspelt.

Ranking has two steps, so that the common case stays one fast intersection of posting lists:
(1) the best ``RESCORE_WINDOW`` documents (or more, for later pages) by the stemmed text alone;
(2) those, plus every matching document with a query word in its title or redirects (few), get
their exact-form, heading and title bonuses, and the page is cut from that.

**Relaxation** (as CirrusSearch and Elasticsearch's ``minimum_should_match`` do): when all the
words find fewer than ``ENOUGH`` pages, pages with *most* of the words follow them, then pages
with *any* of them, ranked by BM25F with the same bonuses times the share of words they have.
**Correction**: when all the words find too little and a word is not in the index, the query
with the nearest words of the index's vocabulary is searched, and used when it finds more
("Showing results for …"). The reader is told both.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from whoosh.collectors import TopCollector

from wiki.errors import N_
from wiki.search import spelling
from wiki.search.planning import Plan, build_query
from wiki.search.results import MAX_LIMIT, PAGE_SIZE, Notice, Results
from wiki.search.snippets import highlight_terms, make_hit
from wiki.search.store import Store
from wiki.search.syntax import MAX_CLAUSES, MAX_QUERY_CHARS, ParsedQuery, parse_query
from wiki.search.titles import title_key
from wiki.search.view import TIME_LIMIT, BoundedCollector, TimeLimit, View
from wiki.text import titles

RESCORE_WINDOW = 40  # documents whose exact-form bonus is computed (see collect)
ENOUGH = 3  # pages that all the words must find before the query is not relaxed
RELAX_WINDOW = 100  # best any-word pages looked at when relaxing
MOST_WORDS = 0.75  # share of the words "most words" means (rounded down, at least 1)

ALL_WORDS, MOST, ANY = 0, 1, 2  # how far a query was relaxed


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


def prefix_docs(view: View, prefix: str) -> tuple[set[int], list[int]]:
    """Documents whose full title starts with ``prefix`` (case-insensitive), in title order."""
    key = title_key(prefix)
    if key is None:
        return set(), []
    docs = [h.docnum for h in view.titles(key)]
    return set(docs), docs


@dataclass
class Ranked:
    """Documents in rank order (at most what was asked for), and what it took."""

    docs: list[int]
    total: int  # matching pages (all result pages)
    exact_total: int  # of those, pages with all the words
    level: int = ALL_WORDS
    timed_out: bool = False
    scores: dict[int, float] = field(default_factory=dict)


def most_needed(n: int) -> int:
    """How many of ``n`` words "most words" means."""
    return max(1, int(n * MOST_WORDS))


def rank(
    view: View,
    plan: Plan,
    allow: set[int] | None,
    hidden: set[int],
    sort: str,
    want: int,
) -> Ranked:
    """All the words; relaxed to most, then any, when they find fewer than ``ENOUGH`` pages."""
    docs, total, timed_out, scores = collect(
        view, plan.all_words(), plan, allow, hidden, sort, want
    )
    ranked = Ranked(docs, total, total, ALL_WORDS, timed_out, scores)
    n = len(plan.groups)
    if n < 2 or total >= ENOUGH or sort != "relevance":
        return ranked
    any_docs, any_total, late, any_scores = collect(
        view, plan.any_word(), plan, allow, hidden, sort, max(want, RELAX_WINDOW), skip=True
    )
    ranked.timed_out = ranked.timed_out or late
    seen = set(docs)
    candidates = sorted(d for d in any_docs if d not in seen)
    matched = dict.fromkeys(candidates, 0)
    for group in plan.groups:
        for d in score_docs(view.searcher, group, candidates):
            matched[d] += 1
    need = most_needed(n)
    by_score = sorted(candidates, key=lambda d: (-any_scores[d] * matched[d] / n, d))
    most = [d for d in by_score if matched[d] >= need]
    rest = [d for d in by_score if matched[d] < need]
    if most:
        ranked.docs = docs + most
        ranked.level = MOST
    if len(ranked.docs) < ENOUGH and rest:
        ranked.docs = ranked.docs + rest
        ranked.level = ANY
    ranked.total = total + len(ranked.docs) - len(docs)
    if ranked.level == ANY:
        ranked.total = max(ranked.total, any_total)
    return ranked


def _ns_of(parsed: ParsedQuery, namespaces: Collection[int] | None) -> tuple[int, ...] | None:
    if parsed.namespaces is not None:
        return parsed.namespaces
    return tuple(sorted(set(namespaces))) if namespaces is not None else None


def search(
    store: Store,
    text: str,
    *,
    namespaces: Collection[int] | None = (titles.NS_MAIN,),
    sort: str = "relevance",
    offset: int = 0,
    limit: int = PAGE_SIZE,
    correct: bool = True,
) -> Results:
    """Ranked results (BM25F) for a search box query; never raises for odd input.

    ``namespaces=None`` searches all of them; ``sort`` is ``relevance`` or ``last_edit``
    (newest first). A namespace at the start of the query overrides ``namespaces``. With
    ``correct`` (the default), a query that finds little is searched in its corrected spelling
    when that finds more ("Search instead for" turns it off).
    """
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, min(offset, 10_000))
    want = offset + limit
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
    with store.lock:
        view = store.get_view()
        if view is None:
            notices.append(Notice(N_("The search index is being built. Try again shortly.")))
            return Results(text, [], 0, offset, limit, notices=notices)
        reader = view.reader
        plan = build_query(store, parsed, reader)
        allow = view.in_namespaces(_ns_of(parsed, namespaces))
        prefix_order: list[int] = []
        if parsed.prefix is not None:
            prefix_set, prefix_order = prefix_docs(view, parsed.prefix)
            allow = prefix_set if allow is None else prefix_set & allow
        hidden = view.hidden()
        if plan is None and parsed.prefix is None:
            if parsed.excluded:
                msg = N_("Add a word to search for: a search cannot only exclude words.")
            else:
                msg = N_("Type some words to search for.")
            notices.append(Notice(msg))
            return Results(text, [], 0, offset, limit, notices=notices)
        suggestion = corrected = None
        shown = parsed
        if plan is None:  # prefix: only — list those titles in order
            docs = [d for d in prefix_order if d not in hidden and (allow is None or d in allow)]
            ranked = Ranked(docs[:want], len(docs), len(docs))
        else:
            ranked = rank(view, plan, allow, hidden, sort, want)
            if ranked.exact_total < ENOUGH:
                suggestion = spelling.suggest(store, view, parsed, text, plan.languages)
            if suggestion is not None and correct:
                fixed = parse_query(suggestion)
                fixed_plan = build_query(store, fixed, reader)
                if fixed_plan is not None:
                    better = rank(view, fixed_plan, allow, hidden, sort, want)
                    if (better.level, -better.exact_total) < (ranked.level, -ranked.exact_total):
                        ranked, shown, corrected, suggestion = better, fixed, suggestion, None
            if ranked.timed_out:
                notices.append(
                    Notice(N_("The search took too long; the results may be incomplete."))
                )
            if ranked.level == MOST:
                notices.append(
                    Notice(
                        N_(
                            "Few pages contain all of these words, so pages that contain "
                            "most of them are shown too."
                        )
                    )
                )
            elif ranked.level == ANY:
                notices.append(
                    Notice(
                        N_(
                            "Few pages contain all of these words, so pages that contain "
                            "some of them are shown too."
                        )
                    )
                )
        exact_terms, stems = highlight_terms(shown)
        hits = [make_hit(view, d, exact_terms, stems) for d in ranked.docs[offset:want]]
    return Results(
        text, hits, ranked.total, offset, limit, suggestion, notices, corrected=corrected
    )


def collect(
    view: View,
    required: Any,
    plan: Plan,
    allow: set[int] | None,
    hidden: set[int],
    sort: str,
    want: int,
    *,
    skip: bool = False,
) -> tuple[list[int], int, bool, dict[int, float]]:
    """The best ``want`` documents matching ``required``, in rank order; the number that
    match; whether time ran out; and the scores. With ``skip`` (an OR of common words), blocks
    that cannot reach the top are skipped by their quality, and the number is a lower bound.

    Step (2) of the ranking misses no title match; a page outside the window could only gain
    from its body using the exact form.
    """
    searcher = view.searcher
    window = max(RESCORE_WINDOW, 2 * want)
    if sort == "last_edit":
        child = searcher.collector(limit=want, sortedby="modified", reverse=True)
    else:
        # No block-quality skipping: it skips little here, and without it the collector
        # counts every match, so the total needs no second pass.
        child = TopCollector(window, usequality=skip)
    collector = BoundedCollector(child, TIME_LIMIT, allow, hidden)
    timed_out = False
    try:
        searcher.search_with_collector(required, collector)
    except TimeLimit:
        timed_out = True
    results = collector.results()
    first = [(results.docnum(i), results.score(i)) for i in range(results.scored_length())]
    total = max(collector.collected, len(first))
    if sort == "last_edit":
        return [d for d, _ in first[:want]], total, timed_out, {}
    scores = {d: s or 0.0 for d, s in first}
    small: dict[int, float] = {}
    if plan.small is not None:  # title-like matches are few: score them all
        small = {
            d: s
            for d, s in all_scores(searcher, plan.small).items()
            if d not in hidden and (allow is None or d in allow)
        }
        extra = sorted(d for d in small if d not in scores)
        scores.update(score_docs(searcher, required, extra))  # those that match
    candidates = sorted(scores)
    for bonus_query in plan.window:
        for d, bonus in score_docs(searcher, bonus_query, candidates).items():
            scores[d] += bonus
    for d in scores:
        scores[d] += small.get(d, 0.0)
    ranked = sorted(scores, key=lambda d: (-scores[d], d))
    return ranked[:want], total, timed_out, scores
