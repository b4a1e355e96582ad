"""Bot passwords: ``Name@app`` logins for tools, each limited to some grants.

The password is generated here (32 characters from ``secrets``) and shown once; only its
SHA-256 is stored, as a random secret of that length needs no slow hash. Logging in with one
starts an ordinary login session whose row carries the grants, so every check that follows
(``Ctx.can``) sees the restriction.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wiki.accounts import grants, users
from wiki.errors import N_, BadInput, NotFound
from wiki.models import BotPassword, SessionRow, User, utcnow

APP_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,32}$")
SEPARATOR = "@"


@dataclass(frozen=True)
class BotPasswordInfo:
    """One bot password as its owner sees it (never the password)."""

    app_id: str
    grants: frozenset[str]
    created_at: datetime


def _hash(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


def split_login_name(name: str) -> tuple[str, str] | None:
    """``("Name", "app")`` for a bot-password login name ``Name@app``, else None."""
    if SEPARATOR not in name:
        return None
    user, _, app = name.rpartition(SEPARATOR)
    if not user or not APP_ID.match(app):
        return None
    return users.normalize_name(user), app


def create(session: Session, user_id: int, app_id: str, granted: set[str]) -> str:
    """Make (or replace) the bot password ``app_id`` of ``user_id``; returns the new password."""
    if not APP_ID.match(app_id):
        raise BadInput(N_("A bot name is 1 to 32 letters, digits, '.', '_' or '-'."))
    password = secrets.token_hex(16)
    row = session.scalar(
        select(BotPassword).where(BotPassword.user_id == user_id, BotPassword.app_id == app_id)
    )
    if row is None:
        row = BotPassword(user_id=user_id, app_id=app_id, created_at=utcnow())
        session.add(row)
    else:  # a reset: the sessions the old password started end with it
        _end_restricted_sessions(session, user_id)
    row.password_hash = _hash(password)
    row.grants = grants.serialize(granted)
    session.flush()
    return password


def listing(session: Session, user_id: int) -> list[BotPasswordInfo]:
    """The account's bot passwords, by name."""
    rows = session.scalars(
        select(BotPassword).where(BotPassword.user_id == user_id).order_by(BotPassword.app_id)
    )
    return [BotPasswordInfo(r.app_id, grants.parse(r.grants), r.created_at) for r in rows]


def revoke(session: Session, user_id: int, app_id: str) -> None:
    """Delete a bot password and end the sessions it started."""
    row = session.scalar(
        select(BotPassword).where(BotPassword.user_id == user_id, BotPassword.app_id == app_id)
    )
    if row is None:
        raise NotFound(N_("There is no bot password named {name}."), name=app_id)
    session.delete(row)
    _end_restricted_sessions(session, user_id)


def _end_restricted_sessions(session: Session, user_id: int) -> None:
    # Sessions do not remember which bot password started them: end every restricted one.
    session.execute(
        delete(SessionRow).where(SessionRow.user_id == user_id, SessionRow.grants.is_not(None))
    )


def authenticate(
    session: Session, login_name: str, password: str
) -> tuple[User, frozenset[str]] | None:
    """The account and grants for ``Name@app`` and its password, or None."""
    parts = split_login_name(login_name)
    if parts is None:
        return None
    name, app_id = parts
    row = session.execute(
        select(BotPassword, User)
        .join(User, User.id == BotPassword.user_id)
        .where(User.name == name, BotPassword.app_id == app_id)
    ).first()
    expected = row[0].password_hash if row else _hash(secrets.token_hex(16))
    # Bot passwords may be shown with spaces in groups of four; MediaWiki accepts both.
    if not hmac.compare_digest(expected, _hash(password.replace(" ", ""))) or row is None:
        return None
    return row[1], grants.parse(row[0].grants)


def start_session(session: Session, user_id: int, granted: frozenset[str], *, days: int) -> str:
    """A login session restricted to ``granted``; returns the id for the cookie."""
    sid = users.start_session(session, user_id, days=days)
    row = session.get(SessionRow, hashlib.sha256(sid.encode()).hexdigest())
    assert row is not None
    row.grants = grants.serialize(granted)
    return sid


def session_grants(session: Session, sid: str) -> frozenset[str] | None:
    """The grants a live session is restricted to (None: a full login or no session)."""
    row = session.get(SessionRow, hashlib.sha256(sid.encode()).hexdigest())
    if row is None or row.grants is None or row.expires_at <= utcnow() - timedelta(0):
        return None
    return grants.parse(row.grants)
