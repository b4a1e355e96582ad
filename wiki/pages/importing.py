"""Storage verbs for imported revisions, in the caller's transaction. No HTTP here.

An imported revision is stored like a saved one (immutable, with its sha1, size, author and
original timestamp), but it is not an edit made now: it writes no recent change unless asked,
runs no abuse rules (``wiki.actions.imports`` gates the whole import instead), and the page's
link tables and render are brought up to date once per page (:func:`finish_page`), not once per
revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from wiki.errors import N_, BadInput
from wiki.models import (
    ArchivedRevision,
    ImportedRevision,
    Page,
    RenderedRevision,
    Revision,
    User,
)
from wiki.navigation import links
from wiki.pages import rendering
from wiki.pages.revisions import get_page, normalize_text, sha1_of
from wiki.text import markup
from wiki.text.titles import Title


@dataclass(frozen=True)
class Incoming:
    """One revision as the import wants to store it."""

    original_id: int | None
    text: str
    user_text: str
    user_id: int | None
    timestamp: datetime
    summary: str
    minor: bool
    visibility: int
    source: str
    model: str
    format: str
    original_text: str | None
    unconverted: tuple[str, ...] = ()


def page_for(session: Session, title: Title, page_id: int | None) -> tuple[Page, bool]:
    """The page to import into (locked), created when missing, keeping ``page_id`` when that
    id is free; and whether it was created."""
    page = get_page(session, title)
    if page is not None:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(select(Page.id).where(Page.id == page.id).with_for_update())
        return page, False
    first = Page(namespace=title.ns, title=title.text)
    if page_id is not None and session.get(Page, page_id) is None:
        first.id = page_id
    session.add(first)
    session.flush()
    return first, True


def already_there(session: Session, page: Page, rev: Incoming) -> Revision | None:
    """The stored revision this incoming one is (same page, time and text): imports repeat
    safely."""
    return session.scalar(
        select(Revision).where(
            Revision.page_id == page.id,
            Revision.timestamp == rev.timestamp,
            Revision.sha1 == sha1_of(normalize_text(rev.text)),
        )
    )


def _id_free(session: Session, rev_id: int) -> bool:
    return (
        session.get(Revision, rev_id) is None
        and session.scalar(select(ArchivedRevision.rev_id).where(ArchivedRevision.rev_id == rev_id))
        is None
    )


def insert(session: Session, page: Page, rev: Incoming, parent: Revision | None) -> Revision:
    """Store ``rev`` as a revision of ``page`` after ``parent``, keeping its original id when
    that id is free here."""
    body = normalize_text(rev.text)
    row = Revision(
        page_id=page.id,
        parent_id=parent.id if parent else None,
        text=body,
        sha1=sha1_of(body),
        size=len(body.encode("utf-8")),
        user_id=rev.user_id,
        user_text=rev.user_text,
        timestamp=rev.timestamp,
        summary=rev.summary[:500],
        minor=rev.minor and parent is not None,
        visibility=rev.visibility,
    )
    if rev.original_id is not None and _id_free(session, rev.original_id):
        row.id = rev.original_id
    session.add(row)
    session.flush()
    session.add(
        ImportedRevision(
            rev_id=row.id,
            source=rev.source[:255],
            original_id=rev.original_id,
            model=rev.model[:64],
            format=rev.format[:64],
            original_text=rev.original_text,
            unconverted="\n".join(rev.unconverted),
        )
    )
    return row


def finish_page(session: Session, page: Page) -> Revision:
    """Point the page at its newest revision and bring its render and link tables up to date
    (once per imported page)."""
    latest = session.scalar(
        select(Revision)
        .where(Revision.page_id == page.id)
        .order_by(Revision.timestamp.desc(), Revision.id.desc())
        .limit(1)
    )
    if latest is None:
        raise BadInput(N_("The page {title} has no revisions to import."), title=page.title)
    page.latest_id = latest.id
    page.length = latest.size
    page.touched_at = max(page.touched_at or latest.timestamp, latest.timestamp)
    if page.created_at is None or page.created_at > latest.timestamp:
        first = session.scalar(
            select(func.min(Revision.timestamp)).where(Revision.page_id == page.id)
        )
        page.created_at = first or latest.timestamp
    session.flush()
    cached = session.get(RenderedRevision, latest.id)
    if cached is not None and cached.renderer == markup.RENDERER_VERSION:
        parsed = rendering.render_text(latest.text)  # the latest was already there
    else:
        if cached is not None:
            session.delete(cached)
            session.flush()
        parsed = rendering.store(session, latest)
    links.update(session, page, parsed)
    session.flush()
    return latest


def local_account(session: Session, name: str, user_id: int) -> int:
    """Keep an exported account (moving a Gotong wiki): the account ``name`` with ``user_id``,
    created without a password (no one can log in to it until a reset). Refuses rather than
    merge with a different local account of that name or id."""
    by_name = session.scalar(select(User).where(User.name == name))
    if by_name is not None:
        if by_name.id != user_id:
            raise BadInput(
                N_(
                    "A local account {name} already exists; it is not merged with the imported one."
                ),
                name=name,
            )
        return by_name.id
    if session.get(User, user_id) is not None:
        raise BadInput(
            N_("Account id {id} is taken here by another account; {name} was not imported."),
            id=str(user_id),
            name=name,
        )
    session.add(User(id=user_id, name=name, password_hash=""))
    session.flush()
    return user_id


def fix_sequences(session: Session) -> None:
    """After ids were given explicitly, make PostgreSQL's sequences continue above them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("page", "revision", '"user"'):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
            )
        )
