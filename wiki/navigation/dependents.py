"""Which cached pages a change makes stale (MediaWiki's ``HTMLCacheUpdate``).

A save of page A makes stale:

- A itself, and the redirects to A (their view shows A's text);
- the pages that transclude A (:func:`transcluders`; templates do not exist yet);
- the category pages A joins or leaves (their listing changes);
- the users who got a new notification from it (their bell: key ``inbox:<user id>``), and
  on an IP's talk page, that IP's new-messages flag;
- only when A is created, deleted or moved: the pages linking to A (red or blue links), the
  members of A when it is a category (the category link turns blue or red), and A's talk or
  subject page (the red or blue tab).

Use :func:`snapshot` inside the write transaction before the change and :func:`stale_after`
after it (``Wiki.write(fn, touches=[...])`` does both), or :func:`dependents` after the commit
when you already know whether A was created, deleted or moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from wiki.cache import MAX_PAGE_FILES
from wiki.models import CategoryLink, Link, LinkTarget, Notification, Page, Redirect
from wiki.text.titles import NS_CATEGORY, NS_USER_TALK, Title


@dataclass(frozen=True)
class Snapshot:
    """What the titles' dependents depend on, at one moment of a transaction."""

    exists: frozenset[Title]
    categories: dict[Title, frozenset[str]]
    last_notification: int


def inbox_key(user_id: int) -> str:
    """The cache key of one user's bell and inbox."""
    return f"inbox:{user_id}"


def ip_inbox_key(ip: str) -> str:
    """The cache key of an IP's "you have new messages" flag."""
    return f"inbox-ip:{ip}"


def _pages(session: Session, wanted: Sequence[Title]) -> dict[Title, int]:
    if not wanted:
        return {}
    rows = session.execute(
        select(Page.id, Page.namespace, Page.title).where(
            or_(*(and_(Page.namespace == t.ns, Page.title == t.text) for t in wanted))
        )
    ).all()
    return {Title(ns, text): pid for pid, ns, text in rows}


def snapshot(session: Session, titles: Iterable[Title]) -> Snapshot:
    wanted = list(dict.fromkeys(titles))
    pages = _pages(session, wanted)
    categories: dict[Title, set[str]] = {t: set() for t in wanted}
    if pages:
        by_id = {pid: t for t, pid in pages.items()}
        rows = session.execute(
            select(CategoryLink.from_page_id, CategoryLink.category).where(
                CategoryLink.from_page_id.in_(by_id)
            )
        ).all()
        for pid, category in rows:
            categories[by_id[pid]].add(category)
    last = session.scalar(select(func.max(Notification.id))) or 0
    return Snapshot(
        exists=frozenset(pages),
        categories={t: frozenset(c) for t, c in categories.items()},
        last_notification=last,
    )


def stale_after(session: Session, before: Snapshot, titles: Iterable[Title]) -> set[str]:
    """The cache keys made stale by the change since ``before`` (same transaction)."""
    wanted = list(dict.fromkeys(titles))
    after = snapshot(session, wanted)
    moved_in_or_out = [t for t in wanted if (t in before.exists) != (t in after.exists)]
    keys = dependents(session, wanted, links_changed=False)
    keys |= dependents(session, moved_in_or_out, links_changed=True)
    for t in wanted:
        changed = before.categories.get(t, frozenset()) ^ after.categories.get(t, frozenset())
        keys.update(Title(NS_CATEGORY, c).key for c in changed)
    if after.last_notification > before.last_notification:
        users = session.scalars(
            select(Notification.user_id)
            .where(Notification.id > before.last_notification)
            .distinct()
            .limit(MAX_PAGE_FILES + 1)
        ).all()
        keys.update(inbox_key(u) for u in users)
    # A save to an IP's talk page raises its "you have new messages" flag.
    keys.update(ip_inbox_key(t.text) for t in wanted if t.ns == NS_USER_TALK)
    return keys


def dependents(session: Session, titles: Sequence[Title], *, links_changed: bool) -> set[str]:
    """The cache keys of ``titles``, their redirects and transcluders, and with
    ``links_changed`` (created, deleted or moved) the pages linking to them, the members of
    a category among them, and their talk or subject pages."""
    keys = {t.key for t in titles}
    if not titles:
        return keys
    targets = session.execute(
        select(LinkTarget.id, LinkTarget.namespace, LinkTarget.title).where(
            or_(*(and_(LinkTarget.namespace == t.ns, LinkTarget.title == t.text) for t in titles))
        )
    ).all()
    target_ids = [tid for tid, _, _ in targets]
    from_ids: set[int] = set()
    if target_ids:
        from_ids.update(
            session.scalars(
                select(Redirect.from_page_id).where(Redirect.target_id.in_(target_ids))
            ).all()
        )
    keys |= transcluders(session, titles)
    if links_changed:
        keys.update(t.subject().key if t.is_talk else t.talk().key for t in titles)
        if target_ids:
            from_ids.update(
                session.scalars(
                    select(Link.from_page_id)
                    .where(Link.target_id.in_(target_ids))
                    .limit(MAX_PAGE_FILES + 1)
                ).all()
            )
        categories = [t.text for t in titles if t.ns == NS_CATEGORY]
        if categories:
            from_ids.update(
                session.scalars(
                    select(CategoryLink.from_page_id)
                    .where(CategoryLink.category.in_(categories))
                    .limit(MAX_PAGE_FILES + 1)
                ).all()
            )
    if len(from_ids) > MAX_PAGE_FILES:  # PageCache bumps everything for this many
        return keys | {f"page-id:{i}" for i in from_ids}
    if from_ids:
        rows = session.execute(
            select(Page.namespace, Page.title).where(Page.id.in_(from_ids))
        ).all()
        keys.update(Title(ns, text).key for ns, text in rows)
    return keys


def transcluders(session: Session, titles: Sequence[Title]) -> set[str]:
    """The hook for templates: the cache keys of pages that transclude ``titles``.

    Gotong has no templates yet, so no page transcludes another and this is empty. When
    templates land, record transclusions in a ``templatelinks``-like table on save and
    return the keys of the pages that use ``titles`` here (every save of a template makes
    them stale, not only its creation or deletion)."""
    del session, titles
    return set()
