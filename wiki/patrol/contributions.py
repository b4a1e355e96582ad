"""A user's or an IP's edits (Special:Contributions). No HTTP here.

One keyset scan of the ``(user_text, id)`` index of ``revision``. Revisions whose author is
hidden are left out for readers without ``viewsuppressed`` (listing them under the name would
reveal it), as MediaWiki does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from wiki.models import Page, Revision
from wiki.pages import visibility
from wiki.patrol import scoring
from wiki.text.titles import Title

MAX_LIMIT = 500


@dataclass(frozen=True)
class Contribution(visibility.HiddenParts):
    id: int
    parent_id: int | None
    page_id: int
    title: Title
    timestamp: datetime
    user_text: str
    user_id: int | None
    summary: str
    minor: bool
    size: int
    delta: int
    visibility: int
    current: bool  # the page's latest revision
    #: The edit's vandalism score (None: unscored, or hidden with the text).
    vandalism_score: float | None = None

    @property
    def badge(self) -> str | None:
        """ "good", "maybe" or "bad" (wiki.patrol.scoring); None without a score."""
        return scoring.badge_of(self.vandalism_score)

    @property
    def is_new(self) -> bool:
        return self.parent_id is None


@dataclass(frozen=True)
class ContributionsPage:
    items: list[Contribution]
    older: int | None  # pass as older_than for the next page
    newer: int | None  # pass as newer_than for the previous page


def contributions(
    session: Session,
    name: str,
    *,
    can_view_suppressed: bool,
    namespace: int | None = None,
    older_than: int | None = None,
    newer_than: int | None = None,
    limit: int = 50,
    score: str = "",
) -> ContributionsPage:
    """``name``'s edits newest first, ``limit`` at a time, by keyset on revision id;
    ``score``: only edits whose vandalism score earns that badge (wiki.patrol.scoring.BADGES)."""
    limit = max(1, min(limit, MAX_LIMIT))
    parent = aliased(Revision)
    stmt: Any = (
        select(
            Revision.id,
            Revision.parent_id,
            Revision.page_id,
            Page.namespace,
            Page.title,
            Page.latest_id,
            Revision.timestamp,
            Revision.user_text,
            Revision.user_id,
            Revision.summary,
            Revision.minor,
            Revision.size,
            func.coalesce(parent.size, 0).label("parent_size"),
            Revision.visibility,
            Revision.vandalism_score,
        )
        .join(Page, Page.id == Revision.page_id)
        .outerjoin(parent, parent.id == Revision.parent_id)
        .where(Revision.user_text == name)
    )
    if not can_view_suppressed:
        stmt = stmt.where(Revision.visibility.op("&")(visibility.USER) == 0)
    if namespace is not None:
        stmt = stmt.where(Page.namespace == namespace)
    if score:
        stmt = stmt.where(scoring.badge_condition(Revision.vandalism_score, score))
        if not can_view_suppressed:  # the score is hidden with the text
            stmt = stmt.where(Revision.visibility.op("&")(visibility.TEXT) == 0)
    if newer_than is not None:
        stmt = stmt.where(Revision.id > newer_than).order_by(Revision.id.asc())
    else:
        if older_than is not None:
            stmt = stmt.where(Revision.id < older_than)
        stmt = stmt.order_by(Revision.id.desc())
    rows = list(session.execute(stmt.limit(limit + 1)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    if newer_than is not None:
        rows.reverse()
    items = [
        visibility.redact(
            Contribution(
                id=r.id,
                parent_id=r.parent_id,
                page_id=r.page_id,
                title=Title(r.namespace, r.title),
                timestamp=r.timestamp,
                user_text=r.user_text,
                user_id=r.user_id,
                summary=r.summary,
                minor=bool(r.minor),
                size=r.size,
                delta=r.size - r.parent_size,
                visibility=r.visibility,
                current=r.latest_id == r.id,
                vandalism_score=(
                    r.vandalism_score
                    if can_view_suppressed or not r.visibility & visibility.TEXT
                    else None
                ),
            ),
            can_view_suppressed,
        )
        for r in rows
    ]
    if not items:
        return ContributionsPage([], None, None)
    if newer_than is not None:
        older_exists = _exists(session, name, Revision.id < items[-1].id, can_view_suppressed)
        return ContributionsPage(
            items, items[-1].id if older_exists else None, items[0].id if more else None
        )
    newer_exists = older_than is not None and _exists(
        session, name, Revision.id > items[0].id, can_view_suppressed
    )
    return ContributionsPage(
        items, items[-1].id if more else None, items[0].id if newer_exists else None
    )


def _exists(session: Session, name: str, cond: Any, can_view_suppressed: bool) -> bool:
    stmt = select(Revision.id).where(Revision.user_text == name, cond)
    if not can_view_suppressed:
        stmt = stmt.where(Revision.visibility.op("&")(visibility.USER) == 0)
    return session.scalar(stmt.limit(1)) is not None
