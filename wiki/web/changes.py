"""Lists of changes: Special:RecentChanges (and its live stream), RecentChangesLinked, Watchlist,
EditWatchlist, Contributions and Log.

Thin: each page parses its filters (``wiki.patrol.recentchanges.Filters``, kept in every link),
calls
one service and renders the template named after it. ``?feed=atom`` answers with the Atom feed
(``wiki.web.feeds``); ``?stream=1`` with server-sent events: the server polls the database about
once a second for rows newer than the last one sent and ends the response after
:data:`STREAM_SECONDS` (the browser's EventSource reconnects with ``Last-Event-ID``).
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import AsyncIterator
from functools import partial
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from wiki.accounts import users
from wiki.actions import patrol as patrol_actions
from wiki.actions import personal
from wiki.errors import N_, BadInput, InvalidTitle, NotFound, RateLimited
from wiki.pages import revisions
from wiki.pages.rendering import page_url
from wiki.patrol import contributions, logs, recentchanges, scoring, watchlist
from wiki.patrol.recentchanges import Filters
from wiki.text import titles
from wiki.text.titles import NS_SPECIAL, Title
from wiki.web import feeds, forms
from wiki.web.base import actor_of, int_param, wiki_of
from wiki.web.patrol import can_see_hidden, require_login
from wiki.web.security import CSRF_FIELD
from wiki.web.special import special
from wiki.web.templating import Ctx

STREAM_SECONDS = 55.0  # one response's life; EventSource reconnects and resumes
POLL_SECONDS = 1.0
KEEPALIVE_SECONDS = 15.0
MAX_STREAMS = 64  # open streams per process; more are answered 503 (the browser retries)
LOOKBACK = 50  # ids below the last sent that are read again (PostgreSQL commits out of order)
RETRY_MS = 2000
LIST_LIMIT = 50


def special_url(name: str, pairs: list[tuple[str, str]] | None = None, /, **params: Any) -> str:
    """A special page's URL with query pairs (repeated keys allowed) and parameters."""
    url = page_url(Title(NS_SPECIAL, name))
    query = list(pairs or []) + [(k, str(v)) for k, v in params.items() if v not in (None, "")]
    return f"{url}?{urlencode(query)}" if query else url


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "") not in ("", "0")


def _namespace(request: Request) -> int | None:
    raw = request.query_params.get("namespace", "").strip()
    if raw in ("", "all"):
        return None
    if raw.isdigit() and int(raw) in titles.NAMESPACES:
        return int(raw)
    raise BadInput(N_("There is no namespace number {ns}."), ns=raw)


# --- recent changes ----------------------------------------------------------------------------


@special("RecentChanges", "PerubahanTerbaru", group="changes")
async def recent_changes(request: Request, sub: str) -> Response:
    f = Filters.parse(request.query_params)
    if request.query_params.get("feed") == "atom":
        return await feeds.recent_changes_feed(request, f)
    if _flag(request, "stream"):
        return await stream(request, f)
    return await _listing(request, f, "special_recentchanges.html", "RecentChanges")


@special("RecentChangesLinked", "PerubahanTerkait", group="changes")
async def recent_changes_linked(request: Request, sub: str) -> Response:
    f = Filters.parse(request.query_params)
    raw = sub or request.query_params.get("target", "")
    if not raw:
        return forms.form_page(request, "special_recentchangeslinked.html", target=None, filters=f)
    try:
        target = titles.parse(raw)
    except InvalidTitle as exc:
        raise BadInput(N_("That title is not valid: {reason}"), reason=exc.message) from exc
    page_id = await wiki_of(request).read(lambda s: _page_id(s, target))
    return await _listing(
        request,
        f,
        "special_recentchangeslinked.html",
        f"RecentChangesLinked/{target.key}",
        linked_from=page_id,
        target=target,
    )


def _page_id(session: Session, title: Title) -> int:
    page = revisions.get_page(session, title)
    if page is None:
        raise NotFound(N_("The page {title} does not exist."), title=title.full)
    return page.id


async def _listing(
    request: Request,
    f: Filters,
    template: str,
    name: str,
    *,
    watcher: int | None = None,
    linked_from: int | None = None,
    **context: Any,
) -> Response:
    ctx: Ctx = request.state.ctx
    allowed = can_see_hidden(ctx)

    def load(session: Session) -> tuple[recentchanges.ChangesPage, list[str]]:
        page = recentchanges.changes(
            session, f, can_view_suppressed=allowed, watcher=watcher, linked_from=linked_from
        )
        return page, recentchanges.tags_in_use(session)

    result, tags = await wiki_of(request).read(load)
    enhanced = _flag(request, "enhanced")
    live = _flag(request, "live")
    extra = [("enhanced", "1")] if enhanced else []
    return forms.form_page(
        request,
        template,
        filters=f,
        changes=result.changes,
        days=recentchanges.grouped(result.changes) if enhanced else None,
        by_day=recentchanges.by_day(result.changes),
        enhanced=enhanced,
        live=live,
        tags=tags,
        periods=list(recentchanges.PERIODS),
        limits=recentchanges.LIMITS,
        namespaces=[(ns, n) for ns, n in titles.NAMESPACES.items() if ns >= 0],
        user_types=recentchanges.USER_TYPES,
        url_of=lambda **kw: special_url(name, f.query(**kw) + extra),
        base_url=special_url(name),
        next_url=(
            special_url(name, f.query(older_than=result.older) + extra) if result.older else None
        ),
        feed_url=special_url(name, [*f.query(older_than=None), ("feed", "atom")]),
        stream_url=special_url(name, [*f.query(older_than=None), ("stream", "1")]),
        live_url=special_url(name, [*f.query(older_than=None), *extra, ("live", "1")]),
        latest_id=result.changes[0].id if result.changes else 0,
        **context,
    )


# --- the live stream ---------------------------------------------------------------------------


def _open_streams(request: Request) -> int:
    return int(getattr(request.app.state, "rc_streams", 0))


async def stream(request: Request, f: Filters, *, watcher: int | None = None) -> Response:
    """Server-sent events: one ``change`` event per new row (its id, and the HTML of its row),
    starting after ``since`` (or ``Last-Event-ID``, or the newest row), for at most
    ``timeout`` seconds (capped at STREAM_SECONDS) and ``maxevents`` events."""
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    q = request.query_params
    if _open_streams(request) >= MAX_STREAMS:
        raise RateLimited(
            N_("Too many live streams are open. Try again in {seconds} seconds."), retry_after=5
        )
    allowed = can_see_hidden(ctx)
    since_raw = request.headers.get("last-event-id") or q.get("since")
    since = int_param(since_raw) if since_raw not in (None, "", "0") else None
    if since is None and since_raw not in (None, "", "0"):
        raise BadInput(N_("{name} must be a number."), name="since")
    if since is None:
        since = 0 if since_raw == "0" else await w.read(recentchanges.latest_id)
    try:
        duration = float(q.get("timeout", STREAM_SECONDS))
    except ValueError:
        duration = STREAM_SECONDS
    if not math.isfinite(duration) or not 0 <= duration <= STREAM_SECONDS:
        duration = STREAM_SECONDS  # bounded, whatever is asked
    max_events = int_param(q.get("maxevents")) or 10_000
    live = Filters(**{**f.__dict__, "limit": 200, "older_than": None})
    templates = w.templates

    async def events() -> AsyncIterator[str]:
        request.app.state.rc_streams = _open_streams(request) + 1
        try:
            yield f"retry: {RETRY_MS}\n\n"
            last = since
            sent: set[int] = set()
            deadline = time.monotonic() + duration
            quiet_since = time.monotonic()
            count = 0
            while count < max_events:
                page = await w.read(
                    partial(
                        recentchanges.changes,
                        f=live,
                        can_view_suppressed=allowed,
                        watcher=watcher,
                        newer_than=max(0, last - LOOKBACK),
                    )
                )
                for c in page.changes:
                    if c.id in sent or c.id <= since:
                        continue
                    html = templates.render(
                        ctx, "special_recentchanges_row.html", c=c, csrf_field=CSRF_FIELD
                    )
                    data = json.dumps({"id": c.id, "html": html})
                    yield f"id: {c.id}\nevent: change\ndata: {data}\n\n"
                    sent.add(c.id)
                    last = max(last, c.id)
                    count += 1
                    quiet_since = time.monotonic()
                    if count >= max_events:
                        return
                if len(sent) > 4 * LOOKBACK:
                    sent = {i for i in sent if i > last - LOOKBACK}
                now = time.monotonic()
                if now >= deadline:
                    return
                if now - quiet_since >= KEEPALIVE_SECONDS:
                    yield ": keepalive\n\n"
                    quiet_since = now
                await asyncio.sleep(min(POLL_SECONDS, max(0.0, deadline - now)))
        finally:
            request.app.state.rc_streams = max(0, _open_streams(request) - 1)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


# --- watchlist ---------------------------------------------------------------------------------


@special("Watchlist", "DaftarPantauan", group="changes", writes=True)
async def watchlist_page(request: Request, sub: str) -> Response:
    f = Filters.parse(request.query_params)
    if request.query_params.get("feed") == "atom":
        return await feeds.watchlist_feed(request, f)
    ctx: Ctx = request.state.ctx
    uid = require_login(ctx)
    w = wiki_of(request)
    if request.method == "POST":
        form: FormData = request.state.form
        action = str(form.get("action", ""))
        actor = actor_of(ctx)
        if action == "markseen":
            await w.act(personal.mark_all_seen, w.env, actor)
        elif action == "resettoken":
            await w.act(personal.feed_token, w.env, actor, reset=True)
        else:
            raise BadInput(N_("Unknown action: {action}."), action=action)
        return RedirectResponse(special_url("Watchlist", f.query()), status_code=303)
    if _flag(request, "stream"):
        return await stream(request, f, watcher=uid)
    token = await w.read(lambda s: watchlist.feed_token(s, uid, create=False))
    if not token:
        token = await w.act(personal.feed_token, w.env, actor_of(ctx))
    count = await w.read(lambda s: watchlist.count(s, uid))
    assert ctx.user_name is not None
    private_feed = special_url(
        "Watchlist",
        [*f.query(older_than=None), ("feed", "atom")],
        wlowner=ctx.user_name,
        wltoken=token,
    )
    return await _listing(
        request,
        f,
        "special_watchlist.html",
        "Watchlist",
        watcher=uid,
        watched_count=count,
        private_feed=private_feed,
    )


@special("EditWatchlist", "SuntingDaftarPantauan", group="changes", writes=True)
async def edit_watchlist(request: Request, sub: str) -> Response:
    ctx: Ctx = request.state.ctx
    uid = require_login(ctx)
    w = wiki_of(request)
    if request.method == "POST":
        form: FormData = request.state.form
        chosen: list[Title] = []
        for raw in form.getlist("titles"):
            try:
                chosen.append(titles.parse(str(raw)))
            except InvalidTitle as exc:
                raise BadInput(N_("That title is not valid: {reason}"), reason=exc.message) from exc
        removed = await w.act(patrol_actions.unwatch_many, w.env, actor_of(ctx), chosen)
        return RedirectResponse(special_url("EditWatchlist", removed=removed), status_code=303)
    rows = await w.read(lambda s: watchlist.watched(s, uid))
    done = int_param(request.query_params.get("removed"))
    return forms.form_page(request, "special_editwatchlist.html", rows=rows, removed=done)


# --- contributions -----------------------------------------------------------------------------


def _target_name(raw: str) -> str:
    raw = raw.strip()
    if users.is_ip(raw):
        return raw
    return users.normalize_name(raw)


@special("Contributions", "Kontribusi", "KontribusiPengguna", group="users")
async def contributions_page(request: Request, sub: str) -> Response:
    ctx: Ctx = request.state.ctx
    q = request.query_params
    raw = sub or q.get("target", "")
    if not raw.strip():
        return forms.form_page(request, "special_contributions.html", target=None)
    name = _target_name(raw)
    namespace = _namespace(request)
    limit = min(int_param(q.get("limit")) or LIST_LIMIT, contributions.MAX_LIMIT)
    older, newer = int_param(q.get("older_than")), int_param(q.get("newer_than"))
    allowed = can_see_hidden(ctx)
    score = q.get("score", "").strip()
    if score and score not in scoring.BADGES:
        raise BadInput(N_("Unknown score filter: {score}."), score=score[:64])

    def load(session: Session) -> tuple[contributions.ContributionsPage, bool]:
        page = contributions.contributions(
            session,
            name,
            can_view_suppressed=allowed,
            namespace=namespace,
            older_than=older,
            newer_than=newer,
            limit=limit,
            score=score,
        )
        known = users.is_ip(name) or users.get_by_name(session, name) is not None
        return page, known

    result, known = await wiki_of(request).read(load)
    base = f"Contributions/{name.replace(' ', '_')}"
    keep = {
        "namespace": namespace,
        "limit": limit if limit != LIST_LIMIT else None,
        "score": score or None,
    }
    return forms.form_page(
        request,
        "special_contributions.html",
        target=name,
        known=known,
        is_ip=users.is_ip(name),
        result=result,
        namespace=namespace,
        score=score,
        namespaces=[(ns, n) for ns, n in titles.NAMESPACES.items() if ns >= 0],
        older_url=special_url(base, older_than=result.older, **keep) if result.older else None,
        newer_url=special_url(base, newer_than=result.newer, **keep) if result.newer else None,
        can_rollback=ctx.can("rollback"),
    )


# --- the log -----------------------------------------------------------------------------------


@special("Log", "Catatan", group="changes")
async def log_page(request: Request, sub: str) -> Response:
    q = request.query_params
    type_ = (sub or q.get("type", "")).strip().lower()
    if type_ and type_ not in logs.LOG_TYPES:
        raise BadInput(N_("There is no log of type {type}."), type=type_)
    performer = q.get("user", "").strip()
    if performer and not users.is_ip(performer):
        performer = users.normalize_name(performer)
    page_raw = q.get("page", "").strip()
    target = None
    if page_raw:
        try:
            target = titles.parse(page_raw)
        except InvalidTitle as exc:
            raise BadInput(N_("That title is not valid: {reason}"), reason=exc.message) from exc
    limit = min(int_param(q.get("limit")) or LIST_LIMIT, 500)
    older, newer = int_param(q.get("older_than")), int_param(q.get("newer_than"))

    def load(session: Session) -> tuple[list[logs.LogView], bool, bool]:
        found = logs.entries(
            session,
            type=type_ or None,
            performer=performer or None,
            target=target,
            older_than=older,
            newer_than=newer,
            limit=limit + 1,
        )
        if newer is not None:
            more_newer = len(found) > limit
            found = found[-limit:] if more_newer else found
            probe = logs.entries(
                session,
                type=type_ or None,
                performer=performer or None,
                target=target,
                older_than=found[-1].id if found else None,
                limit=1,
            )
            return found, bool(probe) and bool(found), more_newer
        more_older = len(found) > limit
        found = found[:limit]
        more_newer = False
        if older is not None and found:
            more_newer = bool(
                logs.entries(
                    session,
                    type=type_ or None,
                    performer=performer or None,
                    target=target,
                    newer_than=found[0].id,
                    limit=1,
                )
            )
        return found, more_older, more_newer

    entries, has_older, has_newer = await wiki_of(request).read(load)
    keep = {
        "type": type_ or None,
        "user": performer or None,
        "page": target.key if target else None,
        "limit": limit if limit != LIST_LIMIT else None,
    }
    return forms.form_page(
        request,
        "special_log.html",
        entries=entries,
        log_types=logs.LOG_TYPES,
        type=type_,
        performer=performer,
        target=target,
        older_url=special_url("Log", older_than=entries[-1].id, **keep)
        if has_older and entries
        else None,
        newer_url=special_url("Log", newer_than=entries[0].id, **keep)
        if has_newer and entries
        else None,
    )
