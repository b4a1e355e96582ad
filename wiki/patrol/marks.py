"""Patrolling: marking changes as checked. No HTTP here.

A change is unpatrolled until someone with the ``patrol`` right marks it; edits by editors with
``autopatrol`` are recorded as autopatrolled (``wiki.pages.edits``). Marking is idempotent: only the
first mark changes the row and is logged (type "patrol"), so two patrollers clicking at once
leave one log entry. The caller checks the right.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from wiki.errors import N_, BadInput, NotFound
from wiki.models import RecentChange, Revision
from wiki.patrol import logs, recentchanges, recording
from wiki.text.titles import Title


@dataclass(frozen=True)
class PatrolResult:
    """What marking did: ``changed`` is False when the change was already patrolled."""

    rc_id: int
    revision_id: int | None
    title: Title
    changed: bool


def mark(
    session: Session,
    *,
    performer: logs.Performer,
    rc_id: int | None = None,
    revision_id: int | None = None,
) -> PatrolResult:
    """Mark one change (by recent-changes id or by revision id) as patrolled."""
    if rc_id is not None:
        rc = session.get(RecentChange, rc_id)
    elif revision_id is not None:
        rc = recording.for_revision(session, revision_id)
    else:
        raise BadInput(N_("Say which change to mark as patrolled."))
    if rc is None:
        raise NotFound(
            N_("This change is not in recent changes any more, so it cannot be patrolled.")
        )
    if rc.kind == recentchanges.LOG:
        raise BadInput(N_("Logged actions are not patrolled; only edits are."))
    title = Title(rc.namespace, rc.title)
    result = session.execute(
        update(RecentChange)
        .where(RecentChange.id == rc.id, RecentChange.patrolled == recentchanges.UNPATROLLED)
        .values(patrolled=recentchanges.PATROLLED)
        .execution_options(synchronize_session=False)
    )
    changed = bool(getattr(result, "rowcount", 0))
    if changed:
        logs.record(
            session,
            type="patrol",
            action="patrol",
            performer=performer,
            target=title,
            page_id=rc.page_id,
            params={"revision": rc.revision_id, "previous": rc.parent_id},
        )
    session.expire(rc)
    return PatrolResult(rc_id=rc.id, revision_id=rc.revision_id, title=title, changed=changed)


def mark_range(session: Session, page_id: int, *, after: int, upto: int) -> int:
    """Mark the edits of a page with revision ids in (after, upto] patrolled (the edits a
    rollback reverted: they were checked by the patroller who reverted them)."""
    rev_ids = select(Revision.id).where(
        Revision.page_id == page_id, Revision.id > after, Revision.id <= upto
    )
    result = session.execute(
        update(RecentChange)
        .where(
            RecentChange.revision_id.in_(rev_ids),
            RecentChange.patrolled == recentchanges.UNPATROLLED,
        )
        .values(patrolled=recentchanges.PATROLLED)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def state(session: Session, revision_id: int) -> int | None:
    """The patrol state of a revision's change (None when it is not in recent changes)."""
    return session.scalar(
        select(RecentChange.patrolled).where(RecentChange.revision_id == revision_id)
    )
