"""The vandalism score: a logistic regression over :mod:`wiki.vandalism.features`, explained.

Pure: the only I/O is reading the committed weights (``data/model-v1.json``) once.

``score(edit)`` is ``sigmoid(bias + sum(weight_i * scaled_i))`` where ``scaled_i`` is the
feature after its transform (``log1p`` for counts) minus the training mean, divided by the
training standard deviation. ``weight_i * scaled_i`` is the feature's *contribution*: how far
it moved this edit's log-odds away from those of an average training edit. Reasons are the
contributions that push the score up, grouped where several features tell one story (the
author's facts), kept only when the fact they describe is really there (a footnote was
removed, not merely "fewer footnotes than average"), largest first.

Messages are English msgids marked with ``N_``; the web layer translates them and fills in
``params``. There are two msgids where English needs a plural ("adds an insult" /
"adds {n} insults"); Indonesian has no plural, so no ``ngettext`` is needed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from wiki.errors import N_, ConfigError
from wiki.vandalism.features import FEATURES, NEW_ACCOUNT_EDITS, Edit, extract

__all__ = [
    "MODEL_PATH",
    "TRANSFORMS",
    "Badge",
    "Model",
    "Reason",
    "Scored",
    "badge",
    "load_model",
    "score",
    "transform",
]

MODEL_PATH = Path(__file__).parent / "data" / "model-v1.json"

Badge = Literal["good", "maybe", "bad"]

# Counts and sizes enter the model damped with log1p; ratios and yes/no facts as they are.
_LOG1P = frozenset(
    (
        "chars_added",
        "chars_removed",
        "words_added",
        "footnotes_removed",
        "footnotes_added",
        "sources_removed",
        "links_removed",
        "external_links_added",
        "common_domain_links_added",
        "same_domain_links_added",
        "phone_numbers_added",
        "char_repeat",
        "junk_words",
        "insult_words",
        "profanity_words",
        "slang_words",
        "hoax_words",
        "spam_words",
        "account_age_days",
        "edit_count",
        "recent_reverts",
    )
)
#: How each raw feature enters the model: "log1p" or "none".
TRANSFORMS: dict[str, str] = {name: "log1p" if name in _LOG1P else "none" for name in FEATURES}

#: A reason must move the log-odds by at least this much to be shown.
MIN_CONTRIBUTION = 0.1
#: Removing fewer characters than this is not worth a reason of its own. (Adding text never
#: is: how much was added only weighs the other signals, it explains nothing by itself.)
NOTABLE_REMOVAL = 200


def transform(name: str, value: float) -> float:
    """The raw feature ``value`` as the model sees it, before scaling."""
    return math.log1p(max(0.0, value)) if TRANSFORMS[name] == "log1p" else value


@dataclass(frozen=True, slots=True)
class Reason:
    """One thing that pushed the score up, as a translatable message."""

    code: str  # machine-readable, stable: "removes_sources", "adds_insult", ...
    contribution: float  # added log-odds (weight x scaled value, summed over its features)
    msgid: str  # English, N_-marked, with {placeholders}
    params: Mapping[str, int] = field(default_factory=dict)

    def message(self, gettext: Callable[[str], str]) -> str:
        """The reason in the reader's language."""
        return gettext(self.msgid).format(**self.params)


@dataclass(frozen=True, slots=True)
class Scored:
    """An edit's score in [0, 1], its reasons (largest first) and the model version."""

    score: float
    reasons: list[Reason]
    version: str = ""


@dataclass(frozen=True, slots=True)
class Model:
    """Weights and scaling loaded from the versioned JSON file."""

    version: str
    names: tuple[str, ...]
    weights: tuple[float, ...]
    means: tuple[float, ...]
    stds: tuple[float, ...]
    bias: float
    thresholds: Mapping[str, float]
    raw: Mapping[str, Any]  # the whole file: training facts, evaluation figures

    def contributions(self, features: Mapping[str, float]) -> dict[str, float]:
        """Each feature's weight x scaled value."""
        return {
            name: w * (transform(name, features[name]) - m) / s
            for name, w, m, s in zip(self.names, self.weights, self.means, self.stds, strict=True)
        }

    def probability(self, contributions: Mapping[str, float]) -> float:
        """The logistic function of the bias plus all contributions."""
        z = self.bias + math.fsum(contributions.values())
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)


def model_from_json(data: Mapping[str, Any]) -> Model:
    """A :class:`Model` from the parsed JSON; refuses a file that doesn't fit this code."""
    specs = data["features"]
    names = tuple(str(f["name"]) for f in specs)
    if names != FEATURES:
        raise ConfigError(
            N_("The vandalism model {version} was trained on other features; retrain it."),
            version=str(data.get("version", "?")),
        )
    for f in specs:
        if f["transform"] != TRANSFORMS[f["name"]]:
            raise ConfigError(
                N_("The vandalism model {version} uses another transform for {feature}."),
                version=str(data.get("version", "?")),
                feature=str(f["name"]),
            )
    return Model(
        version=str(data["version"]),
        names=names,
        weights=tuple(float(f["weight"]) for f in specs),
        means=tuple(float(f["mean"]) for f in specs),
        stds=tuple(float(f["std"]) or 1.0 for f in specs),
        bias=float(data["bias"]),
        thresholds={k: float(v["value"]) for k, v in data["thresholds"].items()},
        raw=data,
    )


@cache
def load_model(path: Path = MODEL_PATH) -> Model:
    """The committed model (read once per process)."""
    return model_from_json(json.loads(path.read_text(encoding="utf-8")))


# --- reasons --------------------------------------------------------------------------------

F = Mapping[str, float]


@dataclass(frozen=True, slots=True)
class _ReasonRule:
    code: str
    features: tuple[str, ...]
    applies: Callable[[F], bool]  # is the fact really there?
    message: Callable[[F], tuple[str, dict[str, int]]]


def _count(feature: str, one: str, many: str) -> Callable[[F], tuple[str, dict[str, int]]]:
    def message(f: F) -> tuple[str, dict[str, int]]:
        n = round(f[feature])
        return (one, {}) if n == 1 else (many, {"n": n})

    return message


def _fixed(msgid: str, **params: Callable[[F], int]) -> Callable[[F], tuple[str, dict[str, int]]]:
    def message(f: F) -> tuple[str, dict[str, int]]:
        return msgid, {k: get(f) for k, get in params.items()}

    return message


def _positive(feature: str) -> Callable[[F], bool]:
    return lambda f: f[feature] > 0


def _pct(feature: str) -> Callable[[F], int]:
    return lambda f: round(100 * f[feature])


def _author_message(f: F) -> tuple[str, dict[str, int]]:
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


def reasons(features: F, contributions: Mapping[str, float]) -> list[Reason]:
    """The reasons that push the score up, largest contribution first."""
    found: list[Reason] = []
    for rule in _REASONS:
        total = math.fsum(contributions[name] for name in rule.features)
        if total >= MIN_CONTRIBUTION and rule.applies(features):
            msgid, params = rule.message(features)
            found.append(Reason(rule.code, round(total, 4), msgid, params))
    found.sort(key=lambda r: (-r.contribution, r.code))
    return found


def score(edit: Edit, model: Model | None = None) -> Scored:
    """How likely ``edit`` is vandalism, in [0, 1], and why."""
    model = model or load_model()
    features = extract(edit)
    contributions = model.contributions(features)
    return Scored(model.probability(contributions), reasons(features, contributions), model.version)


def badge(value: float, model: Model | None = None) -> Badge:
    """ "good" (likely good), "maybe" (may have problems) or "bad" (likely vandalism)."""
    model = model or load_model()
    if value >= model.thresholds["bad"]:
        return "bad"
    if value >= model.thresholds["maybe"]:
        return "maybe"
    return "good"
