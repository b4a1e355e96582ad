"""Categories: what a category holds, and the list of all categories. No HTTP here.

Members come from ``category_link`` (kept by ``wiki.navigation.links`` on every save and move),
sorted by
their title without the namespace, in batches by keyset on (sort key, page id): the index
``ix_category_link_listing`` answers a batch of a 10,000-member category directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from wiki.models import CategoryLink, Page
from wiki.navigation.links import existing_titles
from wiki.text.titles import NS_CATEGORY, Title

PAGE = "page"
SUBCAT = "subcat"
KINDS = (SUBCAT, PAGE)

Cursor = tuple[str, int]  # (sort key, page id)


@dataclass(frozen=True)
class Member:
    title: Title
    sortkey: str
    is_redirect: bool

    @property
    def letter(self) -> str:
        """The heading the member is listed under."""
        return self.sortkey[:1].upper()


@dataclass(frozen=True)
class Members:
    """One batch of a category's pages or subcategories, alphabetically."""

    kind: str
    items: list[Member]
    total: int
    next: Cursor | None  # where the next batch starts
    prev: Cursor | None  # where the previous batch starts (None on the first)

    def by_letter(self) -> list[tuple[str, list[Member]]]:
        """The batch under letter headings, in order."""
        groups: list[tuple[str, list[Member]]] = []
        for member in self.items:
            if not groups or groups[-1][0] != member.letter:
                groups.append((member.letter, []))
            groups[-1][1].append(member)
        return groups


def members(
    session: Session,
    category: str,
    kind: str,
    *,
    start: Cursor | None = None,
    until: Cursor | None = None,
    limit: int = 200,
) -> Members:
    """Members of ``category`` of one ``kind``, from ``start`` on (or the batch before
    ``until``), ``limit`` at a time."""
    limit = max(1, min(limit, 5000))
    key = tuple_(CategoryLink.sortkey, CategoryLink.from_page_id)
    base = select(
        CategoryLink.sortkey,
        CategoryLink.from_page_id,
        Page.namespace,
        Page.title,
        Page.is_redirect,
    ).join(Page, Page.id == CategoryLink.from_page_id)
    base = base.where(CategoryLink.category == category, CategoryLink.kind == kind)
    if until is not None:
        rows = session.execute(
            base.where(key < tuple_(*until))
            .order_by(CategoryLink.sortkey.desc(), CategoryLink.from_page_id.desc())
            .limit(limit + 1)
        ).all()
        has_before = len(rows) > limit
        rows = list(reversed(rows[:limit]))
        next_cursor: Cursor | None = until
    else:
        stmt = base
        if start is not None:
            stmt = stmt.where(key >= tuple_(*start))
        rows = session.execute(
            stmt.order_by(CategoryLink.sortkey, CategoryLink.from_page_id).limit(limit + 1)
        ).all()
        more = rows[limit] if len(rows) > limit else None
        next_cursor = (more.sortkey, more.from_page_id) if more is not None else None
        rows = rows[:limit]
        has_before = start is not None and _exists_before(session, category, kind, start)
    prev: Cursor | None = None
    if has_before and rows:
        prev = (rows[0].sortkey, rows[0].from_page_id)
    total = session.scalar(
        select(func.count()).where(CategoryLink.category == category, CategoryLink.kind == kind)
    )
    return Members(
        kind=kind,
        items=[Member(Title(r.namespace, r.title), r.sortkey, bool(r.is_redirect)) for r in rows],
        total=total or 0,
        next=next_cursor,
        prev=prev,
    )


def _exists_before(session: Session, category: str, kind: str, cursor: Cursor) -> bool:
    found = session.scalar(
        select(CategoryLink.from_page_id)
        .where(
            CategoryLink.category == category,
            CategoryLink.kind == kind,
            tuple_(CategoryLink.sortkey, CategoryLink.from_page_id) < tuple_(*cursor),
        )
        .limit(1)
    )
    return found is not None


@dataclass(frozen=True)
class CategoryInfo:
    name: str
    members: int
    exists: bool  # the category has a description page


@dataclass(frozen=True)
class CategoryList:
    items: list[CategoryInfo]
    next: str | None


def all_categories(session: Session, *, start: str = "", limit: int = 100) -> CategoryList:
    """Categories that have members, by name from ``start``, with member counts."""
    limit = max(1, min(limit, 500))
    rows = session.execute(
        select(CategoryLink.category, func.count())
        .where(CategoryLink.category >= start)
        .group_by(CategoryLink.category)
        .order_by(CategoryLink.category)
        .limit(limit + 1)
    ).all()
    more = rows[limit][0] if len(rows) > limit else None
    rows = rows[:limit]
    described = existing_titles(session, [Title(NS_CATEGORY, r[0]) for r in rows])
    return CategoryList(
        items=[CategoryInfo(r[0], r[1], Title(NS_CATEGORY, r[0]) in described) for r in rows],
        next=more,
    )


def described(session: Session, names: list[str]) -> set[str]:
    """Which of the category ``names`` have a description page."""
    found = existing_titles(session, [Title(NS_CATEGORY, n) for n in names])
    return {t.text for t in found}
