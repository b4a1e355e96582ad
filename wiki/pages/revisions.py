"""Pages and their revisions: the storage verbs (save, get, history, info). No HTTP here.

Revisions are immutable. A save runs in one write transaction: it locks the page (row lock on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), checks the editor's base revision against the
latest, inserts the revision and moves the page's pointer, so the chain of parents stays linear
and no revision is ever half-written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from wiki.errors import N_, BadInput, EditConflict, NotFound, TooLarge
from wiki.models import SUMMARY_MAX, Page, Revision, User, utcnow
from wiki.navigation import links
from wiki.pages import edits, rendering, visibility
from wiki.text import complexity, markers, merging, sections
from wiki.text.titles import Title


@dataclass(frozen=True)
class Author:
    """Who makes an edit: an account, or an anonymous editor known by IP."""

    name: str
    user_id: int | None = None
    #: The editor's groups (wiki.accounts.rights) when known; None: looked up when the change is
    # recorded.
    groups: frozenset[str] | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None


@dataclass(frozen=True)
class RevisionInfo(visibility.HiddenParts):
    """A revision's metadata with its size change, as history and the API show it."""

    id: int
    page_id: int
    parent_id: int | None
    timestamp: datetime
    user_text: str
    user_id: int | None
    summary: str
    minor: bool
    size: int
    delta: int
    sha1: str
    #: Hidden parts (wiki.pages.visibility bits); views show placeholders for them.
    visibility: int = 0


@dataclass(frozen=True)
class SaveResult:
    """What a save did: a new revision, or nothing when the text was unchanged."""

    page: Page
    revision: Revision
    created: bool
    noop: bool
    merged: bool = False  # the edit was merged onto a newer revision than its base


@dataclass(frozen=True)
class PageInfo:
    """Facts for ?action=info."""

    page: Page
    revision_count: int
    creator: RevisionInfo
    latest: RevisionInfo


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def normalize_text(text: str) -> str:
    """Line endings become \\n and trailing white space goes, as MediaWiki does on save.

    NUL and lone surrogates cannot be stored as UTF-8 text (PostgreSQL refuses them); they
    become U+FFFD, visibly, rather than failing the save.
    """
    text = _UNSTORABLE.sub("\ufffd", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip()


def sha1_of(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def get_page(session: Session, title: Title) -> Page | None:
    """The page with this title, or None."""
    return session.scalar(select(Page).where(Page.namespace == title.ns, Page.title == title.text))


def page_title(page: Page) -> Title:
    return Title(page.namespace, page.title)


def get_revision(session: Session, rev_id: int) -> Revision:
    """A revision by id, or NotFound."""
    rev = session.get(Revision, rev_id)
    if rev is None:
        raise NotFound(N_("There is no revision with id {id}."), id=rev_id)
    return rev


def latest_revision(session: Session, page: Page) -> Revision:
    assert page.latest_id is not None
    return get_revision(session, page.latest_id)


def check_size(text: str, max_bytes: int) -> None:
    """Raise TooLarge when ``text`` is over ``max_bytes`` in UTF-8."""
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise TooLarge(
            N_(
                "The text is {size} bytes; the limit is {limit} bytes. "
                "Nothing was saved and your text is kept below."
            ),
            size=size,
            limit=max_bytes,
        )


def check_summary(summary: str) -> str:
    summary = " ".join(_UNSTORABLE.sub("\ufffd", summary).split())
    if len(summary) > SUMMARY_MAX:
        raise BadInput(
            N_("The edit summary is {length} characters; the limit is {limit}."),
            length=len(summary),
            limit=SUMMARY_MAX,
        )
    return summary


class UnresolvedConflict(BadInput):
    """A text still holds a marked block from the conflict screen (``wiki.text.merging``)."""

    def __init__(self, blocks: list[markers.UnresolvedBlock]) -> None:
        first = blocks[0]
        super().__init__(
            N_(
                "Nothing was saved: your text still holds an unresolved conflict block on "
                "line {line} (“{start}”). In each such block choose what to keep and delete "
                "the lines <<<<<<<, ======= and >>>>>>>, then save again."
            ),
            count=len(blocks),
            line=first.line,
            start=first.text.split("\n", 1)[0],
        )
        self.blocks = blocks


def check_resolved(text: str, previous: str) -> None:
    """Raise UnresolvedConflict when ``text`` holds conflict blocks that ``previous`` lacks.

    Every save channel ends in :func:`save`, so none of them can publish the markers."""
    blocks = markers.new_unresolved_blocks(text, previous)
    if blocks:
        raise UnresolvedConflict(blocks)


def _lock_page(session: Session, title: Title) -> Page | None:
    stmt = select(Page).where(Page.namespace == title.ns, Page.title == title.text)
    if session.get_bind().dialect.name == "postgresql":
        # FOR NO KEY UPDATE: saves of this page queue, but rows elsewhere that reference it
        # (link targets, FK checks) can still be written while it is being saved.
        stmt = stmt.with_for_update(key_share=True)
    # Refresh a page this session may already hold: the lock is only useful with fresh data.
    return session.scalar(stmt.execution_options(populate_existing=True))


def _merge_or_conflict(
    session: Session,
    page: Page,
    parent: Revision,
    base_id: int | None,
    yours: str,
    section: int | None,
) -> str:
    """Three-way merge of the editor's text onto the latest revision, or EditConflict."""
    base_rev = session.get(Revision, base_id) if base_id is not None else None
    if base_rev is not None and base_rev.page_id != page.id:
        base_rev = None
    base = base_rev.text if base_rev is not None else ""
    if section is not None:
        if base_rev is None:
            raise BadInput(N_("A section edit needs the revision it started from."))
        yours = sections.replace(base, section, yours)
    result = merging.merge3(base, parent.text, yours)
    if result.clean:
        return result.text()
    raise EditConflict(
        N_(
            "Someone else changed the same part of this page after you started editing. "
            "Nothing was lost: compare the two versions and save again."
        ),
        base_id=base_id,
        latest_id=parent.id,
        base=base,
        theirs=parent.text,
        yours=yours,
        proposal=result.proposal(labels=("current", "yours")),
    )


#: A check of the exact text about to be saved (after merging, section placement and talk
#: signing): called with the session, the title, the page's current text ("" for a new page)
#: and the new text; it raises to refuse. ``wiki.actions`` passes the abuse rules here.
Screen = Callable[[Session, Title, str, str], None]


def save(
    session: Session,
    title: Title,
    text: str,
    *,
    author: Author,
    summary: str = "",
    minor: bool = False,
    base_id: int | None = None,
    max_bytes: int,
    create_only: bool = False,
    section: int | None = None,
    merge: bool = True,
    screen: Screen | None = None,
) -> SaveResult:
    """Save ``text`` as the new latest revision of ``title``.

    ``base_id`` is the revision the editor started from (None for a new page). If the page has
    moved on since, the edit is merged three-way onto the latest revision; overlapping changes
    raise EditConflict and nothing is written. With ``section``, ``text`` replaces that section
    of the base revision. Unchanged text writes nothing. ``screen`` sees the final text before
    anything is written.
    """
    if title.is_special:
        raise BadInput(N_("Special pages cannot be edited."))
    text = normalize_text(text)
    check_size(text, max_bytes)
    complexity.check(text)  # costly markup (wiki.text.complexity): refused like a huge text
    summary = check_summary(summary)
    page = _lock_page(session, title)
    now = utcnow()
    merged = False
    if page is None:
        if base_id is not None:
            raise EditConflict(
                N_("The page was deleted or moved after you started editing."),
                base_id=base_id,
                latest_id=None,
                yours=text,
                proposal=text,
            )
        if section is not None:
            raise BadInput(N_("A section edit needs the revision it started from."))
        if not text:
            raise BadInput(N_("A new page cannot be empty."))
        check_resolved(text, "")
        page = Page(namespace=title.ns, title=title.text, created_at=now, touched_at=now)
        session.add(page)
        try:
            session.flush()
        except IntegrityError as exc:
            # Someone created the same page in the same instant.
            raise EditConflict(
                N_("Someone else created this page while you were editing."),
                base_id=None,
                latest_id=None,
                yours=text,
                proposal=text,
            ) from exc
        parent: Revision | None = None
    else:
        parent = latest_revision(session, page)
        if create_only:
            raise EditConflict(
                N_("Someone else created this page while you were editing."),
                base_id=None,
                latest_id=parent.id,
                theirs=parent.text,
                yours=text,
                proposal=text,
            )
        check_resolved(text, parent.text)
        if base_id != parent.id:
            if not merge:
                raise EditConflict(
                    N_("Someone else saved this page after you started editing."),
                    base_id=base_id,
                    latest_id=parent.id,
                    theirs=parent.text,
                    yours=text,
                    proposal=text,
                )
            text = normalize_text(_merge_or_conflict(session, page, parent, base_id, text, section))
            merged = True
        elif section is not None:
            text = normalize_text(sections.replace(parent.text, section, text))
        check_size(text, max_bytes)
        if parent.text == text:
            return SaveResult(page=page, revision=parent, created=False, noop=True, merged=merged)

    if screen is not None:
        screen(session, title, parent.text if parent else "", text)
    size = len(text.encode("utf-8"))
    rev = Revision(
        page_id=page.id,
        parent_id=parent.id if parent else None,
        text=text,
        sha1=sha1_of(text),
        size=size,
        user_id=author.user_id,
        user_text=author.name,
        timestamp=now,
        summary=summary,
        minor=minor and parent is not None,
    )
    session.add(rev)
    session.flush()
    if author.user_id is not None:
        session.execute(
            update(User).where(User.id == author.user_id).values(edit_count=User.edit_count + 1)
        )
    page.latest_id = rev.id
    page.length = size
    page.touched_at = now
    session.flush()
    # Links, categories and redirect (page.is_redirect too) follow in the same transaction.
    links.update(session, page, rendering.store(session, rev))
    session.flush()
    # Recent changes, autopatrol and watchers' notifications, for every save whatever its route.
    edits.recorded(session, page, rev, parent, author)
    return SaveResult(page=page, revision=rev, created=parent is None, noop=False, merged=merged)


def _info_select() -> Select[*tuple[Any, ...]]:
    """Revision metadata plus the parent's size, for the size change."""
    parent = aliased(Revision)
    return select(
        Revision.id,
        Revision.page_id,
        Revision.parent_id,
        Revision.timestamp,
        Revision.user_text,
        Revision.user_id,
        Revision.summary,
        Revision.minor,
        Revision.size,
        func.coalesce(parent.size, 0).label("parent_size"),
        Revision.sha1,
        Revision.visibility,
    ).outerjoin(parent, parent.id == Revision.parent_id)


def _to_info(row: Row[Any]) -> RevisionInfo:
    return RevisionInfo(
        id=row.id,
        page_id=row.page_id,
        parent_id=row.parent_id,
        timestamp=row.timestamp,
        user_text=row.user_text,
        user_id=row.user_id,
        summary=row.summary,
        minor=bool(row.minor),
        size=row.size,
        delta=row.size - row.parent_size,
        sha1=row.sha1,
        visibility=row.visibility,
    )


def revision_info(session: Session, rev_id: int) -> RevisionInfo:
    """Metadata and size change of one revision, or NotFound."""
    row = session.execute(_info_select().where(Revision.id == rev_id)).first()
    if row is None:
        raise NotFound(N_("There is no revision with id {id}."), id=rev_id)
    return _to_info(row)


@dataclass(frozen=True)
class HistoryPage:
    """One page of history, newest first, with keyset cursors."""

    revisions: list[RevisionInfo]
    older: int | None  # pass as older_than to get the next (older) page
    newer: int | None  # pass as newer_than to get the previous (newer) page


def history(
    session: Session,
    page: Page,
    *,
    limit: int = 50,
    older_than: int | None = None,
    newer_than: int | None = None,
) -> HistoryPage:
    """Revisions of ``page`` newest first, ``limit`` at a time, by keyset on revision id."""
    limit = max(1, min(limit, 500))
    stmt = _info_select().where(Revision.page_id == page.id)
    if newer_than is not None:
        stmt = stmt.where(Revision.id > newer_than).order_by(Revision.id.asc())
    else:
        if older_than is not None:
            stmt = stmt.where(Revision.id < older_than)
        stmt = stmt.order_by(Revision.id.desc())
    rows = [_to_info(r) for r in session.execute(stmt.limit(limit))]
    if newer_than is not None:
        rows.reverse()
    if not rows:
        return HistoryPage([], None, None)

    def exists(cond: Any) -> bool:
        found = session.scalar(
            select(Revision.id).where(Revision.page_id == page.id, cond).limit(1)
        )
        return found is not None

    return HistoryPage(
        revisions=rows,
        older=rows[-1].id if exists(Revision.id < rows[-1].id) else None,
        newer=rows[0].id if exists(Revision.id > rows[0].id) else None,
    )


def neighbours(session: Session, rev: Revision) -> tuple[int | None, int | None]:
    """Ids of the previous and next revisions of the same page."""
    prev_id = session.scalar(
        select(func.max(Revision.id)).where(Revision.page_id == rev.page_id, Revision.id < rev.id)
    )
    next_id = session.scalar(
        select(func.min(Revision.id)).where(Revision.page_id == rev.page_id, Revision.id > rev.id)
    )
    return prev_id, next_id


def page_info(session: Session, page: Page) -> PageInfo:
    """Revision count, creator and latest editor of a page."""
    count = session.scalar(select(func.count()).where(Revision.page_id == page.id)) or 0
    first_id = session.scalar(select(func.min(Revision.id)).where(Revision.page_id == page.id))
    assert first_id is not None and page.latest_id is not None
    return PageInfo(
        page=page,
        revision_count=count,
        creator=revision_info(session, first_id),
        latest=revision_info(session, page.latest_id),
    )
