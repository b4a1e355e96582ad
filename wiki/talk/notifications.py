"""The notification inbox: mentions, replies, new topics and changes to watched pages.

Services call ``notify`` inside their own transaction. ``notify_once`` keeps at most one unread
notification per user, page and kind (a watched page that changes ten times before you visit
it is one notification, as MediaWiki's watchlist e-mails are).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from wiki.models import Notification, utcnow
from wiki.text.titles import Title

KINDS = ("mention", "reply", "topic", "watch", "vandalism", "usertalk")


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    title: Title
    revision_id: int | None
    anchor: str
    actor: str
    extra: dict[str, Any]
    created_at: datetime
    read: bool


def notify(
    session: Session,
    user_id: int,
    kind: str,
    title: Title,
    *,
    actor: str,
    revision_id: int | None = None,
    anchor: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    """Add a notification to ``user_id``'s inbox."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    session.add(
        Notification(
            user_id=user_id,
            kind=kind,
            namespace=title.ns,
            title=title.text,
            revision_id=revision_id,
            anchor=anchor[:255],
            actor_text=actor,
            extra=json.dumps(extra or {}, ensure_ascii=False, sort_keys=True),
            created_at=utcnow(),
        )
    )


def supersede_watch(session: Session, user_id: int, title: Title, revision_id: int) -> None:
    """A talk notification (reply, mention, topic) about ``revision_id`` says more than the
    "watched page changed" one for the same revision: keep one entry per save in the inbox.
    (Visiting the page reads both anyway, so nothing is lost.)"""
    session.execute(
        delete(Notification).where(
            Notification.user_id == user_id,
            Notification.kind == "watch",
            Notification.namespace == title.ns,
            Notification.title == title.text,
            Notification.revision_id == revision_id,
            Notification.read_at.is_(None),
        )
    )


def notify_once(
    session: Session,
    user_id: int,
    kind: str,
    title: Title,
    *,
    actor: str,
    revision_id: int | None = None,
    extra: dict[str, Any] | None = None,
) -> bool:
    """Like ``notify``, unless an unread one of this kind for this page is already there
    (then it is refreshed to point at the newest revision). Returns True when one was added."""
    existing = session.scalar(
        select(Notification).where(
            Notification.user_id == user_id,
            Notification.kind == kind,
            Notification.namespace == title.ns,
            Notification.title == title.text,
            Notification.read_at.is_(None),
        )
    )
    if existing is not None:
        existing.revision_id = revision_id
        existing.actor_text = actor
        if extra:
            existing.extra = json.dumps(extra, ensure_ascii=False, sort_keys=True)
        return False
    notify(session, user_id, kind, title, actor=actor, revision_id=revision_id, extra=extra)
    return True


def unread_count(session: Session, user_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def inbox(
    session: Session, user_id: int, *, unread_only: bool = False, limit: int = 50
) -> list[NotificationView]:
    """The user's notifications, newest first."""
    stmt = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.id.desc()).limit(max(1, min(limit, 500)))
    return [
        NotificationView(
            id=n.id,
            kind=n.kind,
            title=Title(n.namespace, n.title),
            revision_id=n.revision_id,
            anchor=n.anchor,
            actor=n.actor_text,
            extra=json.loads(n.extra),
            created_at=n.created_at,
            read=n.read_at is not None,
        )
        for n in session.scalars(stmt)
    ]


def mark_read(session: Session, user_id: int, ids: list[int] | None = None) -> int:
    """Mark some (or, with None, all) of the user's notifications read; returns how many."""
    stmt = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    result = session.execute(stmt.values(read_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


def mark_page_read(session: Session, user_id: int, title: Title) -> int:
    """Visiting a page reads its notifications (watch, topic, reply, mention)."""
    result = session.execute(
        update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
            Notification.namespace == title.ns,
            Notification.title == title.text,
        )
        .values(read_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)
