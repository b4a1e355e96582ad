"""The action log behind Special:Log. Services call ``record`` inside their own transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.models import SUMMARY_MAX, LogEntry, utcnow
from wiki.patrol import recording
from wiki.text.titles import Title

#: Log types, in the order Special:Log lists them.
LOG_TYPES = (
    "create",  # account creation
    "move",
    "protect",
    "block",
    "delete",
    "patrol",
    "rollback",
    "revision",  # revision visibility (hide/unhide)
    "rights",
    "abusefilter",
    "import",  # pages imported from an XML export (wiki.actions.imports)
)


@dataclass(frozen=True)
class Performer:
    """Who did it: an account or an IP."""

    name: str
    user_id: int | None = None


@dataclass(frozen=True)
class LogView:
    id: int
    type: str
    action: str
    timestamp: datetime
    performer: str
    title: Title
    comment: str
    params: dict[str, Any]


def record(
    session: Session,
    *,
    type: str,
    action: str,
    performer: Performer,
    target: Title,
    page_id: int | None = None,
    comment: str = "",
    params: dict[str, Any] | None = None,
) -> LogEntry:
    """Add one entry to the log (in the caller's transaction)."""
    if type not in LOG_TYPES:
        raise ValueError(f"unknown log type {type!r}")
    entry = LogEntry(
        type=type,
        action=action,
        timestamp=utcnow(),
        performer_id=performer.user_id,
        performer_text=performer.name,
        namespace=target.ns,
        title=target.text,
        page_id=page_id,
        comment=comment[:SUMMARY_MAX],
        params=json.dumps(params or {}, ensure_ascii=False, sort_keys=True),
    )
    session.add(entry)
    session.flush()
    recording.record_log(session, entry)  # logged actions are listed in recent changes
    return entry


def entries(
    session: Session,
    *,
    type: str | None = None,
    performer: str | None = None,
    target: Title | None = None,
    older_than: int | None = None,
    newer_than: int | None = None,
    limit: int = 50,
) -> list[LogView]:
    """Log entries newest first, filtered, by keyset on id (``older_than`` for the next page,
    ``newer_than`` for the previous one)."""
    stmt = select(LogEntry)
    if type:
        stmt = stmt.where(LogEntry.type == type)
    if performer:
        stmt = stmt.where(LogEntry.performer_text == performer)
    if target is not None:
        stmt = stmt.where(LogEntry.namespace == target.ns, LogEntry.title == target.text)
    if older_than is not None:
        stmt = stmt.where(LogEntry.id < older_than)
    if newer_than is not None:
        stmt = stmt.where(LogEntry.id > newer_than).order_by(LogEntry.id.asc())
    else:
        stmt = stmt.order_by(LogEntry.id.desc())
    stmt = stmt.limit(max(1, min(limit, 500)))
    found = [
        LogView(
            id=e.id,
            type=e.type,
            action=e.action,
            timestamp=e.timestamp,
            performer=e.performer_text,
            title=Title(e.namespace, e.title),
            comment=e.comment,
            params=json.loads(e.params),
        )
        for e in session.scalars(stmt)
    ]
    return found[::-1] if newer_than is not None else found
