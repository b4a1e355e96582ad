"""Atom feeds: recent changes (``Special:RecentChanges?feed=atom`` with the same filters), a
page's history (``?action=history&feed=atom``) and a watchlist (``Special:Watchlist?feed=atom
&wlowner=Name&wltoken=…``, the token being private to its owner and resettable).

Each entry carries the diff of its edit as HTML (``wiki.patrol.feeds`` escapes it into the XML).
Feeds
are read by programs without a login, so hidden revision parts are left out of every feed,
whoever asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from wiki.errors import N_, NotFound, PermissionDenied
from wiki.models import Revision, utcnow
from wiki.navigation import reports
from wiki.pages import revisions, visibility
from wiki.pages.rendering import page_url
from wiki.patrol import contributions, feeds, recentchanges, watchlist
from wiki.patrol.recentchanges import Filters
from wiki.text import diffing
from wiki.text.titles import Title
from wiki.web.base import wiki_of
from wiki.web.templating import Ctx

MAX_ENTRIES = 50
DIFF_TIMEOUT = 0.25  # seconds per entry's diff; past it the diff is coarse


@dataclass(frozen=True)
class _Item:
    """What one entry needs, whatever the feed."""

    key: str  # unique within the feed: the change's or the revision's id
    title: Title
    timestamp: datetime
    user: str
    summary: str
    revision_id: int | None
    parent_id: int | None
    text_hidden: bool
    user_hidden: bool
    summary_hidden: bool
    log_text: str = ""


def _absolute(request: Request, path: str) -> str:
    return wiki_of(request).absolute_url(request, path)


def _texts(session: Session, ids: set[int]) -> dict[int, tuple[str, int]]:
    if not ids:
        return {}
    rows = session.execute(
        select(Revision.id, Revision.text, Revision.visibility).where(Revision.id.in_(ids))
    )
    return {i: (t, v) for i, t, v in rows}


async def _response(
    request: Request,
    items: Sequence[_Item],
    *,
    feed_title: str,
    html_path: str,
    subtitle: str = "",
    cache: str = "public, max-age=60",
) -> Response:
    """Load the texts, diff them off the event loop, render each diff, build the Atom XML."""
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    wanted = {i for it in items for i in (it.revision_id, it.parent_id) if i is not None}
    texts = await w.read(lambda s: _texts(s, wanted))

    def diff_all() -> list[diffing.DiffResult | None]:
        out: list[diffing.DiffResult | None] = []
        for it in items:
            new = texts.get(it.revision_id) if it.revision_id else None
            old = texts.get(it.parent_id) if it.parent_id else ("", 0)
            hidden = (
                it.text_hidden
                or (new is not None and new[1] & visibility.TEXT)
                or (old is not None and old[1] & visibility.TEXT)
            )
            if new is None or old is None or hidden:
                out.append(None)
            else:
                out.append(diffing.diff(old[0], new[0], timeout=DIFF_TIMEOUT))
        return out

    diffs = await run_in_threadpool(diff_all)
    entries = []
    for it, result in zip(items, diffs, strict=True):
        if it.revision_id is not None and it.parent_id is not None:
            link = page_url(it.title, diff=it.revision_id, oldid=it.parent_id)
        elif it.revision_id is not None:
            link = page_url(it.title, diff=it.revision_id)
        else:
            link = page_url(it.title)
        if result is not None:
            content = w.templates.render(ctx, "feed_diff.html", result=result, mode="side")
        elif it.log_text:
            content = w.templates.render(ctx, "feed_diff.html", result=None, note=it.log_text)
        else:
            note = (
                ctx.gettext("(The text of this revision has been hidden.)")
                if (it.text_hidden)
                else ""
            )
            content = w.templates.render(ctx, "feed_diff.html", result=None, note=note)
        entries.append(
            feeds.Entry(
                id=_absolute(request, link) + f"#{it.key}",
                title=it.title.full,
                link=_absolute(request, link),
                updated=it.timestamp,
                author=ctx.gettext("(username removed)") if it.user_hidden else it.user,
                summary=ctx.gettext("(edit summary removed)") if it.summary_hidden else it.summary,
                content_html=content,
            )
        )
    query = request.url.query
    self_link = _absolute(request, request.url.path + (f"?{query}" if query else ""))
    body, media_type = feeds.render(
        feeds.Feed(
            id=self_link,
            title=feed_title,
            subtitle=subtitle,
            link=_absolute(request, html_path),
            self_link=self_link,
            updated=items[0].timestamp if items else utcnow(),
            entries=entries,
            lang=ctx.lang,
        ),
        feed_format(request),
    )
    return Response(body, media_type=media_type, headers={"Cache-Control": cache})


def feed_format(request: Request) -> str:
    """``atom`` or ``rss`` from ``?feed=``; "" when no feed is asked for."""
    fmt = request.query_params.get("feed", "")
    return fmt if fmt in feeds.FORMATS else ""


def error_feed(request: Request, status: int, message: str) -> Response:
    """An error answered to a feed URL, as a feed (one entry saying what went wrong), so that
    feed readers show the problem instead of failing to parse an HTML page."""
    now = utcnow()
    self_link = str(request.url)
    entry = feeds.Entry(
        id=self_link + f"#error-{status}",
        title=f"{status}: {message}",
        link=self_link,
        updated=now,
        author=wiki_of(request).settings.site_name,
        summary=message,
        content_html="",
    )
    feed = feeds.Feed(
        id=self_link,
        title=f"{wiki_of(request).settings.site_name} — {status}",
        link=self_link,
        self_link=self_link,
        updated=now,
        entries=[entry],
    )
    body, media_type = feeds.render(feed, feed_format(request) or "atom")
    return Response(body, status_code=status, media_type=media_type)


async def contributions_feed(
    request: Request, name: str, page: contributions.ContributionsPage
) -> Response:
    """Special:Contributions as a feed: the user's edits, newest first, with their diffs."""
    ctx: Ctx = request.state.ctx
    items = [
        _Item(
            key=f"rev{c.id}",
            title=c.title,
            timestamp=c.timestamp,
            user=c.user_text,
            summary=c.summary,
            revision_id=c.id,
            parent_id=c.parent_id,
            text_hidden=c.text_hidden,
            user_hidden=c.user_hidden,
            summary_hidden=c.summary_hidden,
        )
        for c in page.items[:MAX_ENTRIES]
    ]
    return await _response(
        request,
        items,
        feed_title=f"{name} — {ctx.gettext('User contributions')}",
        html_path=page_url(f"Special:Contributions/{name}"),
    )


async def new_pages_feed(request: Request, batch: reports.NewPages) -> Response:
    """Special:NewPages as a feed: each new page with its first revision."""
    ctx: Ctx = request.state.ctx
    w = wiki_of(request)

    def first_revisions(session: Session) -> dict[int, int]:
        ids = [p.page_id for p in batch.items]
        rows = session.execute(
            select(Revision.page_id, func.min(Revision.id))
            .where(Revision.page_id.in_(ids))
            .group_by(Revision.page_id)
        )
        return {pid: rid for pid, rid in rows}

    first = await w.read(first_revisions) if batch.items else {}
    items = [
        _Item(
            key=f"page{p.page_id}",
            title=p.title,
            timestamp=p.created_at,
            user=p.creator,
            summary=p.summary,
            revision_id=first.get(p.page_id),
            parent_id=None,
            text_hidden=False,  # a first revision's hidden text is caught by _response
            user_hidden=False,
            summary_hidden=False,
        )
        for p in batch.items[:MAX_ENTRIES]
    ]
    return await _response(
        request,
        items,
        feed_title=f"{w.settings.site_name} — {ctx.gettext('New pages')}",
        html_path=page_url("Special:NewPages"),
    )


def _from_changes(ctx: Ctx, changes: Sequence[recentchanges.Change]) -> list[_Item]:
    items = []
    for c in changes:
        log_text = ""
        if c.is_log:
            log_text = ctx.gettext("Logged action: %(type)s/%(action)s") % {
                "type": c.log_type,
                "action": c.log_action,
            }
        items.append(
            _Item(
                key=f"rc{c.id}",
                title=c.title,
                timestamp=c.timestamp,
                user=c.user_text,
                summary=c.summary,
                revision_id=c.revision_id,
                parent_id=c.parent_id,
                text_hidden=c.text_hidden,
                user_hidden=c.user_hidden,
                summary_hidden=c.summary_hidden,
                log_text=log_text,
            )
        )
    return items


def _feed_filters(f: Filters) -> Filters:
    return Filters(**{**f.__dict__, "limit": min(f.limit, MAX_ENTRIES), "older_than": None})


async def recent_changes_feed(request: Request, f: Filters) -> Response:
    ctx: Ctx = request.state.ctx
    w = wiki_of(request)
    f = _feed_filters(f)
    page = await w.read(lambda s: recentchanges.changes(s, f, can_view_suppressed=False))
    return await _response(
        request,
        _from_changes(ctx, page.changes),
        feed_title=f"{w.settings.site_name} — {ctx.gettext('Recent changes')}",
        html_path=page_url("Special:RecentChanges"),
    )


async def watchlist_feed(request: Request, f: Filters) -> Response:
    """The watchlist of ``wlowner``, for whoever has the owner's token (no login)."""
    ctx: Ctx = request.state.ctx
    w = wiki_of(request)
    owner = request.query_params.get("wlowner", "")
    token = request.query_params.get("wltoken", "")
    uid = await w.read(lambda s: watchlist.user_for_token(s, owner, token))
    if uid is None:
        raise PermissionDenied(
            N_("The watchlist feed needs its owner's name and private token (wlowner, wltoken).")
        )
    f = _feed_filters(f)
    page = await w.read(
        lambda s: recentchanges.changes(s, f, can_view_suppressed=False, watcher=uid)
    )
    return await _response(
        request,
        _from_changes(ctx, page.changes),
        feed_title=f"{w.settings.site_name} — {ctx.gettext('Watchlist')} ({owner})",
        html_path=page_url("Special:Watchlist"),
        cache="private, no-store",
    )


async def history_feed(request: Request, title: Title) -> Response:
    ctx: Ctx = request.state.ctx
    w = wiki_of(request)

    def load(session: Session) -> tuple[Title, list[revisions.RevisionInfo]]:
        page = revisions.get_page(session, title)
        if page is None:
            raise NotFound(N_("The page {title} does not exist."), title=title.full)
        hist = revisions.history(session, page, limit=MAX_ENTRIES)
        return revisions.page_title(page), visibility.redact_all(hist.revisions, False)

    canonical, infos = await w.read(load)
    items = [
        _Item(
            key=f"rev{r.id}",
            title=canonical,
            timestamp=r.timestamp,
            user=r.user_text,
            summary=r.summary,
            revision_id=r.id,
            parent_id=r.parent_id,
            text_hidden=r.text_hidden,
            user_hidden=r.user_hidden,
            summary_hidden=r.summary_hidden,
        )
        for r in infos
    ]
    return await _response(
        request,
        items,
        feed_title=f"{canonical.full} — {ctx.gettext('Revision history')}",
        html_path=page_url(canonical, action="history"),
    )
