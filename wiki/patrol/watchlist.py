"""Watchlists: watch and unwatch, expiry, "seen" marks, watchers' notifications. No HTTP here.

As in MediaWiki, a page and its talk page are watched together (two rows, always written as a
pair) and rows are keyed by title, so a watch survives the page's deletion and recreation. A
row's ``seen_at`` is when its owner last saw the page; a change by someone else after that is
"changed since your last visit". A change to a watched page by someone else leaves one unread
notification per page (``wiki.talk.notifications.notify_once``) until the watcher visits it.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from wiki.errors import N_, BadInput, NotFound
from wiki.models import Notification, Page, User, Watch, utcnow
from wiki.talk import notifications
from wiki.text.titles import Title

#: The expiry choices of the watch form: value -> duration (None: until unwatched).
EXPIRIES: dict[str, timedelta | None] = {
    "infinite": None,
    "1 week": timedelta(weeks=1),
    "1 month": timedelta(days=30),
}
TOKEN_BYTES = 24


@dataclass(frozen=True)
class WatchState:
    watched: bool
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Watched:
    """A row of Special:EditWatchlist: a subject page (its talk page goes with it)."""

    title: Title
    expires_at: datetime | None
    exists: bool


def _pair(title: Title) -> tuple[Title, Title]:
    if title.is_special:
        raise BadInput(N_("Special pages cannot be watched."))
    subject = title.subject()
    return subject, subject.talk()


def _live() -> ColumnElement[bool]:
    """Rows that have not expired."""
    return or_(Watch.expires_at.is_(None), Watch.expires_at > utcnow())


def expiry_of(choice: str, *, now: datetime | None = None) -> datetime | None:
    """The expiry time of a form choice ("infinite", "1 week", "1 month")."""
    if choice not in EXPIRIES:
        raise BadInput(N_("The expiry {value} is not a time I understand."), value=choice)
    span = EXPIRIES[choice]
    return None if span is None else (now or utcnow()) + span


def watch(
    session: Session, user_id: int, title: Title, *, expires_at: datetime | None = None
) -> None:
    """Watch ``title`` and its talk (or subject) page until ``expires_at`` (None: for good).
    Watching again replaces the expiry; the "seen" mark of an existing watch is kept."""
    now = utcnow()
    for t in _pair(title):
        row = session.get(Watch, (user_id, t.ns, t.text))
        if row is None:
            session.add(
                Watch(
                    user_id=user_id,
                    namespace=t.ns,
                    title=t.text,
                    expires_at=expires_at,
                    seen_at=now,
                )
            )
        elif row.expires_at is not None and row.expires_at <= now:
            row.expires_at, row.seen_at = expires_at, now  # an expired watch starts afresh
        else:
            row.expires_at = expires_at
    session.flush()


def ensure_watched(session: Session, user_id: int, title: Title) -> None:
    """Watch for good unless already watched (an edit's watch-by-default never shortens or
    replaces a watch the user chose)."""
    if not state(session, user_id, title).watched:
        watch(session, user_id, title)


def unwatch(session: Session, user_id: int, title: Title) -> None:
    """Stop watching ``title`` and its talk (or subject) page."""
    for t in _pair(title):
        session.execute(
            delete(Watch).where(
                Watch.user_id == user_id, Watch.namespace == t.ns, Watch.title == t.text
            )
        )


def unwatch_many(session: Session, user_id: int, titles: list[Title]) -> int:
    """Special:EditWatchlist's bulk removal; returns how many pages (with their talk pages)."""
    for t in titles:
        unwatch(session, user_id, t)
    return len(titles)


def state(session: Session, user_id: int, title: Title) -> WatchState:
    """Whether the user watches ``title`` now (an expired watch does not count)."""
    if title.is_special:
        return WatchState(False)
    row = session.scalar(
        select(Watch).where(
            Watch.user_id == user_id,
            Watch.namespace == title.ns,
            Watch.title == title.text,
            _live(),
        )
    )
    return WatchState(row is not None, row.expires_at if row is not None else None)


def watched(session: Session, user_id: int) -> list[Watched]:
    """The user's watched pages (subject pages; each stands for its talk page too), by title."""
    rows = session.execute(
        select(Watch.namespace, Watch.title, Watch.expires_at, Page.id)
        .outerjoin(Page, and_(Page.namespace == Watch.namespace, Page.title == Watch.title))
        .where(Watch.user_id == user_id, _live())
        .order_by(Watch.namespace, Watch.title)
    ).all()
    out: dict[Title, Watched] = {}
    for ns, text, expires_at, page_id in rows:
        t = Title(ns, text)
        subject = t.subject()
        if t == subject:  # subject rows sort first (even namespaces)
            out[subject] = Watched(subject, expires_at, page_id is not None)
        else:
            out.setdefault(subject, Watched(subject, expires_at, False))
    return list(out.values())


def count(session: Session, user_id: int) -> int:
    """How many pages the user watches (a page and its talk page count once)."""
    subjects = select(Watch.namespace, Watch.title).where(
        Watch.user_id == user_id, Watch.namespace % 2 == 0, _live()
    )
    return session.scalar(select(func.count()).select_from(subjects.subquery())) or 0


# --- seen marks and notifications ------------------------------------------------------------


def needs_visit(session: Session, user_id: int, title: Title) -> bool:
    """Whether viewing ``title`` has something to clear: an unread notification about it, or a
    watch whose "seen" mark is older than the page's last change. (A read, so a page view only
    writes when there is something to write.)"""
    unread = session.scalar(
        select(
            exists().where(
                Notification.user_id == user_id,
                Notification.namespace == title.ns,
                Notification.title == title.text,
                Notification.read_at.is_(None),
            )
        )
    )
    if unread:
        return True
    stale = session.scalar(
        select(
            exists().where(
                Watch.user_id == user_id,
                Watch.namespace == title.ns,
                Watch.title == title.text,
                Page.namespace == title.ns,
                Page.title == title.text,
                Watch.seen_at < Page.touched_at,
            )
        )
    )
    return bool(stale)


def visit(session: Session, user_id: int, title: Title) -> None:
    """The user saw ``title``: its watch is up to date and its notifications are read."""
    session.execute(
        update(Watch)
        .where(Watch.user_id == user_id, Watch.namespace == title.ns, Watch.title == title.text)
        .values(seen_at=utcnow())
    )
    notifications.mark_page_read(session, user_id, title)


def mark_all_seen(session: Session, user_id: int) -> None:
    """Special:Watchlist's "mark all pages as seen"; the watch notifications go too."""
    session.execute(update(Watch).where(Watch.user_id == user_id).values(seen_at=utcnow()))
    session.execute(
        update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.kind == "watch",
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )


def notify_watchers(
    session: Session,
    title: Title,
    *,
    revision_id: int,
    actor: str,
    actor_id: int | None,
    likely_vandalism: bool = False,
) -> int:
    """One unread "watch" notification per watcher of ``title`` (but not the editor); with
    ``likely_vandalism``, a "vandalism" one as well (the edit's score says "likely
    vandalism")."""
    stmt = select(Watch.user_id).where(
        Watch.namespace == title.ns,
        Watch.title == title.text,
        _live(),
    )
    if actor_id is not None:
        stmt = stmt.where(Watch.user_id != actor_id)
    added = 0
    for user_id in session.scalars(stmt).all():
        if notifications.notify_once(
            session, user_id, "watch", title, actor=actor, revision_id=revision_id
        ):
            added += 1
        if likely_vandalism and notifications.notify_once(
            session, user_id, "vandalism", title, actor=actor, revision_id=revision_id
        ):
            added += 1
    return added


def purge_expired(session: Session, user_id: int) -> None:
    session.execute(
        delete(Watch).where(
            Watch.user_id == user_id, Watch.expires_at.is_not(None), Watch.expires_at <= utcnow()
        )
    )


# --- the private feed token ------------------------------------------------------------------


def feed_token(session: Session, user_id: int, *, reset: bool = False, create: bool = True) -> str:
    """The user's watchlist feed token, made on first use (unless ``create`` is False: then ""
    when there is none yet); ``reset`` makes a new one, and the old feed URL stops working."""
    if not reset:
        token = session.scalar(select(User.feed_token).where(User.id == user_id))
        if token or not create:
            return token or ""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("There is no user called {name}."), name=str(user_id))
    user.feed_token = secrets.token_urlsafe(TOKEN_BYTES)
    return user.feed_token


def user_for_token(session: Session, name: str, token: str) -> int | None:
    """The id of user ``name`` if ``token`` is their feed token (compared in constant time)."""
    user = session.scalar(select(User).where(User.name == name))
    if user is None or not user.feed_token or not token:
        return None
    if not hmac.compare_digest(user.feed_token.encode(), token.encode()):
        return None
    return user.id
