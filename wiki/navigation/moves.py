"""Moving (renaming) a page: its history goes with it, and its talk page too. No HTTP here.

The page row keeps its id and gets the new title, so every revision follows without being
touched. A null revision (same text) records the move in the history, the move is logged (and
so listed in recent changes), watchers of the old title watch the new one, and by default a
redirect is left at the old title so links and bookmarks keep working. Rights (``move``;
``delete`` to leave no redirect) are checked by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wiki.errors import N_, BadInput, NotFound
from wiki.models import (
    SUMMARY_MAX,
    LinkTarget,
    Page,
    Redirect,
    RenderedRevision,
    Revision,
    Watch,
    utcnow,
)
from wiki.navigation import links
from wiki.pages import rendering, revisions
from wiki.patrol import logs, watchlist
from wiki.text.titles import NS_CATEGORY, Title

SUMMARY_FORMAT = "{user} moved page [[{old}]] to [[{new}]]"


@dataclass(frozen=True)
class MoveResult:
    """What a move did."""

    old: Title
    new: Title
    page_id: int
    redirect_left: bool
    overwrote_redirect: bool  # a one-revision redirect to the page stood at the new title
    talk: MoveResult | None = None  # the talk page's own move
    talk_refusal: BadInput | None = None  # why the talk page stayed where it was


def check(old: Title, new: Title) -> None:
    """Refuse moves that can never work, whatever the database holds."""
    if old.is_special or new.is_special:
        raise BadInput(N_("Pages cannot be moved into or out of the Special namespace."))
    if old == new:
        raise BadInput(N_("A page cannot be moved onto itself: choose a different title."))


def _lock(session: Session, title: Title) -> Page | None:
    stmt = select(Page).where(Page.namespace == title.ns, Page.title == title.text)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(key_share=True)  # FOR NO KEY UPDATE, as saves take it
    return session.scalar(stmt)


def _redirects_to(session: Session, page: Page, title: Title) -> bool:
    target = session.execute(
        select(LinkTarget.namespace, LinkTarget.title)
        .join(Redirect, Redirect.target_id == LinkTarget.id)
        .where(Redirect.from_page_id == page.id)
    ).first()
    return target is not None and (target.namespace, target.title) == (title.ns, title.text)


def _blocker(session: Session, old: Title, new: Title) -> tuple[BadInput | None, Page | None]:
    """(why ``new`` cannot take the page, the redirect page that may be replaced)."""
    existing = _lock(session, new)
    if existing is None:
        return None, None
    count = session.scalar(select(func.count()).where(Revision.page_id == existing.id))
    if existing.is_redirect and count == 1 and _redirects_to(session, existing, old):
        return None, existing
    return (
        BadInput(
            N_(
                "A page called {title} already exists. Choose another title, or ask an "
                "administrator to delete that page first."
            ),
            title=new.full,
        ),
        None,
    )


def _remove(session: Session, page: Page) -> None:
    """Delete a one-revision redirect that a move replaces (MediaWiki does the same)."""
    links.clear(session, page)
    page.latest_id = None
    session.flush()
    rev_ids = select(Revision.id).where(Revision.page_id == page.id)
    session.execute(delete(RenderedRevision).where(RenderedRevision.revision_id.in_(rev_ids)))
    session.execute(delete(Revision).where(Revision.page_id == page.id))
    session.delete(page)
    session.flush()


def _carry_watchers(session: Session, old: Title, new: Title) -> None:
    """Whoever watches the old title watches the new one too (with the same expiry)."""
    subject = old.subject()
    rows = session.execute(
        select(Watch.user_id, Watch.expires_at).where(
            Watch.namespace == subject.ns,
            Watch.title == subject.text,
            or_(Watch.expires_at.is_(None), Watch.expires_at > utcnow()),
        )
    ).all()
    for user_id, expires_at in rows:
        if not watchlist.state(session, user_id, new).watched:
            watchlist.watch(session, user_id, new, expires_at=expires_at)


def _redirect_text(new: Title) -> str:
    # A leading colon keeps [[:Category:X]] a link rather than a category membership.
    prefix = ":" if new.ns == NS_CATEGORY else ""
    return f"#REDIRECT [[{prefix}{new.full}]]"


def move(
    session: Session,
    old: Title,
    new: Title,
    *,
    performer: logs.Performer,
    reason: str = "",
    summary_format: str = SUMMARY_FORMAT,
    leave_redirect: bool = True,
    move_talk: bool = True,
    max_bytes: int,
) -> MoveResult:
    """Rename ``old`` to ``new`` in the caller's transaction, with its history and, when
    ``move_talk``, its talk page.

    ``summary_format`` is the history line, with ``{user}``, ``{old}`` and ``{new}`` (pass it in
    the site language); the reason follows it after a colon.
    """
    check(old, new)
    page = _lock(session, old)
    if page is None or page.latest_id is None:
        raise NotFound(N_("The page {title} does not exist."), title=old.full)
    refusal, replaced = _blocker(session, old, new)
    if refusal is not None:
        raise refusal
    if replaced is not None:
        _remove(session, replaced)

    reason = " ".join(reason.split())
    summary = summary_format.format(user=performer.name, old=old.full, new=new.full)
    summary = (f"{summary}: {reason}" if reason else summary)[:SUMMARY_MAX]
    now = utcnow()
    page.namespace, page.title, page.touched_at = new.ns, new.text, now
    try:
        session.flush()
    except IntegrityError as exc:  # created there in the same instant
        raise BadInput(
            N_("A page called {title} was created meanwhile. Choose another title."),
            title=new.full,
        ) from exc
    links.renamed(session, page, old)

    parent = revisions.latest_revision(session, page)
    null = Revision(
        page_id=page.id,
        parent_id=parent.id,
        text=parent.text,
        sha1=parent.sha1,
        size=parent.size,
        user_id=performer.user_id,
        user_text=performer.name,
        timestamp=now,
        summary=summary,
        minor=True,
    )
    session.add(null)
    session.flush()
    page.latest_id = null.id
    rendering.store(session, null)

    if leave_redirect:
        revisions.save(
            session,
            old,
            _redirect_text(new),
            author=revisions.Author(name=performer.name, user_id=performer.user_id),
            summary=summary,
            max_bytes=max_bytes,
            create_only=True,
        )
    _carry_watchers(session, old, new)
    logs.record(  # the log entry is what recent changes list for a move
        session,
        type="move",
        action="move_redir" if replaced is not None else "move",
        performer=performer,
        target=old,
        page_id=page.id,
        comment=reason,
        params={"target": new.full, "noredirect": not leave_redirect},
    )
    result = MoveResult(
        old=old,
        new=new,
        page_id=page.id,
        redirect_left=leave_redirect,
        overwrote_redirect=replaced is not None,
    )
    if not (move_talk and _talk_follows(old, new)):
        return result
    old_talk, new_talk = old.talk(), new.talk()
    talk_page = _lock(session, old_talk)
    if talk_page is None:
        return result
    talk_refusal, _ = _blocker(session, old_talk, new_talk)
    if talk_refusal is not None:
        return _with_talk(result, None, talk_refusal)
    talk = move(
        session,
        old_talk,
        new_talk,
        performer=performer,
        reason=reason,
        summary_format=summary_format,
        leave_redirect=leave_redirect,
        move_talk=False,
        max_bytes=max_bytes,
    )
    return _with_talk(result, talk, None)


def _talk_follows(old: Title, new: Title) -> bool:
    """A subject page's talk page moves along, unless either title is itself a talk page."""
    return not old.is_talk and not new.is_talk and old.ns >= 0 and new.ns >= 0


def _with_talk(result: MoveResult, talk: MoveResult | None, refusal: BadInput | None) -> MoveResult:
    return MoveResult(
        old=result.old,
        new=result.new,
        page_id=result.page_id,
        redirect_left=result.redirect_left,
        overwrote_redirect=result.overwrote_redirect,
        talk=talk,
        talk_refusal=refusal,
    )
