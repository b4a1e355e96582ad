"""Hiding revision parts (MediaWiki's RevisionDelete): the admins' verb that sets the bits
``wiki.pages.visibility`` defines, on live and deleted revisions, mirrored into recent changes
and logged."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from wiki.errors import N_, BadInput, NotFound
from wiki.models import ArchivedRevision, Page, RecentChange, Revision
from wiki.pages.visibility import ALL, TEXT
from wiki.patrol import logs
from wiki.text.titles import Title


@dataclasses.dataclass(frozen=True)
class Change:
    """What a visibility change did, per revision: (id, old bits, new bits)."""

    title: Title
    changed: list[tuple[int, int, int]]


def set_visibility(
    session: Session,
    rev_ids: list[int],
    *,
    hide: int,
    unhide: int,
    performer: logs.Performer,
    reason: str = "",
) -> Change:
    """Set the ``hide`` bits and clear the ``unhide`` bits of some revisions of one page (live or
    deleted), log it (type "revision") and mirror the bits into recent changes. The caller checks
    the ``deleterevision`` right; hiding and un-hiding need the same right."""
    if not rev_ids:
        raise BadInput(N_("Choose at least one revision."))
    if hide & unhide or (hide | unhide) & ~ALL:
        raise BadInput(N_("Each part can be hidden or shown, not both."))
    live = list(session.scalars(select(Revision).where(Revision.id.in_(rev_ids))))
    archived = list(
        session.scalars(select(ArchivedRevision).where(ArchivedRevision.rev_id.in_(rev_ids)))
    )
    found = {r.id for r in live} | {a.rev_id for a in archived}
    missing = sorted(set(rev_ids) - found)
    if missing:
        raise NotFound(N_("There is no revision with id {id}."), id=missing[0])
    titles_seen: set[Title] = set()
    page_ids = {r.page_id for r in live}
    pages = {p.id: p for p in session.scalars(select(Page).where(Page.id.in_(page_ids)))}
    for r in live:
        p = pages[r.page_id]
        titles_seen.add(Title(p.namespace, p.title))
        if hide & TEXT and p.latest_id == r.id:
            raise BadInput(
                N_(
                    "The text of the current revision cannot be hidden. Revert the page to an "
                    "earlier revision first."
                )
            )
    titles_seen.update(Title(a.namespace, a.title) for a in archived)
    if len(titles_seen) != 1:
        raise BadInput(N_("The revisions must all belong to one page."))
    title = titles_seen.pop()
    changed: list[tuple[int, int, int]] = []
    rows: list[tuple[int, Revision | ArchivedRevision]] = [(r.id, r) for r in live]
    rows += [(a.rev_id, a) for a in archived]
    for rid, row in rows:
        old = row.visibility
        new = (old | hide) & ~unhide
        if new != old:
            row.visibility = new
            changed.append((rid, old, new))
            session.execute(
                update(RecentChange).where(RecentChange.revision_id == rid).values(visibility=new)
            )
    if changed:
        changed.sort()
        logs.record(
            session,
            type="revision",
            action="revision",
            performer=performer,
            target=title,
            page_id=next(iter(page_ids), None),
            comment=reason,
            params={"ids": [c[0] for c in changed], "hide": hide, "unhide": unhide},
        )
    session.flush()
    return Change(title=title, changed=changed)
