"""Drafts kept on the server, so text that could not be saved is never lost.

When a save is refused (edit conflict, size limit, invalid input, expired session, rate limit)
the text is stored here for ``KEEP_DAYS`` days, keyed by its owner: an account, or a hash of an
anonymous browser's session id (the raw id is never stored). The edit page offers it back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wiki.models import SUMMARY_MAX, Draft, utcnow
from wiki.text.titles import Title

KEEP_DAYS = 7


def owner_for(*, user_id: int | None, session_id: str | None) -> str | None:
    """The owner key for an account or an anonymous session (None when there is neither)."""
    if user_id is not None:
        return f"u:{user_id}"
    if session_id:
        return "s:" + hashlib.sha256(session_id.encode()).hexdigest()[:64]
    return None


@dataclass(frozen=True)
class DraftInfo:
    text: str
    summary: str
    base_id: int | None
    section: int | None
    reason: str
    created_at: datetime


def keep(
    session: Session,
    owner: str,
    title: Title,
    text: str,
    *,
    summary: str = "",
    base_id: int | None = None,
    section: int | None = None,
    reason: str,
) -> None:
    """Store (or replace) the owner's draft of ``title``."""
    session.execute(
        delete(Draft).where(
            Draft.owner == owner, Draft.namespace == title.ns, Draft.title == title.text
        )
    )
    now = utcnow()
    session.add(
        Draft(
            owner=owner,
            namespace=title.ns,
            title=title.text,
            text=text,
            summary=summary[:SUMMARY_MAX],
            base_id=base_id,
            section=section,
            reason=reason,
            created_at=now,
            expires_at=now + timedelta(days=KEEP_DAYS),
        )
    )


def find(session: Session, owner: str, title: Title) -> DraftInfo | None:
    """The owner's unexpired draft of ``title``, if any."""
    row = session.scalar(
        select(Draft).where(
            Draft.owner == owner,
            Draft.namespace == title.ns,
            Draft.title == title.text,
            Draft.expires_at > utcnow(),
        )
    )
    if row is None:
        return None
    return DraftInfo(row.text, row.summary, row.base_id, row.section, row.reason, row.created_at)


def discard(session: Session, owner: str, title: Title) -> None:
    session.execute(
        delete(Draft).where(
            Draft.owner == owner, Draft.namespace == title.ns, Draft.title == title.text
        )
    )


def purge_expired(session: Session) -> int:
    """Delete expired drafts; returns how many."""
    result = session.execute(delete(Draft).where(Draft.expires_at <= utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)
