"""Abuse rules: admins' conditions over an edit, checked before it is saved. No HTTP here.

:func:`screen` is the one entry point both save routes (the edit form and the REST API) call,
in a read transaction *before* the save; the hits are then logged (:func:`record`) in a
transaction of their own, so the log survives a refused edit. It reads the
page's current text, works out what the edit adds and removes, and checks every enabled
:class:`~wiki.models.AbuseRule`: the cheap conditions first (size change, removed bytes,
namespace, the editor's kind, the vandalism score), then the patterns over the added text with
:func:`wiki.text.safe_regex.evaluate_all` under :data:`BUDGET_MS`. Rules the budget cut off count as
not matched and are logged with the action ``cutoff``.

What a matching rule does, most severe first: ``disallow`` refuses the edit; ``throttle``
refuses it once the editor has hit the rule ``throttle_count`` times within an hour (the hits
before only log); ``warn`` refuses it once with the rule's message, and the same save
acknowledging that rule goes through; ``tag`` tags the saved change ``abusefilter-<id>``;
``log`` only logs. Every hit is an :class:`~wiki.models.AbuseHit` (Special:AbuseLog).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wiki.errors import N_, BadInput
from wiki.models import AbuseHit, AbuseRule, utcnow
from wiki.patrol import scoring
from wiki.text import safe_regex
from wiki.text.titles import Title

__all__ = [
    "ACTIONS",
    "BUDGET_MS",
    "Attempt",
    "Outcome",
    "added_and_removed",
    "check_rule",
    "evaluate",
    "parse_acknowledged",
    "parse_namespaces",
    "record",
    "tag_of",
]

ACTIONS = ("log", "tag", "warn", "disallow", "throttle")
#: Time for all patterns of one edit; rules not started by then count as not matched.
BUDGET_MS = 50.0
THROTTLE_WINDOW = timedelta(hours=1)
#: How much of the added text a log entry keeps.
EXCERPT = 2000


def tag_of(rule_id: int) -> str:
    """The tag a ``tag`` rule puts on the changes it matches."""
    return f"abusefilter-{rule_id}"


def parse_namespaces(raw: str) -> frozenset[int]:
    """``"0, 2"`` -> {0, 2}; BadInput for anything else."""
    out: set[int] = set()
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise BadInput(N_("Namespaces must be numbers separated by commas."))
        out.add(int(part))
    return frozenset(out)


#: Line diffs bigger than this (old lines x new lines) compare lines as sets: linear time.
_DIFF_CELLS = 1_000_000


def added_and_removed(old: str, new: str) -> tuple[str, str]:
    """The lines an edit adds and the lines it removes, as they are written (newline-joined),
    so patterns see the editor's own text."""
    a, b = old.splitlines(), new.splitlines()
    start, limit = 0, min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a, b = a[start : len(a) - end], b[start : len(b) - end]
    if len(a) * len(b) > _DIFF_CELLS:
        olds, news = set(a), set(b)
        return "\n".join(x for x in b if x not in olds), "\n".join(x for x in a if x not in news)
    added: list[str] = []
    removed: list[str] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            removed.extend(a[i1:i2])
            added.extend(b[j1:j2])
    return "\n".join(added), "\n".join(removed)


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> safe_regex.Rule:
    return safe_regex.compile_rule(pattern)


@dataclass(frozen=True)
class RuleSpec:
    """A rule as an admin wrote it in the form (see ``AbuseRule`` for the fields)."""

    name: str
    enabled: bool = False
    pattern: str = ""
    max_delta: int | None = None
    min_removed: int | None = None
    namespaces: str = ""
    new_users_only: bool = False
    min_score: float | None = None
    actions: str = "log"
    throttle_count: int = 3
    message: str = ""


def apply(rule: AbuseRule, spec: RuleSpec) -> None:
    """Copy ``spec`` into ``rule``."""
    rule.name = spec.name.strip()[:255] or "?"
    rule.enabled = spec.enabled
    rule.pattern = spec.pattern
    rule.max_delta = spec.max_delta
    rule.min_removed = spec.min_removed
    rule.namespaces = spec.namespaces.strip()[:255]
    rule.new_users_only = spec.new_users_only
    rule.min_score = spec.min_score
    rule.actions = spec.actions
    rule.throttle_count = spec.throttle_count
    rule.message = spec.message
    rule.updated_at = utcnow()


def check_spec(spec: RuleSpec) -> None:
    """Raise BadInput when a rule written like ``spec`` cannot work."""
    rule = AbuseRule()
    apply(rule, spec)
    check_rule(rule)


def check_rule(rule: AbuseRule) -> None:
    """Raise BadInput (safe_regex.BadPattern for the pattern) when the rule cannot work."""
    if rule.pattern:
        safe_regex.compile_rule(rule.pattern)
    actions = [a for a in rule.actions.split(",") if a]
    if not actions or set(actions) - set(ACTIONS):
        raise BadInput(N_("Choose at least one action."))
    parse_namespaces(rule.namespaces)
    if rule.min_score is not None and not 0 <= rule.min_score <= 1:
        raise BadInput(N_("The minimum score must be between 0 and 1."))
    if rule.throttle_count < 1:
        raise BadInput(N_("The throttle count must be at least 1."))


@dataclass(frozen=True)
class Attempt:
    """An edit about to be saved, with the facts rules look at."""

    title: Title
    old_text: str
    new_text: str
    summary: str
    user_id: int | None
    user_text: str
    newbie: bool  # anonymous, or an account that is not autoconfirmed


@dataclass
class Outcome:
    """What the rules decided. ``refusal``: the rule's message when the edit is refused."""

    refusal: str | None = None
    throttled: bool = False
    #: Rules that warn and were not acknowledged yet (id -> message).
    warnings: dict[int, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    matched: list[int] = field(default_factory=list)
    cut_off: list[int] = field(default_factory=list)
    #: The log entries to write (:func:`record`), one per hit and per cut-off rule.
    hits: list[AbuseHit] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        """The edit must not be saved now."""
        return self.refusal is not None or bool(self.warnings)


def _conditions_hold(
    session: Session, rule: AbuseRule, a: Attempt, delta: int, removed: int, score: Any
) -> bool:
    if rule.max_delta is not None and delta > rule.max_delta:
        return False
    if rule.min_removed is not None and removed < rule.min_removed:
        return False
    spaces = parse_namespaces(rule.namespaces)
    if spaces and a.title.ns not in spaces:
        return False
    if rule.new_users_only and not a.newbie:
        return False
    return rule.min_score is None or score() >= rule.min_score


def evaluate(
    session: Session,
    a: Attempt,
    *,
    acknowledged: frozenset[int] = frozenset(),
    budget_ms: float = BUDGET_MS,
    now: datetime | None = None,
) -> Outcome:
    """Check the enabled rules against ``a`` (reads only; :func:`record` logs the hits)."""
    now = now or utcnow()
    rules = list(session.scalars(select(AbuseRule).where(AbuseRule.enabled).order_by(AbuseRule.id)))
    out = Outcome()
    if not rules:
        return out
    added, removed_text = added_and_removed(a.old_text, a.new_text)
    delta = len(a.new_text.encode("utf-8")) - len(a.old_text.encode("utf-8"))
    removed = len(removed_text.encode("utf-8"))
    cached: list[float] = []

    def score() -> float:
        if not cached:
            cached.append(
                scoring.score_attempt(
                    session,
                    a.title,
                    a.old_text,
                    a.new_text,
                    summary=a.summary,
                    user_id=a.user_id,
                    name=a.user_text,
                    now=now,
                )
            )
        return cached[0]

    candidates = [r for r in rules if _conditions_hold(session, r, a, delta, removed, score)]
    by_id = {r.id: r for r in candidates}
    patterns: dict[int, safe_regex.Rule] = {}
    matched = [r.id for r in candidates if not r.pattern]
    for r in candidates:
        if r.pattern:
            try:
                patterns[r.id] = _compiled(r.pattern)
            except BadInput:  # saved before a check existed: never matches
                continue
    hits, cut_off = safe_regex.evaluate_all(patterns, added, budget_ms)
    matched_set = set(matched) | set(hits)
    out.matched = [r.id for r in candidates if r.id in matched_set]
    out.cut_off = list(cut_off)
    details = {
        "added": added[:EXCERPT],
        "delta": delta,
        "removed": removed,
        "summary": a.summary,
    }
    if cached:
        details["score"] = round(cached[0], 4)
    for rule_id in out.matched:
        rule = by_id[rule_id]
        actions = set(rule.actions.split(","))
        taken = "log"
        if "disallow" in actions:
            taken = "disallow"
            out.refusal = out.refusal or rule.message or rule.name
        elif "throttle" in actions and _recent_hits(session, rule, a, now) >= rule.throttle_count:
            taken = "throttle"
            out.throttled = True
            out.refusal = out.refusal or rule.message or rule.name
        elif "warn" in actions and rule.id not in acknowledged:
            taken = "warn"
            out.warnings[rule.id] = rule.message or rule.name
        elif "tag" in actions:
            taken = "tag"
        if "tag" in actions:
            out.tags.append(tag_of(rule.id))
        out.hits.append(_hit(rule.id, a, taken, details, now))
    for rule_id in out.cut_off:
        out.hits.append(_hit(rule_id, a, "cutoff", details, now))
    return out


def record(session: Session, outcome: Outcome) -> None:
    """Write the outcome's log entries (Special:AbuseLog)."""
    session.add_all(outcome.hits)


def _recent_hits(session: Session, rule: AbuseRule, a: Attempt, now: datetime) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(AbuseHit)
            .where(
                AbuseHit.rule_id == rule.id,
                AbuseHit.user_text == a.user_text,
                AbuseHit.timestamp >= now - THROTTLE_WINDOW,
            )
        )
        or 0
    )


def _hit(rule_id: int, a: Attempt, action: str, details: dict[str, Any], now: datetime) -> AbuseHit:
    return AbuseHit(
        rule_id=rule_id,
        user_id=a.user_id,
        user_text=a.user_text,
        namespace=a.title.ns,
        title=a.title.text,
        action=action,
        timestamp=now,
        details=json.dumps(details, ensure_ascii=False),
    )


def parse_acknowledged(raw: str) -> frozenset[int]:
    """The form's ``wpAbuseAck`` ("3,5") as rule ids; junk is ignored."""
    return frozenset(int(p) for p in raw.split(",") if p.strip().isdigit())
