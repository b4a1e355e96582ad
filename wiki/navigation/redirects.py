"""Redirect reports: Special:ListRedirects and Special:DoubleRedirects. No HTTP here.

Following a redirect when a page is viewed needs no query of its own: the render of the page's
latest revision already carries its target (``wiki.pages.rendering.Stored.redirect``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, aliased

from wiki.models import LinkTarget, Page, Redirect
from wiki.text.titles import Title


@dataclass(frozen=True)
class RedirectRow:
    source: Title
    target: Title
    target_exists: bool
    #: For a double redirect: where the target redirects in turn.
    final: Title | None = None


@dataclass(frozen=True)
class RedirectList:
    items: list[RedirectRow]
    next: Title | None  # the source title the next batch starts at


def _batch(rows: list[RedirectRow], limit: int) -> RedirectList:
    more = rows[limit].source if len(rows) > limit else None
    return RedirectList(rows[:limit], more)


def list_redirects(
    session: Session, *, start: Title | None = None, limit: int = 100
) -> RedirectList:
    """Every redirect with its target, by namespace and title from ``start``."""
    limit = max(1, min(limit, 500))
    stmt = (
        select(
            Page.namespace,
            Page.title,
            LinkTarget.namespace.label("tns"),
            LinkTarget.title.label("ttitle"),
            LinkTarget.page_id,
        )
        .join(Redirect, Redirect.from_page_id == Page.id)
        .join(LinkTarget, LinkTarget.id == Redirect.target_id)
    )
    if start is not None:
        stmt = stmt.where(tuple_(Page.namespace, Page.title) >= tuple_(start.ns, start.text))
    rows = session.execute(stmt.order_by(Page.namespace, Page.title).limit(limit + 1))
    return _batch(
        [
            RedirectRow(Title(r.namespace, r.title), Title(r.tns, r.ttitle), r.page_id is not None)
            for r in rows
        ],
        limit,
    )


def double_redirects(
    session: Session, *, start: Title | None = None, limit: int = 100
) -> RedirectList:
    """Redirects whose target is itself a redirect: A → B → C, by A from ``start``."""
    limit = max(1, min(limit, 500))
    mid = aliased(Page)
    hop = aliased(Redirect)
    final = aliased(LinkTarget)
    stmt = (
        select(
            Page.namespace,
            Page.title,
            mid.namespace.label("mns"),
            mid.title.label("mtitle"),
            final.namespace.label("fns"),
            final.title.label("ftitle"),
        )
        .join(Redirect, Redirect.from_page_id == Page.id)
        .join(LinkTarget, LinkTarget.id == Redirect.target_id)
        .join(mid, mid.id == LinkTarget.page_id)
        .join(hop, hop.from_page_id == mid.id)
        .join(final, final.id == hop.target_id)
    )
    if start is not None:
        stmt = stmt.where(tuple_(Page.namespace, Page.title) >= tuple_(start.ns, start.text))
    rows = session.execute(stmt.order_by(Page.namespace, Page.title).limit(limit + 1))
    return _batch(
        [
            RedirectRow(
                Title(r.namespace, r.title),
                Title(r.mns, r.mtitle),
                True,
                final=Title(r.fns, r.ftitle),
            )
            for r in rows
        ],
        limit,
    )
