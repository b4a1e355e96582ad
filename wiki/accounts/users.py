"""Accounts, passwords, groups and login sessions. No HTTP here.

Passwords are hashed with argon2id (argon2-cffi) and rehashed on login when the parameters
change. Sessions are rows keyed by the SHA-256 of a random id that only the browser's signed
cookie holds, so a database leak does not leak usable sessions.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wiki.accounts import rights
from wiki.errors import N_, BadInput, InvalidTitle, NotFound
from wiki.models import PasswordReset, SessionRow, User, UserGroup, utcnow
from wiki.patrol import logs
from wiki.text import titles

MIN_PASSWORD = 8
MAX_PASSWORD = 1024
MAX_NAME = 85
COMMON_PASSWORDS = Path(__file__).parent.parent / "data" / "common-passwords.txt"

_hasher = PasswordHasher()  # argon2id with argon2-cffi's current recommended parameters
# Verified against when the user does not exist, so a failed login takes the same time. Made on
# first use: an argon2 hash costs real CPU, and every worker process imports this module at
# start-up (issue 19: workers under load missed the process manager's start-up deadline).
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
    return _DUMMY_HASH


@dataclass(frozen=True)
class Account:
    """What the web layer needs to know about a logged-in user."""

    id: int
    name: str
    groups: frozenset[str]
    language: str
    diff_mode: str
    timezone: str
    email: str
    created_at: datetime
    edit_count: int
    watch_edits: bool = True  # add edited pages to the watchlist (wiki.pages.edits)
    #: Logged in with a bot password or an API token: only these grants (wiki.accounts.grants).
    grants: frozenset[str] | None = None


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(COMMON_PASSWORDS.read_text(encoding="utf-8").split())


def normalize_name(raw: str) -> str:
    """A user name normalised like a title (``budi_s`` → ``Budi s``), or BadInput."""
    if not raw or not raw.strip():
        raise BadInput(N_("Choose a user name."))
    if any(c in raw for c in "/@:"):
        raise BadInput(N_("User names cannot contain / @ or :."))
    try:
        title = titles.parse(raw, default_ns=titles.NS_USER)
    except InvalidTitle as exc:
        raise BadInput(N_("That user name is not valid: {reason}"), reason=exc.message) from exc
    if title.ns != titles.NS_USER:
        raise BadInput(N_("User names cannot contain / @ or :."))
    name = title.text
    if len(name) > MAX_NAME:
        raise BadInput(N_("User names can be at most {n} characters."), n=MAX_NAME)
    if is_ip(name):
        raise BadInput(N_("An IP address cannot be a user name."))
    return name


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def check_password(name: str, password: str) -> None:
    """Refuse short, overlong, common and name-like passwords."""
    if len(password) < MIN_PASSWORD:
        raise BadInput(N_("Passwords must be at least {n} characters."), n=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise BadInput(N_("Passwords can be at most {n} characters."), n=MAX_PASSWORD)
    if password.lower() in common_passwords():
        raise BadInput(N_("This password is one of the most common passwords. Choose another."))
    if password.lower() == name.lower():
        raise BadInput(N_("Your password cannot be your user name."))


def create_user(session: Session, name: str, password: str, *, email: str = "") -> User:
    """Create an account (name normalised, password checked and hashed)."""
    name = normalize_name(name)
    check_password(name, password)
    if get_by_name(session, name) is not None:
        raise BadInput(N_("The user name {name} is already taken."), name=name)
    user = User(name=name, password_hash=_hasher.hash(password), email=email.strip()[:255])
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:
        raise BadInput(N_("The user name {name} is already taken."), name=name) from exc
    logs.record(
        session,
        type="create",
        action="create",
        performer=logs.Performer(name=user.name, user_id=user.id),
        target=titles.Title(titles.NS_USER, user.name),
    )
    return user


def get_by_name(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The user if the password is right; None otherwise, in about the same time either way."""
    try:
        user = get_by_name(session, normalize_name(name))
    except BadInput:
        user = None
    if user is None or not user.password_hash:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_dummy_hash(), password or "x")
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def set_password(session: Session, user: User, password: str) -> None:
    check_password(user.name, password)
    user.password_hash = _hasher.hash(password)


def explicit_groups(session: Session, user_id: int) -> frozenset[str]:
    rows = session.scalars(select(UserGroup.group).where(UserGroup.user_id == user_id))
    return frozenset(rows)


def implicit_groups(user: User, *, autoconfirm_days: int, autoconfirm_edits: int) -> set[str]:
    groups = {"*", "user"}
    old_enough = utcnow() - user.created_at >= timedelta(days=autoconfirm_days)
    if old_enough and user.edit_count >= autoconfirm_edits:
        groups.add("autoconfirmed")
    return groups


def account(
    session: Session, user: User, *, autoconfirm_days: int, autoconfirm_edits: int
) -> Account:
    """The user with every group they are in, explicit and implicit."""
    groups = implicit_groups(
        user, autoconfirm_days=autoconfirm_days, autoconfirm_edits=autoconfirm_edits
    ) | set(explicit_groups(session, user.id))
    return Account(
        id=user.id,
        name=user.name,
        groups=frozenset(groups),
        language=user.language,
        diff_mode=user.diff_mode,
        timezone=user.timezone,
        email=user.email,
        created_at=user.created_at,
        edit_count=user.edit_count,
        watch_edits=user.watch_edits,
    )


def set_groups(
    session: Session,
    user: User,
    groups: set[str],
    *,
    performer: logs.Performer,
    reason: str = "",
) -> tuple[set[str], set[str]]:
    """Make ``groups`` the user's explicit groups; returns (added, removed) and logs it."""
    unknown = groups - set(rights.ASSIGNABLE)
    if unknown:
        raise BadInput(N_("Unknown group: {group}."), group=sorted(unknown)[0])
    before = set(explicit_groups(session, user.id))
    added, removed = groups - before, before - groups
    if removed:
        session.execute(
            delete(UserGroup).where(UserGroup.user_id == user.id, UserGroup.group.in_(removed))
        )
    for group in sorted(added):
        session.add(UserGroup(user_id=user.id, group=group))
    if added or removed:
        logs.record(
            session,
            type="rights",
            action="rights",
            performer=performer,
            target=titles.Title(titles.NS_USER, user.name),
            comment=reason,
            params={"added": sorted(added), "removed": sorted(removed)},
        )
    return added, removed


def require_user(session: Session, name: str) -> User:
    user = get_by_name(session, normalize_name(name))
    if user is None:
        raise NotFound(N_("There is no user called {name}."), name=name)
    return user


# --- login sessions ----------------------------------------------------------------------------


def _hash_sid(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def start_session(session: Session, user_id: int, *, days: int) -> str:
    """Create a login session; returns the new random id for the cookie."""
    sid = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        SessionRow(
            id_hash=_hash_sid(sid),
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    return sid


def end_session(session: Session, sid: str) -> None:
    """Invalidate a session on the server (logout)."""
    session.execute(delete(SessionRow).where(SessionRow.id_hash == _hash_sid(sid)))


def session_user(session: Session, sid: str) -> User | None:
    """The user a live session belongs to, or None."""
    row = session.get(SessionRow, _hash_sid(sid))
    if row is None or row.expires_at <= utcnow():
        return None
    return session.get(User, row.user_id)


# --- password reset ----------------------------------------------------------------------------

RESET_HOURS = 1


def start_reset(session: Session, name_or_email: str) -> tuple[User, str] | None:
    """A reset token for the account with this name or e-mail, or None when there is none
    (or it has no e-mail address). Callers answer the same either way."""
    raw = name_or_email.strip()
    user: User | None = None
    if "@" in raw:
        user = session.scalar(select(User).where(User.email == raw, User.email != ""))
    else:
        try:
            user = get_by_name(session, normalize_name(raw))
        except BadInput:
            user = None
    if user is None or not user.email:
        return None
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordReset(
            token_hash=_hash_sid(token),
            user_id=user.id,
            expires_at=utcnow() + timedelta(hours=RESET_HOURS),
        )
    )
    return user, token


def finish_reset(session: Session, token: str, password: str) -> User:
    """Set a new password with a valid token; the token and every login session end."""
    row = session.get(PasswordReset, _hash_sid(token))
    if row is None or row.expires_at <= utcnow():
        raise BadInput(N_("This reset link is not valid any more. Ask for a new one."))
    user = session.get(User, row.user_id)
    assert user is not None
    set_password(session, user, password)
    session.delete(row)
    session.execute(delete(SessionRow).where(SessionRow.user_id == user.id))
    return user
