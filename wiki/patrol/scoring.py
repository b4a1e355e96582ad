"""Scoring a saved edit for vandalism: the database facts around an edit, and storing its score.

The scorer itself (:mod:`wiki.vandalism`) is pure; this module gathers the facts it needs in
the saving transaction (the parent's text, the author's account age, edit count and recent
reverts, the page's protection history and recent vandalism), scores the edit, and stores the
score and its reasons on the revision and its recent-changes row. No HTTP here.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from wiki.models import LogEntry, Page, RecentChange, Revision, User, utcnow
from wiki.text.titles import Title
from wiki.vandalism.features import Edit
from wiki.vandalism.model import Badge, Scored, badge, load_model, score
from wiki.vandalism.reasons import Param, Reason

__all__ = [
    "BADGES",
    "REVERT_WINDOW",
    "VANDALISED_WINDOW",
    "StoredScore",
    "badge_condition",
    "badge_of",
    "edit_facts",
    "reasons_from_json",
    "reasons_to_json",
    "score_attempt",
    "score_revision",
    "stored",
]

#: "Recent reverts of this author": rollbacks of their edits in this window.
REVERT_WINDOW = timedelta(days=30)
#: "Recently vandalised page": a rollback on it in this window.
VANDALISED_WINDOW = timedelta(days=7)
#: Reading more rollback entries than this to count one author's reverts is not worth it.
_MAX_ROLLBACKS_READ = 200
#: Anonymous editors' earlier edits are counted up to this many (enough for the model).
_MAX_IP_EDITS_COUNTED = 1000


def _recent_reverts(session: Session, name: str, now: datetime) -> int:
    """Rollbacks of ``name``'s edits logged in the last REVERT_WINDOW."""
    needle = json.dumps(name, ensure_ascii=False)
    rows = session.scalars(
        select(LogEntry.params)
        .where(
            LogEntry.type == "rollback",
            LogEntry.timestamp >= now - REVERT_WINDOW,
            LogEntry.params.contains(needle, autoescape=True),
        )
        .limit(_MAX_ROLLBACKS_READ)
    ).all()
    count = 0
    for raw in rows:
        try:
            params = json.loads(raw)
        except ValueError:
            continue
        if isinstance(params, dict) and params.get("from") == name:
            count += 1
    return count


def _author_facts(
    session: Session, user_id: int | None, name: str, now: datetime, *, written: bool = True
) -> dict[str, Any]:
    """``written``: the edit being scored is already saved (its count is taken off)."""
    mine = 1 if written else 0
    if user_id is None:
        earlier = session.scalar(
            select(func.count()).select_from(
                select(Revision.id)
                .where(Revision.user_text == name, Revision.user_id.is_(None))
                .limit(_MAX_IP_EDITS_COUNTED + 1)
                .subquery()
            )
        )
        return {
            "is_anonymous": True,
            "account_age_days": 0.0,
            "edit_count": max(0, (earlier or 0) - mine),
        }
    # Columns, not the entity: the edit count was just raised by an UPDATE in this session.
    row = session.execute(
        select(User.created_at, User.edit_count).where(User.id == user_id)
    ).one_or_none()
    if row is None:
        return {"is_anonymous": False, "account_age_days": 0.0, "edit_count": 0}
    created: datetime = row.created_at
    age = max(0.0, (now - created).total_seconds() / 86400)
    return {
        "is_anonymous": False,
        "account_age_days": age,
        "edit_count": max(0, row.edit_count - mine),
    }


def _page_facts(session: Session, page: Page | Title, now: datetime) -> dict[str, Any]:
    if isinstance(page, Title):
        namespace, title = page.ns, page.text
    else:
        namespace, title = page.namespace, page.title
    protected = session.scalar(
        select(LogEntry.id)
        .where(
            LogEntry.namespace == namespace,
            LogEntry.title == title,
            LogEntry.type == "protect",
        )
        .limit(1)
    )
    vandalised = session.scalar(
        select(LogEntry.id)
        .where(
            LogEntry.namespace == namespace,
            LogEntry.title == title,
            LogEntry.type == "rollback",
            LogEntry.timestamp >= now - VANDALISED_WINDOW,
        )
        .limit(1)
    )
    return {
        "was_protected": protected is not None,
        "recently_vandalised": vandalised is not None,
        "namespace": namespace,
    }


def edit_facts(
    session: Session,
    page: Page,
    rev: Revision,
    parent: Revision | None,
    *,
    now: datetime | None = None,
) -> Edit:
    """The scorer's view of a just-written revision (in the saving transaction)."""
    now = now or utcnow()
    is_ip = rev.user_id is None and _looks_like_ip(rev.user_text)
    author = (
        _author_facts(session, rev.user_id, rev.user_text, now)
        if rev.user_id is not None or is_ip
        # The software itself (seed pages, maintenance): an old, busy account.
        else {"is_anonymous": False, "account_age_days": 3650.0, "edit_count": 10000}
    )
    return Edit(
        old_text=parent.text if parent is not None else "",
        new_text=rev.text,
        summary=rev.summary,
        recent_reverts=_recent_reverts(session, rev.user_text, now),
        **author,
        **_page_facts(session, page, now),
    )


def score_attempt(
    session: Session,
    title: Title,
    old_text: str,
    new_text: str,
    *,
    summary: str,
    user_id: int | None,
    name: str,
    now: datetime | None = None,
) -> float:
    """The score of an edit not saved yet (abuse rules' ``min_score``)."""
    now = now or utcnow()
    author = (
        _author_facts(session, user_id, name, now, written=False)
        if user_id is not None or _looks_like_ip(name)
        else {"is_anonymous": False, "account_age_days": 3650.0, "edit_count": 10000}
    )
    edit = Edit(
        old_text=old_text,
        new_text=new_text,
        summary=summary,
        recent_reverts=_recent_reverts(session, name, now),
        **author,
        **_page_facts(session, title, now),
    )
    return score(edit).score


def _looks_like_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def reasons_to_json(
    reasons: list[Reason], *, content: float | None = None, editor: float | None = None
) -> str:
    """The stored form of a score's explanation: its reasons, and how much of the score came
    from the content and how much from the editor (a JSON object; older rows hold a list)."""
    return json.dumps(
        {
            "content": None if content is None else round(content, 4),
            "editor": None if editor is None else round(editor, 4),
            "reasons": [
                {
                    "code": r.code,
                    "msgid": r.msgid,
                    "params": dict(r.params),
                    "contribution": r.contribution,
                    "group": r.group,
                    "marks": list(r.marks),
                }
                for r in reasons
            ],
        },
        ensure_ascii=False,
    )


def _param(value: object) -> Param:
    return value if isinstance(value, int | str) and not isinstance(value, bool) else str(value)


def _explanation(raw: str | None) -> tuple[list[Any], float | None, float | None]:
    try:
        data = json.loads(raw or "[]")
    except ValueError:
        return [], None, None
    if isinstance(data, list):  # stored before the content/editor split
        return data, None, None
    if not isinstance(data, dict):
        return [], None, None
    items = data.get("reasons")
    content, editor = data.get("content"), data.get("editor")
    return (
        items if isinstance(items, list) else [],
        float(content) if isinstance(content, int | float) else None,
        float(editor) if isinstance(editor, int | float) else None,
    )


def reasons_from_json(raw: str | None) -> list[Reason]:
    """Stored reasons back as :class:`Reason` objects (bad entries are skipped)."""
    out: list[Reason] = []
    for item in _explanation(raw)[0]:
        if not isinstance(item, dict):
            continue
        params = item.get("params") or {}
        marks = item.get("marks") or []
        out.append(
            Reason(
                code=str(item.get("code", "")),
                contribution=float(item.get("contribution", 0.0)),
                msgid=str(item.get("msgid", "")),
                params={str(k): _param(v) for k, v in params.items()}
                if isinstance(params, dict)
                else {},
                group="editor" if item.get("group") == "editor" else "content",
                marks=tuple(str(m) for m in marks) if isinstance(marks, list) else (),
            )
        )
    return out


def score_revision(
    session: Session,
    page: Page,
    rev: Revision,
    parent: Revision | None,
    rc: RecentChange | None = None,
) -> Scored:
    """Score ``rev`` and store the score on it (and on its recent-changes row)."""
    scored = score(edit_facts(session, page, rev, parent))
    value = round(scored.score, 4)
    rev.vandalism_score = value
    rev.vandalism_reasons = reasons_to_json(
        scored.reasons, content=scored.content, editor=scored.editor
    )
    if rc is not None:
        rc.vandalism_score = value
    return scored


def _english(msgid: str) -> str:
    return msgid


@dataclass(frozen=True, slots=True)
class StoredScore:
    """A revision's stored score, ready to show."""

    score: float
    badge: Badge
    reasons: list[Reason]
    content: float | None = None  # the score from the content alone (None: stored before v2)
    editor: float | None = None  # what the facts about the editor added (may be negative)

    @property
    def marks(self) -> list[str]:
        """The changed text the reasons are about, for the diff page to highlight."""
        return [m for r in self.reasons for m in r.marks]

    def as_json(self, gettext: Callable[[str], str] | None = None) -> dict[str, Any]:
        """``{"score", "badge", "content", "editor", "reasons": [{"code", "message",
        "params", "group", "marks"}]}``; messages in English unless ``gettext`` is given."""
        return {
            "score": self.score,
            "badge": self.badge,
            "content": self.content,
            "editor": self.editor,
            "reasons": [
                {
                    "code": r.code,
                    "message": r.message(gettext or _english),
                    "params": dict(r.params),
                    "group": r.group,
                    "marks": list(r.marks),
                }
                for r in self.reasons
            ],
        }


def stored(rev: Revision) -> StoredScore | None:
    """The score saved with ``rev``; None for revisions saved before scoring existed."""
    if rev.vandalism_score is None:
        return None
    _items, content, editor = _explanation(rev.vandalism_reasons)
    return StoredScore(
        rev.vandalism_score,
        badge(rev.vandalism_score),
        reasons_from_json(rev.vandalism_reasons),
        content,
        editor,
    )


#: The badges a listing can be filtered on (``score=`` in the URL).
BADGES: tuple[Badge, ...] = ("good", "maybe", "bad")


def badge_condition(column: Any, which: str) -> Any:
    """An SQL condition: the score in ``column`` earns badge ``which`` (unscored rows never
    match)."""
    thresholds = load_model().thresholds
    maybe, bad = thresholds["maybe"], thresholds["bad"]
    if which == "bad":
        return column >= bad
    if which == "maybe":
        return and_(column >= maybe, column < bad)
    if which == "good":
        return column < maybe
    raise ValueError(f"unknown badge {which!r}")


def badge_of(value: float | None) -> Badge | None:
    """The badge of a stored score; None when the change was not scored."""
    return None if value is None else badge(value)
