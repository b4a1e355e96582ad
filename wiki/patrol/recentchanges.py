"""Recent changes: one row per edit, page creation or logged action. No HTTP here.

Why a table of its own rather than a query over ``revision`` and ``log_entry``: the filters
patrollers use (namespace, the editor's kind and bot flag *at the time*, unpatrolled, minor, page
creations, tags, a period) then live in one table, so every listing is one indexed scan by id
with a LIMIT; edits and logged actions share one id sequence, so paging and the live stream are
a simple ``id < N`` / ``id > N``; the title is the one the page had when it changed (as
MediaWiki shows it); and rows older than :data:`MAX_AGE` are purged, so the table stays the size
of three months of activity however long the history grows. The row is written in the same
transaction as the revision (``wiki.pages.edits.recorded``) or the log entry
(``wiki.patrol.logs.record``).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Select, and_, exists, false, func, or_, select, text
from sqlalchemy.orm import Session

from wiki.errors import N_, BadInput
from wiki.models import (
    ChangeTag,
    Link,
    LinkTarget,
    LogEntry,
    Page,
    RecentChange,
    Watch,
    utcnow,
)
from wiki.pages import visibility
from wiki.patrol import scoring
from wiki.text.titles import NAMESPACES, Title

#: Kinds of rows.
EDIT, NEW, LOG = "edit", "new", "log"
#: The editor's kind when the change was made.
ANON, NEWBIE, CONFIRMED = "anon", "new", "confirmed"
#: Values of the ``usertype`` filter: "registered" is every account, new or not.
USER_TYPES = ("anon", "new", "registered")
UNPATROLLED, PATROLLED, AUTOPATROLLED = 0, 1, 2
MAX_ID = 2**31 - 1  # ids are 32-bit in every database we support: larger ones cannot match

#: Rows older than this are purged (MediaWiki's $wgRCMaxAge is 90 days too).
MAX_AGE = timedelta(days=90)
PURGE_EVERY = 1000  # rows: every PURGE_EVERY-th change purges what is past MAX_AGE
PERIODS: dict[str, timedelta] = {
    "1h": timedelta(hours=1),
    "2h": timedelta(hours=2),
    "6h": timedelta(hours=6),
    "12h": timedelta(hours=12),
    "1d": timedelta(days=1),
    "3d": timedelta(days=3),
    "7d": timedelta(days=7),
    "14d": timedelta(days=14),
    "30d": timedelta(days=30),
}
DEFAULT_PERIOD = "7d"
LIMITS = (50, 100, 250, 500)
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
BIG_CHANGE = 500  # bytes; a size change this big is shown bold
#: Watchlists longer than this are matched by scanning the changes rather than the watchlist.
WATCHLIST_SCAN_ABOVE = 200
TAG_MAX = 64
#: Logged actions that are not changes (MediaWiki keeps patrol out of recent changes too).
NOT_LISTED = frozenset({"patrol"})


class Params(Protocol):
    """A query string (starlette's QueryParams, a MultiDict...): every value of a key."""

    def getlist(self, key: str) -> list[str]: ...


def _last(params: Params, key: str) -> str | None:
    """The last value of ``key`` (a hidden "0" before a checkbox's "1" gives the checkbox's)."""
    values = params.getlist(key)
    return values[-1] if values else None


def _flag(params: Params, key: str, default: bool) -> bool:
    raw = _last(params, key)
    if raw is None:
        return default
    return raw.strip().lower() not in ("", "0", "false", "no", "off")


def _int(raw: str | None, name: str) -> int | None:
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip()
    if not text.lstrip("-").isdigit() or len(text) > 11:
        raise BadInput(N_("{name} must be a number."), name=name)
    return int(text)


@dataclass(frozen=True)
class Filters:
    """What a recent-changes or watchlist listing shows. Every field is kept in the URL."""

    namespace: int | None = None
    #: Subset of USER_TYPES; empty: everyone.
    user_types: frozenset[str] = frozenset()
    hide_bots: bool = True
    unpatrolled: bool = False
    hide_minor: bool = False
    new_only: bool = False
    hide_logs: bool = False
    tag: str = ""
    #: Only changes whose vandalism score earns this badge: "good", "maybe" or "bad".
    score: str = ""
    period: str = DEFAULT_PERIOD
    limit: int = DEFAULT_LIMIT
    #: Keyset: only rows with a smaller id (the next, older page).
    older_than: int | None = None

    @classmethod
    def parse(cls, params: Params) -> Filters:
        """Filters from a query string; BadInput for values that make no sense."""
        ns_raw = _last(params, "namespace")
        namespace = None
        if ns_raw not in (None, "", "all"):
            namespace = _int(ns_raw, "namespace")
            if namespace not in NAMESPACES or namespace is None or namespace < 0:
                raise BadInput(N_("There is no namespace number {ns}."), ns=ns_raw)
        types = frozenset(t for t in params.getlist("usertype") if t)
        unknown = types - set(USER_TYPES)
        if unknown:
            raise BadInput(N_("Unknown user type: {type}."), type=sorted(unknown)[0])
        period = _last(params, "period") or DEFAULT_PERIOD
        if period not in PERIODS:
            raise BadInput(N_("Unknown period: {period}."), period=period)
        limit = _int(_last(params, "limit"), "limit")
        limit = DEFAULT_LIMIT if limit is None else limit
        if not 0 < limit <= MAX_LIMIT:
            raise BadInput(N_("limit must be between 1 and {max}."), max=MAX_LIMIT)
        tag = (_last(params, "tag") or "").strip()
        if len(tag) > TAG_MAX:
            raise BadInput(N_("Unknown tag: {tag}."), tag=tag[:TAG_MAX])
        score = (_last(params, "score") or "").strip()
        if score and score not in scoring.BADGES:
            raise BadInput(N_("Unknown score filter: {score}."), score=score[:TAG_MAX])
        older = _int(_last(params, "older_than"), "older_than")
        if older is not None and older > MAX_ID:
            raise BadInput(N_("{name} must be a number."), name="older_than")
        return cls(
            namespace=namespace,
            user_types=types,
            hide_bots=_flag(params, "hidebots", True),
            unpatrolled=_flag(params, "unpatrolled", False),
            hide_minor=_flag(params, "hideminor", False),
            new_only=_flag(params, "newonly", False),
            hide_logs=_flag(params, "hidelogs", False),
            tag=tag,
            score=score,
            period=period,
            limit=limit,
            older_than=older if older and older > 0 else None,
        )

    def query(self, **overrides: Any) -> list[tuple[str, str]]:
        """The non-default filters as query pairs (for links that keep them)."""
        f = replace(self, **overrides) if overrides else self
        out: list[tuple[str, str]] = []
        if f.namespace is not None:
            out.append(("namespace", str(f.namespace)))
        out.extend(("usertype", t) for t in USER_TYPES if t in f.user_types)
        if not f.hide_bots:
            out.append(("hidebots", "0"))
        for name, on in (
            ("unpatrolled", f.unpatrolled),
            ("hideminor", f.hide_minor),
            ("newonly", f.new_only),
            ("hidelogs", f.hide_logs),
        ):
            if on:
                out.append((name, "1"))
        if f.tag:
            out.append(("tag", f.tag))
        if f.score:
            out.append(("score", f.score))
        if f.period != DEFAULT_PERIOD:
            out.append(("period", f.period))
        if f.limit != DEFAULT_LIMIT:
            out.append(("limit", str(f.limit)))
        if f.older_than is not None:
            out.append(("older_than", str(f.older_than)))
        return out


@dataclass(frozen=True)
class Change(visibility.HiddenParts):
    """One listed change, with hidden parts already blanked for the reader
    (wiki.pages.visibility)."""

    id: int
    kind: str
    timestamp: datetime
    title: Title
    page_id: int | None
    revision_id: int | None
    parent_id: int | None
    user_id: int | None
    user_text: str
    user_kind: str
    bot: bool
    minor: bool
    old_size: int
    new_size: int
    summary: str
    patrolled: int
    visibility: int
    log_id: int | None = None
    log_type: str | None = None
    log_action: str | None = None
    log_params: dict[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    #: The change is the page's current revision (rollback is offered on these).
    current: bool = False
    #: Watchlist only: False when the change is newer than the watcher's last visit.
    seen: bool | None = None
    #: The edit's vandalism score (None: a logged action, an unscored edit, or hidden text).
    vandalism_score: float | None = None

    @property
    def badge(self) -> str | None:
        """ "good", "maybe" or "bad" (wiki.patrol.scoring); None without a score."""
        return scoring.badge_of(self.vandalism_score)

    @property
    def delta(self) -> int:
        return self.new_size - self.old_size

    @property
    def is_log(self) -> bool:
        return self.kind == LOG

    @property
    def is_new(self) -> bool:
        return self.kind == NEW

    @property
    def unpatrolled(self) -> bool:
        return self.kind != LOG and self.patrolled == UNPATROLLED

    @property
    def rollbackable(self) -> bool:
        """Rollback can undo this change: the page's current edit, not its creation, by an
        editor whose name the reader may see (the reader's right is checked apart)."""
        return self.current and not self.is_new and bool(self.user_text) and not self.user_hidden


@dataclass(frozen=True)
class ChangesPage:
    changes: list[Change]
    #: Pass as ``older_than`` for the next (older) page; None on the last page.
    older: int | None


# --- writing -------------------------------------------------------------------------------


def is_system(user_id: int | None, name: str) -> bool:
    """A change by the software itself (the seed pages, maintenance commands): no account and
    no IP address, just a name like "Gotong"."""
    if user_id is not None:
        return False
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return True
    return False


def user_kind(user_id: int | None, groups: Iterable[str], name: str = "") -> str:
    """anon (an IP), new (an account that is not autoconfirmed) or confirmed (an account that
    is, or the software itself)."""
    if user_id is None:
        return CONFIRMED if name and is_system(user_id, name) else ANON
    g = set(groups)
    return CONFIRMED if g - {"*", "user"} else NEWBIE


# --- reading -------------------------------------------------------------------------------


def _first_id_since(session: Session, cutoff: datetime) -> int | None:
    """The id of the first row at or after ``cutoff``: one step down the timestamp index
    (ids grow with time, so the period becomes an id bound for the scan by id)."""
    return session.scalar(
        select(RecentChange.id)
        .where(RecentChange.timestamp >= cutoff)
        .order_by(RecentChange.timestamp)
        .limit(1)
    )


def _filtered(stmt: Select[Any], f: Filters) -> Select[Any]:
    rc = RecentChange
    if f.namespace is not None:
        stmt = stmt.where(rc.namespace == f.namespace)
    if f.user_types:
        kinds: set[str] = set()
        if "anon" in f.user_types:
            kinds.add(ANON)
        if "new" in f.user_types or "registered" in f.user_types:
            kinds.add(NEWBIE)
        if "registered" in f.user_types:
            kinds.add(CONFIRMED)
        if kinds != {ANON, NEWBIE, CONFIRMED}:
            stmt = stmt.where(rc.user_kind.in_(sorted(kinds)))
    if f.hide_bots:
        stmt = stmt.where(rc.bot == false())
    if f.unpatrolled:
        stmt = stmt.where(rc.patrolled == UNPATROLLED)
    if f.hide_minor:
        stmt = stmt.where(rc.minor == false())
    if f.new_only:
        stmt = stmt.where(rc.kind == NEW)
    elif f.hide_logs:
        stmt = stmt.where(rc.kind != LOG)
    if f.tag:
        stmt = stmt.where(rc.id.in_(select(ChangeTag.rc_id).where(ChangeTag.tag == f.tag)))
    if f.score:
        stmt = stmt.where(scoring.badge_condition(rc.vandalism_score, f.score))
    return stmt


def changes(
    session: Session,
    f: Filters,
    *,
    can_view_suppressed: bool,
    watcher: int | None = None,
    linked_from: int | None = None,
    newer_than: int | None = None,
    now: datetime | None = None,
) -> ChangesPage:
    """Changes newest first (or, with ``newer_than``, the ones after that id, oldest first),
    filtered; ``watcher``: only pages that user watches; ``linked_from``: only pages that page
    links to (Special:RecentChangesLinked)."""
    now = now or utcnow()
    rc = RecentChange
    stmt: Any = select(rc, Page.latest_id).outerjoin(Page, Page.id == rc.page_id)
    if newer_than is not None:
        stmt = stmt.where(rc.id > newer_than)
    else:
        first = _first_id_since(session, now - PERIODS[f.period])
        if first is None:
            return ChangesPage([], None)
        stmt = stmt.where(rc.id >= first)
        if f.older_than is not None:
            stmt = stmt.where(rc.id < f.older_than)
    stmt = _filtered(stmt, f)
    if f.score and not can_view_suppressed:  # the score is hidden with the text
        stmt = stmt.where(rc.visibility.op("&")(visibility.TEXT) == 0)
    if watcher is not None:
        watched_here = and_(
            Watch.user_id == watcher,
            Watch.namespace == rc.namespace,
            Watch.title == rc.title,
            or_(Watch.expires_at.is_(None), Watch.expires_at > now),
        )
        watched_count = session.scalar(
            select(func.count()).select_from(Watch).where(Watch.user_id == watcher)
        )
        if (watched_count or 0) > WATCHLIST_SCAN_ABOVE:
            # A long watchlist matches often: walk the changes newest first and look each
            # title up in the watchlist's primary key; stops after ``limit`` matches.
            stmt = stmt.where(exists().where(watched_here))
        else:
            # A short one: read the few changes to each watched title, then sort them.
            stmt = stmt.join(Watch, watched_here)
    if linked_from is not None:
        stmt = stmt.join(
            LinkTarget, and_(LinkTarget.namespace == rc.namespace, LinkTarget.title == rc.title)
        ).join(Link, and_(Link.target_id == LinkTarget.id, Link.from_page_id == linked_from))
    order = rc.id.asc() if newer_than is not None else rc.id.desc()
    rows = session.execute(stmt.order_by(order).limit(f.limit + 1)).all()
    more = len(rows) > f.limit
    rows = rows[: f.limit]
    tags = _tags(session, [r[0].id for r in rows])
    params = _log_params(session, [r[0].log_id for r in rows if r[0].log_id is not None])
    seen_at = _seen_at(session, watcher, rows) if watcher is not None else {}
    out = []
    for row in rows:
        r: RecentChange = row[0]
        seen = None
        if watcher is not None:
            last_visit = seen_at.get((r.namespace, r.title))
            seen = last_visit is None or not (r.timestamp > last_visit and r.user_id != watcher)
        change = Change(
            id=r.id,
            kind=r.kind,
            timestamp=r.timestamp,
            title=Title(r.namespace, r.title),
            page_id=r.page_id,
            revision_id=r.revision_id,
            parent_id=r.parent_id,
            user_id=r.user_id,
            user_text=r.user_text,
            user_kind=r.user_kind,
            bot=r.bot,
            minor=r.minor,
            old_size=r.old_size,
            new_size=r.new_size,
            summary=r.summary,
            patrolled=r.patrolled,
            visibility=r.visibility,
            log_id=r.log_id,
            log_type=r.log_type,
            log_action=r.log_action,
            log_params=params.get(r.log_id, {}) if r.log_id is not None else {},
            tags=tags.get(r.id, ()),
            current=r.revision_id is not None and r.revision_id == row.latest_id,
            seen=seen,
            # The score tells about the text: hidden with it.
            vandalism_score=(
                r.vandalism_score
                if can_view_suppressed or not r.visibility & visibility.TEXT
                else None
            ),
        )
        out.append(visibility.redact(change, can_view_suppressed))
    older = out[-1].id if more and newer_than is None and out else None
    return ChangesPage(out, older)


def _seen_at(
    session: Session, watcher: int, rows: Sequence[Any]
) -> dict[tuple[int, str], datetime]:
    """When the watcher last saw each listed title."""
    names = sorted({r[0].title for r in rows})
    if not names:
        return {}
    found = session.execute(
        select(Watch.namespace, Watch.title, Watch.seen_at).where(
            Watch.user_id == watcher, Watch.title.in_(names)
        )
    )
    return {(ns, t): when for ns, t, when in found}


def _tags(session: Session, rc_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    if not rc_ids:
        return {}
    found: dict[int, list[str]] = {}
    for rc_id, tag in session.execute(
        select(ChangeTag.rc_id, ChangeTag.tag).where(ChangeTag.rc_id.in_(rc_ids))
    ):
        if rc_id is not None:
            found.setdefault(rc_id, []).append(tag)
    return {k: tuple(sorted(v)) for k, v in found.items()}


def _log_params(session: Session, log_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    if not log_ids:
        return {}
    return {
        i: json.loads(p)
        for i, p in session.execute(
            select(LogEntry.id, LogEntry.params).where(LogEntry.id.in_(log_ids))
        )
    }


def latest_id(session: Session) -> int:
    """The newest row's id (0 when empty): where a live stream starts."""
    return session.scalar(select(func.max(RecentChange.id))) or 0


_DISTINCT_TAGS = text(
    # A loose index scan: one index probe per distinct tag, however many changes carry it
    # (SELECT DISTINCT would read the whole index).
    "WITH RECURSIVE t(tag) AS ("
    " SELECT MIN(tag) FROM change_tag"
    " UNION ALL"
    " SELECT (SELECT MIN(tag) FROM change_tag WHERE tag > t.tag) FROM t WHERE t.tag IS NOT NULL"
    ") SELECT tag FROM t WHERE tag IS NOT NULL"
)


def tags_in_use(session: Session) -> list[str]:
    """Every tag given to a change, for the filter's list."""
    return [str(t) for t in session.scalars(_DISTINCT_TAGS)]
