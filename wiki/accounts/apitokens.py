"""Personal API tokens for the REST API (``Authorization: Bearer <token>``).

A token is 43 random URL-safe characters with a ``gtg_`` prefix (so leaked ones are easy to
find); only its SHA-256 is stored. It carries grants like a bot password and is revoked by
deleting its row.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.accounts import grants
from wiki.errors import N_, BadInput, NotFound
from wiki.models import ApiToken, User, utcnow

PREFIX = "gtg_"
MAX_NAME = 64


@dataclass(frozen=True)
class TokenInfo:
    """One token as its owner sees it (never the token)."""

    id: int
    name: str
    grants: frozenset[str]
    created_at: datetime
    last_used_at: datetime | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(session: Session, user_id: int, name: str, granted: set[str]) -> str:
    """Make a token for ``user_id``; returns it (shown once, never stored)."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise BadInput(N_("A token needs a name of at most {max} characters."), max=str(MAX_NAME))
    token = PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            user_id=user_id,
            name=name,
            token_hash=_hash(token),
            grants=grants.serialize(granted),
            created_at=utcnow(),
        )
    )
    session.flush()
    return token


def listing(session: Session, user_id: int) -> list[TokenInfo]:
    rows = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    )
    return [
        TokenInfo(r.id, r.name, grants.parse(r.grants), r.created_at, r.last_used_at) for r in rows
    ]


def revoke(session: Session, user_id: int, token_id: int) -> None:
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id:
        raise NotFound(N_("There is no such token."))
    session.delete(row)


def authenticate(session: Session, token: str) -> tuple[User, frozenset[str]] | None:
    """The account and grants behind a bearer token, or None when it is unknown."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token)))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None:
        return None
    return user, grants.parse(row.grants)


def touch(session: Session, token: str) -> None:
    """Remember when a token was last used (shown on the management page)."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token)))
    if row is not None:
        row.last_used_at = utcnow()
