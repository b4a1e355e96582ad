"""A visitor's own things: notifications read, the new-messages bar, watchlist seen marks and
the watchlist feed token. These change nothing anyone else sees, so they need no right beyond
an account (the new-messages bar of an IP excepted) and are not rate-limited."""

from __future__ import annotations

from collections.abc import Iterable

from wiki.actions.context import Actor, Change, Env
from wiki.errors import N_, PermissionDenied
from wiki.patrol import watchlist
from wiki.talk import notifications, posting
from wiki.text.titles import Title


def _account(actor: Actor) -> int:
    if actor.user_id is None:
        raise PermissionDenied(N_("You need to log in to do this."))
    return actor.user_id


def mark_read(env: Env, actor: Actor, ids: Iterable[int] | None) -> int:
    """Mark the actor's notifications ``ids`` (None: all) read; how many changed."""
    user_id = _account(actor)
    chosen = None if ids is None else list(ids)
    with env.db.write() as session:
        return notifications.mark_read(session, user_id, chosen)


def mark_page_read(env: Env, actor: Actor, title: Title) -> int:
    """The actor has seen ``title``: its notifications are read; how many changed."""
    user_id = _account(actor)
    with env.db.write() as session:
        return notifications.mark_page_read(session, user_id, title)


def clear_new_messages(env: Env, actor: Actor) -> None:
    """An IP has read its talk page: no more "you have new messages" bar."""
    with env.db.write() as session:
        posting.clear_new_messages(session, actor.ip)


def visit(env: Env, actor: Actor, title: Title) -> None:
    """The actor has seen ``title``: it is no longer "changed since your last visit"."""
    user_id = _account(actor)
    with env.db.write() as session:
        watchlist.visit(session, user_id, title)


def mark_all_seen(env: Env, actor: Actor) -> None:
    """Every page on the actor's watchlist counts as visited."""
    user_id = _account(actor)
    with env.db.write() as session:
        watchlist.mark_all_seen(session, user_id)
    env.changed(Change(accounts=True))  # cached watch states are stale


def feed_token(env: Env, actor: Actor, *, reset: bool = False) -> str:
    """The actor's private watchlist-feed token (made on first use; ``reset`` makes a new one)."""
    user_id = _account(actor)
    with env.db.write() as session:
        return watchlist.feed_token(session, user_id, reset=reset)
