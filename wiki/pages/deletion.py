"""Deleting pages and restoring them. No HTTP here.

Deleting moves every revision of the page into the ``archive`` table (with its id, so links to
it work again after a restore), removes the page's rows from the link tables (``links.clear``:
links to it turn red) and from recent changes, and logs it. Restoring, wholly or a chosen set of
revisions, puts the revisions back under the title, merging them with the history of a page
created there since; the newest revision becomes the current one and the link tables follow it.
The search index follows both by page id (``wiki.search`` reconciles when the cache epoch
moves
without a new revision). The callers check the ``delete``/``undelete`` rights.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.orm import Session

from wiki.errors import N_, BadInput, NotFound
from wiki.models import ArchivedRevision, Page, RenderedRevision, Revision, utcnow
from wiki.navigation import links
from wiki.pages import rendering, revisions, visibility
from wiki.patrol import logs, recording
from wiki.text.titles import Title


@dataclass(frozen=True)
class DeleteResult:
    title: Title
    page_id: int
    revisions: int


@dataclass(frozen=True)
class ArchivedInfo(visibility.HiddenParts):
    """A deleted revision as Special:Undelete lists it (redactable: see wiki.pages.visibility)."""

    id: int
    timestamp: datetime
    user_text: str
    user_id: int | None
    summary: str
    minor: bool
    size: int
    visibility: int
    deleted_at: datetime


@dataclass(frozen=True)
class DeletedTitle:
    title: Title
    revisions: int
    deleted_at: datetime


@dataclass(frozen=True)
class RestoreResult:
    title: Title
    page_id: int
    restored: int
    created: bool  # no page stood at the title: it was recreated


def _lock(session: Session, title: Title) -> Page | None:
    stmt = select(Page).where(Page.namespace == title.ns, Page.title == title.text)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def delete_page(
    session: Session, title: Title, *, performer: logs.Performer, reason: str = ""
) -> DeleteResult:
    """Delete ``title`` with its history kept in the archive, in the caller's transaction."""
    page = _lock(session, title)
    if page is None or page.latest_id is None:
        raise NotFound(N_("The page {title} does not exist."), title=title.full)
    page_id = page.id
    links.clear(session, page)
    page.latest_id = None
    session.flush()
    now = utcnow()
    count = session.scalar(select(func.count()).where(Revision.page_id == page_id)) or 0
    session.execute(
        insert(ArchivedRevision).from_select(
            [
                "rev_id",
                "page_id",
                "namespace",
                "title",
                "parent_id",
                "text",
                "sha1",
                "size",
                "user_id",
                "user_text",
                "timestamp",
                "summary",
                "minor",
                "visibility",
                "deleted_at",
            ],
            select(
                Revision.id,
                Revision.page_id,
                literal(title.ns),
                literal(title.text),
                Revision.parent_id,
                Revision.text,
                Revision.sha1,
                Revision.size,
                Revision.user_id,
                Revision.user_text,
                Revision.timestamp,
                Revision.summary,
                Revision.minor,
                Revision.visibility,
                literal(now.replace(tzinfo=None)),
            ).where(Revision.page_id == page_id),
        )
    )
    rev_ids = select(Revision.id).where(Revision.page_id == page_id)
    session.execute(delete(RenderedRevision).where(RenderedRevision.revision_id.in_(rev_ids)))
    recording.forget_page(session, page_id)
    session.execute(delete(Revision).where(Revision.page_id == page_id))
    session.delete(page)
    session.flush()
    logs.record(
        session,
        type="delete",
        action="delete",
        performer=performer,
        target=title,
        page_id=page_id,
        comment=reason,
        params={"revisions": count},
    )
    return DeleteResult(title=title, page_id=page_id, revisions=count)


def deleted_titles(session: Session, *, prefix: str = "", limit: int = 100) -> list[DeletedTitle]:
    """Titles with deleted revisions, most recently deleted first (Special:Undelete)."""
    stmt = select(
        ArchivedRevision.namespace,
        ArchivedRevision.title,
        func.count(),
        func.max(ArchivedRevision.deleted_at),
    ).group_by(ArchivedRevision.namespace, ArchivedRevision.title)
    if prefix:
        stmt = stmt.where(ArchivedRevision.title.startswith(prefix, autoescape=True))
    rows = session.execute(stmt.order_by(func.max(ArchivedRevision.deleted_at).desc()).limit(limit))
    return [DeletedTitle(Title(ns, t), n, when) for ns, t, n, when in rows]


def archived(session: Session, title: Title) -> list[ArchivedInfo]:
    """The deleted revisions of ``title``, newest first."""
    rows = session.scalars(
        select(ArchivedRevision)
        .where(ArchivedRevision.namespace == title.ns, ArchivedRevision.title == title.text)
        .order_by(ArchivedRevision.rev_id.desc())
    )
    return [
        ArchivedInfo(
            id=a.rev_id,
            timestamp=a.timestamp,
            user_text=a.user_text,
            user_id=a.user_id,
            summary=a.summary,
            minor=a.minor,
            size=a.size,
            visibility=a.visibility,
            deleted_at=a.deleted_at,
        )
        for a in rows
    ]


def archived_revision(session: Session, title: Title, rev_id: int) -> ArchivedRevision:
    row = session.get(ArchivedRevision, rev_id)
    if row is None or (row.namespace, row.title) != (title.ns, title.text):
        raise NotFound(N_("There is no revision with id {id}."), id=rev_id)
    return row


def undelete(
    session: Session,
    title: Title,
    *,
    performer: logs.Performer,
    rev_ids: list[int] | None = None,
    reason: str = "",
) -> RestoreResult:
    """Restore the deleted revisions of ``title`` (all, or ``rev_ids``), in the caller's
    transaction. Restored revisions join the history of a page that stands there now."""
    stmt = select(ArchivedRevision).where(
        ArchivedRevision.namespace == title.ns, ArchivedRevision.title == title.text
    )
    if rev_ids is not None:
        if not rev_ids:
            raise BadInput(N_("Choose at least one revision."))
        stmt = stmt.where(ArchivedRevision.rev_id.in_(rev_ids))
    rows = list(session.scalars(stmt.order_by(ArchivedRevision.rev_id)))
    if not rows:
        raise NotFound(N_("There are no deleted revisions of {title}."), title=title.full)
    page = _lock(session, title)
    created = page is None
    now = utcnow()
    if page is None:
        page = Page(namespace=title.ns, title=title.text, created_at=rows[0].timestamp)
        page.touched_at = now
        session.add(page)
        session.flush()
        existing: list[int] = []
    else:
        existing = list(session.scalars(select(Revision.id).where(Revision.page_id == page.id)))
    present = set(existing)
    for a in rows:
        # Keep the recorded parent when it is (or comes) back; else the nearest older one.
        parent = (
            a.parent_id
            if a.parent_id in present
            else max((i for i in present if i < a.rev_id), default=None)
        )
        session.add(
            Revision(
                id=a.rev_id,
                page_id=page.id,
                parent_id=parent,
                text=a.text,
                sha1=a.sha1,
                size=a.size,
                user_id=a.user_id,
                user_text=a.user_text,
                timestamp=a.timestamp,
                summary=a.summary,
                minor=a.minor,
                visibility=a.visibility,
            )
        )
        session.flush()
        present.add(a.rev_id)
    session.execute(
        delete(ArchivedRevision).where(ArchivedRevision.rev_id.in_([a.rev_id for a in rows]))
    )
    # Ids follow time (they are never reused: see models._never_reuse_archived_ids), so the
    # newest revision, restored or not, is the page's current one.
    latest = session.get(Revision, max(present))
    assert latest is not None
    page.latest_id = latest.id
    page.length = latest.size
    page.touched_at = now
    session.flush()
    links.update(session, page, rendering.render_text(latest.text))
    session.flush()
    logs.record(
        session,
        type="delete",
        action="restore",
        performer=performer,
        target=title,
        page_id=page.id,
        comment=reason,
        params={"count": len(rows), "revisions": [a.rev_id for a in rows]},
    )
    return RestoreResult(
        title=revisions.page_title(page), page_id=page.id, restored=len(rows), created=created
    )
