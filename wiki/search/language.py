"""Which language a page or a query is in (Indonesian or English), and the function words of
both. Pure: no I/O.

A cheap detector: it counts the function words of each language among a text's first words.
Function words are frequent, short and barely shared between the two languages, so a few dozen
words are enough; a text with too few of either (a list, a table, a name) is *unclear*, and
the caller falls back to the site language (pages) or to both analyses (queries).
"""

from __future__ import annotations

import re
from itertools import islice

from wiki.search import indonesian

LANGUAGES = ("id", "en")
SAMPLE_WORDS = 400  # words of a page looked at
MIN_EVIDENCE = 3  # function words needed before a page's language is called
_WORD_RE = re.compile(r"\w+")

#: English function words, and the question words readers type ("how do I …").
ENGLISH = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)

#: Indonesian function words, and the question and request words of natural questions
#: ("bagaimana cara …", "berapa lama …", "siapa yang …").
INDONESIAN = indonesian.STOPWORDS | frozenset(
    [
        "apa",
        "apakah",
        "bagaimana",
        "bagaimanakah",
        "berapa",
        "berapakah",
        "cara",
        "caranya",
        "kapan",
        "kenapa",
        "mengapa",
        "siapa",
        "siapakah",
        "mana",
        "dimana",
        "bisakah",
        "bolehkah",
        "harus",
        "kalau",
        "jika",
        "gimana",
        "gmn",
        "bgmn",
        "yg",
        "utk",
        "untuk",
        "saya",
        "aku",
        "kami",
        "kita",
        "mau",
        "ingin",
        "perlu",
        "tolong",
        "mohon",
        "supaya",
        "biar",
        "padahal",
        "sih",
        "dong",
        "kah",
    ]
)

#: Words that never have to match: a query keeps them only for phrases, exact titles and as a
#: small bonus. Words that mean something in the other language (e.g. English "can", Indonesian
#: "bisa") are in their own list only.
FUNCTION_WORDS = ENGLISH | INDONESIAN


def _counts(words: list[str]) -> tuple[int, int]:
    """(Indonesian, English) function words among ``words`` (lower-case)."""
    ind = sum(1 for w in words if w in INDONESIAN and w not in ENGLISH)
    eng = sum(1 for w in words if w in ENGLISH and w not in INDONESIAN)
    return ind, eng


def detect(text: str, default: str) -> str:
    """The language of a page's text: ``id`` or ``en``; ``default`` when unclear."""
    words = [m.group().lower() for m in islice(_WORD_RE.finditer(text), SAMPLE_WORDS)]
    ind, eng = _counts(words)
    if max(ind, eng) < MIN_EVIDENCE or ind == eng:
        return default
    return "id" if ind > eng else "en"


def of_query(words: list[str]) -> tuple[str, ...]:
    """The languages to analyse a query in: one when its function words say so, else both."""
    ind, eng = _counts([w.lower() for w in words])
    if ind > eng:
        return ("id",)
    if eng > ind:
        return ("en",)
    return LANGUAGES
