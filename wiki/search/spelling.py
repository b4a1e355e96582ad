"""Spelling suggestions from the index's own vocabulary ("did you mean")."""

from __future__ import annotations

import re
from typing import Any

from wiki.search.schema import analyze
from wiki.search.store import Store
from wiki.search.syntax import ParsedQuery


def suggest(store: Store, reader: Any, parsed: ParsedQuery, text: str) -> str | None:
    """The query with misspelt words replaced by the index's most common near words."""
    suggested = text
    changed = False
    for word in parsed.words:
        tokens = analyze(store.exact, word)
        if len(tokens) != 1 or not 3 <= len(tokens[0]) <= 30:
            continue
        token = tokens[0]
        if any(reader.doc_frequency(f, token) for f in ("title", "body")):
            continue
        if reader.doc_frequency("text_stem", store.stem(token)):
            continue
        better = near_word(reader, token)
        if better is None:
            continue
        pattern = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)", re.IGNORECASE)
        suggested = pattern.sub(better, suggested, count=1)
        changed = True
    return suggested if changed and suggested != text else None


def near_word(reader: Any, word: str) -> str | None:
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
