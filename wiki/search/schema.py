"""The index schema and the text analysis: how a page becomes words, and a query word a term.

One document per page (and one *meta* document for the watermark). Each text field comes twice:
as written (exact, with positions for phrases) and stemmed in the page's own language
(Indonesian or English, detected per page): the indexer stems, so one field holds both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from whoosh import columns as wcolumns
from whoosh import fields as wfields
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.lang import stemmer_for_language

from wiki.search import indonesian
from wiki.search.language import FUNCTION_WORDS

#: Bump when the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 3
META_ID = "meta"  # page_id of the one document that holds the watermark (real ids are digits)
STORED_BODY_CHARS = 32_768  # body text kept in the index for snippets
MAX_TOKEN_CHARS = 80  # longer "words" (base64, hashes) are not indexed

WORD_RE = re.compile(r"\w+")
# --- analysis --------------------------------------------------------------------------------

_snowball_en = stemmer_for_language("en")


@lru_cache(maxsize=200_000)
def stem_en(word: str) -> str:
    """English snowball (Porter2) stem of a lower-case word."""
    result: str = _snowball_en(word)
    return result


STEMMERS: dict[str, Callable[[str], str]] = {"en": stem_en, "id": indonesian.stem}


def exact_analyzer() -> Any:
    """Words as written: split on non-word characters, lower-cased. Function words stay, for
    phrases and exact titles ("How to …")."""
    return (
        RegexTokenizer(WORD_RE.pattern)
        | LowercaseFilter()
        | StopFilter(stoplist=(), minsize=1, maxsize=MAX_TOKEN_CHARS)
    )


def stemmed_analyzer() -> Any:
    """For text the indexer has already stemmed in the page's language: split on spaces."""
    return RegexTokenizer(r"\S+")


def stem_words(text: str, lang: str) -> list[str]:
    """The stems of ``text``'s words in ``lang``, without function words (they never have to
    match, so their long posting lists are not kept in the stemmed fields)."""
    stem = STEMMERS[lang]
    return [
        stem(w)
        for w in WORD_RE.findall(text.lower())
        if w not in FUNCTION_WORDS and len(w) <= MAX_TOKEN_CHARS
    ]


def stem_text(text: str, lang: str) -> str:
    """``stem_words`` as one string, for a stemmed field."""
    return " ".join(stem_words(text, lang))


def make_schema() -> Any:
    """The index schema: one document per page (and one for the watermark)."""
    exact, stemmed = exact_analyzer(), stemmed_analyzer()
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
        # The page's language ("id" or "en": detected from its text, else the site's); the
        # stemmed fields below are stemmed in it.
        lang=wfields.ID(stored=True),
        # Title words stemmed.
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


def analyze(analyzer: Any, text: str) -> list[str]:
    """The terms ``analyzer`` makes of ``text``, in order."""
    return [t.text for t in analyzer(text)]
