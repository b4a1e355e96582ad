"""Page lists and maintenance reports behind the special pages. No HTTP here.

Every list is read in batches by keyset (never OFFSET), so the last batch costs what the first
does. WantedPages and LonelyPages read ``link_target``'s maintained ``page_id`` and
``link_count`` through their own indexes instead of grouping the link table.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, select, tuple_
from sqlalchemy.orm import Session

from wiki.models import Link, LinkTarget, Page, RecentChange, Revision, User, utcnow
from wiki.text.titles import NS_MAIN, Title

ACTIVE_DAYS = 30


def _limit(limit: int) -> int:
    return max(1, min(limit, 500))


@dataclass(frozen=True)
class Listed:
    """A page in a list."""

    page_id: int
    title: Title
    is_redirect: bool
    length: int


@dataclass(frozen=True)
class PageList:
    items: list[Listed]
    next: str | None  # cursor of the next batch (its first title, or "length.id")


def _listed(rows: Any) -> list[Listed]:
    return [Listed(r.id, Title(r.namespace, r.title), bool(r.is_redirect), r.length) for r in rows]


_COLUMNS = (Page.id, Page.namespace, Page.title, Page.is_redirect, Page.length)


def _by_title(rows: list[Listed], limit: int) -> PageList:
    return PageList(rows[:limit], rows[limit].title.text if len(rows) > limit else None)


def all_pages(
    session: Session,
    namespace: int = NS_MAIN,
    *,
    start: str = "",
    prefix: str = "",
    hide_redirects: bool = False,
    limit: int = 200,
) -> PageList:
    """Pages of a namespace by title from ``start`` (Special:AllPages), optionally only those
    whose title starts with ``prefix`` (Special:PrefixIndex)."""
    limit = _limit(limit)
    stmt = select(*_COLUMNS).where(Page.namespace == namespace, Page.title >= max(start, prefix))
    if prefix:
        # substr, not LIKE: LIKE is case-insensitive on SQLite and treats % and _ specially.
        stmt = stmt.where(func.substr(Page.title, 1, len(prefix)) == prefix)
    if hide_redirects:
        stmt = stmt.where(Page.is_redirect.is_(False))
    rows = session.execute(stmt.order_by(Page.title).limit(limit + 1))
    return _by_title(_listed(rows), limit)


def random_page(session: Session, namespace: int = NS_MAIN) -> Title | None:
    """A random page of the namespace that is not a redirect, or None when there is none."""
    top = session.scalar(select(func.max(Page.id)))
    if top is None:
        return None
    pivot = random.randint(1, top)
    base = select(Page.namespace, Page.title).where(
        Page.namespace == namespace, Page.is_redirect.is_(False), Page.latest_id.is_not(None)
    )
    for cond, order in ((Page.id >= pivot, Page.id.asc()), (Page.id < pivot, Page.id.desc())):
        row = session.execute(base.where(cond).order_by(order).limit(1)).first()
        if row is not None:
            return Title(row.namespace, row.title)
    return None


@dataclass(frozen=True)
class NewPage:
    page_id: int
    title: Title
    created_at: datetime
    creator: str
    summary: str
    length: int
    is_redirect: bool


@dataclass(frozen=True)
class NewPages:
    items: list[NewPage]
    next: int | None  # page id the next (older) batch starts below


def new_pages(
    session: Session,
    namespace: int | None = NS_MAIN,
    *,
    hide_redirects: bool = True,
    unpatrolled_only: bool = False,
    before: int | None = None,
    limit: int = 50,
) -> NewPages:
    """The newest pages first, with who created them and the first edit summary.

    ``unpatrolled_only`` keeps pages whose creation is still unpatrolled in recent changes."""
    limit = _limit(limit)
    stmt = select(*_COLUMNS, Page.created_at)
    if namespace is not None:
        stmt = stmt.where(Page.namespace == namespace)
    if hide_redirects:
        stmt = stmt.where(Page.is_redirect.is_(False))
    if unpatrolled_only:
        stmt = stmt.where(
            Page.id.in_(
                select(RecentChange.page_id).where(
                    RecentChange.kind == "new", RecentChange.patrolled == 0
                )
            )
        )
    if before is not None:
        stmt = stmt.where(Page.id < before)
    rows = session.execute(stmt.order_by(Page.id.desc()).limit(limit + 1)).all()
    more = rows[limit - 1].id if len(rows) > limit else None
    rows = rows[:limit]
    first_ids = dict(
        session.execute(
            select(Revision.page_id, func.min(Revision.id))
            .where(Revision.page_id.in_([r.id for r in rows]))
            .group_by(Revision.page_id)
        ).all()
    )
    firsts = {
        r.page_id: r
        for r in session.execute(
            select(Revision.page_id, Revision.user_text, Revision.summary).where(
                Revision.id.in_(list(first_ids.values()))
            )
        )
    }
    items = []
    for r in rows:
        first = firsts.get(r.id)
        items.append(
            NewPage(
                page_id=r.id,
                title=Title(r.namespace, r.title),
                created_at=r.created_at,
                creator=first.user_text if first else "",
                summary=first.summary if first else "",
                length=r.length,
                is_redirect=bool(r.is_redirect),
            )
        )
    return NewPages(items, more)


def lonely_pages(
    session: Session, namespace: int = NS_MAIN, *, start: str = "", limit: int = 100
) -> PageList:
    """Pages no page links to (orphans), redirects aside, by title from ``start``."""
    limit = _limit(limit)
    rows = session.execute(
        select(*_COLUMNS)
        .join(LinkTarget, LinkTarget.page_id == Page.id)
        .where(
            LinkTarget.namespace == namespace,
            LinkTarget.link_count == 0,
            LinkTarget.title >= start,
            Page.is_redirect.is_(False),
        )
        .order_by(LinkTarget.title)
        .limit(limit + 1)
    )
    return _by_title(_listed(rows), limit)


def deadend_pages(
    session: Session, namespace: int = NS_MAIN, *, start: str = "", limit: int = 100
) -> PageList:
    """Pages that link nowhere, redirects aside, by title from ``start``."""
    limit = _limit(limit)
    links_out = exists().where(Link.from_page_id == Page.id)
    rows = session.execute(
        select(*_COLUMNS)
        .where(
            Page.namespace == namespace,
            Page.title >= start,
            Page.is_redirect.is_(False),
            ~links_out,
        )
        .order_by(Page.title)
        .limit(limit + 1)
    )
    return _by_title(_listed(rows), limit)


def pages_by_length(
    session: Session,
    namespace: int = NS_MAIN,
    *,
    longest: bool,
    after: tuple[int, int] | None = None,
    limit: int = 100,
) -> PageList:
    """Special:ShortPages (shortest first) or Special:LongPages, redirects aside; ``after`` is
    the (length, page id) the previous batch ended with."""
    limit = _limit(limit)
    key = tuple_(Page.length, Page.id)
    stmt = select(*_COLUMNS).where(Page.namespace == namespace, Page.is_redirect.is_(False))
    if after is not None:
        stmt = stmt.where(key < tuple_(*after) if longest else key > tuple_(*after))
    order = (Page.length.desc(), Page.id.desc()) if longest else (Page.length, Page.id)
    rows = _listed(session.execute(stmt.order_by(*order).limit(limit + 1)))
    last = rows[limit - 1] if len(rows) > limit else None
    return PageList(rows[:limit], f"{last.length}.{last.page_id}" if last else None)


@dataclass(frozen=True)
class Wanted:
    title: Title
    links: int


@dataclass(frozen=True)
class WantedList:
    items: list[Wanted]
    next: str | None  # "count.id" the next batch continues after


def wanted_pages(
    session: Session, *, after: tuple[int, int] | None = None, limit: int = 100
) -> WantedList:
    """Titles that do not exist, most-linked first."""
    limit = _limit(limit)
    key = tuple_(LinkTarget.link_count, LinkTarget.id)
    stmt = select(LinkTarget.id, LinkTarget.namespace, LinkTarget.title, LinkTarget.link_count)
    stmt = stmt.where(LinkTarget.page_id.is_(None), LinkTarget.link_count > 0)
    if after is not None:
        stmt = stmt.where(key < tuple_(*after))
    rows = session.execute(
        stmt.order_by(LinkTarget.link_count.desc(), LinkTarget.id.desc()).limit(limit + 1)
    ).all()
    last = rows[limit - 1] if len(rows) > limit else None
    return WantedList(
        [Wanted(Title(r.namespace, r.title), r.link_count) for r in rows[:limit]],
        f"{last.link_count}.{last.id}" if last else None,
    )


@dataclass(frozen=True)
class Statistics:
    pages: int  # every page, redirects and talk pages included
    content_pages: int  # main namespace, redirects aside
    redirects: int
    edits: int
    users: int
    active_users: int  # accounts that edited in the last ACTIVE_DAYS days


def statistics(session: Session, *, now: datetime | None = None) -> Statistics:
    """The numbers on Special:Statistics."""
    since = (now or utcnow()) - timedelta(days=ACTIVE_DAYS)

    def count(stmt: Any) -> int:
        return int(session.scalar(stmt) or 0)

    return Statistics(
        pages=count(select(func.count()).select_from(Page)),
        content_pages=count(
            select(func.count()).where(Page.namespace == NS_MAIN, Page.is_redirect.is_(False))
        ),
        redirects=count(select(func.count()).where(Page.is_redirect.is_(True))),
        edits=count(select(func.count()).select_from(Revision)),
        users=count(select(func.count()).select_from(User)),
        active_users=count(
            select(func.count(func.distinct(Revision.user_id))).where(
                Revision.user_id.is_not(None), Revision.timestamp >= since
            )
        ),
    )


def parse_pair(raw: str | None) -> tuple[int, int] | None:
    """A "number.number" cursor from a query string, or None."""
    if not raw:
        return None
    a, _, b = raw.partition(".")
    if not (a.isdigit() and b.isdigit() and len(a) <= 10 and len(b) <= 10):
        return None
    return int(a), int(b)
