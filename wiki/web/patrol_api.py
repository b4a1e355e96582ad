"""The patrol part of the REST API under /w/rest.php/v1, in the style of ``wiki.web.api``.

Reading (anyone): ``GET /v1/recentchanges`` (the filters of Special:RecentChanges, same names),
``GET /v1/user/{name}/contributions``, ``GET /v1/revision/{id}/visibility``.
Watchlist (logged in): ``GET /v1/watchlist`` (changes), ``GET /v1/watchlist/pages``,
``PUT /v1/watchlist/{title}`` (``{"expiry": "1 week"}``), ``DELETE /v1/watchlist/{title}``.
Patrol (rights checked as on the HTML pages): ``POST /v1/revision/{id}/patrol``,
``PUT /v1/revision/{id}/visibility`` (``{"text": true, "comment": false, "user": true}``),
``POST /v1/page/{title}/rollback`` (``{"from": "Name"}``), ``POST /v1/page/{title}/undo``
(``{"undo": N, "undoafter": M}``). Writes with a session cookie need ``X-CSRF-Token``. Errors
are the API's JSON errors. Hidden revision parts are null for readers without the right.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes, urlencode

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from wiki.accounts import users
from wiki.errors import N_, BadInput, NotFound
from wiki.pages import revisions, visibility
from wiki.patrol import contributions, recentchanges, watchlist
from wiki.patrol.recentchanges import Change, Filters
from wiki.text import titles
from wiki.text.titles import Title
from wiki.web import api, rest
from wiki.web.base import MAX_ID, int_param, wiki_of
from wiki.web.patrol import (
    can_see_hidden,
    do_patrol,
    do_rollback,
    do_undo,
    do_visibility,
    do_watch,
    require_login,
)
from wiki.web.templating import Ctx


def _hidden(vis: int) -> dict[str, bool]:
    return {
        "text": bool(vis & visibility.TEXT),
        "comment": bool(vis & visibility.SUMMARY),
        "user": bool(vis & visibility.USER),
    }


def _change_json(c: Change) -> dict[str, Any]:
    user = None if c.user_hidden and not c.user_text else {"id": c.user_id, "name": c.user_text}
    data: dict[str, Any] = {
        "id": c.id,
        "type": c.kind,
        "timestamp": rest.ts(c.timestamp),
        "title": c.title.full,
        "key": c.title.key,
        "namespace": c.title.ns,
        "page_id": c.page_id,
        "revision": c.revision_id,
        "parent": c.parent_id,
        "user": user,
        "user_kind": c.user_kind,
        "bot": c.bot,
        "minor": c.minor,
        "new": c.is_new,
        "old_size": c.old_size,
        "new_size": c.new_size,
        "delta": c.delta,
        "comment": None if c.summary_hidden and not c.summary else c.summary,
        "patrolled": not c.unpatrolled,
        "tags": list(c.tags),
        "current": c.current,
        "hidden": _hidden(c.visibility),
    }
    if c.is_log:
        data["log"] = {"id": c.log_id, "type": c.log_type, "action": c.log_action}
    if c.seen is not None:
        data["seen"] = c.seen
    return data


def _contribution_json(c: contributions.Contribution) -> dict[str, Any]:
    return {
        "id": c.id,
        "page": {"id": c.page_id, "key": c.title.key, "title": c.title.full},
        "timestamp": rest.ts(c.timestamp),
        "minor": c.minor,
        "new": c.is_new,
        "size": c.size,
        "delta": c.delta,
        "comment": None if c.summary_hidden and not c.summary else c.summary,
        "current": c.current,
        "hidden": _hidden(c.visibility),
    }


def _url(request: Request, path: str, pairs: list[tuple[str, str]]) -> str:
    base = wiki_of(request).absolute_url(request, api.API_ROOT + path)
    return f"{base}?{urlencode(pairs)}" if pairs else base


async def _body(request: Request) -> dict[str, Any]:
    """The JSON body, or {} when there is none (a bare POST or DELETE)."""
    length = request.headers.get("content-length", "")
    if length in ("", "0") and "transfer-encoding" not in request.headers:
        return {}
    return await rest.read_json(request)


def _title_in_path(request: Request, suffix: str) -> Title:
    """The title in ``/v1/{prefix}/{title}{suffix}``, read from the raw path (``%2F`` stays)."""
    raw = request.scope.get("raw_path")
    name = request.path_params["title"]
    if isinstance(raw, bytes):
        path = raw.split(b"?", 1)[0]
        for marker in (b"/v1/page/", b"/v1/watchlist/"):
            if marker in path:
                tail = path.split(marker, 1)[1]
                if suffix and tail.endswith(suffix.encode()):
                    tail = tail[: -len(suffix)]
                name = unquote_to_bytes(tail).decode("utf-8", "replace")
                break
    return titles.parse(name)


def _rev_id(request: Request) -> int:
    rev_id: int = request.path_params["id"]
    if not 0 < rev_id <= MAX_ID:
        raise NotFound(N_("There is no revision with id {id}."), id=rev_id)
    return rev_id


# --- reading -----------------------------------------------------------------------------------


async def recent_changes(request: Request) -> Response:
    f = Filters.parse(request.query_params)
    allowed = can_see_hidden(request.state.ctx)
    page = await wiki_of(request).read(
        lambda s: recentchanges.changes(s, f, can_view_suppressed=allowed)
    )
    data: dict[str, Any] = {"changes": [_change_json(c) for c in page.changes]}
    data["older"] = (
        _url(request, "/v1/recentchanges", f.query(older_than=page.older)) if page.older else None
    )
    return JSONResponse(data)


async def user_contributions(request: Request) -> Response:
    raw = request.path_params["name"]
    name = raw if users.is_ip(raw) else users.normalize_name(raw)
    q = request.query_params
    older, newer = rest.cursor(request, "older_than"), rest.cursor(request, "newer_than")
    limit = min(int_param(q.get("limit")) or 20, contributions.MAX_LIMIT)
    ns_raw = q.get("namespace", "")
    namespace = int(ns_raw) if ns_raw.isdigit() and len(ns_raw) < 4 else None
    allowed = can_see_hidden(request.state.ctx)
    result = await wiki_of(request).read(
        lambda s: contributions.contributions(
            s,
            name,
            can_view_suppressed=allowed,
            namespace=namespace,
            older_than=older,
            newer_than=newer,
            limit=limit,
        )
    )
    path = f"/v1/user/{raw}/contributions"
    return JSONResponse(
        {
            "user": name,
            "contributions": [_contribution_json(c) for c in result.items],
            "older": _url(request, path, [("older_than", str(result.older))])
            if result.older
            else None,
            "newer": _url(request, path, [("newer_than", str(result.newer))])
            if result.newer
            else None,
        }
    )


async def visibility_get(request: Request) -> Response:
    rev_id = _rev_id(request)
    info = await wiki_of(request).read(lambda s: revisions.revision_info(s, rev_id))
    return JSONResponse({"id": rev_id, "hidden": _hidden(info.visibility)})


# --- watchlist ---------------------------------------------------------------------------------


async def watchlist_changes(request: Request) -> Response:
    ctx: Ctx = request.state.ctx
    uid = require_login(ctx)
    f = Filters.parse(request.query_params)
    allowed = can_see_hidden(ctx)
    page = await wiki_of(request).read(
        lambda s: recentchanges.changes(s, f, can_view_suppressed=allowed, watcher=uid)
    )
    return JSONResponse(
        {
            "changes": [_change_json(c) for c in page.changes],
            "older": _url(request, "/v1/watchlist", f.query(older_than=page.older))
            if page.older
            else None,
        }
    )


async def watchlist_pages(request: Request) -> Response:
    uid = require_login(request.state.ctx)
    rows = await wiki_of(request).read(lambda s: watchlist.watched(s, uid))
    return JSONResponse(
        {
            "pages": [
                {
                    "key": r.title.key,
                    "title": r.title.full,
                    "exists": r.exists,
                    "expires": rest.ts(r.expires_at) if r.expires_at else None,
                }
                for r in rows
            ]
        }
    )


async def watch_page(request: Request) -> Response:
    """PUT watches (``{"expiry": "infinite" | "1 week" | "1 month"}``), DELETE unwatches."""
    title = _title_in_path(request, "")
    body = await _body(request)
    rest.check_token(request, body)
    require_login(request.state.ctx)
    watch = request.method == "PUT"
    expiry = body.get("expiry", "infinite")
    if not isinstance(expiry, str):
        raise BadInput(N_("The field {field} is missing or not valid."), field="expiry")
    await do_watch(request, title, watch=watch, expiry=expiry)
    uid = require_login(request.state.ctx)
    state = await wiki_of(request).read(lambda s: watchlist.state(s, uid, title))
    return JSONResponse(
        {
            "key": title.key,
            "title": title.full,
            "watched": state.watched,
            "expires": rest.ts(state.expires_at) if state.expires_at else None,
        }
    )


# --- patrol actions ----------------------------------------------------------------------------


async def patrol_revision(request: Request) -> Response:
    rev_id = _rev_id(request)
    body = await _body(request)
    rest.check_token(request, body)
    result = await do_patrol(request, revision_id=rev_id)
    return JSONResponse({"revision": rev_id, "patrolled": True, "changed": result.changed})


async def visibility_put(request: Request) -> Response:
    rev_id = _rev_id(request)
    body = await _body(request)
    rest.check_token(request, body)
    hide = unhide = 0
    for name, bit in (
        ("text", visibility.TEXT),
        ("comment", visibility.SUMMARY),
        ("user", visibility.USER),
    ):
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, bool):
            raise BadInput(N_("The field {field} is missing or not valid."), field=name)
        if value:
            hide |= bit
        else:
            unhide |= bit
    reason = body.get("reason", "")
    if not isinstance(reason, str):
        raise BadInput(N_("The field {field} is missing or not valid."), field="reason")
    await do_visibility(request, [rev_id], hide=hide, unhide=unhide, reason=reason)
    info = await wiki_of(request).read(lambda s: revisions.revision_info(s, rev_id))
    return JSONResponse({"id": rev_id, "hidden": _hidden(info.visibility)})


async def revision_visibility(request: Request) -> Response:
    return await (visibility_put if request.method == "PUT" else visibility_get)(request)


def _page_result(session: Session, title: Title) -> dict[str, Any]:
    page, rev = rest.load_page(session, title)
    return rest.page_json(page, rev)


async def rollback(request: Request) -> Response:
    title = _title_in_path(request, "/rollback")
    body = await _body(request)
    rest.check_token(request, body)
    from_user = body.get("from")
    if not isinstance(from_user, str) or not from_user.strip():
        raise BadInput(N_("The field {field} is missing or not valid."), field="from")
    done = await do_rollback(request, title, from_user.strip())
    data = await wiki_of(request).read(lambda s: _page_result(s, done.title))
    data.pop("source", None)
    data.update(
        reverted=done.reverted,
        revision=done.result.revision.id,
        to_revision=done.to_revision,
        comment=done.result.revision.summary,
    )
    return JSONResponse(data)


async def undo(request: Request) -> Response:
    title = _title_in_path(request, "/undo")
    body = await _body(request)
    rest.check_token(request, body)
    undo_id = body.get("undo")
    after = body.get("undoafter")
    if not isinstance(undo_id, int) or isinstance(undo_id, bool) or not 0 < undo_id <= MAX_ID:
        raise BadInput(N_("The field {field} is missing or not valid."), field="undo")
    if after is not None and (
        not isinstance(after, int) or isinstance(after, bool) or not 0 < after <= MAX_ID
    ):
        raise BadInput(N_("The field {field} is missing or not valid."), field="undoafter")
    comment = body.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise BadInput(N_("The field {field} is missing or not valid."), field="comment")
    result = await do_undo(request, title, undo_id, after, comment, rest.acknowledged(body))
    return JSONResponse(rest.page_json(result.page, result.revision))


def routes() -> list[BaseRoute]:
    """Mounted before ``wiki.web.api``'s routes (theirs would take ``/v1/page/X/rollback``)."""
    return [
        Route("/v1/recentchanges", recent_changes, methods=["GET"]),
        Route("/v1/user/{name}/contributions", user_contributions, methods=["GET"]),
        Route("/v1/watchlist", watchlist_changes, methods=["GET"]),
        Route("/v1/watchlist/pages", watchlist_pages, methods=["GET"]),
        Route("/v1/watchlist/{title:path}", watch_page, methods=["PUT", "DELETE"]),
        Route("/v1/revision/{id:int}/patrol", patrol_revision, methods=["POST"]),
        Route("/v1/revision/{id:int}/visibility", revision_visibility, methods=["GET", "PUT"]),
        Route(
            "/v1/page/{title:path}/rollback",
            api.literal_suffix(rollback, "/rollback"),
            methods=["POST"],
        ),
        Route("/v1/page/{title:path}/undo", api.literal_suffix(undo, "/undo"), methods=["POST"]),
    ]
