"""What follows a saved edit, in the saving transaction. No HTTP here.

Two steps, split by who knows the facts:

* :func:`recorded` is called by ``wiki.pages.revisions.save`` itself for every new revision,
whatever
  saved it (the edit form, the API, rollback, talk replies, moves): the recent-changes row with
  the editor's kind, the bot flag and autopatrol (from ``Author.groups``), automatic tags, the
  vandalism score (wiki.patrol.scoring), and one notification per watcher (flagged "likely
  vandalism" for an edit the score calls bad).
* :func:`after_save` is called by the routes that save on a person's behalf (the edit form, the
  API, undo, rollback) right after ``save`` in the same write callback: the editor's
  watch-by-default preference and the tags only the request knows (``mw-undo``, ``mw-rollback``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from wiki.accounts import rights, users
from wiki.models import Page, RecentChange, Revision, User
from wiki.patrol import recentchanges, recording, scoring, watchlist
from wiki.settings import Settings
from wiki.text.titles import Title
from wiki.vandalism.model import badge

if TYPE_CHECKING:
    from wiki.pages.revisions import Author, SaveResult

#: Tags the software sets (MediaWiki's names, so patrol tools understand them).
TAG_ROLLBACK = "mw-rollback"
TAG_UNDO = "mw-undo"
TAG_BLANK = "mw-blank"
TAG_REPLACE = "mw-replace"
TAG_NEW_REDIRECT = "mw-new-redirect"
TAG_REMOVED_REDIRECT = "mw-removed-redirect"
TAG_REVERTED = "mw-reverted"  # on the edits a rollback undid
SOFTWARE_TAGS = (
    TAG_ROLLBACK,
    TAG_UNDO,
    TAG_BLANK,
    TAG_REPLACE,
    TAG_NEW_REDIRECT,
    TAG_REMOVED_REDIRECT,
    TAG_REVERTED,
)
REPLACE_SHARE = 0.1  # an edit that keeps less than this share of a long page's size "replaces" it
REPLACE_MIN = 500  # bytes: shorter pages are not tagged mw-replace


def _is_redirect(text: str) -> bool:
    head = text.lstrip()[:9].lower()
    return head.startswith(("#redirect", "#alih"))


def automatic_tags(old: str | None, new: str) -> list[str]:
    """Tags an edit earns by what it does to the text (pure)."""
    tags: list[str] = []
    if old is not None and old and not new:
        tags.append(TAG_BLANK)
    elif old is not None and len(old) >= REPLACE_MIN and len(new) < len(old) * REPLACE_SHARE:
        tags.append(TAG_REPLACE)
    was, now = old is not None and _is_redirect(old), _is_redirect(new)
    if now and not was:
        tags.append(TAG_NEW_REDIRECT)
    elif was and not now:
        tags.append(TAG_REMOVED_REDIRECT)
    return tags


def groups_of(session: Session, user_id: int | None) -> frozenset[str]:
    """An editor's groups looked up in the database (for saves made without a request)."""
    if user_id is None:
        return frozenset({"*"})
    user = session.get(User, user_id)
    if user is None:
        return frozenset({"*"})
    implicit = users.implicit_groups(
        user,
        autoconfirm_days=Settings.autoconfirm_days,
        autoconfirm_edits=Settings.autoconfirm_edits,
    )
    return frozenset(implicit | users.explicit_groups(session, user_id))


def recorded(
    session: Session, page: Page, rev: Revision, parent: Revision | None, author: Author
) -> RecentChange:
    """Record a new revision in recent changes and tell the page's watchers."""
    groups = author.groups if author.groups is not None else groups_of(session, author.user_id)
    # The software's own edits (seed pages, maintenance) need no patrolling.
    auto = rights.has(groups, "autopatrol") or recentchanges.is_system(author.user_id, author.name)
    rc = recording.record_edit(
        session,
        page=page,
        rev=rev,
        parent=parent,
        kind_of_user=recentchanges.user_kind(author.user_id, groups, author.name),
        bot=rights.has(groups, "bot"),
        patrolled=recentchanges.AUTOPATROLLED if auto else recentchanges.UNPATROLLED,
    )
    recording.add_tags(
        session, rc, rev.id, automatic_tags(parent.text if parent else None, rev.text)
    )
    scored = scoring.score_revision(session, page, rev, parent, rc)
    watchlist.notify_watchers(
        session,
        Title(page.namespace, page.title),
        revision_id=rev.id,
        actor=author.name,
        actor_id=author.user_id,
        likely_vandalism=badge(scored.score) == "bad",
    )
    return rc


def after_save(
    session: Session,
    result: SaveResult,
    author: Author,
    *,
    tags: Iterable[str] = (),
    watch: bool = True,
) -> None:
    """The request's part of a save: watch the page if the editor wants edited pages watched
    (an existing watch is left as it is; ``watch=False`` for rollbacks, which MediaWiki does
    not watch by default either), and add the request's tags."""
    if result.noop:
        return
    wanted = [t for t in tags if t]
    if wanted:
        rc = recording.for_revision(session, result.revision.id)
        recording.add_tags(session, rc, result.revision.id, wanted)
    if watch and author.user_id is not None:
        user = session.get(User, author.user_id)
        if user is not None and user.watch_edits:
            title = Title(result.page.namespace, result.page.title)
            watchlist.ensure_watched(session, author.user_id, title)
