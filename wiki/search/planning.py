"""Query planning: what a page must match for each part of a parsed query, and what only adds
to its score (BM25F plus linear boosts for titles, headings, redirects and the exact form).

A word is looked up by its stems in the query's languages (both, when the query does not say):
pages are stemmed in their own language, so an English page is found by an English stem and an
Indonesian one by an Indonesian stem. Function and question words ("bagaimana", "untuk", "how")
never have to match; they still count in titles, phrases and the exact-form bonus.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from wiki.search.language import FUNCTION_WORDS, of_query
from wiki.search.schema import STEMMERS, analyze
from wiki.search.store import Store
from wiki.search.syntax import Clause, ParsedQuery

MAX_WILDCARD_TERMS = 64  # terms a "word*" expands to

# Query-side boosts (linear, on top of BM25F). A word found as written scores in both its exact
# and its stemmed field; a variant form scores only in the stemmed one, so exact ranks higher.
EXACT_BOOST = 1.5
TITLE_BOOST = 4.0
REDIRECT_BOOST = 3.0
HEADING_BOOST = 1.8
CATEGORY_BOOST = 1.5
FUNCTION_WORD_BOOST = 0.3  # a function word found in a page adds only a little


@dataclass
class Part:
    """One clause: the query a page must match (None for a function word, which never has to),
    what it matches when every word of the query is a function word (``fallback``), and bonus
    queries that only add to a page's score (``window``: scored for the best pages by the
    stemmed text; ``small``: title and redirects, which match few pages, scored for all)."""

    required: Any | None
    window: list[Any] = field(default_factory=list)
    small: list[Any] = field(default_factory=list)
    fallback: Any | None = None


@dataclass(frozen=True)
class Plan:
    """A query planned: one required query per group (all must match, or, relaxed, most or
    any), the excluded words, the score bonuses, and the languages it was analysed in."""

    groups: list[Any]
    excluded: Any | None
    window: list[Any]  # scored one by one: a union of them would cost more per document
    small: Any | None
    languages: tuple[str, ...]

    def _without(self, q: Any) -> Any:
        return wq.AndNot(q, self.excluded) if self.excluded is not None else q

    def all_words(self) -> Any:
        return self._without(self.groups[0] if len(self.groups) == 1 else wq.And(self.groups))

    def any_word(self) -> Any:
        return self._without(wq.Or(self.groups))


def any_of(queries: Iterable[Any | None]) -> Any:
    subs = [q for q in queries if q is not None]
    if not subs:
        return wq.NullQuery
    return subs[0] if len(subs) == 1 else wq.Or(subs)


def stems_of(word: str, languages: tuple[str, ...]) -> list[str]:
    """The word's stems in each language, without repeats, in a stable order."""
    out: list[str] = []
    for lang in languages:
        s = STEMMERS[lang](word)
        if s not in out:
            out.append(s)
    return out


def clause_query(
    store: Store, clause: Clause, reader: Any, languages: tuple[str, ...]
) -> Part | None:
    """What a page must match for one clause, and what adds to its score."""
    exact = analyze(store.exact, clause.text)
    if not exact:
        return None

    def term(fieldname: str, text: str, boost: float = 1.0) -> Any | None:
        return wq.Term(fieldname, text, boost=boost) if (fieldname, text) in reader else None

    def stemmed(fieldname: str, word: str, boost: float = 1.0) -> Any:
        return any_of(wq.Term(fieldname, s, boost=boost) for s in stems_of(word, languages))

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
        content = [w for w in exact if w not in FUNCTION_WORDS]
        if clause.phrase or not content:
            return Part(phrase)
        # "e-mail", "2024/25": one word, several tokens; all must be there, and together
        # they score more.
        field = "title_stem" if clause.title_only else "text_stem"
        return Part(wq.And([stemmed(field, w) for w in content]), window=[phrase])
    word = exact[0]
    if clause.title_only:
        return Part(
            any_of([stemmed("title_stem", word), term("redirects", word)]),
            small=[term("title", word, TITLE_BOOST * EXACT_BOOST)],
        )
    if word in FUNCTION_WORDS:
        return Part(
            None,
            window=[term("body", word, FUNCTION_WORD_BOOST)],
            small=[term("title", word, TITLE_BOOST * FUNCTION_WORD_BOOST)],
            fallback=any_of(term(n, word, b) for n, b in exact_fields),
        )
    return Part(
        stemmed("text_stem", word),
        window=[
            term("body", word, EXACT_BOOST),
            term("headings", word, HEADING_BOOST * EXACT_BOOST),
            stemmed("headings_stem", word, HEADING_BOOST),
            term("categories", word, CATEGORY_BOOST),
        ],
        small=[
            term("title", word, TITLE_BOOST * EXACT_BOOST),
            stemmed("title_stem", word, TITLE_BOOST),
            term("redirects", word, REDIRECT_BOOST * EXACT_BOOST),
        ],
    )


def build_query(store: Store, parsed: ParsedQuery, reader: Any) -> Plan | None:
    """The whoosh queries for a parsed query: one required query per group (OR within it),
    minus the excluded words, and the two kinds of score bonus. A query of function words
    only ("the who") must match them as written."""
    languages = of_query(parsed.words)
    groups: list[Any] = []
    fallbacks: list[Any] = []
    window: list[Any] = []
    small: list[Any] = []
    for group in parsed.groups:
        parts = [
            p for p in (clause_query(store, c, reader, languages) for c in group) if p is not None
        ]
        if not parts:
            continue
        if all(p.required is None for p in parts):
            fallbacks.append(any_of(p.fallback for p in parts))
        else:
            groups.append(
                any_of(p.required if p.required is not None else p.fallback for p in parts)
            )
        window.extend(b for p in parts for b in p.window if b is not None)
        small.extend(b for p in parts for b in p.small if b is not None)
    if not groups:
        groups = fallbacks
    if not groups:
        return None
    excluded_parts = [clause_query(store, c, reader, languages) for c in parsed.excluded]
    excluded = [p.required if p.required is not None else p.fallback for p in excluded_parts if p]
    return Plan(
        groups,
        any_of(excluded) if excluded else None,
        window,
        any_of(small) if small else None,
        languages,
    )
