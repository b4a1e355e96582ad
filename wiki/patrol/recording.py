"""Writing recent changes: a row per edit and per logged action, in the change's own
transaction, with tags; and the purge of rows past their age. No HTTP here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session

from wiki.models import ChangeTag, LogEntry, Page, RecentChange, Revision, UserGroup, utcnow
from wiki.patrol.recentchanges import (
    CONFIRMED,
    EDIT,
    LOG,
    MAX_AGE,
    NEW,
    NEWBIE,
    NOT_LISTED,
    PATROLLED,
    PURGE_EVERY,
    TAG_MAX,
    user_kind,
)


def record_edit(
    session: Session,
    *,
    page: Page,
    rev: Revision,
    parent: Revision | None,
    kind_of_user: str,
    bot: bool,
    patrolled: int,
) -> RecentChange:
    """Add the row for a new revision (in the saving transaction)."""
    rc = RecentChange(
        timestamp=rev.timestamp,
        kind=NEW if parent is None else EDIT,
        namespace=page.namespace,
        title=page.title,
        page_id=page.id,
        revision_id=rev.id,
        parent_id=parent.id if parent is not None else None,
        user_id=rev.user_id,
        user_text=rev.user_text,
        user_kind=kind_of_user,
        bot=bot,
        minor=rev.minor,
        old_size=parent.size if parent is not None else 0,
        new_size=rev.size,
        summary=rev.summary,
        patrolled=patrolled,
        visibility=rev.visibility or 0,
    )
    session.add(rc)
    session.flush()
    if rc.id % PURGE_EVERY == 0:
        purge(session)
    return rc


def record_log(session: Session, entry: LogEntry) -> RecentChange | None:
    """Add the row for a logged action (called by ``wiki.patrol.logs.record``)."""
    if entry.type in NOT_LISTED:
        return None
    bot = False
    if entry.performer_id is None:
        kind = user_kind(None, (), entry.performer_text)
    elif entry.type == "create":
        kind = NEWBIE  # the performer of an account creation is the brand-new account
    else:
        # Every other logged action needs a right that new accounts lack (move, protect...).
        kind = CONFIRMED
        bot = (
            session.scalar(
                select(UserGroup.user_id).where(
                    UserGroup.user_id == entry.performer_id, UserGroup.group == "bot"
                )
            )
            is not None
        )
    rc = RecentChange(
        timestamp=entry.timestamp,
        kind=LOG,
        namespace=entry.namespace,
        title=entry.title,
        page_id=entry.page_id,
        user_id=entry.performer_id,
        user_text=entry.performer_text,
        user_kind=kind,
        bot=bot,
        minor=False,
        old_size=0,
        new_size=0,
        summary=entry.comment,
        patrolled=PATROLLED,
        visibility=0,
        log_id=entry.id,
        log_type=entry.type,
        log_action=entry.action,
    )
    session.add(rc)
    session.flush()
    return rc


def add_tags(
    session: Session, rc: RecentChange | None, revision_id: int | None, tags: Iterable[str]
) -> None:
    """Tag a change (its recent-changes row and its revision), once per tag."""
    wanted = sorted({t for t in tags if t})
    if not wanted or (rc is None and revision_id is None):
        return
    have = set(
        session.scalars(
            select(ChangeTag.tag).where(
                ChangeTag.rc_id == rc.id if rc is not None else ChangeTag.revision_id == revision_id
            )
        )
    )
    for tag in wanted:
        if tag not in have:
            session.add(
                ChangeTag(
                    tag=tag[:TAG_MAX],
                    rc_id=rc.id if rc is not None else None,
                    revision_id=revision_id,
                    log_id=rc.log_id if rc is not None else None,
                )
            )
    session.flush()


def tagged(session: Session, revision_ids: Iterable[int], tag: str) -> frozenset[int]:
    """Which of ``revision_ids`` carry ``tag``."""
    ids = list(revision_ids)
    if not ids:
        return frozenset()
    found = session.scalars(
        select(ChangeTag.revision_id).where(ChangeTag.tag == tag, ChangeTag.revision_id.in_(ids))
    )
    return frozenset(i for i in found if i is not None)


def for_revision(session: Session, rev_id: int) -> RecentChange | None:
    """The row of a revision, if it is still in recent changes."""
    return session.scalar(select(RecentChange).where(RecentChange.revision_id == rev_id))


def purge(session: Session, *, now: datetime | None = None) -> int:
    """Delete rows older than MAX_AGE (their revisions keep their tags)."""
    cutoff = (now or utcnow()) - MAX_AGE
    newest_old = session.scalar(
        select(func.max(RecentChange.id)).where(RecentChange.timestamp < cutoff)
    )
    if newest_old is None:
        return 0
    result = session.execute(
        delete(RecentChange).where(RecentChange.id <= newest_old, RecentChange.timestamp < cutoff)
    )
    session.execute(
        update(ChangeTag)
        .where(
            ChangeTag.rc_id <= newest_old,
            ~exists(select(RecentChange.id).where(RecentChange.id == ChangeTag.rc_id)),
        )
        .values(rc_id=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def forget_page(session: Session, page_id: int) -> None:
    """Drop the edit rows of a page that is being deleted (its log rows stay)."""
    rc_ids = select(RecentChange.id).where(
        RecentChange.page_id == page_id, RecentChange.kind != LOG
    )
    session.execute(update(ChangeTag).where(ChangeTag.rc_id.in_(rc_ids)).values(rc_id=None))
    session.execute(
        delete(RecentChange).where(RecentChange.page_id == page_id, RecentChange.kind != LOG)
    )
