"""Undo, rollback and restore: three ways to put old text back. No HTTP here.

* **Undo** reverts one edit, or a range (revisions after ``undoafter`` up to ``undo``), even
  when later edits exist: a three-way merge with the undone revision as the base, the current
  text as one side and the revision before the range as the other. Overlapping later changes
  make it fail with :class:`UndoConflict`, and nothing is written.
* **Rollback** reverts all consecutive latest edits by one editor to the revision before them,
  in one step, and marks the reverted edits patrolled. Like MediaWiki's, it names the editor it
  expects (``from_user``) and refuses when someone else edited since, when that editor made
  every revision of the page, or when there is nothing to change.
* **Restore** offers any old revision's text, with a summary, to be saved through the edit form.

The callers check rights (``rollback``) and the edit permission (blocks, protection).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wiki.errors import N_, BadInput, EditConflict, NotFound, PermissionDenied, WikiError
from wiki.models import Page, Revision
from wiki.pages import edits, revisions, visibility
from wiki.pages.revisions import Author, SaveResult
from wiki.patrol import logs
from wiki.patrol import marks as patrol
from wiki.text import merging
from wiki.text.titles import Title

#: Summaries (translated into the site's language by the caller, then formatted).
UNDO_SUMMARY = N_("Undo revision {id} by {user}")
UNDO_RANGE_SUMMARY = N_("Undo revisions {first} to {last}")
RESTORE_SUMMARY = N_("Restore revision {id} by {user}")
ROLLBACK_SUMMARY = N_("Reverted edits by {from_user} to last revision by {to_user}")
HIDDEN_USER = N_("a hidden user")


class UndoConflict(WikiError):
    """Later edits changed the same text: the undo cannot be merged."""

    status = 409


class RollbackRefused(WikiError):
    """Nothing to roll back, or someone else edited in between."""

    status = 409


@dataclass(frozen=True)
class Proposal:
    """Text to put in the edit form: an undo's merge or an old revision, over ``base_id``."""

    title: Title
    text: str
    current_text: str
    base_id: int
    summary: str
    undo: int | None = None


@dataclass(frozen=True)
class RollbackResult:
    title: Title
    result: SaveResult
    reverted: int  # how many edits were reverted
    from_user: str
    to_user: str
    to_revision: int


def _page(session: Session, title: Title) -> Page:
    page = revisions.get_page(session, title)
    if page is None or page.latest_id is None:
        raise NotFound(N_("The page {title} does not exist."), title=title.full)
    return page


def _revision_of(session: Session, page: Page, rev_id: int) -> Revision:
    rev = session.get(Revision, rev_id)
    if rev is None or rev.page_id != page.id:
        raise NotFound(N_("There is no revision with id {id}."), id=rev_id)
    return rev


def _readable(rev: Revision, can_view_suppressed: bool) -> None:
    if rev.visibility & visibility.TEXT and not can_view_suppressed:
        raise PermissionDenied(
            N_("The text of revision {id} is hidden, so it cannot be used here."), id=rev.id
        )


def _user(rev: Revision, hidden_user: str) -> str:
    return hidden_user if rev.visibility & visibility.USER else rev.user_text


def plan_undo(
    session: Session,
    title: Title,
    undo: int,
    undoafter: int | None,
    *,
    can_view_suppressed: bool,
    summary_format: str = UNDO_SUMMARY,
    range_format: str = UNDO_RANGE_SUMMARY,
    hidden_user: str = HIDDEN_USER,
) -> Proposal:
    """The text that undoes revisions (undoafter, undo] of ``title`` on top of the current one,
    or UndoConflict when later edits overlap. Writes nothing."""
    page = _page(session, title)
    undone = _revision_of(session, page, undo)
    if undoafter is None:
        if undone.parent_id is None:
            raise BadInput(N_("The first revision of a page cannot be undone."))
        undoafter = undone.parent_id
    before = _revision_of(session, page, undoafter)
    if before.id >= undone.id:
        raise BadInput(N_("undoafter must be an older revision than undo."))
    _readable(undone, can_view_suppressed)
    _readable(before, can_view_suppressed)
    latest = revisions.latest_revision(session, page)
    result = merging.merge3(undone.text, latest.text, before.text)
    if not result.clean:
        raise UndoConflict(
            N_(
                "The edit could not be undone because later edits changed the same text. "
                "Nothing was changed."
            )
        )
    text = revisions.normalize_text(result.text())
    if text == latest.text:
        raise BadInput(N_("There is nothing to undo: the current text already has it undone."))
    range_count = session.scalar(
        select(func.count()).where(
            Revision.page_id == page.id, Revision.id > before.id, Revision.id <= undone.id
        )
    )
    if range_count == 1:
        summary = summary_format.format(id=undone.id, user=_user(undone, hidden_user))
    else:
        first = session.scalar(
            select(func.min(Revision.id)).where(
                Revision.page_id == page.id, Revision.id > before.id
            )
        )
        summary = range_format.format(first=first, last=undone.id)
    return Proposal(
        title=revisions.page_title(page),
        text=text,
        current_text=latest.text,
        base_id=latest.id,
        summary=summary,
        undo=undone.id,
    )


def plan_restore(
    session: Session,
    title: Title,
    oldid: int,
    *,
    can_view_suppressed: bool,
    summary_format: str = RESTORE_SUMMARY,
    hidden_user: str = HIDDEN_USER,
) -> Proposal:
    """An old revision's text, to be saved over the current one."""
    page = _page(session, title)
    old = _revision_of(session, page, oldid)
    _readable(old, can_view_suppressed)
    latest = revisions.latest_revision(session, page)
    return Proposal(
        title=revisions.page_title(page),
        text=old.text,
        current_text=latest.text,
        base_id=latest.id,
        summary=summary_format.format(id=old.id, user=_user(old, hidden_user)),
    )


def rollback(
    session: Session,
    title: Title,
    *,
    from_user: str,
    author: Author,
    max_bytes: int,
    summary_format: str = ROLLBACK_SUMMARY,
    hidden_user: str = HIDDEN_USER,
    screen: revisions.Screen | None = None,
) -> RollbackResult:
    """Revert the latest consecutive edits by ``from_user`` to the revision before them, in the
    caller's transaction: a minor edit tagged mw-rollback, the reverted edits marked patrolled,
    and a "rollback" log entry."""
    if not from_user:
        raise BadInput(N_("Say whose edits to roll back (from)."))
    page = _page(session, title)
    latest = revisions.latest_revision(session, page)
    if latest.user_text != from_user:
        raise RollbackRefused(
            N_(
                "Cannot roll back edits by {from_user} to {title}: someone else edited or "
                "rolled back the page already. The last edit was made by {last}."
            ),
            from_user=from_user,
            title=title.full,
            last=_user(latest, hidden_user),
        )
    target_id = session.scalar(
        select(func.max(Revision.id)).where(
            Revision.page_id == page.id, Revision.user_text != from_user
        )
    )
    if target_id is None:
        raise RollbackRefused(
            N_(
                "Cannot roll back: {from_user} made every revision of {title}, so there is no "
                "earlier version to go back to. Edit or delete the page instead."
            ),
            from_user=from_user,
            title=title.full,
        )
    target = _revision_of(session, page, target_id)
    if target.visibility & visibility.TEXT:
        raise RollbackRefused(
            N_("Cannot roll back: the text of the revision to go back to is hidden.")
        )
    if target.text == latest.text:
        raise RollbackRefused(
            N_(
                "There is nothing to roll back: the text is already as in the last revision "
                "by {to_user}."
            ),
            to_user=_user(target, hidden_user),
        )
    reverted = (
        session.scalar(
            select(func.count()).where(Revision.page_id == page.id, Revision.id > target.id)
        )
        or 0
    )
    to_user = _user(target, hidden_user)
    summary = summary_format.format(from_user=from_user, to_user=to_user)
    try:
        result = revisions.save(
            session,
            title,
            target.text,
            author=author,
            summary=summary,
            minor=True,
            base_id=latest.id,
            max_bytes=max_bytes,
            merge=False,
            screen=screen,
        )
    except EditConflict as exc:  # saved by someone else in the same instant
        raise RollbackRefused(
            N_("Cannot roll back: someone else edited {title} at the same time."),
            title=title.full,
        ) from exc
    edits.after_save(session, result, author, tags=[edits.TAG_ROLLBACK], watch=False)
    patrol.mark_range(session, page.id, after=target.id, upto=result.revision.id)
    logs.record(
        session,
        type="rollback",
        action="rollback",
        performer=logs.Performer(author.name, author.user_id),
        target=revisions.page_title(page),
        page_id=page.id,
        params={
            "from": from_user,
            "to_revision": target.id,
            "revision": result.revision.id,
            "count": reverted,
        },
    )
    return RollbackResult(
        title=revisions.page_title(page),
        result=result,
        reverted=reverted,
        from_user=from_user,
        to_user=to_user,
        to_revision=target.id,
    )
