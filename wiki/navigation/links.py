"""The link tables: what each page links to, its categories and its redirect. No HTTP here.

Every save calls ``update`` in the save's own transaction, so the tables always describe the
latest revisions. Titles live once in ``link_target``, which also carries two maintained
columns: ``page_id`` (the page with that title, None for a red link) and ``link_count`` (how
many pages link there). Creating or moving a page touches one target row, never the links
that point at it, and Special:WantedPages and Special:LonelyPages read a few index entries
instead of grouping the whole link table.

A page's rows go away with ``clear`` (page deletion); ``rebuild`` recomputes everything from
the latest revision texts (``wiki rebuild-links``) and ``snapshot`` lets a test compare both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy import update as update_rows
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from wiki.errors import InvalidTitle
from wiki.models import CategoryLink, Link, LinkTarget, Page, Redirect, Revision
from wiki.text import titles
from wiki.text.titles import NS_CATEGORY, Title

CHUNK = 500  # ids or titles per IN (...) list

Key = tuple[int, str]  # (namespace, title text)


class Parsed(Protocol):
    """What a render found in a text (``wiki.pages.rendering.Stored`` and ``markup.Rendered``
    fit)."""

    @property
    def links(self) -> list[str]: ...

    @property
    def categories(self) -> list[str]: ...

    @property
    def redirect(self) -> str | None: ...


@dataclass(frozen=True)
class Outgoing:
    """A page's recorded links (its redirect target included), categories and redirect."""

    links: frozenset[Key]
    categories: frozenset[str]
    redirect: Key | None


def _key(name: str) -> Key | None:
    try:
        title = titles.parse(name)
    except InvalidTitle:
        return None
    # Special pages are not stored, so links to them are neither wanted nor backlinks.
    return None if title.is_special else (title.ns, title.text)


def outgoing(parsed: Parsed) -> Outgoing:
    """The rows a render gives: a redirect counts as a link to its target, as in MediaWiki."""
    found = {k for k in map(_key, parsed.links) if k is not None}
    redirect = _key(parsed.redirect) if parsed.redirect else None
    if redirect is not None:
        found.add(redirect)
    categories = frozenset(c for c in parsed.categories if _key(f"Category:{c}") is not None)
    return Outgoing(frozenset(found), categories, redirect)


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _upsert(session: Session) -> Any:
    """``INSERT`` with ``ON CONFLICT`` for this dialect (PostgreSQL and SQLite spell it alike)."""
    return (postgresql.insert if _is_pg(session) else sqlite.insert)(LinkTarget)


# --- reading --------------------------------------------------------------------------------


def existing_titles(session: Session, wanted: list[Title]) -> set[Title]:
    """Which of ``wanted`` exist as pages, in one query per namespace and 500 titles.

    Special pages are not stored but always exist as far as links are concerned.
    """
    by_ns: dict[int, list[str]] = defaultdict(list)
    found: set[Title] = set()
    for t in wanted:
        if t.is_special:
            found.add(t)
        else:
            by_ns[t.ns].append(t.text)
    for ns, texts in by_ns.items():
        for chunk in chunks(sorted(set(texts))):
            rows = session.execute(
                select(Page.title).where(Page.namespace == ns, Page.title.in_(chunk))
            )
            found.update(Title(ns, r[0]) for r in rows)
    return found


def target_id(session: Session, title: Title) -> int | None:
    """The link-target row id of ``title``, or None when nothing links there and no page has it."""
    return session.scalar(
        select(LinkTarget.id).where(
            LinkTarget.namespace == title.ns, LinkTarget.title == title.text
        )
    )


def _target_ids(session: Session, keys: Iterable[Key]) -> dict[Key, int]:
    by_ns: dict[int, list[str]] = defaultdict(list)
    for ns, text in keys:
        by_ns[ns].append(text)
    found: dict[Key, int] = {}
    for ns, texts in sorted(by_ns.items()):
        for chunk in chunks(sorted(texts)):
            rows = session.execute(
                select(LinkTarget.id, LinkTarget.title).where(
                    LinkTarget.namespace == ns, LinkTarget.title.in_(chunk)
                )
            )
            found.update(((ns, row.title), row.id) for row in rows)
    return found


# --- maintenance ----------------------------------------------------------------------------


def _targets(
    session: Session, keys: Iterable[Key], *, also_lock: Iterable[int] = ()
) -> dict[Key, int]:
    """Target row ids for ``keys``, creating missing rows.

    On PostgreSQL these rows and ``also_lock`` stay locked until commit, taken in id order in
    one statement, so two saves touching the same titles queue instead of deadlocking.
    """
    wanted = sorted(set(keys))
    if not _is_pg(session):  # SQLite: writers are serialised by BEGIN IMMEDIATE
        _insert_targets(session, wanted)
        return _target_ids(session, wanted)
    for _attempt in range(5):
        # A concurrent save may delete a row it emptied between our insert (which then did
        # nothing) and our lock. Retry from a savepoint: rolling back to it releases the
        # locks taken since, so we never wait for an insert while holding target locks.
        attempt = session.begin_nested()
        _insert_targets(session, wanted)
        found = _target_ids(session, wanted)
        locked = _lock(session, set(found.values()) | set(also_lock))
        if all(found.get(k) in locked for k in wanted):
            attempt.commit()
            return found
        attempt.rollback()
    raise RuntimeError(f"could not lock link targets {wanted[:3]!r}")


def _insert_targets(session: Session, keys: list[Key]) -> None:
    """Create the target rows that do not exist yet, in key order."""
    for chunk in chunks(keys):
        page_ids = _page_ids(session, chunk)
        rows = [
            {"namespace": ns, "title": t, "page_id": page_ids.get((ns, t)), "link_count": 0}
            for ns, t in chunk
        ]
        session.execute(
            _upsert(session)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["namespace", "title"])
        )


def _lock(session: Session, ids: Iterable[int]) -> set[int]:
    """Lock target rows in id order (PostgreSQL); returns the ids that still exist.

    ``FOR NO KEY UPDATE``: it queues writers of the same rows but lets other transactions'
    foreign-key checks (which take ``FOR KEY SHARE``) through.
    """
    locked: set[int] = set()
    for chunk in chunks(sorted(set(ids))):
        locked.update(
            session.scalars(
                select(LinkTarget.id)
                .where(LinkTarget.id.in_(chunk))
                .order_by(LinkTarget.id)
                .with_for_update(key_share=True)
            )
        )
    return locked


def _page_ids(session: Session, keys: Sequence[Key]) -> dict[Key, int]:
    by_ns: dict[int, list[str]] = defaultdict(list)
    for ns, text in keys:
        by_ns[ns].append(text)
    found: dict[Key, int] = {}
    for ns, texts in by_ns.items():
        rows = session.execute(
            select(Page.id, Page.title).where(Page.namespace == ns, Page.title.in_(texts))
        )
        found.update(((ns, r.title), r.id) for r in rows)
    return found


def _count(session: Session, ids: list[int], delta: int) -> None:
    for chunk in chunks(sorted(ids)):
        session.execute(
            update_rows(LinkTarget)
            .where(LinkTarget.id.in_(chunk))
            .values(link_count=LinkTarget.link_count + delta)
            .execution_options(synchronize_session=False)
        )


def _collect(session: Session, ids: Iterable[int]) -> None:
    """Drop target rows that no page has and nothing links to any more."""
    for chunk in chunks(sorted(set(ids))):
        session.execute(
            delete(LinkTarget)
            .where(
                LinkTarget.id.in_(chunk),
                LinkTarget.link_count == 0,
                LinkTarget.page_id.is_(None),
            )
            .execution_options(synchronize_session=False)
        )


def _set_page(session: Session, target: int, page_id: int | None) -> None:
    session.execute(
        update_rows(LinkTarget)
        .where(LinkTarget.id == target, LinkTarget.page_id.is_distinct_from(page_id))
        .values(page_id=page_id)
        .execution_options(synchronize_session=False)
    )


def _claim(session: Session, page: Page) -> None:
    """Point the target row of the page's title at the page (creating the row if needed)."""
    key = (page.namespace, page.title)
    own = _targets(session, [key])[key]
    _set_page(session, own, page.id)


def _release(session: Session, title: Title, page_id: int) -> None:
    """The page no longer has ``title``: links to it turn red, or the row goes."""
    own = target_id(session, title)
    if own is None:
        return
    if _is_pg(session):
        _lock(session, [own])
    session.execute(
        update_rows(LinkTarget)
        .where(LinkTarget.id == own, LinkTarget.page_id == page_id)
        .values(page_id=None)
        .execution_options(synchronize_session=False)
    )
    _collect(session, [own])


def update(session: Session, page: Page, parsed: Parsed) -> None:
    """Make the tables describe ``parsed`` (the page's new latest text), in the caller's
    transaction. Only the difference from the recorded rows is written."""
    out = outgoing(parsed)
    rows = session.execute(
        select(LinkTarget.namespace, LinkTarget.title, LinkTarget.id)
        .join(Link, Link.target_id == LinkTarget.id)
        .where(Link.from_page_id == page.id)
    )
    current: dict[Key, int] = {(r.namespace, r.title): r.id for r in rows}
    added = sorted(out.links - current.keys())
    removed = sorted(current[k] for k in current.keys() - out.links)
    own = (page.namespace, page.title)
    # An unchanged link that becomes the redirect gets a row pointing at it: lock it too.
    kept_redirect = [current[out.redirect]] if out.redirect in current else []
    ids = _targets(session, [*added, own], also_lock=[*removed, *kept_redirect])
    _set_page(session, ids[own], page.id)
    ids.update((k, v) for k, v in current.items() if k in out.links)
    if added:
        session.execute(
            insert(Link), [{"from_page_id": page.id, "target_id": ids[k]} for k in added]
        )
        _count(session, [ids[k] for k in added], +1)
    if removed:
        for chunk in chunks(removed):
            session.execute(
                delete(Link).where(Link.from_page_id == page.id, Link.target_id.in_(chunk))
            )
        _count(session, removed, -1)

    redirect_to = ids[out.redirect] if out.redirect is not None else None
    recorded = session.scalar(select(Redirect.target_id).where(Redirect.from_page_id == page.id))
    if recorded != redirect_to:
        session.execute(delete(Redirect).where(Redirect.from_page_id == page.id))
        if redirect_to is not None:
            session.execute(insert(Redirect).values(from_page_id=page.id, target_id=redirect_to))
    if removed:
        _collect(session, removed)

    have = set(
        session.scalars(select(CategoryLink.category).where(CategoryLink.from_page_id == page.id))
    )
    gone = sorted(have - out.categories)
    if gone:
        session.execute(
            delete(CategoryLink).where(
                CategoryLink.from_page_id == page.id, CategoryLink.category.in_(gone)
            )
        )
    new = sorted(out.categories - have)
    if new:
        session.execute(insert(CategoryLink), [_category_row(page, c) for c in new])
    page.is_redirect = out.redirect is not None


def _category_row(page: Page, category: str) -> dict[str, Any]:
    return {
        "from_page_id": page.id,
        "category": category,
        "sortkey": page.title,
        "kind": "subcat" if page.namespace == NS_CATEGORY else "page",
    }


def renamed(session: Session, page: Page, old: Title) -> None:
    """After ``page`` got a new title (flushed): links to the old title turn red (or reach the
    redirect left there), links to the new one turn blue, and category sort keys follow."""
    _release(session, old, page.id)
    _claim(session, page)
    session.execute(
        update_rows(CategoryLink)
        .where(CategoryLink.from_page_id == page.id)
        .values(sortkey=page.title, kind="subcat" if page.namespace == NS_CATEGORY else "page")
        .execution_options(synchronize_session=False)
    )


def clear(session: Session, page: Page) -> None:
    """Remove every row about ``page`` (before deleting it): its links, categories, redirect,
    and its title's claim, in the caller's transaction."""
    targets = list(session.scalars(select(Link.target_id).where(Link.from_page_id == page.id)))
    _targets(session, [], also_lock=targets)
    session.execute(delete(Redirect).where(Redirect.from_page_id == page.id))
    session.execute(delete(CategoryLink).where(CategoryLink.from_page_id == page.id))
    session.execute(delete(Link).where(Link.from_page_id == page.id))
    _count(session, targets, -1)
    _release(session, Title(page.namespace, page.title), page.id)
    _collect(session, targets)
    page.is_redirect = False


# --- rebuild and consistency ---------------------------------------------------------------


@dataclass(frozen=True)
class RebuildStats:
    pages: int
    links: int
    targets: int
    categories: int
    redirects: int


def rebuild(
    session: Session,
    parse: Callable[[str], Parsed],
    *,
    progress: Callable[[int], None] | None = None,
) -> RebuildStats:
    """Recompute every link table from the pages' latest texts, in the caller's transaction."""
    for model in (Redirect, CategoryLink, Link, LinkTarget):
        session.execute(delete(model).execution_options(synchronize_session=False))
    pages = session.execute(
        select(Page.id, Page.namespace, Page.title, Page.is_redirect).order_by(Page.id)
    ).all()
    if pages:
        session.execute(
            insert(LinkTarget),
            [
                {"namespace": p.namespace, "title": p.title, "page_id": p.id, "link_count": 0}
                for p in pages
            ],
        )
    ids: dict[Key, int] = {
        (r.namespace, r.title): r.id
        for r in session.execute(select(LinkTarget.id, LinkTarget.namespace, LinkTarget.title))
    }
    link_rows: list[tuple[int, Key]] = []
    redirect_rows: list[tuple[int, Key]] = []
    category_rows: list[dict[str, Any]] = []
    flips: list[dict[str, Any]] = []
    done = 0
    for chunk in chunks(pages):
        by_id = {p.id: p for p in chunk}
        texts = session.execute(
            select(Page.id, Revision.text)
            .join(Revision, Revision.id == Page.latest_id)
            .where(Page.id.in_(list(by_id)))
        )
        for page_id, text in texts:
            page = by_id[page_id]
            out = outgoing(parse(text))
            link_rows.extend((page_id, k) for k in out.links)
            if out.redirect is not None:
                redirect_rows.append((page_id, out.redirect))
            for category in out.categories:
                category_rows.append(
                    {
                        "from_page_id": page_id,
                        "category": category,
                        "sortkey": page.title,
                        "kind": "subcat" if page.namespace == NS_CATEGORY else "page",
                    }
                )
            if bool(page.is_redirect) != (out.redirect is not None):
                flips.append({"pid": page_id, "flag": out.redirect is not None})
        done += len(chunk)
        if progress is not None:
            progress(done)

    missing = sorted({k for _, k in link_rows} - ids.keys())
    for part in chunks(missing):
        session.execute(
            insert(LinkTarget),
            [{"namespace": ns, "title": t, "page_id": None, "link_count": 0} for ns, t in part],
        )
    if missing:
        ids.update(_target_ids(session, missing))
    for part in chunks(link_rows, 5000):
        session.execute(
            insert(Link), [{"from_page_id": pid, "target_id": ids[k]} for pid, k in part]
        )
    counts: dict[int, int] = defaultdict(int)
    for _, k in link_rows:
        counts[ids[k]] += 1
    count_rows = [{"tid": tid, "n": n} for tid, n in counts.items()]
    for part in chunks(count_rows, 5000):
        session.execute(
            update_rows(LinkTarget.__table__)  # type: ignore[arg-type]
            .where(LinkTarget.__table__.c.id == bindparam("tid"))
            .values(link_count=bindparam("n")),
            list(part),
        )
    for part in chunks(redirect_rows, 5000):
        session.execute(
            insert(Redirect), [{"from_page_id": pid, "target_id": ids[k]} for pid, k in part]
        )
    for part in chunks(category_rows, 5000):
        session.execute(insert(CategoryLink), list(part))
    for part in chunks(flips, 5000):
        session.execute(
            update_rows(Page.__table__)  # type: ignore[arg-type]
            .where(Page.__table__.c.id == bindparam("pid"))
            .values(is_redirect=bindparam("flag")),
            list(part),
        )
    session.expire_all()
    return RebuildStats(
        pages=len(pages),
        links=len(link_rows),
        targets=len(ids),
        categories=len(category_rows),
        redirects=len(redirect_rows),
    )


def snapshot(session: Session) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of the link tables by natural key (no surrogate ids), to compare two states."""

    def rows(stmt: Any) -> set[tuple[Any, ...]]:
        return {tuple(r) for r in session.execute(stmt)}

    lt = LinkTarget
    return {
        "link_target": rows(select(lt.namespace, lt.title, lt.page_id, lt.link_count)),
        "link": rows(
            select(Link.from_page_id, lt.namespace, lt.title).join(lt, lt.id == Link.target_id)
        ),
        "category_link": rows(
            select(
                CategoryLink.from_page_id,
                CategoryLink.category,
                CategoryLink.sortkey,
                CategoryLink.kind,
            )
        ),
        "redirect": rows(
            select(Redirect.from_page_id, lt.namespace, lt.title).join(
                lt, lt.id == Redirect.target_id
            )
        ),
        "page.is_redirect": rows(select(Page.id, Page.is_redirect)),
    }
