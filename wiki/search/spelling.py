"""Spelling corrections from the index's own vocabulary (titles and text as written).

A word of the query that is in no page, neither as written nor by its stem, is replaced by the
nearest word of the index (edit distance 1, then 2; the first letter kept). Among those, the
one found with the query's other words wins, then the more frequent. A lone word is only
suggested when it is in at least ``MIN_FREQUENCY`` pages of the query's language (the site's,
when the query does not say), so an Indonesian "ANJING" is not "corrected" to an English
"adding" that one page happens to use.
"""

from __future__ import annotations

import re

from whoosh import query as wq

from wiki.search.language import FUNCTION_WORDS
from wiki.search.planning import stems_of
from wiki.search.schema import analyze
from wiki.search.store import Store
from wiki.search.syntax import ParsedQuery
from wiki.search.view import View

MIN_FREQUENCY = 2  # pages a suggested word must be in, unless it is found with the other words
MAX_CANDIDATES = 40  # near words weighed per misspelt word


def suggest(
    store: Store, view: View, parsed: ParsedQuery, text: str, languages: tuple[str, ...]
) -> str | None:
    """The query with misspelt words replaced by the index's best near words, or None."""
    reader = view.reader
    searcher = view.searcher
    tokens: list[tuple[str, str]] = []  # (word as typed, its one token)
    for word in parsed.words:
        analyzed = analyze(store.exact, word)
        if len(analyzed) == 1:
            tokens.append((word, analyzed[0]))
    known: list[list[str]] = []  # stems of the words the index has
    unknown: list[tuple[str, str]] = []
    for word, token in tokens:
        if token in FUNCTION_WORDS:
            continue
        stems = stems_of(token, languages)
        if any(reader.doc_frequency(f, token) for f in ("title", "body")) or any(
            reader.doc_frequency("text_stem", s) for s in stems
        ):
            known.append(stems)
        elif 3 <= len(token) <= 30:
            unknown.append((word, token))
    if not unknown:
        return None
    context: set[int] = set()  # pages with one of the other words
    for stems in known:
        context.update(searcher.docs_for_query(wq.Or([wq.Term("text_stem", s) for s in stems])))
    own = languages if len(languages) == 1 else (store.language,)
    suggested = text
    for word, token in unknown:
        better = near_word(view, token, context, own)
        if better is None:
            continue
        pattern = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)", re.IGNORECASE)
        suggested = pattern.sub(better, suggested, count=1)
    return suggested if suggested != text else None


def near_word(view: View, word: str, context: set[int], languages: tuple[str, ...]) -> str | None:
    """The best word of the index within edit distance 1 (then 2) of ``word``."""
    reader = view.reader
    in_language = view.in_languages(languages)
    for maxdist in (1, 2):
        if maxdist == 2 and len(word) < 5:
            break
        found: set[str] = set()
        for fieldname in ("title", "body"):
            for term in reader.terms_within(fieldname, word, maxdist, prefix=1):
                found.add(term)
                if len(found) >= MAX_CANDIDATES:
                    break
        found.discard(word)
        best: tuple[int, int, str] | None = None
        for term in found:
            docs = set(
                view.searcher.docs_for_query(wq.Or([wq.Term("title", term), wq.Term("body", term)]))
            )
            together = len(docs & context)
            frequent = len(docs & in_language) >= MIN_FREQUENCY
            if not (together or frequent):
                continue
            weight = (together, len(docs), term)
            if best is None or weight[:2] > best[:2] or (weight[:2] == best[:2] and term < best[2]):
                best = weight
        if best is not None:
            return best[2]
    return None
