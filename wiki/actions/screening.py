"""The abuse rules, run on the exact text a storage verb is about to save.

A :class:`Screening` is handed to the storage verb as its ``screen``. When the rules refuse or
warn, it raises inside the transaction, which rolls back; the action then writes the rule hits
in a transaction of their own (:meth:`Screening.record_refused`), so a refused change is logged
too. When the change goes ahead, its hits and tags are written with it (:meth:`accepted`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.actions.context import MSG_RATE, Actor, Env
from wiki.errors import AbuseDisallowed, AbuseWarned, RateLimited
from wiki.models import AbuseRule
from wiki.pages import edits
from wiki.patrol import abuse, recentchanges
from wiki.text.titles import Title


class Stopped(Exception):
    """Raised inside the transaction to roll it back; turned into a domain error outside."""


class Screening:
    """Abuse rules for one change by ``actor``; ``acknowledged``: warnings already seen."""

    def __init__(
        self, actor: Actor, summary: str, acknowledged: frozenset[int] = frozenset()
    ) -> None:
        self.actor = actor
        self.summary = summary
        self.acknowledged = acknowledged
        self.outcome: abuse.Outcome | None = None

    def __call__(self, session: Session, title: Title, old: str, new: str) -> None:
        if session.scalar(select(AbuseRule.id).where(AbuseRule.enabled).limit(1)) is None:
            return
        actor = self.actor
        groups = actor.groups or edits.groups_of(session, actor.user_id)
        kind = recentchanges.user_kind(actor.user_id, groups, actor.name)
        attempt = abuse.Attempt(
            title=title,
            old_text=old,
            new_text=new,
            summary=self.summary,
            user_id=actor.user_id,
            user_text=actor.name,
            newbie=kind in (recentchanges.ANON, recentchanges.NEWBIE),
        )
        self.outcome = abuse.evaluate(session, attempt, acknowledged=self.acknowledged)
        if self.outcome.blocked:
            raise Stopped()

    @property
    def tags(self) -> list[str]:
        return list(self.outcome.tags) if self.outcome else []

    def accepted(self, session: Session) -> None:
        """The change is being saved: write its rule hits with it."""
        if self.outcome is not None:
            abuse.record(session, self.outcome)

    def refused(self, env: Env) -> Exception:
        """After the rollback: log the hits, and the domain error to raise."""
        outcome = self.outcome
        assert outcome is not None
        if outcome.hits:
            with env.db.write() as session:
                abuse.record(session, outcome)
        if outcome.throttled:  # an abuse rule's throttle: its window is an hour
            return RateLimited(MSG_RATE, retry_after=_seconds(abuse.THROTTLE_WINDOW))
        if outcome.refusal is not None:
            return AbuseDisallowed(outcome.refusal)
        return AbuseWarned(outcome.warnings)


def _seconds(window: timedelta) -> int:
    return int(window.total_seconds())
