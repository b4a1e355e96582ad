"""Accounts: sign-up, login and logout, preferences, and password resets.

None of these writes page text; each is rate-limited where a stranger could hammer it, and
sign-up passes the same block check the gate uses for everything else.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from wiki.accounts import blocks, users
from wiki.actions.context import Actor, Change, Env
from wiki.errors import N_, PermissionDenied
from wiki.models import User


def create_account(env: Env, actor: Actor, name: str, password: str, *, email: str = "") -> int:
    """Create an account; its id. Refused when the actor's IP may not create accounts."""
    env.limit(actor, "createaccount")
    with env.db.write() as session:
        may_create_account(session, actor)
        return users.create_user(session, name, password, email=email).id


def may_create_account(session: Session, actor: Actor) -> None:
    """Raise PermissionDenied when a block on the actor's IP prevents account creation."""
    blocked = blocks.find(session, user_id=None, ip=actor.ip)
    if blocked is not None and blocked.block_createaccount:
        raise PermissionDenied(
            N_("Account creation from your IP address is blocked. Reason: {reason}"),
            reason=blocked.reason or "—",
        )


def authenticate(env: Env, actor: Actor, name: str, password: str) -> int | None:
    """The account id when ``password`` is right (rehashed when its parameters changed);
    None otherwise."""
    env.limit(actor, "login")
    with env.db.write() as session:
        user = users.authenticate(session, name, password)
        return user.id if user else None


def start_session(env: Env, user_id: int, *, replacing: str | None) -> str:
    """A new login session for ``user_id`` (the old session id, if any, ends: no fixation)."""
    with env.db.write() as session:
        if replacing:
            users.end_session(session, replacing)
        sid = users.start_session(session, user_id, days=env.settings.session_days)
    env.changed(Change(accounts=True))
    return sid


def logout(env: Env, actor: Actor) -> None:
    """End the actor's login session on the server."""
    if actor.session_id:
        with env.db.write() as session:
            users.end_session(session, actor.session_id)
    env.changed(Change(accounts=True))


@dataclass(frozen=True)
class Preferences:
    """What Special:Preferences sets (already checked by the form)."""

    language: str
    diff_mode: str
    timezone: str
    email: str
    #: None: not on this form (left as it is).
    watch_edits: bool | None = None


def save_preferences(env: Env, actor: Actor, prefs: Preferences) -> None:
    """Store the actor's preferences."""
    if actor.user_id is None:
        raise PermissionDenied(N_("You need to log in to do this."))
    with env.db.write() as session:
        user = session.get(User, actor.user_id)
        if user is None:
            raise PermissionDenied(N_("You need to log in to do this."))
        user.language, user.diff_mode = prefs.language, prefs.diff_mode
        user.timezone, user.email = prefs.timezone, prefs.email
        if prefs.watch_edits is not None:
            user.watch_edits = prefs.watch_edits
    env.changed(Change(accounts=True))


@dataclass(frozen=True)
class ResetStarted:
    email: str
    name: str
    token: str


def start_password_reset(env: Env, actor: Actor, name_or_email: str) -> ResetStarted | None:
    """A one-hour reset token for the account, or None when there is none (callers answer the
    same either way)."""
    env.limit(actor, "login")
    with env.db.write() as session:
        started = users.start_reset(session, name_or_email)
        if started is None:
            return None
        user, token = started
        return ResetStarted(user.email, user.name, token)


def finish_password_reset(env: Env, token: str, password: str) -> int:
    """Set the new password with a valid token; every login session of the account ends."""
    with env.db.write() as session:
        user_id = users.finish_reset(session, token, password).id
    env.changed(Change(accounts=True))
    return user_id
