"""Patrollers' verbs: mark as patrolled, roll back, hide revision parts, and watching pages."""

from __future__ import annotations

from datetime import datetime

from wiki import i18n
from wiki.accounts import permissions
from wiki.actions.context import Actor, Change, Env
from wiki.actions.editing import follow, saved
from wiki.actions.screening import Screening, Stopped
from wiki.errors import N_, BadInput
from wiki.pages import hiding
from wiki.patrol import marks, reverts, watchlist
from wiki.text.titles import Title


def mark_patrolled(
    env: Env, actor: Actor, *, rc_id: int | None = None, revision_id: int | None = None
) -> marks.PatrolResult:
    """Mark a change (by recent-change id or revision id) as patrolled."""
    env.limit(actor, "patrol")
    with env.db.write() as session:
        permissions.require(session, actor, "patrol")
        result = marks.mark(
            session, performer=actor.performer, rc_id=rc_id, revision_id=revision_id
        )
    env.changed(Change())
    return result


def rollback(env: Env, actor: Actor, title: Title, from_user: str) -> reverts.RollbackResult:
    """Revert ``from_user``'s latest consecutive edits to ``title`` in one minor edit."""
    site = i18n.translations(env.settings.language).gettext
    screening = Screening(actor, "")
    env.limit(actor, "rollback")
    try:
        with env.db.write() as session:
            permissions.require(
                session, actor, "rollback", title, anonymous_edits=env.settings.anonymous_edits
            )
            done = reverts.rollback(
                session,
                title,
                from_user=from_user,
                author=actor.author,
                max_bytes=env.settings.max_page_bytes,
                summary_format=site(reverts.ROLLBACK_SUMMARY),
                hidden_user=site(reverts.HIDDEN_USER),
                screen=screening,
            )
            follow(session, env, actor, done.result, screening, watch=False)
    except Stopped:
        raise screening.refused(env) from None
    env.changed(saved(done.result))
    return done


def hide_revisions(
    env: Env, actor: Actor, rev_ids: list[int], *, hide: int, unhide: int, reason: str
) -> hiding.Change:
    """Hide or show the text, summary or author of revisions of one page."""
    with env.db.write() as session:
        permissions.require(session, actor, "hiderevision")
        change = hiding.set_visibility(
            session, rev_ids, hide=hide, unhide=unhide, performer=actor.performer, reason=reason
        )
    env.changed(Change(titles=frozenset({change.title})))
    return change


def watch(env: Env, actor: Actor, title: Title, *, expires_at: datetime | None = None) -> None:
    """Put ``title`` (and its talk page) on the actor's watchlist."""
    _watching(env, actor, title, True, expires_at)


def unwatch(env: Env, actor: Actor, title: Title) -> None:
    """Take ``title`` (and its talk page) off the actor's watchlist."""
    _watching(env, actor, title, False, None)


def unwatch_many(env: Env, actor: Actor, chosen: list[Title]) -> int:
    """Take several pages off the actor's watchlist (Special:EditWatchlist); how many went."""
    with env.db.write() as session:
        permissions.require(session, actor, "watch")
        assert actor.user_id is not None
        removed = watchlist.unwatch_many(session, actor.user_id, chosen)
    env.changed(Change(accounts=True))
    return removed


def _watching(env: Env, actor: Actor, title: Title, on: bool, expires_at: datetime | None) -> None:
    if title.is_special:
        raise BadInput(N_("Special pages cannot be watched."))
    with env.db.write() as session:
        permissions.require(session, actor, "watch")
        assert actor.user_id is not None  # the gate wants an account for "watch"
        if on:
            watchlist.watch(session, actor.user_id, title, expires_at=expires_at)
        else:
            watchlist.unwatch(session, actor.user_id, title)
    env.changed(Change(accounts=True))  # cached watch stars are stale
