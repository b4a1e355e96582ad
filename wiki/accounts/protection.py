"""Page protection: semi (autoconfirmed and up) or full (admins), per action, with expiry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from wiki import i18n
from wiki.accounts import rights
from wiki.errors import N_, BadInput, PermissionDenied
from wiki.models import Protection, utcnow
from wiki.patrol import logs
from wiki.text.titles import Title

ACTIONS = ("edit", "move", "create")
#: Protection level -> the right that lets a user act anyway.
LEVELS = {"autoconfirmed": "editsemiprotected", "admin": "editprotected"}


@dataclass(frozen=True)
class ProtectionInfo:
    action: str
    level: str
    expires_at: datetime | None
    reason: str


def current(session: Session, title: Title) -> dict[str, ProtectionInfo]:
    """The protections in force on ``title``, by action."""
    now = utcnow()
    rows = session.scalars(
        select(Protection).where(
            Protection.namespace == title.ns,
            Protection.title == title.text,
            or_(Protection.expires_at.is_(None), Protection.expires_at > now),
        )
    )
    return {r.action: ProtectionInfo(r.action, r.level, r.expires_at, r.reason) for r in rows}


def allowed(protections: dict[str, ProtectionInfo], action: str, groups: Iterable[str]) -> bool:
    """Whether a user in ``groups`` may do ``action`` despite the protections."""
    p = protections.get(action)
    return p is None or rights.has(groups, LEVELS[p.level])


def check(session: Session, title: Title, action: str, groups: Iterable[str]) -> None:
    """Raise PermissionDenied when ``title`` is protected against ``action`` for ``groups``."""
    protections = current(session, title)
    if not allowed(protections, action, groups):
        p = protections[action]
        raise PermissionDenied(
            N_("This page is protected ({level}) against {action}. Reason: {reason}"),
            level=i18n.Word("group", p.level),
            action=i18n.Word("action", action),
            reason=p.reason or "—",
        )


def protect(
    session: Session,
    title: Title,
    levels: dict[str, str],
    *,
    expires_at: datetime | None,
    reason: str,
    performer: logs.Performer,
    exists: bool,
) -> None:
    """Set protection levels ("" removes) for each action, and log the change."""
    for action, level in levels.items():
        if action not in ACTIONS or (level and level not in LEVELS):
            raise BadInput(N_("Unknown protection: {action}={level}."), action=action, level=level)
        if action == "create" and exists and level:
            raise BadInput(N_("Only a page that does not exist can be protected from creation."))
        if action != "create" and not exists and level:
            raise BadInput(N_("A page that does not exist can only be protected from creation."))
    if expires_at is not None and expires_at <= utcnow():
        raise BadInput(N_("The expiry must be in the future."))
    session.execute(
        delete(Protection).where(Protection.namespace == title.ns, Protection.title == title.text)
    )
    active = {a: lvl for a, lvl in levels.items() if lvl}
    for action, level in active.items():
        session.add(
            Protection(
                namespace=title.ns,
                title=title.text,
                action=action,
                level=level,
                expires_at=expires_at,
                reason=reason[:500],
                performer_text=performer.name,
                created_at=utcnow(),
            )
        )
    logs.record(
        session,
        type="protect",
        action="protect" if active else "unprotect",
        performer=performer,
        target=title,
        comment=reason,
        params={
            "levels": active,
            "expiry": expires_at.isoformat() if expires_at else "infinity",
        },
    )
