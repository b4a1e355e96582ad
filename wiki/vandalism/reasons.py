"""Why an edit scored as it did: the model's contributions as translatable reasons.

A reason is one or more features' contributions (weight x scaled value) that push the score
up, kept only when the fact it describes is really there (a footnote was removed, not merely
"fewer footnotes than average"). Content reasons name the changed text they are about
(``params`` "old", "new", "text", "domain", "phrase"; ``marks`` lists the text the diff page
highlights); editor reasons are marked ``group="editor"`` and shown apart.

Messages are English msgids marked with ``N_``; the web layer translates them and fills in
``params``. There are two msgids where English needs a plural ("adds an insult" /
"adds {n} insults"); Indonesian has no plural, so no ``ngettext`` is needed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from wiki.errors import N_
from wiki.vandalism.claims import Claims, Evidence
from wiki.vandalism.features import EDITOR_FEATURES, NEW_ACCOUNT_EDITS

__all__ = ["MIN_CONTRIBUTION", "NOTABLE_REMOVAL", "Param", "Reason", "reasons"]

#: A reason must move the log-odds by at least this much to be shown.
MIN_CONTRIBUTION = 0.1
#: Removing fewer characters than this is not worth a reason of its own. (Adding text never
#: is: how much was added only weighs the other signals, it explains nothing by itself.)
NOTABLE_REMOVAL = 200

Param = int | str


@dataclass(frozen=True, slots=True)
class Reason:
    """One thing that pushed the score up, as a translatable message."""

    code: str  # machine-readable, stable: "removes_sources", "adds_insult", ...
    contribution: float  # added log-odds (weight x scaled value, summed over its features)
    msgid: str  # English, N_-marked, with {placeholders}
    params: Mapping[str, Param] = field(default_factory=dict)
    group: str = "content"  # "content" (the edit) or "editor" (who made it, the page's past)
    marks: tuple[str, ...] = ()  # changed text this reason is about, for the diff page

    def message(self, gettext: Callable[[str], str]) -> str:
        """The reason in the reader's language."""
        return gettext(self.msgid).format(**self.params)


# --- reasons --------------------------------------------------------------------------------

F = Mapping[str, float]
Message = tuple[str, dict[str, Param]]


@dataclass(frozen=True, slots=True)
class _ReasonRule:
    code: str
    features: tuple[str, ...]
    applies: Callable[[F], bool]  # is the fact really there?
    message: Callable[[F], Message]


def _count(feature: str, one: str, many: str) -> Callable[[F], Message]:
    def message(f: F) -> Message:
        n = round(f[feature])
        return (one, {}) if n == 1 else (many, {"n": n})

    return message


def _fixed(msgid: str, **params: Callable[[F], int]) -> Callable[[F], Message]:
    def message(f: F) -> Message:
        return msgid, {k: get(f) for k, get in params.items()}

    return message


def _positive(feature: str) -> Callable[[F], bool]:
    return lambda f: f[feature] > 0


def _pct(feature: str) -> Callable[[F], int]:
    return lambda f: round(100 * f[feature])


def _author_message(f: F) -> Message:
    n = round(f["edit_count"])
    if f["is_anonymous"]:
        return (N_("new IP editor") if n < NEW_ACCOUNT_EDITS else N_("IP editor")), {}
    if f["new_account"]:
        return N_("new account ({days} days old, {n} edits)"), {
            "days": int(f["account_age_days"]),
            "n": n,
        }
    return N_("author with few edits ({n})"), {"n": n}


_REASONS: tuple[_ReasonRule, ...] = (
    _ReasonRule(
        "blanks_page",
        ("blanked", "near_blanked"),
        lambda f: f["blanked"] > 0 or f["near_blanked"] > 0,
        lambda f: (
            (N_("blanks the page"), {})
            if f["blanked"]
            else (
                N_("removes almost all of the page ({pct}%)"),
                {"pct": round(-100 * f["size_ratio"])},
            )
        ),
    ),
    _ReasonRule(
        "removes_text",
        ("chars_removed", "size_ratio"),
        lambda f: f["chars_removed"] >= NOTABLE_REMOVAL,
        _fixed(N_("removes {n} characters"), n=lambda f: round(f["chars_removed"])),
    ),
    _ReasonRule(
        "removes_footnotes",
        ("footnotes_removed",),
        _positive("footnotes_removed"),
        _count("footnotes_removed", N_("removes a footnote"), N_("removes {n} footnotes")),
    ),
    _ReasonRule(
        "removes_sources",
        ("sources_removed",),
        _positive("sources_removed"),
        _count("sources_removed", N_("removes a source"), N_("removes {n} sources")),
    ),
    _ReasonRule(
        "removes_links",
        ("links_removed",),
        _positive("links_removed"),
        _count("links_removed", N_("removes a wiki link"), N_("removes {n} wiki links")),
    ),
    _ReasonRule(
        "adds_external_links",
        ("external_links_added",),
        _positive("external_links_added"),
        _count("external_links_added", N_("adds an external link"), N_("adds {n} external links")),
    ),
    _ReasonRule(
        "adds_common_domain_links",
        ("common_domain_links_added",),
        _positive("common_domain_links_added"),
        _count(
            "common_domain_links_added",
            N_("adds a link to a site that many recent edits link to"),
            N_("adds {n} links to sites that many recent edits link to"),
        ),
    ),
    _ReasonRule(
        "adds_same_domain_links",
        ("same_domain_links_added",),
        _positive("same_domain_links_added"),
        _fixed(
            N_("adds {n} links to the same site"), n=lambda f: round(f["same_domain_links_added"])
        ),
    ),
    _ReasonRule(
        "adds_phone_numbers",
        ("phone_numbers_added",),
        _positive("phone_numbers_added"),
        _count("phone_numbers_added", N_("adds a phone number"), N_("adds {n} phone numbers")),
    ),
    _ReasonRule(
        "repeats_characters",
        ("char_repeat",),
        lambda f: f["char_repeat"] >= 5,
        _fixed(N_("repeats characters ({n} in a row)"), n=lambda f: round(f["char_repeat"])),
    ),
    _ReasonRule(
        "shouts",
        ("upper_ratio",),
        lambda f: f["upper_ratio"] >= 0.5,
        _fixed(N_("writes in capitals (capital letters: {pct}%)"), pct=_pct("upper_ratio")),
    ),
    _ReasonRule(
        "adds_symbols",
        ("nonletter_ratio",),
        lambda f: f["nonletter_ratio"] >= 0.35,
        _fixed(N_("adds mostly symbols or digits ({pct}%)"), pct=_pct("nonletter_ratio")),
    ),
    _ReasonRule(
        "adds_long_word",
        ("longest_word",),
        lambda f: f["longest_word"] >= 25,
        _fixed(N_("adds a very long word ({n} letters)"), n=lambda f: round(f["longest_word"])),
    ),
    _ReasonRule(
        "adds_junk_words",
        ("junk_words",),
        _positive("junk_words"),
        _count(
            "junk_words",
            N_("adds a word that looks like random typing"),
            N_("adds {n} words that look like random typing"),
        ),
    ),
    _ReasonRule(
        "adds_insult",
        ("insult_words",),
        _positive("insult_words"),
        _count("insult_words", N_("adds an insult"), N_("adds {n} insults")),
    ),
    _ReasonRule(
        "adds_profanity",
        ("profanity_words",),
        _positive("profanity_words"),
        _count("profanity_words", N_("adds a swear word"), N_("adds {n} swear words")),
    ),
    _ReasonRule(
        "adds_slang",
        ("slang_words",),
        _positive("slang_words"),
        _count("slang_words", N_("adds chat slang to an article"), N_("adds {n} chat slang words")),
    ),
    _ReasonRule(
        "adds_hoax_markers",
        ("hoax_words",),
        _positive("hoax_words"),
        _count(
            "hoax_words",
            N_("adds a phrase typical of hoaxes"),
            N_("adds {n} phrases typical of hoaxes"),
        ),
    ),
    _ReasonRule(
        "adds_spam_words",
        ("spam_words",),
        _positive("spam_words"),
        _count("spam_words", N_("adds an advertising phrase"), N_("adds {n} advertising phrases")),
    ),
    _ReasonRule(
        "no_summary",
        ("summary_empty",),
        _positive("summary_empty"),
        _fixed(N_("no edit summary")),
    ),
    _ReasonRule(
        "summary_contradicts_size",
        ("summary_contradicts_size",),
        _positive("summary_contradicts_size"),
        _fixed(N_("the summary calls it a small fix, but the change is large")),
    ),
    _ReasonRule(
        "new_author",
        ("is_anonymous", "new_account", "account_age_days", "edit_count"),
        lambda f: bool(f["is_anonymous"] or f["new_account"] or f["edit_count"] < 100),
        _author_message,
    ),
    _ReasonRule(
        "author_reverted",
        ("recent_reverts",),
        _positive("recent_reverts"),
        _count(
            "recent_reverts",
            N_("an edit by this author was reverted recently"),
            N_("{n} edits by this author were reverted recently"),
        ),
    ),
    _ReasonRule(
        "page_was_protected",
        ("was_protected",),
        _positive("was_protected"),
        _fixed(N_("the page was protected before")),
    ),
    _ReasonRule(
        "page_recently_vandalised",
        ("recently_vandalised",),
        _positive("recently_vandalised"),
        _fixed(N_("the page was vandalised recently")),
    ),
)


# Content signals whose evidence names the changed text: (code, feature, msgid, params).
_EVIDENCE_RULES: tuple[tuple[str, str, str, Callable[[Evidence], dict[str, Param]]], ...] = (
    (
        "number_changed_sourced",
        "number_changed_sourced",
        N_("number {old} → {new} in a sentence whose source did not change"),
        lambda e: {"old": e.old, "new": e.new or "—"},
    ),
    (
        "number_changed_unsourced",
        "number_changed_unsourced",
        N_("number {old} → {new} changed without a new source"),
        lambda e: {"old": e.old, "new": e.new or "—"},
    ),
    (
        "negation_flipped",
        "negation_flipped",
        N_("meaning reversed: “{old}” → “{new}”"),
        lambda e: {"old": e.old, "new": e.new},
    ),
    (
        "sourced_removed",
        "sourced_removed",
        N_("removes sourced text without giving a reason: “{text}”"),
        lambda e: {"text": e.old},
    ),
    (
        "unsourced_claims",
        "unsourced_claims",
        N_("adds a claim without a footnote among sourced claims: “{text}”"),
        lambda e: {"text": e.new},
    ),
    (
        "lookalike_links",
        "lookalike_links",
        N_("links to {domain}, which looks like an official site but is not one"),
        lambda e: {"domain": e.new},
    ),
    (
        "risky_links",
        "risky_links",
        N_("adds a shortened, chat or app-download link: {domain}"),
        lambda e: {"domain": e.new},
    ),
    (
        "adds_hoax_markers",
        "hoax_words",
        N_("adds a phrase typical of hoaxes: “{phrase}”"),
        lambda e: {"phrase": e.new},
    ),
    (
        "adds_scam_phrasing",
        "scam_words",
        N_("adds scam phrasing (fees, registration or claim links): “{phrase}”"),
        lambda e: {"phrase": e.new},
    ),
    (
        "adds_pov",
        "pov_words",
        N_("adds praise or attacks about a named person or party: “{phrase}”"),
        lambda e: {"phrase": e.new},
    ),
)


def _marks(evidence: Evidence) -> tuple[str, ...]:
    return tuple(t.rstrip("…") for t in (evidence.new, evidence.old) if t and t != "—")


def reasons(
    features: F, contributions: Mapping[str, float], claims: Claims | None = None
) -> list[Reason]:
    """The reasons that push the score up, largest contribution first."""
    found: list[Reason] = []
    with_evidence = {feature for _code, feature, _m, _p in _EVIDENCE_RULES}
    for code, feature, msgid, params in _EVIDENCE_RULES:
        evidence = claims.first(feature) if claims is not None else None
        total = contributions.get(feature, 0.0)
        if evidence is None or total < MIN_CONTRIBUTION or features[feature] <= 0:
            continue
        found.append(Reason(code, round(total, 4), msgid, params(evidence), marks=_marks(evidence)))
    for rule in _REASONS:
        if (
            claims is not None
            and set(rule.features) & with_evidence
            and any(r.code == rule.code for r in found)
        ):
            continue
        total = math.fsum(contributions[name] for name in rule.features)
        if total >= MIN_CONTRIBUTION and rule.applies(features):
            msgid, params_ = rule.message(features)
            group = "editor" if set(rule.features) <= EDITOR_FEATURES else "content"
            found.append(Reason(rule.code, round(total, 4), msgid, params_, group))
    found.sort(key=lambda r: (-r.contribution, r.code))
    return found
