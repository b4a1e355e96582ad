"""The vandalism score: a calibrated logistic regression over :mod:`wiki.vandalism.features`.

Pure: the only I/O is reading the committed weights (``data/model-v2.json``) once.

The raw score is ``z = bias + sum(weight_i * scaled_i)`` where ``scaled_i`` is the feature
after its transform (``log1p`` for counts) minus the training mean, divided by the training
standard deviation; ``weight_i * scaled_i`` is the feature's *contribution*: how far it moved
this edit's log-odds away from those of an average training edit. The probability is Platt's
calibration of ``z``: ``sigmoid(a * z + b)``, with ``a`` and ``b`` fitted on the development
set (``tests/data/vandalism-dev``; a monotone map, so it changes no ranking).

Editor and content, apart
    Contributions of the facts about the editor and the page's past
    (:data:`~wiki.vandalism.features.EDITOR_FEATURES`) are summed apart. ``content`` is the
    probability without them (an average editor); ``editor`` is what they add (negative for a
    long-standing account). Editor facts may raise a score but never earn the "likely
    vandalism" badge: unless the content alone reaches the "likely vandalism" threshold, the
    score stays just under it (so the badge, the filters and auto-revert all follow).

Reasons are in :mod:`wiki.vandalism.reasons`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from wiki.errors import N_, ConfigError
from wiki.vandalism.features import EDITOR_FEATURES, FEATURES, Edit, extract_all
from wiki.vandalism.reasons import MIN_CONTRIBUTION, NOTABLE_REMOVAL, Reason, reasons

__all__ = [
    "MIN_CONTRIBUTION",
    "MODEL_PATH",
    "NOTABLE_REMOVAL",
    "TRANSFORMS",
    "Badge",
    "Model",
    "Reason",
    "Scored",
    "badge",
    "load_model",
    "score",
    "sigmoid",
    "transform",
]

MODEL_PATH = Path(__file__).parent / "data" / "model-v2.json"
#: How far under the "likely vandalism" threshold an edit stays when only editor facts would
#: carry it over.
BELOW = 1e-4

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
        "number_changed_sourced",
        "number_changed_unsourced",
        "negation_flipped",
        "sourced_removed",
        "unsourced_claims",
        "lookalike_links",
        "risky_links",
        "official_links",
        "debunks",
    )
)
#: How each raw feature enters the model: "log1p" or "none".
TRANSFORMS: dict[str, str] = {name: "log1p" if name in _LOG1P else "none" for name in FEATURES}


def transform(name: str, value: float) -> float:
    """The raw feature ``value`` as the model sees it, before scaling."""
    return math.log1p(max(0.0, value)) if TRANSFORMS[name] == "log1p" else value


@dataclass(frozen=True, slots=True)
class Scored:
    """An edit's score in [0, 1], its reasons (largest first) and the model version."""

    score: float
    reasons: list[Reason]
    version: str = ""
    content: float = 0.0  # the probability from the content alone (an average editor)
    editor: float = 0.0  # what the facts about the editor and the page's past add (may be < 0)


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
    calibration: tuple[float, float]  # Platt's (a, b): probability = sigmoid(a * z + b)
    raw: Mapping[str, Any]  # the whole file: training facts, evaluation figures

    def contributions(self, features: Mapping[str, float]) -> dict[str, float]:
        """Each feature's weight x scaled value."""
        return {
            name: w * (transform(name, features[name]) - m) / s
            for name, w, m, s in zip(self.names, self.weights, self.means, self.stds, strict=True)
        }

    def logit(self, contributions: Mapping[str, float]) -> float:
        """The bias plus the contributions (uncalibrated log-odds)."""
        return self.bias + math.fsum(contributions.values())

    def probability(self, contributions: Mapping[str, float]) -> float:
        """The calibrated probability of the bias plus these contributions."""
        a, b = self.calibration
        return sigmoid(a * self.logit(contributions) + b)


def sigmoid(z: float) -> float:
    """The logistic function, without overflow."""
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
        calibration=(
            float(data.get("calibration", {}).get("a", 1.0)),
            float(data.get("calibration", {}).get("b", 0.0)),
        ),
        raw=data,
    )


@cache
def load_model(path: Path = MODEL_PATH) -> Model:
    """The committed model (read once per process)."""
    return model_from_json(json.loads(path.read_text(encoding="utf-8")))


def split(model: Model, contributions: Mapping[str, float]) -> tuple[float, float, float]:
    """(score, content, editor) of these contributions: see the module notes."""
    content_only = {k: v for k, v in contributions.items() if k not in EDITOR_FEATURES}
    full = model.probability(contributions)
    content = model.probability(content_only)
    value = full
    bad = model.thresholds["bad"]
    if content < bad <= full:
        value = bad - BELOW
    return value, content, value - content


def score(edit: Edit, model: Model | None = None) -> Scored:
    """How likely ``edit`` is vandalism, in [0, 1], and why."""
    model = model or load_model()
    features, claims = extract_all(edit)
    contributions = model.contributions(features)
    value, content, editor = split(model, contributions)
    return Scored(value, reasons(features, contributions, claims), model.version, content, editor)


def badge(value: float, model: Model | None = None) -> Badge:
    """ "good" (likely good), "maybe" (may have problems) or "bad" (likely vandalism)."""
    model = model or load_model()
    if value >= model.thresholds["bad"]:
        return "bad"
    if value >= model.thresholds["maybe"]:
        return "maybe"
    return "good"
