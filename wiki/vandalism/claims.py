"""Content signals for hoaxes: what an edit did to the page's claims and their sources.

Pure. Where :mod:`wiki.vandalism.features` looks at the added and removed text as bags of
words, this module compares the page claim by claim: prose is cut into sentences (a sentence
keeps the footnote markers ``[^n]`` that follow its full stop), and table rows and footnote
definitions are claims of their own. Claims only in the old text are *removed*, claims only in
the new text are *added*, and a removed claim is paired with the added claim that reads most
like it (a *changed* claim). Then:

- a number, amount, date, percentage or regulation number changed in a claim whose footnote
  stayed the same (and whose footnote definition was not touched): ``number_changed_sourced``;
  changed where the edit brings no new or updated source at all: ``number_changed_unsourced``;
- a negation added or removed ("tidak wajib" ↔ "wajib"): ``negation_flipped``;
- a sourced sentence, a table row or a footnote definition removed while the summary gives no
  reason: ``sourced_removed``;
- a new sentence with no footnote where the claims around it have footnotes:
  ``unsourced_claims``;
- links whose domain dresses up as an official one (``prakerja-go.id``, ``kemenkeu-x.com``,
  ``x.go.id.info``): ``lookalike_links``; shorteners, chat links, APK downloads and throw-away
  top-level domains: ``risky_links``; links to official ``.go.id`` sites: ``official_links``;
- the summary says the edit is a revert: ``summary_reverts``;
- a hoax or scam formula quoted in order to refute it is not counted as a hoax: added text that
  refutes ("hoaks", "tidak benar", "misleading") has its quotations left out of the word lists,
  and ``debunks`` counts the refutations.

Each signal keeps :class:`Evidence`: the changed text it is about, for the reason shown to
patrollers ("60 → 600") and for the diff page to highlight.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import pairwise
from urllib.parse import urlsplit

__all__ = [
    "CLAIM_FEATURES",
    "Claims",
    "Evidence",
    "analyse",
    "claims_of",
    "domain_is_lookalike",
    "names_someone",
    "refutes",
    "strip_quotes",
    "summary_gives_reason",
]

#: The features this module adds, in the model's order.
CLAIM_FEATURES: tuple[str, ...] = (
    "number_changed_sourced",
    "number_changed_unsourced",
    "negation_flipped",
    "sourced_removed",
    "unsourced_claims",
    "lookalike_links",
    "risky_links",
    "official_links",
    "debunks",
    "summary_reverts",
)

# Evidence is cut to this many characters, at a word boundary.
EVIDENCE_CHARS = 80
# A removed and an added claim are "the same claim, changed" from this similarity on.
_PAIR_RATIO = 0.55
# Pairing is quadratic; an edit touching more claims than this is no subtle edit.
_MAX_CLAIMS = 60
# Cost guard: claims are only cut out of the changed region (plus a margin of lines).
_MARGIN_LINES = 2
# A page citing this many footnote markers is a sourced page.
_SOURCED_PAGE = 2
# A negation flip changes at most this many other words of its sentence.
_FLIP_WORDS = 4

_REF_RE = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_DEF_RE = re.compile(r"^[ \t]{0,3}\[\^([^\]\s]+)\]:\s*(.*)$")
# A sentence ends at . ! ? followed by optional footnote markers and a space; not after a
# common abbreviation ("No. 51", "Rp. 5", "dll.").
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])((?:\[\^[^\]\s]+\])*)\s+(?=\S)")
_ABBREVIATIONS = frozenset(
    ("no", "nomor", "rp", "dll", "dsb", "dr", "mr", "mrs", "ms", "st", "jl", "tbk", "pt", "vs")
)
_ABBREVIATIONS |= frozenset(("e.g", "i.e", "etc", "hlm", "kab", "kec", "prov", "ir", "h", "hj"))
# Numbers as people write them: 1.500.000, 2,7, 60%, 2024, 14 Tahun 2021 (each a token).
_NUMBER_RE = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)*(?:\s?%)?(?![\d])")
# Numbers and dates written as words count as numbers too ("dua tahun", "31 Agustus").
_NUMBER_WORDS = frozenset(
    (
        *("satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"),
        *("sepuluh", "sebelas", "belas", "puluh", "ratus", "ribu", "juta", "miliar", "triliun"),
        *("seratus", "seribu", "sejuta", "separuh", "setengah", "one", "two", "three", "four"),
        *("five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "hundred"),
        *("thousand", "million", "billion", "trillion", "half", "januari", "februari", "maret"),
        *("april", "mei", "juni", "juli", "agustus", "september", "oktober", "november"),
        *("desember", "january", "february", "march", "may", "june", "july", "august"),
        *("october", "december", "sekali", "twice", "once", "harian", "mingguan", "bulanan"),
        *("tahunan", "daily", "weekly", "monthly", "yearly", "annually"),
    )
)
_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|\S")
_URL_RE = re.compile(r"https?://[^\s<>\[\]()\"'|]+", re.IGNORECASE)
_BARE_DOMAIN_RE = re.compile(r"\[([a-z0-9.-]+\.[a-z]{2,})\]\(", re.IGNORECASE)
_QUOTED_RE = re.compile(r"\"[^\"\n]{3,}\"|“[^”\n]{3,}”|«[^»\n]{3,}»|'[^'\n]{8,}'")

_NEGATIONS = frozenset(
    (
        *("tidak", "tak", "bukan", "belum", "jangan", "tiada", "enggak", "nggak", "gak", "ga"),
        *("not", "no", "never", "cannot", "isn't", "aren't", "doesn't", "don't", "won't"),
        *("wasn't", "weren't", "can't", "didn't", "hasn't", "haven't", "nor", "without"),
    )
)
# Words that refute what the sentence quotes.
_DEBUNK_WORDS = frozenset(
    (
        *("hoaks", "hoax", "hoaxes", "misleading", "menyesatkan", "keliru", "disinformasi"),
        *("klarifikasi", "clarification", "debunked", "fabricated", "palsu", "fake"),
        *("penipuan", "scam", "waspadai", "waspada", "beware", "false"),
    )
)
_DEBUNK_PHRASES = (("tidak", "benar"), ("not", "true"), ("tidak", "terbukti"), ("no", "evidence"))
# A summary that gives a reason for a removal: a few words, one of them saying why.
_REASON_WORDS = frozenset(
    (
        *("sumber", "source", "sources", "sourced", "unsourced", "citation", "salah", "keliru"),
        *("menyesatkan", "misleading", "tidak", "tepat", "akurat", "inaccurate", "wrong"),
        *("promosi", "promotional", "iklan", "advert", "outdated", "usang", "kedaluwarsa"),
        *("sesuai", "match", "matches", "duplikat", "duplicate", "hoaks", "hoax", "vandalisme"),
        *("vandalism", "spam", "copyvio", "dipindah", "moved", "karena", "because", "since"),
    )
)
_REVERT_WORDS = frozenset(
    (
        *("rv", "rvv", "revert", "reverted", "reverting", "undo", "undid", "kembalikan"),
        *("dikembalikan", "mengembalikan", "batalkan", "membatalkan", "pulihkan"),
    )
)
_MIN_REASON_WORDS = 5

_SHORTENERS = frozenset(
    (
        *("bit.ly", "s.id", "tinyurl.com", "cutt.ly", "shorturl.at", "t.ly", "rebrand.ly"),
        *("ow.ly", "is.gd", "goo.gl", "rb.gy", "tiny.cc", "linktr.ee", "wa.me", "t.me"),
        *("lynk.id", "bit.do", "v.gd", "shorte.st", "adf.ly", "chat.whatsapp.com"),
    )
)
_THROWAWAY_TLDS = frozenset(
    ("top", "xyz", "click", "icu", "buzz", "online", "site", "shop", "vip", "live", "fun", "cc")
)
_OFFICIAL_SUFFIXES = (".go.id", ".ac.id", ".sch.id", ".mil.id", ".desa.id", ".gov", ".gov.uk")
# Names of Indonesian public bodies and programmes whose sites live under .go.id: a domain
# elsewhere that carries one of them dresses up as official.
_OFFICIAL_NAMES = frozenset(
    (
        *("kemenkeu", "kemendikbud", "kemdikbud", "dukcapil", "prakerja", "bpjs", "kemensos"),
        *("kominfo", "komdigi", "kemenkes", "bapenda", "samsat", "ojk", "pajak", "djp", "bkn"),
        *("kemnaker", "kemenag", "bansos", "dtks", "kipkuliah", "kemenpan", "kemendagri"),
        *("polri", "kpu", "bawaslu", "bpom", "kemenkumham", "imigrasi", "lpdp", "puslapdik"),
        *("pemkot", "pemkab", "pemprov", "setneg", "sikp", "kemendesa", "bnpb", "bmkg"),
    )
)
# Named people and parties: titles and words that name someone (promotion and attacks).
_NAMING_RE = re.compile(
    r"\b(?:Presiden|Wapres|Gubernur|Bupati|Wali ?[Kk]ota|Menteri|Kepala|Camat|Lurah|Pak|Bu|"
    r"Ibu|Bapak|Partai|DPR|DPRD|Kabinet|President|Governor|Mayor|Minister|Party|Senator|"
    r"pemerintahan|rezim|administration|regime)\b"
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The changed text a signal is about: ``old`` → ``new`` (either may be empty)."""

    signal: str
    old: str = ""
    new: str = ""


@dataclass(slots=True)
class Claims:
    """The claim-level features of an edit and their evidence."""

    features: dict[str, float] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)

    def first(self, signal: str) -> Evidence | None:
        return next((e for e in self.evidence if e.signal == signal), None)


@dataclass(frozen=True, slots=True)
class _Claim:
    kind: str  # "sentence", "row" or "note" (a footnote definition)
    text: str
    refs: tuple[str, ...]  # footnote labels cited
    line: int  # line number in its text, for "the same paragraph"


def _short(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= EVIDENCE_CHARS:
        return text
    cut = text.rfind(" ", 0, EVIDENCE_CHARS)
    return text[: cut if cut > EVIDENCE_CHARS // 2 else EVIDENCE_CHARS] + "…"


def _sentences(line: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for m in _SENTENCE_END_RE.finditer(line):
        before = line[start : m.start()].rstrip(".!?").rsplit(None, 1)
        last = before[-1].lower() if before else ""
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue
        parts.append(line[start : m.end(1)])
        start = m.end()
    parts.append(line[start:])
    return [p.strip() for p in parts if p.strip()]


def claims_of(lines: Iterable[str], first_line: int = 0) -> list[_Claim]:
    """The claims of these lines (prose sentences, table rows, footnote definitions)."""
    out: list[_Claim] = []
    for n, raw in enumerate(lines, first_line):
        line = raw.strip()
        if not line or line.startswith("#") or set(line) <= set("|-: "):
            continue
        definition = _DEF_RE.match(line)
        if definition:
            out.append(_Claim("note", line, (definition.group(1),), n))
        elif line.startswith("|"):
            out.append(_Claim("row", line, tuple(_REF_RE.findall(line)), n))
        else:
            for sentence in _sentences(line.removeprefix("- ").removeprefix("* ")):
                out.append(_Claim("sentence", sentence, tuple(_REF_RE.findall(sentence)), n))
    return out


def _definitions(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in text.splitlines():
        m = _DEF_RE.match(line)
        if m:
            found[m.group(1)] = m.group(2).strip()
    return found


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(_REF_RE.sub(" ", text))]


def _numbers(text: str) -> list[str]:
    plain = _REF_RE.sub(" ", text)
    found = [n.replace(" ", "") for n in _NUMBER_RE.findall(plain)]
    return found + [w for w in _words(plain) if w in _NUMBER_WORDS]


def _only_numbers_changed(old: str, new: str, gone: str, came: str) -> bool:
    """Whether a footnote definition changed only by the same number swap as its claim."""
    a, b = _words(old), _words(new)
    return [w for w in a if w != gone] == [w for w in b if w != came] and a != b


def _changed_region(old: list[str], new: list[str]) -> tuple[int, int, int]:
    """(start, old_end, new_end): the lines outside are the same in both texts."""
    start, limit = 0, min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start, len(old) - end, len(new) - end


def strip_quotes(text: str) -> str:
    """``text`` without its quotations (what a refutation quotes is not its own claim)."""
    return _QUOTED_RE.sub(" ", text)


def refutes(text: str) -> bool:
    """Whether ``text`` refutes something ("… adalah hoaks", "is not true")."""
    words = _words(text)
    if any(w in _DEBUNK_WORDS for w in words):
        return True
    pairs = set(pairwise(words))
    return any(p in pairs for p in _DEBUNK_PHRASES)


def summary_gives_reason(summary: str) -> bool:
    """A summary that explains a removal: a revert, or a few words that say why."""
    words = _words(summary)
    if any(w in _REVERT_WORDS for w in words):
        return True
    real = [w for w in words if w[0].isalnum()]
    return len(real) >= _MIN_REASON_WORDS and any(w in _REASON_WORDS for w in real)


def _domain(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.").rstrip(".")


def domain_is_lookalike(domain: str) -> bool:
    """A domain that dresses up as an official site but is not under an official suffix."""
    if not domain or domain.endswith(_OFFICIAL_SUFFIXES):
        return False
    if ".go.id." in domain or "go-id" in domain or domain.endswith(".goid") or "-go." in domain:
        return True
    labels = re.split(r"[.-]", domain)
    return any(label in _OFFICIAL_NAMES for label in labels[:-1])


def _is_risky(url: str, domain: str) -> bool:
    if domain in _SHORTENERS or urlsplit(url).path.lower().endswith(".apk"):
        return True
    return domain.rsplit(".", 1)[-1] in _THROWAWAY_TLDS or ".apk" in domain or "apk-" in domain


def _pair(removed: list[_Claim], added: list[_Claim]) -> list[tuple[_Claim, _Claim]]:
    """Greedy: each removed claim with the most similar unpaired added claim of its kind."""
    candidates: list[tuple[float, int, int]] = []
    added_words = [_words(a.text) for a in added]
    for i, r in enumerate(removed):
        rw = _words(r.text)
        for j, a in enumerate(added):
            if a.kind != r.kind:
                continue
            matcher = SequenceMatcher(None, rw, added_words[j], autojunk=False)
            if matcher.real_quick_ratio() < _PAIR_RATIO or matcher.quick_ratio() < _PAIR_RATIO:
                continue
            ratio = matcher.ratio()
            if ratio >= _PAIR_RATIO:
                candidates.append((ratio, i, j))
    pairs: list[tuple[_Claim, _Claim]] = []
    used_r: set[int] = set()
    used_a: set[int] = set()
    for _ratio, i, j in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if i not in used_r and j not in used_a:
            used_r.add(i)
            used_a.add(j)
            pairs.append((removed[i], added[j]))
    return pairs


def _negation_window(old: str, new: str) -> tuple[str, str] | None:
    """The words around a negation that one of the texts has and the other lacks."""
    a, b = _words(old), _words(new)
    if sum(w in _NEGATIONS for w in a) == sum(w in _NEGATIONS for w in b):
        return None
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    # A flip changes a few words; a sentence that grew a clause ("jangan …") is no flip.
    changed = sum(
        sum(w not in _NEGATIONS for w in a[i1:i2] + b[j1:j2])
        for tag, i1, i2, j1, j2 in opcodes
        if tag != "equal"
    )
    if changed > _FLIP_WORDS:
        return None
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        if any(w in _NEGATIONS for w in a[i1:i2] + b[j1:j2]):
            lo_a, hi_a = max(0, i1 - 1), min(len(a), i2 + 1)
            lo_b, hi_b = max(0, j1 - 1), min(len(b), j2 + 1)
            return " ".join(a[lo_a:hi_a]), " ".join(b[lo_b:hi_b])
    return None


def _number_change(old: str, new: str) -> tuple[str, str] | None:
    """The first number the old claim had and the new one lacks, and its replacement."""
    a, b = _numbers(old), _numbers(new)
    gone = list((Counter(a) - Counter(b)).elements())
    came = list((Counter(b) - Counter(a)).elements())
    if not gone:
        return None
    first_gone = next(n for n in a if n in gone)
    first_came = next((n for n in b if n in came), "")
    return first_gone, first_came


def analyse(old_text: str, new_text: str, summary: str, added_text: str) -> Claims:
    """The claim features of an edit (see the module notes). ``added_text``: what
    :func:`wiki.vandalism.features.changed_text` found added, for links and refutations."""
    out = Claims({name: 0.0 for name in CLAIM_FEATURES})
    f = out.features
    old, new = old_text.splitlines(), new_text.splitlines()
    start, old_end, new_end = _changed_region(old, new)
    lo = max(0, start - _MARGIN_LINES)
    old_claims = claims_of(old[lo : old_end + _MARGIN_LINES], lo)
    new_claims = claims_of(new[lo : new_end + _MARGIN_LINES], lo)
    old_count, new_count = Counter(c.text for c in old_claims), Counter(c.text for c in new_claims)
    removed = [c for c in old_claims if old_count[c.text] > new_count[c.text]]
    added = [c for c in new_claims if new_count[c.text] > old_count[c.text]]
    old_defs, new_defs = _definitions(old_text), _definitions(new_text)
    touched_defs = {k for k, v in new_defs.items() if old_defs.get(k) != v}
    new_labels = set(_REF_RE.findall(new_text)) - set(_REF_RE.findall(old_text))
    edit_brings_source = bool(touched_defs or new_labels)
    pairs = _pair(removed, added) if len(removed) + len(added) <= _MAX_CLAIMS else []
    paired_old = {id(p[0]) for p in pairs}
    paired_new = {id(p[1]) for p in pairs}

    for before, after in pairs:
        numbers = _number_change(before.text, after.text)
        if numbers is not None:
            same_source = (
                bool(before.refs)
                and set(before.refs) == set(after.refs)
                and all(
                    _only_numbers_changed(old_defs.get(r, ""), new_defs[r], *numbers)
                    for r in set(after.refs) & touched_defs
                )
            )
            if same_source:
                f["number_changed_sourced"] += 1
                out.evidence.append(Evidence("number_changed_sourced", *numbers))
            elif not edit_brings_source:
                f["number_changed_unsourced"] += 1
                out.evidence.append(Evidence("number_changed_unsourced", *numbers))
        flipped = _negation_window(before.text, after.text)
        if flipped is not None:
            f["negation_flipped"] += 1
            out.evidence.append(Evidence("negation_flipped", *flipped))

    f["summary_reverts"] = float(any(w in _REVERT_WORDS for w in _words(summary)))
    explained = summary_gives_reason(summary)
    for claim in removed:
        if id(claim) in paired_old or explained:
            continue
        if claim.refs or claim.kind in ("row", "note"):
            f["sourced_removed"] += 1
            out.evidence.append(Evidence("sourced_removed", _short(claim.text), ""))

    # New claims without a footnote where the claims around them have one: in a paragraph
    # with a footnoted sentence, or on a page that cites at least _SOURCED_PAGE footnotes.
    sourced_lines = {c.line for c in new_claims if c.refs and c.kind == "sentence"}
    sourced_page = len(_REF_RE.findall(old_text)) >= _SOURCED_PAGE
    for claim in added:
        if id(claim) in paired_new or claim.kind != "sentence" or claim.refs:
            continue
        if len(_words(claim.text)) < 5 or refutes(claim.text):
            continue
        if sourced_page or claim.line in sourced_lines:
            f["unsourced_claims"] += 1
            out.evidence.append(Evidence("unsourced_claims", "", _short(claim.text)))

    # Links: URLs and bare domains used as link text ("[kemenkeu.go.id](https://…)").
    old_urls = Counter(_URL_RE.findall(old_text))
    for url in (Counter(_URL_RE.findall(new_text)) - old_urls).elements():
        domain = _domain(url)
        if domain_is_lookalike(domain):
            f["lookalike_links"] += 1
            out.evidence.append(Evidence("lookalike_links", "", domain))
        elif _is_risky(url, domain):
            f["risky_links"] += 1
            out.evidence.append(Evidence("risky_links", "", domain))
        elif domain.endswith(_OFFICIAL_SUFFIXES):
            f["official_links"] += 1
    for claim in added:
        if claim.kind == "sentence" and refutes(claim.text) and _QUOTED_RE.search(claim.text):
            f["debunks"] += 1
    if not f["debunks"] and added_text and refutes(added_text):
        f["debunks"] = float(bool(_QUOTED_RE.search(added_text)))
    return out


def names_someone(text: str) -> bool:
    """Whether ``text`` names a person, an office or a party."""
    if _NAMING_RE.search(text):
        return True
    # Two capitalised words in a row, not at the very start ("Joko Widodo", "Partai X").
    return re.search(r"(?<=\s)[A-Z][a-z]+\s[A-Z][a-z]+", text) is not None
