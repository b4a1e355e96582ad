"""Which cached pages a change makes stale (MediaWiki's ``HTMLCacheUpdate``).

A save of page A makes stale:

- A itself, and the redirects to A (their view shows A's text);
- the pages that transclude A (:func:`transcluders`; templates do not exist yet);
- the category pages (their listing may change);
- on an IP's talk page, that IP's new-messages flag (users notified by the save are found
  by :func:`notified_since`: their bell, key ``inbox:<user id>``);
- only when A is created, deleted, moved or restored: the pages linking to A (red or blue
  links), the members of A when it is a category (the category link turns blue or red), and
  A's talk or subject page (the red or blue tab).

``Wiki.changed`` calls :func:`stale` after every committed action (wiki.actions), with the
titles the action changed and whether one came into being or went away. Which categories a
save took a page out of is not known after the commit, so every save makes category pages
stale (:data:`CATEGORY_LISTINGS`); article views are not affected.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from wiki.cache import MAX_PAGE_FILES
from wiki.models import CategoryLink, Link, LinkTarget, Notification, Page, Redirect
from wiki.text.titles import NS_CATEGORY, NS_USER_TALK, Title

#: Every category page's listing: a save may take a page out of a category, and after the
#: commit nothing says which, so category pages are made stale by every save of a page.
CATEGORY_LISTINGS = "category-listings"
#: Notifications re-read below the newest seen, for ids committed out of order.
NOTIFICATION_LOOKBACK = 20


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


def stale(session: Session, titles: Sequence[Title], *, existence: bool) -> set[str]:
    """The cache keys a committed change of ``titles`` makes stale (``existence``: a page
    was created, deleted, moved or restored)."""
    wanted = list(dict.fromkeys(titles))
    if existence:  # the Page | Talk tab of the other one changes colour, moved talk pages
        wanted = list(
            dict.fromkeys([*wanted, *(t.subject() if t.is_talk else t.talk() for t in wanted)])
        )
    keys = dependents(session, wanted, links_changed=existence)
    keys.update(Title(NS_CATEGORY, c).key for c in categories_of(session, wanted))
    keys.add(CATEGORY_LISTINGS)
    keys.update(ip_inbox_key(t.text) for t in wanted if t.ns == NS_USER_TALK)
    return keys


def categories_of(session: Session, titles: Sequence[Title]) -> set[str]:
    """The categories ``titles`` are in now."""
    pages = _pages(session, titles)
    if not pages:
        return set()
    return set(
        session.scalars(
            select(CategoryLink.category).where(CategoryLink.from_page_id.in_(pages.values()))
        ).all()
    )


def notified_since(session: Session, after: int | None) -> tuple[set[str], int]:
    """The inbox keys of users notified after notification ``after`` (None: recently), and
    the newest notification id, to pass as ``after`` next time."""
    last = session.scalar(select(func.max(Notification.id))) or 0
    start = (last if after is None else min(after, last)) - NOTIFICATION_LOOKBACK
    users = session.scalars(
        select(Notification.user_id)
        .where(Notification.id > start)
        .distinct()
        .limit(MAX_PAGE_FILES + 1)
    ).all()
    return {inbox_key(u) for u in users}, last


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
