"""What an edit looks like to the vandalism scorer: the :class:`Edit` facts and :func:`extract`.

Pure: no I/O except reading this package's word lists once (``data/words_*.txt``).

The features follow the PAN Wikipedia-vandalism competitions (Potthast et al., 2010–11) and
ClueBot NG: how much the size changed, what was removed (footnotes, sources, links), what
was added (external links, links to domains many edits add, shouting, repeated characters,
symbols, very long or keyboard-mash words, listed words), the edit summary, the author and the
page; :mod:`wiki.vandalism.claims` adds claim-by-claim signals for hoaxes, with evidence.
:func:`extract` returns human-meaningful raw values (counts, ratios, days); the model
(``model.py``) applies its own transforms (``log1p``) and scaling, so a reason can quote a
raw count ("removes 3 sources").

What was added and removed
    Most edits change one spot of a long page, so the common leading and trailing lines are
    cut off first; the rest is aligned by line with :mod:`difflib`, and each replaced run is
    refined to words (tokens: URLs, words, punctuation runs). Runs too big for that are
    compared as multisets, which is linear. Counts of footnotes, URLs and wiki links are net
    differences between the whole old and new texts, so moving or renumbering them is not a
    removal. Words of an addition over 100,000 characters are read from its two ends only,
    and its character statistics from its first and last 4,000 characters, so a 2 MB page
    creation is scored in a fraction of a second.

Words
    Tokens are lower-cased Unicode words (a hyphen or apostrophe may join parts:
    ``anak-anak``). Runs of three or more equal letters are squeezed to one and repeated
    two-letter syllables to two (``gobloook`` -> ``goblok``, ``wkwkwkwk`` -> ``wkwk``); digits
    inside a word read as the letters they imitate (``4njing``). A word also matches with the
    Indonesian particles ``-nya``, ``-lah`` or ``-kah`` stripped (``bodohnya`` -> ``bodoh``).
    List entries may be phrases; they match consecutive words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from wiki.vandalism.claims import (
    CLAIM_FEATURES,
    Claims,
    Evidence,
    analyse,
    names_someone,
    refutes,
    strip_quotes,
)

__all__ = [
    "CATEGORIES",
    "EDITOR_FEATURES",
    "FEATURES",
    "Edit",
    "changed_text",
    "edit_from_dict",
    "extract",
    "extract_all",
    "words",
]

DATA = Path(__file__).parent / "data"

#: Word-list categories; each has a feature ``<category>_words``.
CATEGORIES = ("insult", "profanity", "slang", "hoax", "spam", "scam", "pov")


@dataclass(frozen=True, slots=True)
class Edit:
    """One edit as the scorer sees it: the two texts, the summary, the author and the page."""

    old_text: str
    new_text: str
    summary: str = ""
    # The author.
    is_anonymous: bool = False
    account_age_days: float = 0.0  # 0 for an IP editor
    edit_count: int = 0  # edits before this one
    recent_reverts: int = 0  # this author's edits reverted lately (the caller picks the window)
    # The page.
    was_protected: bool = False
    recently_vandalised: bool = False
    namespace: int = 0
    # Domains that many recent edits across the wiki added, without "www." (the caller
    # computes them); a subdomain of a listed domain counts too.
    common_domains: frozenset[str] = frozenset()


#: Feature names in the model's order. Counts are raw; the model decides on ``log1p``.
FEATURES: tuple[str, ...] = (
    # size
    "chars_added",
    "chars_removed",
    "size_ratio",
    "blanked",
    "near_blanked",
    "words_added",
    # sources and links
    "footnotes_removed",
    "footnotes_added",
    "sources_removed",
    "links_removed",
    "external_links_added",
    "common_domain_links_added",
    "same_domain_links_added",
    "phone_numbers_added",
    # characters of the added text
    "char_repeat",
    "upper_ratio",
    "nonletter_ratio",
    "longest_word",
    "junk_words",
    # word lists
    *(f"{c}_words" for c in CATEGORIES),
    # claims and their sources (claims.py)
    *CLAIM_FEATURES,
    # summary
    "summary_empty",
    "summary_contradicts_size",
    "summary_explains_removal",
    # author
    "is_anonymous",
    "new_account",
    "account_age_days",
    "edit_count",
    "recent_reverts",
    # page
    "was_protected",
    "recently_vandalised",
    "is_talk",
)

#: Facts about who made the edit and the page's history, not about the edit's content: they may
#: raise a score but never earn the "likely vandalism" badge on their own (see model.py).
EDITOR_FEATURES: frozenset[str] = frozenset(
    (
        *("is_anonymous", "new_account", "account_age_days", "edit_count", "recent_reverts"),
        *("was_protected", "recently_vandalised"),
    )
)

# A registered account below either limit is "new" (MediaWiki's autoconfirmed defaults).
NEW_ACCOUNT_DAYS = 4
NEW_ACCOUNT_EDITS = 10
# Ratios of the added text are only measured on at least this many letters / characters.
MIN_RATIO_LETTERS = 12
# Blanking: the new text keeps under 5 % of an old text of at least 200 characters; near
# blanking: under 30 % of at least 500.
BLANK_SHARE, BLANK_MIN_OLD = 0.05, 200
NEAR_BLANK_SHARE, NEAR_BLANK_MIN_OLD = 0.30, 500
# Word-level alignment of replaced lines is skipped (tokens are compared as multisets, which
# is linear) when the replaced lines hold more than this many characters in all, or one run
# more than this many tokens x tokens. Big rewrites then cost about as much as small ones.
_REFINE_CHARS = 6_000
_WORD_DIFF_LIMIT = 40_000
# Line alignment is skipped (lines compared as multisets) above this many lines x lines.
_LINE_DIFF_LIMIT = 250_000

_URL = r"https?://[^\s<>\[\]()\"'|]+"
_URL_RE = re.compile(_URL, re.IGNORECASE)
_TOKEN_RE = re.compile(rf"{_URL}|\w+|[^\w\s]+", re.IGNORECASE)
_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
# [^label] references (not definitions) and "[^label]:" definitions at a line start; <ref> tags
# for imported wikitext.
_FOOTNOTE_REF_RE = re.compile(r"\[\^[^\]\s]+\](?!:)|<ref[\s>/]", re.IGNORECASE)
_FOOTNOTE_DEF_RE = re.compile(r"^[ \t]{0,3}\[\^[^\]\s]+\]:", re.MULTILINE)
_WIKILINK_RE = re.compile(r"\[\[\s*([^\[\]|#\n]+)")
# Indonesian mobile numbers (08xx / +62 8xx), with the separators people type; the word diff
# may have put spaces around them ("0812 - 3456").
_PHONE_RE = re.compile(
    r"(?<!\d)(?:\+\s?62|62|0)[\s.-]{0,3}8\d{2}[\s.-]{0,3}\d{3,4}[\s.-]{0,3}\d{3,5}(?!\d)"
)
_AUTOCOMMENT_RE = re.compile(r"/\*.*?\*/")
_SQUEEZE_RE = re.compile(r"([^\W\d_])\1{2,}")
_SYLLABLE_RE = re.compile(r"([^\W\d_]{2})\1{2,}")
# Keyboard mashing: six consonants in a row ("strengths" has five), or a 5+ letter word with
# no vowel at all.
_CONSONANTS_RE = re.compile(r"[bcdfghjklmnpqrstvwxz]{6,}", re.IGNORECASE)
_MAYBE_JUNK_RE = re.compile(r"[bcdfghjklmnpqrstvwxz]{5,}", re.IGNORECASE)  # a cheap first look
_DIGIT_RE = re.compile(r"\d")
_VOWELS = frozenset("aeiouy")
_LEET = str.maketrans("430157", "aeoist")
_PARTICLES = ("nya", "lah", "kah")
# Characters that repeat in ordinary Markdown ("---", "***", "|||"), not in shouting.
_MARKUP_CHARS = frozenset("-=_*#|`~.: \t\n0123456789")
# A character, or a two-character unit ("wk", "ha", ":P" needs a space so is not), three or
# more times in a row. Longer units ("lol" is "lo" + "l") add little and cost a lot.
_REPEAT_RE = re.compile(r"(\S)\1{2,}|(\S\S)\2{2,}")
# Character statistics of a very long addition are taken from its two ends, and so are its
# words (a 2 MB page creation would otherwise cost a second): see _ends().
_CHAR_SAMPLE = 4_000
_WORD_SAMPLE = 50_000

# Summary words: a "small fix" summary on a big change contradicts it; a removal named explains it.
_MINOR_WORDS = frozenset(
    (
        *("typo", "typos", "ejaan", "ketik", "perbaiki", "perbaikan", "memperbaiki", "koreksi"),
        *("rapikan", "merapikan", "kecil", "minor", "format", "formatting", "spelling"),
        *("grammar", "copyedit", "ce", "fix", "fixed", "fixes", "punctuation", "tweak"),
        "wording",
    )
)
_REMOVAL_WORDS = frozenset(
    (
        *("hapus", "dihapus", "menghapus", "hapuskan", "buang", "membuang", "pindah"),
        *("pindahkan", "dipindahkan", "memindahkan", "gabung", "digabung", "menggabungkan"),
        *("duplikat", "ganda", "revert", "kembalikan", "dikembalikan", "mengembalikan"),
        *("membatalkan", "balikkan", "dibalikkan"),
        *("batalkan", "pembatalan", "vandalisme", "vandal", "spam", "ringkas", "meringkas"),
        *("pangkas", "dipangkas", "remove", "removed", "removing", "rm", "delete", "deleted"),
        *("trim", "trimmed", "moved", "move", "merge", "merged", "split", "duplicate"),
        *("duplicated", "unsourced", "unreferenced", "reverted", "rv", "rvv", "undo", "undid"),
        *("vandalism", "copyvio", "copyright", "condense", "condensed", "outdated"),
    )
)
_REMOVAL_PHRASES = (("tanpa", "sumber"), ("hak", "cipta"), ("tidak", "bersumber"))


# --- word lists -----------------------------------------------------------------------------


def _squeeze(text: str) -> str:
    # Both patterns match letters only, so running them over a whole text never joins words.
    return _SQUEEZE_RE.sub(r"\1", _SYLLABLE_RE.sub(r"\1\1", text.lower()))


def _deleet(word: str) -> str:
    if word.isalpha() or not any(c.isalpha() for c in word):
        return word
    return _squeeze(word.translate(_LEET))


def normalize_word(word: str) -> str:
    """A lower-case word with shouting squeezed and digit look-alikes read as letters."""
    return _deleet(_squeeze(word))


def words(text: str) -> list[str]:
    """The normalised words of ``text`` (see the module notes)."""
    found = _WORD_RE.findall(_squeeze(text))
    if not _DIGIT_RE.search(text):
        return found
    return [w if w.isalpha() else _deleet(w) for w in found]


def _variants(word: str) -> tuple[str, ...]:
    for particle in _PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 3:
            return (word, word[: -len(particle)])
    return (word,)


@dataclass(frozen=True, slots=True)
class _Lexicon:
    single: Mapping[str, str]  # word -> category
    phrases: Mapping[str, tuple[tuple[tuple[str, ...], str], ...]]  # first word -> (rest, cat)
    known: frozenset[str]  # every single word and every phrase's first word


@cache
def lexicon() -> _Lexicon:
    """The word lists of both languages, loaded once."""
    single: dict[str, str] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for name in ("words_id.txt", "words_en.txt"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            category, _, entry = line.partition("\t")
            if category not in CATEGORIES:
                raise ValueError(f"{name}: unknown category {category!r}")
            parts = words(entry)
            if len(parts) == 1:
                single.setdefault(parts[0], category)
            elif parts:
                phrases.setdefault(parts[0], []).append((tuple(parts[1:]), category))
    return _Lexicon(
        single, {k: tuple(v) for k, v in phrases.items()}, frozenset(single) | frozenset(phrases)
    )


def word_hits(tokens: list[str], first: dict[str, str] | None = None) -> Counter[str]:
    """How many listed words or phrases of each category occur in ``tokens``; ``first``, if
    given, gets the first match of each category (as the words matched)."""
    lex = lexicon()
    known = lex.known
    hits: Counter[str] = Counter()
    n = len(tokens)
    i = 0
    while i < n:
        token = tokens[i]
        # Fast path: most words are in no list, with or without a particle.
        if token not in known and not (
            token.endswith(_PARTICLES) and _variants(token)[-1] in known
        ):
            i += 1
            continue
        matched = 0
        for form in _variants(token):
            for rest, category in lex.phrases.get(form, ()):
                end = i + 1 + len(rest)
                if end <= n and all(
                    rest[k] in _variants(tokens[i + 1 + k]) for k in range(len(rest))
                ):
                    hits[category] += 1
                    matched = len(rest)
                    if first is not None:
                        first.setdefault(category, " ".join(tokens[i:end]))
                    break
            if matched:
                break
            single = lex.single.get(form)
            if single is not None:
                hits[single] += 1
                if first is not None:
                    first.setdefault(single, token)
                break
        i += 1 + matched
    return hits


# --- what changed ---------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text)


def _multiset_diff(a: list[str], b: list[str]) -> tuple[list[str], list[str]]:
    ca, cb = Counter(a), Counter(b)
    return list((cb - ca).elements()), list((ca - cb).elements())


def _word_diff(a_lines: list[str], b_lines: list[str], align: bool) -> tuple[list[str], list[str]]:
    if not align:
        # Whitespace-separated chunks: str.split is C-fast, and good enough for a multiset.
        return _multiset_diff("\n".join(a_lines).split(), "\n".join(b_lines).split())
    ta, tb = _tokens("\n".join(a_lines)), _tokens("\n".join(b_lines))
    if len(ta) * len(tb) > _WORD_DIFF_LIMIT:
        return _multiset_diff(ta, tb)
    added: list[str] = []
    removed: list[str] = []
    matcher = SequenceMatcher(None, ta, tb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed.extend(ta[i1:i2])
            added.extend(tb[j1:j2])
    return added, removed


def _blank(line: str) -> bool:
    return not line.strip()


def changed_text(old: str, new: str) -> tuple[str, str]:
    """The text added by an edit and the text it removed (fragments joined by spaces)."""
    a, b = old.splitlines(), new.splitlines()
    start = 0
    limit = min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a, b = a[start : len(a) - end], b[start : len(b) - end]
    added: list[str] = []
    removed: list[str] = []
    if len(a) * len(b) > _LINE_DIFF_LIMIT:
        lines_added, lines_removed = _multiset_diff(a, b)
        return "\n".join(lines_added), "\n".join(lines_removed)
    # Blank lines are "junk": they never anchor a match (a page has dozens of them, and
    # anchoring on them makes difflib quadratic), but matches still extend over them.
    opcodes = SequenceMatcher(_blank, a, b, autojunk=False).get_opcodes()
    replaced = sum(
        sum(map(len, a[i1:i2])) + sum(map(len, b[j1:j2]))
        for tag, i1, i2, j1, j2 in opcodes
        if tag == "replace"
    )
    align = replaced <= _REFINE_CHARS
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "insert":
            added.extend(b[j1:j2])
        elif tag == "delete":
            removed.extend(a[i1:i2])
        elif tag == "replace":
            plus, minus = _word_diff(a[i1:i2], b[j1:j2], align)
            added.append(" ".join(plus))
            removed.append(" ".join(minus))
    return "\n".join(added), "\n".join(removed)


# --- links ----------------------------------------------------------------------------------


def _domain(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _is_common(domain: str, common: frozenset[str]) -> bool:
    # "shop.example.com" counts when "example.com" is common.
    parts = domain.split(".")
    return any(".".join(parts[i:]) in common for i in range(len(parts) - 1))


def _net_removed(old: list[str], new: list[str]) -> int:
    return sum((Counter(old) - Counter(new)).values())


# --- characters -----------------------------------------------------------------------------


def _char_repeat(text: str) -> int:
    best = 0
    for match in _REPEAT_RE.finditer(text):
        unit = match.group(1) or match.group(2)
        if all(c in _MARKUP_CHARS for c in unit):
            continue
        best = max(best, match.end() - match.start())
    return best


def _is_junk(word: str) -> bool:
    # ASCII only: other scripts have no "aeiouy" and are not mashing.
    if len(word) < 5 or not word.isalpha() or not word.isascii() or word.isupper():
        return False
    lower = word.lower()
    return _CONSONANTS_RE.search(lower) is not None or not (_VOWELS & set(lower))


# --- summary --------------------------------------------------------------------------------


def _summary_words(summary: str) -> list[str]:
    return words(_AUTOCOMMENT_RE.sub(" ", summary))


def _mentions(tokens: list[str], vocabulary: frozenset[str]) -> bool:
    return any(form in vocabulary for token in tokens for form in _variants(token))


def _has_phrase(tokens: list[str], phrases: Iterable[tuple[str, ...]]) -> bool:
    for phrase in phrases:
        k = len(phrase)
        if any(tuple(tokens[i : i + k]) == phrase for i in range(len(tokens) - k + 1)):
            return True
    return False


# --- all together ---------------------------------------------------------------------------


def extract(edit: Edit) -> dict[str, float]:
    """The raw features of ``edit``, keyed by the names in :data:`FEATURES`, in that order."""
    return extract_all(edit)[0]


def extract_all(edit: Edit) -> tuple[dict[str, float], Claims]:
    """The raw features of ``edit`` and the claim evidence behind them."""
    old, new = edit.old_text, edit.new_text
    old_len, new_len = len(old), len(new)
    added, removed = changed_text(old, new)

    # Sources and links: net counts over the whole texts.
    old_urls, new_urls = _URL_RE.findall(old), _URL_RE.findall(new)
    added_urls = list((Counter(new_urls) - Counter(old_urls)).elements())
    added_domains = [d for d in map(_domain, added_urls) if d]
    top_domain = max(Counter(added_domains).values(), default=0)
    footnotes_removed = max(
        _net_count(_FOOTNOTE_REF_RE, old, new), _net_count(_FOOTNOTE_DEF_RE, old, new)
    )
    footnotes_added = max(
        _net_count(_FOOTNOTE_REF_RE, new, old), _net_count(_FOOTNOTE_DEF_RE, new, old)
    )

    # Characters and words of the added text, URLs left out.
    added_plain = _URL_RE.sub(" ", _ends(added, _WORD_SAMPLE))
    sample = _ends(added_plain, _CHAR_SAMPLE)
    letters = sum(map(str.isalpha, sample))
    visible = len(sample) - sum(map(str.isspace, sample))
    upper_ratio = sum(map(str.isupper, sample)) / letters if letters >= MIN_RATIO_LETTERS else 0.0
    nonletter_ratio = (visible - letters) / visible if visible >= MIN_RATIO_LETTERS else 0.0
    raw_words = _WORD_RE.findall(added_plain)
    junk_words = sum(map(_is_junk, raw_words)) if _MAYBE_JUNK_RE.search(added_plain) else 0
    added_words = words(added_plain)
    claims = analyse(old, new, edit.summary, added)
    refuting = refutes(added_plain)
    # A refutation quotes the hoax it refutes: its quotations are not the editor's claims.
    phrases: dict[str, str] = {}
    hits = word_hits(words(strip_quotes(added_plain)) if refuting else added_words, phrases)
    if hits:  # listed words that were only moved or re-typed are not added
        hits.subtract(word_hits(words(_URL_RE.sub(" ", _ends(removed, _WORD_SAMPLE)))))
    if refuting:  # a warning names the scam it warns about
        hits["hoax"] = hits["scam"] = 0
    if hits["pov"] and not names_someone(added_plain):
        hits["pov"] = 0
    for category in ("hoax", "scam", "pov", "spam", "insult", "profanity"):
        if hits[category] > 0 and category in phrases:
            claims.evidence.append(Evidence(f"{category}_words", "", phrases[category]))
    if edit.namespace % 2 == 1 or edit.namespace == 2:
        hits["slang"] = 0  # chat register is at home on talk and user pages

    summary = _summary_words(edit.summary)
    minor = _mentions(summary, _MINOR_WORDS)
    big_change = len(removed) >= max(200, 0.2 * old_len) or len(added) >= 1000
    explains_removal = len(removed) >= 50 and (
        _mentions(summary, _REMOVAL_WORDS) or _has_phrase(summary, _REMOVAL_PHRASES)
    )

    new_stripped = len(new.strip())
    old_stripped = len(old.strip())
    blanked = old_stripped >= BLANK_MIN_OLD and new_stripped < BLANK_SHARE * old_stripped
    near_blanked = (
        not blanked
        and old_stripped >= NEAR_BLANK_MIN_OLD
        and new_stripped < NEAR_BLANK_SHARE * old_stripped
    )
    registered = not edit.is_anonymous
    features = {
        "chars_added": float(max(0, new_len - old_len)),
        "chars_removed": float(max(0, old_len - new_len)),
        "size_ratio": max(-1.0, min(3.0, (new_len - old_len) / max(old_len, 1))),
        "blanked": float(blanked),
        "near_blanked": float(near_blanked),
        "words_added": float(len(added_words)),
        "footnotes_removed": float(footnotes_removed),
        "footnotes_added": float(footnotes_added),
        "sources_removed": float(_net_removed(old_urls, new_urls)),
        "links_removed": float(_net_removed(_wikilinks(old), _wikilinks(new))),
        "external_links_added": float(len(added_urls)),
        "common_domain_links_added": float(
            sum(_is_common(d, edit.common_domains) for d in added_domains)
        ),
        "same_domain_links_added": float(top_domain if top_domain >= 2 else 0),
        "phone_numbers_added": float(
            max(0, len(_PHONE_RE.findall(added)) - len(_PHONE_RE.findall(removed)))
        ),
        "char_repeat": float(_char_repeat(sample)),
        "upper_ratio": upper_ratio,
        "nonletter_ratio": nonletter_ratio,
        "longest_word": float(min(60, max(map(len, raw_words), default=0))),
        "junk_words": float(junk_words),
        **{f"{c}_words": float(max(0, hits[c])) for c in CATEGORIES},
        "summary_empty": float(not summary),
        "summary_contradicts_size": float(minor and big_change),
        "summary_explains_removal": float(explains_removal),
        "is_anonymous": float(edit.is_anonymous),
        "new_account": float(
            registered
            and (edit.account_age_days < NEW_ACCOUNT_DAYS or edit.edit_count < NEW_ACCOUNT_EDITS)
        ),
        "account_age_days": float(max(0.0, edit.account_age_days)) if registered else 0.0,
        "edit_count": float(max(0, edit.edit_count)),
        "recent_reverts": float(max(0, edit.recent_reverts)),
        "was_protected": float(edit.was_protected),
        "recently_vandalised": float(edit.recently_vandalised),
        "is_talk": float(edit.namespace % 2 == 1),
        **claims.features,
    }
    return {name: features[name] for name in FEATURES}, claims


def _ends(text: str, size: int) -> str:
    """``text``, or its first and last ``size`` characters if it is longer than twice that."""
    return text if len(text) <= 2 * size else text[:size] + "\n" + text[-size:]


def _net_count(pattern: re.Pattern[str], a: str, b: str) -> int:
    return max(0, len(pattern.findall(a)) - len(pattern.findall(b)))


def _wikilinks(text: str) -> list[str]:
    return [m.strip().lower() for m in _WIKILINK_RE.findall(text)]


def edit_from_dict(data: Mapping[str, Any]) -> Edit:
    """An :class:`Edit` from a JSON object (the dataset format); unknown keys are ignored."""
    return Edit(
        old_text=str(data["old_text"]),
        new_text=str(data["new_text"]),
        summary=str(data.get("summary", "")),
        is_anonymous=bool(data.get("is_anonymous", False)),
        account_age_days=float(data.get("account_age_days", 0.0)),
        edit_count=int(data.get("edit_count", 0)),
        recent_reverts=int(data.get("recent_reverts", 0)),
        was_protected=bool(data.get("was_protected", False)),
        recently_vandalised=bool(data.get("recently_vandalised", False)),
        namespace=int(data.get("namespace", 0)),
        common_domains=frozenset(map(str, data.get("common_domains", ()))),
    )
