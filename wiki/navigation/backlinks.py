"""Backlinks: Special:WhatLinksHere, from the link tables ``wiki.navigation.links`` keeps.
No HTTP here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.models import CategoryLink, Link, Page, Redirect
from wiki.navigation.links import chunks, target_id
from wiki.text.titles import NS_CATEGORY, Title

EXPAND_REDIRECTS = 20  # links to a redirect that WhatLinksHere shows under it


@dataclass(frozen=True)
class Backlink:
    """One page of Special:WhatLinksHere."""

    page_id: int
    title: Title
    linked: bool  # it has a wiki link to the target (redirects to it too)
    redirect: bool  # it is a redirect to the target
    member: bool  # it is in the target category
    #: For a redirect: pages that link to it (one level), and whether there are more.
    via_redirect: list[Title]
    more_via_redirect: bool


@dataclass(frozen=True)
class Backlinks:
    items: list[Backlink]
    next_from: int | None  # page id the next batch starts at


def _titles_of(session: Session, ids: Iterable[int]) -> dict[int, Title]:
    found: dict[int, Title] = {}
    for chunk in chunks(sorted(set(ids))):
        rows = session.execute(
            select(Page.id, Page.namespace, Page.title).where(Page.id.in_(chunk))
        )
        found.update((r.id, Title(r.namespace, r.title)) for r in rows)
    return found


def what_links_here(
    session: Session,
    target: Title,
    *,
    from_id: int = 0,
    limit: int = 50,
    hide_links: bool = False,
    hide_redirects: bool = False,
    hide_members: bool = False,
) -> Backlinks:
    """Pages that link or redirect to ``target`` (or are members when it is a category),
    by page id from ``from_id``; each redirect comes with the pages that link to it."""
    limit = max(1, min(limit, 500))
    tid = target_id(session, target)
    candidates: set[int] = set()
    redirect_ids = select(Redirect.from_page_id).where(Redirect.target_id == tid)
    if tid is not None and not (hide_links and hide_redirects):
        if hide_links:
            stmt = redirect_ids.where(Redirect.from_page_id >= from_id).order_by(
                Redirect.from_page_id
            )
        else:
            stmt = select(Link.from_page_id).where(
                Link.target_id == tid, Link.from_page_id >= from_id
            )
            if hide_redirects:
                stmt = stmt.where(Link.from_page_id.not_in(redirect_ids))
            stmt = stmt.order_by(Link.from_page_id)
        candidates.update(session.scalars(stmt.limit(limit + 1)))
    if target.ns == NS_CATEGORY and not hide_members:
        candidates.update(
            session.scalars(
                select(CategoryLink.from_page_id)
                .where(CategoryLink.category == target.text, CategoryLink.from_page_id >= from_id)
                .order_by(CategoryLink.from_page_id)
                .limit(limit + 1)
            )
        )
    ordered = sorted(candidates)
    page_ids, next_from = ordered[:limit], (ordered[limit] if len(ordered) > limit else None)
    if not page_ids:
        return Backlinks([], None)
    linked: set[int] = set()
    redirects: set[int] = set()
    if tid is not None:
        linked = set(
            session.scalars(
                select(Link.from_page_id).where(
                    Link.target_id == tid, Link.from_page_id.in_(page_ids)
                )
            )
        )
        redirects = set(session.scalars(redirect_ids.where(Redirect.from_page_id.in_(page_ids))))
    members: set[int] = set()
    if target.ns == NS_CATEGORY:
        members = set(
            session.scalars(
                select(CategoryLink.from_page_id).where(
                    CategoryLink.category == target.text, CategoryLink.from_page_id.in_(page_ids)
                )
            )
        )
    names = _titles_of(session, page_ids)
    items = []
    for pid in page_ids:
        via: list[Title] = []
        more = False
        if pid in redirects:
            via, more = _links_to(session, names[pid])
        items.append(
            Backlink(
                page_id=pid,
                title=names[pid],
                linked=pid in linked,
                redirect=pid in redirects,
                member=pid in members,
                via_redirect=via,
                more_via_redirect=more,
            )
        )
    return Backlinks(items, next_from)


def _links_to(session: Session, title: Title) -> tuple[list[Title], bool]:
    tid = target_id(session, title)
    if tid is None:
        return [], False
    rows = session.execute(
        select(Page.namespace, Page.title)
        .join(Link, Link.from_page_id == Page.id)
        .where(Link.target_id == tid)
        .order_by(Link.from_page_id)
        .limit(EXPAND_REDIRECTS + 1)
    ).all()
    found = [Title(r.namespace, r.title) for r in rows]
    return found[:EXPAND_REDIRECTS], len(found) > EXPAND_REDIRECTS
