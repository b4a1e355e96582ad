"""Credentials for tools: bot passwords (``Name@app`` via ``action=login``) and personal API
tokens (REST ``Authorization: Bearer``). Each is limited to the grants its owner chose.

Only a full login manages credentials (a session started by a bot password may not mint wider
ones); logging in with a bot password is rate-limited like any login.
"""

from __future__ import annotations

from wiki.accounts import apitokens, botpasswords, users
from wiki.actions.context import Actor, Change, Env
from wiki.errors import N_, PermissionDenied


def _owner(actor: Actor) -> int:
    if actor.user_id is None:
        raise PermissionDenied(N_("You need to log in to see this page."))
    if actor.grants is not None:
        raise PermissionDenied(N_("Log in with your own password to manage credentials."))
    return actor.user_id


def create_bot_password(env: Env, actor: Actor, app_id: str, granted: set[str]) -> str:
    """Make (or reset) the actor's bot password ``app_id``; the password, shown once."""
    user_id = _owner(actor)
    with env.db.write() as session:
        password = botpasswords.create(session, user_id, app_id, granted)
    env.changed(Change(accounts=True))
    return password


def revoke_bot_password(env: Env, actor: Actor, app_id: str) -> None:
    """Delete a bot password and end the sessions it started."""
    user_id = _owner(actor)
    with env.db.write() as session:
        botpasswords.revoke(session, user_id, app_id)
    env.changed(Change(accounts=True))


def bot_login(
    env: Env, actor: Actor, login_name: str, password: str
) -> tuple[int, str, str] | None:
    """Log in with a bot password: (user id, account name, new session id), or None.

    The actor's old session (if any) ends, so a fixed pre-login id is worthless."""
    env.limit(actor, "login")
    with env.db.write() as session:
        found = botpasswords.authenticate(session, login_name, password)
        if found is None:
            return None
        user, granted = found
        if actor.session_id:
            users.end_session(session, actor.session_id)
        sid = botpasswords.start_session(session, user.id, granted, days=env.settings.session_days)
        result = (user.id, user.name, sid)
    env.changed(Change(accounts=True))
    return result


def create_api_token(env: Env, actor: Actor, name: str, granted: set[str]) -> str:
    """Make a personal API token; the token, shown once."""
    user_id = _owner(actor)
    with env.db.write() as session:
        return apitokens.create(session, user_id, name, granted)


def revoke_api_token(env: Env, actor: Actor, token_id: int) -> None:
    user_id = _owner(actor)
    with env.db.write() as session:
        apitokens.revoke(session, user_id, token_id)
    env.changed(Change(accounts=True))


def token_user(env: Env, token: str) -> tuple[users.Account, frozenset[str]] | None:
    """The account and grants behind a bearer token (noting its use), or None."""
    with env.db.write() as session:
        found = apitokens.authenticate(session, token)
        if found is None:
            return None
        user, granted = found
        apitokens.touch(session, token)
        account = users.account(
            session,
            user,
            autoconfirm_days=env.settings.autoconfirm_days,
            autoconfirm_edits=env.settings.autoconfirm_edits,
        )
        return account, granted
