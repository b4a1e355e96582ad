"""The search box's language and the snippets of results: pure, no I/O, no whoosh.

``parse_query`` takes a query apart (MediaWiki's syntax); ``highlight`` picks the part of a
page's text that shows the matched words best. ``wiki.search.query`` turns both into whoosh.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from wiki.errors import InvalidTitle
from wiki.text import titles

MAX_QUERY_CHARS = 300  # MediaWiki's limit too; longer queries are cut, with a notice
MAX_CLAUSES = 32  # words, phrases and exclusions per query
SNIPPET_CHARS = 220

Segment = tuple[str, bool]  # a piece of text, and whether it is a matched word

_WORD_RE = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")


# --- the query language ----------------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    """One part of a query: a word, or a quoted phrase."""

    text: str
    phrase: bool = False  # "quoted": exact words in this order, no stemming
    title_only: bool = False  # intitle:
    wildcard: bool = False  # word*


@dataclass(frozen=True)
class ParsedQuery:
    """A query string taken apart: all groups must match (a group is clauses joined by OR)."""

    groups: tuple[tuple[Clause, ...], ...]
    excluded: tuple[Clause, ...]
    prefix: str | None  # prefix:Title — only titles starting with this
    namespaces: tuple[int, ...] | None  # from "Help:..." or "all:" at the start
    truncated: bool  # too long or too many clauses: the rest was ignored

    @property
    def words(self) -> list[str]:
        """Plain (unquoted, unwildcarded) words, for "did you mean"."""
        return [
            c.text for g in self.groups for c in g if not c.phrase and not c.wildcard and c.text
        ]


_PREFIX_RE = re.compile(r"(?:^|\s)prefix:(.*)\Z", re.IGNORECASE | re.DOTALL)
_NS_RE = re.compile(r"\s*([^\W\d][\w ]*?)\s*:(?!\s*$)(.*)\Z", re.DOTALL)
_CLAUSE_RE = re.compile(
    r"""(?P<neg>[-!])?(?:(?P<field>intitle):)?(?:"(?P<phrase>[^"]*)(?:"|\Z)|(?P<word>[^\s"]+))""",
    re.IGNORECASE,
)


def _namespace_prefix(text: str) -> tuple[tuple[int, ...] | None, str]:
    """``Help:editing`` searches the Help namespace, ``all:x`` every namespace (as MediaWiki)."""
    match = _NS_RE.match(text)
    if match is None:
        return None, text
    name, rest = match.group(1), match.group(2)
    if name.lower() == "all":
        return tuple(ns for ns in titles.content_namespaces()), rest
    if name.lower() in ("intitle", "prefix"):
        return None, text
    try:
        ns = titles.parse(name + ":x").ns
    except InvalidTitle:
        return None, text
    if ns in (titles.NS_MAIN, titles.NS_SPECIAL):
        return None, text
    return (ns,), rest


def parse_query(text: str) -> ParsedQuery:
    """Take a search box query apart. Never fails: anything unparseable is read as words.

    Syntax (MediaWiki's): ``"a phrase"``, ``-word`` or ``-"a phrase"`` to exclude,
    ``intitle:word``, ``word*``, ``a OR b`` (``AND`` is the default), ``prefix:Title`` at the
    end, and a namespace name at the start (``Help:editing``, ``all:anything``).
    """
    truncated = len(text) > MAX_QUERY_CHARS
    text = " ".join(text[:MAX_QUERY_CHARS].split())
    prefix = None
    match = _PREFIX_RE.search(text)
    if match is not None:
        prefix = match.group(1).strip() or None
        text = text[: match.start()]
    namespaces, text = _namespace_prefix(text)
    groups: list[list[Clause]] = []
    excluded: list[Clause] = []
    join_or = negate_next = False
    count = 0
    for m in _CLAUSE_RE.finditer(text):
        word = m.group("word")
        if word in ("AND", "&&"):
            continue
        if word in ("OR", "||"):
            join_or = bool(groups)
            continue
        if word == "NOT":
            negate_next = True
            continue
        if count >= MAX_CLAUSES:
            truncated = True
            break
        count += 1
        phrase = m.group("phrase")
        wildcard = word is not None and word.endswith("*") and len(word.rstrip("*")) >= 2
        clause = Clause(
            text=(phrase if phrase is not None else word.rstrip("*")).strip(),
            phrase=phrase is not None,
            title_only=m.group("field") is not None,
            wildcard=wildcard,
        )
        if not clause.text:
            continue
        if m.group("neg") or negate_next:
            excluded.append(clause)
        elif join_or:
            groups[-1].append(clause)
        else:
            groups.append([clause])
        join_or = negate_next = False
    return ParsedQuery(
        groups=tuple(tuple(g) for g in groups),
        excluded=tuple(excluded),
        prefix=prefix,
        namespaces=namespaces,
        truncated=truncated,
    )


# --- snippets --------------------------------------------------------------------------------


_BLOCK_END = re.compile(r"[.!?:;…)\]\"'»”]\s*\Z")
BLOCK_SEPARATOR = " · "


def join_blocks(text: str) -> str:
    """A page's plain text (one block per line) as one line for snippets: a block that ends a
    sentence is followed by a space, any other (a heading, a list item) by ``·``, so a heading
    never runs into the paragraph after it ("Syarat · Berkas disiapkan …")."""
    if "\n" not in text:
        return text
    lines = [line.strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line:
            continue
        if out:
            out.append(" " if _BLOCK_END.search(out[-1]) else BLOCK_SEPARATOR)
        out.append(line)
    return "".join(out)


def _clean(text: str) -> str:
    return " ".join(text.split())


@lru_cache(maxsize=256)
def _candidates(exact: frozenset[str], stems: frozenset[str]) -> re.Pattern[str]:
    """A regex for the words that may match: those holding a query word, or letters 2–4 of a
    stem (*menulis* holds "uli" of *tulis*), so the regex engine skips the rest of a text."""
    keys = set(exact) | {s[1:4] if len(s) > 3 else s for s in stems}
    if not keys:
        return re.compile(r"(?!)")
    return re.compile("|".join(re.escape(k) for k in sorted(keys)), re.IGNORECASE)


def highlight(
    text: str,
    exact: Collection[str],
    stems: Collection[str],
    stem: Callable[[str], str],
    *,
    width: int = SNIPPET_CHARS,
) -> list[Segment]:
    """The ``width`` characters of ``text`` with the most matched words, matches marked.

    A word matches when its lower-case form is in ``exact`` or its stem is in ``stems``, so
    *kebijakannya* is marked for a search for *kebijakan*. Only words that contain a piece of
    a stem are stemmed (letters 2–4: *menulis* holds "uli" of *tulis*), since a first stem of a
    word costs ~50 µs in Sastrawi and a page has hundreds of words.
    """
    spans: list[tuple[int, int]] = []
    last = -1
    for hit in _candidates(frozenset(exact), frozenset(stems)).finditer(text):
        if hit.start() < last:
            continue  # a second key inside a word already looked at
        start = hit.start()
        while start > 0 and _WORD_CHAR.match(text, start - 1):
            start -= 1
        word_match = _WORD_RE.match(text, start)
        assert word_match is not None
        last = word_match.end()
        word = word_match.group().lower()
        if word in exact or stem(word) in stems:
            spans.append(word_match.span())
            if len(spans) >= 24:  # plenty to choose a window of ~200 characters from
                break
    if not spans:
        cut = text[:width]
        if len(text) > width:
            cut = cut.rsplit(None, 1)[0] + " …"
        return [(_clean(cut), False)] if cut.strip() else []
    best, best_count, j = 0, 0, 0
    for i, (start, _) in enumerate(spans):
        while j < len(spans) and spans[j][1] - start <= width:
            j += 1
        if j - i > best_count:
            best, best_count = i, j - i
    start = max(0, spans[best][0] - width // 5)
    if start > 0:
        space = text.find(" ", start, spans[best][0])
        start = space + 1 if space >= 0 else spans[best][0]
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", spans[best][1], end)
        end = space if space > 0 else max(end, spans[best][1])
    parts: list[Segment] = [("… ", False)] if start > 0 else []
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        if s > pos:
            parts.append((text[pos:s], False))
        parts.append((text[s:e], True))
        pos = e
    if pos < end:
        parts.append((text[pos:end], False))
    if end < len(text):
        parts.append((" …", False))
    return [(re.sub(r"\s+", " ", t), m) for t, m in parts if t]


def snippet_html(parts: Iterable[Segment]) -> str:
    """Segments as HTML with MediaWiki's ``<span class="searchmatch">`` around matches."""
    return "".join(
        f'<span class="searchmatch">{escape(t)}</span>' if m else escape(t) for t, m in parts
    )
