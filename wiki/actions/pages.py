"""Whole-page verbs: move, delete, undelete and protect."""

from __future__ import annotations

from datetime import datetime

from wiki import i18n
from wiki.accounts import permissions, protection
from wiki.actions.context import Actor, Change, Env
from wiki.navigation import moves
from wiki.pages import deletion, revisions
from wiki.text.titles import Title


def move(
    env: Env,
    actor: Actor,
    old: Title,
    new: Title,
    *,
    reason: str = "",
    leave_redirect: bool = True,
    move_talk: bool = True,
) -> moves.MoveResult:
    """Move ``old`` (and its talk page) to ``new``; only movers with ``delete`` may leave no
    redirect behind."""
    env.limit(actor, "move")
    moves.check(old, new)
    site = i18n.translations(env.settings.language).gettext
    with env.db.write() as session:
        permissions.require(session, actor, "move", old)
        # The new title must be creatable by the mover (create protection).
        permissions.require(session, actor, "edit", new, exists=False)
        result = moves.move(
            session,
            old,
            new,
            performer=actor.performer,
            reason=reason,
            summary_format=site(moves.SUMMARY_FORMAT),
            leave_redirect=leave_redirect or not actor.can("delete"),
            move_talk=move_talk,
            max_bytes=env.settings.max_page_bytes,
        )
    env.changed(Change(titles=frozenset({old, new}), existence=True))
    return result


def delete(env: Env, actor: Actor, title: Title, reason: str) -> deletion.DeleteResult:
    """Delete ``title``: its revisions go to the archive, restorable by Special:Undelete."""
    with env.db.write() as session:
        permissions.require(session, actor, "delete", title)
        result = deletion.delete_page(session, title, performer=actor.performer, reason=reason)
    env.changed(Change(titles=frozenset({title}), existence=True))
    return result


def undelete(
    env: Env, actor: Actor, title: Title, *, rev_ids: list[int] | None, reason: str
) -> deletion.RestoreResult:
    """Restore ``title``'s deleted revisions (all, or ``rev_ids``)."""
    with env.db.write() as session:
        permissions.require(session, actor, "undelete", title)
        result = deletion.undelete(
            session, title, performer=actor.performer, rev_ids=rev_ids, reason=reason
        )
    env.changed(Change(titles=frozenset({title}), existence=True))
    return result


def protect(
    env: Env,
    actor: Actor,
    title: Title,
    levels: dict[str, str],
    *,
    expires_at: datetime | None,
    reason: str,
) -> None:
    """Set the protection levels of ``title`` (edit and move; create when it does not exist;
    other actions in ``levels`` are ignored)."""
    with env.db.write() as session:
        permissions.require(session, actor, "protect", title)
        exists = revisions.get_page(session, title) is not None
        wanted = ("edit", "move") if exists else ("create",)
        protection.protect(
            session,
            title,
            {a: levels.get(a, "") for a in wanted},
            expires_at=expires_at,
            reason=reason,
            performer=actor.performer,
            exists=exists,
        )
    env.changed(Change(titles=frozenset({title})))  # cached views show the new lock
