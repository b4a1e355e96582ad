"""REST API under /w/rest.php/v1, shaped like MediaWiki's REST API.

Routes are thin: they parse the request, call ``wiki.pages.revisions``/``wiki.pages.rendering``/
``wiki.text.diffing`` and shape JSON. Errors are raised, and ``wiki.web.errors`` answers them as
``{"httpCode", "httpReason", "message"}`` JSON. The OpenAPI description is in
``wiki.web.openapi`` and served at ``/w/rest.php/openapi.json``.

Choices worth knowing:

* A non-canonical title in a path (``foo_bar``, ``Foo bar``) is answered directly, not
  redirected; the body's ``key``/``title`` give the canonical forms.
* As in MediaWiki, a ``/`` inside a title is sent as ``%2F``: ``/page/Foo/html`` is the HTML
  of "Foo", ``/page/Foo%2Fhtml`` is the page "Foo/html". Starlette matches on the decoded path,
  so :func:`_page_path` decides from the raw path.
* Writes without a session cookie are anonymous edits by IP and need no token. With a session
  cookie they need the session's CSRF token in ``X-CSRF-Token`` (or ``token`` in the body, as
  MediaWiki allows); ``GET /v1/session`` hands the token to scripts on our own origin.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from wiki import i18n
from wiki.actions import editing
from wiki.actions.context import REST
from wiki.errors import (
    N_,
    AbuseWarned,
    BadInput,
    EditConflict,
    NotFound,
    PermissionDenied,
)
from wiki.models import Page, Revision
from wiki.pages import rendering, revisions, visibility
from wiki.pages.revisions import RevisionInfo
from wiki.patrol import scoring
from wiki.text import diffing, titles
from wiki.text.titles import Title
from wiki.web import openapi, rest
from wiki.web import search as search_routes
from wiki.web.base import MAX_ID, actor_of, run_diff, wiki_of
from wiki.web.templating import Ctx

API_ROOT = "/w/rest.php"
HISTORY_LIMIT = 20  # MediaWiki's page size for /history
SUBRESOURCES = ("/html", "/history")
#: Literal (not %2F) sub-resources of a page that PUT must not reach as an edit (405).
WRITE_ONLY_ELSEWHERE = tuple(
    f"/{s}".encode()
    for s in (
        "bare",
        "with_html",
        "links/language",
        "history/counts/",
        "topics",
        "undo",
        "rollback",
    )
)
URL_SAFE = "!$'()*,:;@~"  # like page URLs, but a '/' in a title is %2F, as MediaWiki wants


# --- shaping -----------------------------------------------------------------------------------


def license_of(request: Request) -> dict[str, str]:
    """The content licence the APIs report (WIKI_LICENSE_URL, WIKI_LICENSE_TITLE)."""
    settings = wiki_of(request).settings
    return {"url": settings.license_url, "title": settings.license_title}


def _history_json(info: RevisionInfo) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": info.id,
        "timestamp": rest.ts(info.timestamp),
        "minor": info.minor,
        "size": info.size,
        "delta": info.delta,
        "comment": info.summary,
        "user": {"id": info.user_id, "name": info.user_text},  # name: the IP when anonymous
    }
    if info.visibility:  # hidden parts, already blanked unless the reader may see them
        data["hidden"] = {
            "text": info.text_hidden,
            "comment": info.summary_hidden,
            "user": info.user_hidden,
        }
        if info.summary_hidden and not info.summary:
            data["comment"] = None
        if info.user_hidden and not info.user_text:
            data["user"] = None
    return data


def _revision_json(info: RevisionInfo, page: Page) -> dict[str, Any]:
    title = revisions.page_title(page)
    page_key = {"id": page.id, "key": title.key, "title": title.full}
    return {**_history_json(info), "page": page_key, "content_model": rest.CONTENT_MODEL}


def _api_url(request: Request, path: str) -> str:
    return wiki_of(request).absolute_url(request, API_ROOT + path)


def _page_api_path(title: Title) -> str:
    return "/v1/page/" + quote(title.key, safe=URL_SAFE)


def _etag_matches(header: str | None, tag: str) -> bool:
    if not header:
        return False
    candidates = {c.strip().removeprefix("W/") for c in header.split(",")}
    return "*" in candidates or tag in candidates


def _conditional(
    request: Request,
    etag: str,
    make: Callable[[], Response],
    *,
    last_modified: datetime | None = None,
) -> Response:
    """``make()``'s response with an ETag (and Last-Modified), or 304 when the client already
    has it (If-None-Match; or, without it, If-Modified-Since, as RFC 9110 orders them)."""
    tag = f'"{etag}"'
    headers = {"ETag": tag}
    if last_modified is not None:
        headers["Last-Modified"] = format_datetime(last_modified.astimezone(UTC), usegmt=True)
    if_none_match = request.headers.get("if-none-match")
    if _etag_matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    if if_none_match is None and last_modified is not None:
        since = _http_date(request.headers.get("if-modified-since"))
        if since is not None and last_modified.replace(microsecond=0) <= since:
            return Response(status_code=304, headers=headers)
    response = make()
    response.headers.update(headers)
    return response


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --- parsing -----------------------------------------------------------------------------------


def _page_path(request: Request, route_suffix: str) -> tuple[Title, str]:
    """The title in a ``/v1/page/...`` path and the sub-resource asked for (``""``, ``/html``,
    ``/history``), read from the raw path so that ``%2F`` stays part of the title."""
    raw = request.scope.get("raw_path")
    marker = b"/v1/page/"
    if not isinstance(raw, bytes) or marker not in raw:
        return titles.parse(request.path_params["title"]), route_suffix
    tail = raw.split(marker, 1)[1]
    suffix = next((s for s in SUBRESOURCES if tail.endswith(s.encode())), "")
    if suffix:
        tail = tail[: -len(suffix)]
    return titles.parse(unquote_to_bytes(tail).decode("utf-8", "replace")), suffix


def _revision_id(request: Request, name: str) -> int:
    rev_id: int = request.path_params[name]
    if not 0 < rev_id <= MAX_ID:
        raise NotFound(N_("There is no revision with id {id}."), id=rev_id)
    return rev_id


def _latest_id(body: dict[str, Any]) -> int | None:
    latest = body.get("latest")
    if latest is None:
        return None
    rev_id = latest.get("id") if isinstance(latest, dict) else None
    if not isinstance(rev_id, int) or isinstance(rev_id, bool) or not 0 < rev_id <= MAX_ID:
        raise BadInput(N_("{name} must be a revision id."), name="latest.id")
    return rev_id


# --- reading -----------------------------------------------------------------------------------


async def get_page(request: Request) -> Response:
    title, _ = _page_path(request, "")
    page, rev = await wiki_of(request).read(lambda s: rest.load_page(s, title))
    data = rest.page_json(page, rev)
    data["license"] = license_of(request)
    return _conditional(
        request, str(rev.id), lambda: JSONResponse(data), last_modified=rev.timestamp
    )


async def get_page_html(request: Request) -> Response:
    title, suffix = _page_path(request, "/html")
    if suffix != "/html":
        return await get_page(request)
    w = wiki_of(request)
    epoch, version = w.page_version(title)  # before the database, see wiki.cache
    gettext = i18n.translations(w.settings.language).gettext

    def load(session: Session) -> tuple[Title, int, str]:
        page, rev = rest.load_page(session, title)
        stored = rendering.stored_render(w.db, session, rev)
        body = rendering.resolve(session, stored, gettext=gettext, section_link=None)
        return revisions.page_title(page), rev.id, body

    canonical, rev_id, body = await w.read(load)
    doc = (
        f'<!DOCTYPE html><html lang="{w.settings.language}"><head><meta charset="utf-8">'
        f"<title>{html.escape(canonical.full)}</title></head><body>{body}</body></html>"
    )
    # Links turn blue or red as other pages change, so the tag includes the page's version.
    return _conditional(request, f"{rev_id}-{epoch}-{version}", lambda: HTMLResponse(doc))


async def get_history(request: Request) -> Response:
    title, suffix = _page_path(request, "/history")
    if suffix != "/history":
        return await get_page(request)
    older, newer = rest.cursor(request, "older_than"), rest.cursor(request, "newer_than")
    if older is not None and newer is not None:
        raise BadInput(N_("older_than and newer_than cannot be used together."))

    def load(session: Session) -> tuple[Title, int, revisions.HistoryPage]:
        page, rev = rest.load_page(session, title)
        hist = revisions.history(
            session, page, limit=HISTORY_LIMIT, older_than=older, newer_than=newer
        )
        return revisions.page_title(page), rev.id, hist

    canonical, latest_id, hist = await wiki_of(request).read(load)
    allowed = request.state.ctx.can("viewsuppressed")
    hist = dataclasses.replace(hist, revisions=visibility.redact_all(hist.revisions, allowed))
    url = _api_url(request, _page_api_path(canonical) + "/history")
    data: dict[str, Any] = {"revisions": [_history_json(r) for r in hist.revisions], "latest": url}
    if hist.older is not None:
        data["older"] = f"{url}?older_than={hist.older}"
    if hist.newer is not None:
        data["newer"] = f"{url}?newer_than={hist.newer}"
    # Hiding a revision's parts changes the body without a new revision: the tag says so.
    hidden = ",".join(f"{r.id}:{r.visibility}" for r in hist.revisions if r.visibility)
    tag = f"{latest_id}-{int(allowed)}-{_short_hash(hidden)}" if hidden else str(latest_id)
    return _conditional(request, tag, lambda: JSONResponse(data))


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


async def get_revision(request: Request) -> Response:
    """``/v1/revision/{id}``, or without the source at ``/v1/revision/{id}/bare``."""
    rev_id = _revision_id(request, "id")
    with_source = not request.url.path.endswith("/bare")

    allowed = request.state.ctx.can("viewsuppressed")

    def load(session: Session) -> tuple[dict[str, Any], int]:
        info = revisions.revision_info(session, rev_id)
        page = session.get(Page, info.page_id)
        assert page is not None
        data = _revision_json(visibility.redact(info, allowed), page)
        text_shown = allowed or not info.text_hidden
        rev = revisions.get_revision(session, rev_id)
        if with_source and text_shown:
            data["source"] = rev.text
        # The score tells about the text: hidden (null) with it.
        stored = scoring.stored(rev) if text_shown else None
        data["vandalism"] = stored.as_json() if stored is not None else None
        return data, info.visibility

    data, vis = await wiki_of(request).read(load)
    # Revisions are immutable; only their visibility changes.
    tag = f"{rev_id}-{vis}-{int(allowed)}" if vis else str(rev_id)
    return _conditional(request, tag, lambda: JSONResponse(data))


async def compare(request: Request) -> Response:
    w = wiki_of(request)
    from_id, to_id = _revision_id(request, "from"), _revision_id(request, "to")
    allowed = request.state.ctx.can("viewsuppressed")

    def load(session: Session) -> tuple[str, str]:
        old = revisions.get_revision(session, from_id)
        new = revisions.get_revision(session, to_id)
        if old.page_id != new.page_id:
            raise BadInput(
                N_("Revisions {old} and {new} belong to different pages."), old=from_id, new=to_id
            )
        if (old.visibility | new.visibility) & visibility.TEXT and not allowed:
            hidden = old.id if old.visibility & visibility.TEXT else new.id
            raise rest.Forbidden(
                N_("The text of revision {id} has been hidden by an administrator."), id=hidden
            )
        return old.text, new.text

    old_text, new_text = await w.read(load)
    result = await run_diff(request, old_text, new_text)  # CPU budget, cached per pair
    shaped = diffing.to_json(result)
    return JSONResponse(
        {
            "from": {"id": from_id, "slot_role": "main", "sections": []},
            "to": {"id": to_id, "slot_role": "main", "sections": []},
            "diff": shaped["diff"],
            "coarse": shaped["coarse"],
        }
    )


# --- writing -----------------------------------------------------------------------------------


class AbuseWarning(PermissionDenied):
    """An abuse rule warns about this edit; sending its id in ``abuse_acknowledged`` saves."""

    status = 409


async def _save(
    request: Request, title: Title, body: dict[str, Any], *, base_id: int | None, create: bool
) -> Response:
    """Save ``source`` over revision ``base_id`` (None: a new page); 201 when a page was made."""
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    source = rest.string_field(body, "source", required=True)
    comment = rest.string_field(body, "comment", required=False)
    if body.get("content_model", rest.CONTENT_MODEL) != rest.CONTENT_MODEL:
        raise BadInput(N_("The field {field} is missing or not valid."), field="content_model")
    rest.check_token(request, body)
    acknowledged = rest.acknowledged(body)
    edit = editing.Edit(
        title=title,
        text=source,
        summary=comment,
        base_id=base_id,
        create_only=create,
        merge=base_id is not None,  # a stale latest is merged three-way, as MediaWiki does
        acknowledged=acknowledged,
    )
    try:
        result = await w.act(editing.save, w.env, actor_of(ctx, REST), edit)
    except AbuseWarned as exc:
        raise AbuseWarning(
            N_(
                "Warning from a rule of this wiki: {message} To save anyway, send the rule "
                "ids {rules} in abuse_acknowledged."
            ),
            message=" ".join(exc.warnings.values()),
            rules=",".join(str(i) for i in sorted(exc.warnings)),
        ) from exc
    except EditConflict as exc:
        if base_id is not None or exc.latest_id is None:
            raise
        raise EditConflict(  # say why, rather than "someone else saved"
            N_("The page already exists. To change it, send latest.id: its revision id."),
            base_id=None,
            latest_id=exc.latest_id,
        ) from exc
    data = rest.page_json(result.page, result.revision)
    data["license"] = license_of(request)
    if not result.created:
        return JSONResponse(data)
    location = _api_url(request, _page_api_path(title))
    return JSONResponse(data, status_code=201, headers={"Location": location})


async def create_page(request: Request) -> Response:
    body = await rest.read_json(request)
    title = titles.parse(rest.string_field(body, "title", required=True))
    return await _save(request, title, body, base_id=None, create=True)


async def edit_page(request: Request) -> Response:
    title, suffix = _page_path(request, "")
    raw = request.scope.get("raw_path")
    path = raw.split(b"?", 1)[0] if isinstance(raw, bytes) else b""
    if suffix or any(s in path for s in WRITE_ONLY_ELSEWHERE):
        raise rest.MethodNotAllowed(N_("Only a page can be edited, not its HTML or history."))
    body = await rest.read_json(request)
    base_id = _latest_id(body)
    if_match = request.headers.get("if-match")
    if base_id is not None or if_match is not None:
        await _check_base(request, title, base_id, if_match)
    return await _save(request, title, body, base_id=base_id, create=False)


async def _check_base(
    request: Request, title: Title, base_id: int | None, if_match: str | None
) -> None:
    """``latest.id`` must be a revision of this page (404 if there is none, 400 if it belongs
    to another page), and ``If-Match`` must name the current revision (412), so that no edit
    is merged from an empty or foreign base."""

    def load(session: Session) -> tuple[int | None, int | None]:
        page = revisions.get_page(session, title)
        base = session.get(Revision, base_id) if base_id is not None else None
        if base_id is not None and base is None:
            raise NotFound(N_("There is no revision with id {id}."), id=base_id)
        if base is not None and (page is None or base.page_id != page.id):
            raise BadInput(
                N_("Revision {id} is not a revision of {title}."), id=base_id, title=title.full
            )
        return (page.latest_id if page else None), (base.id if base else None)

    latest = (await wiki_of(request).read(load))[0]
    current = f'"{latest}"' if latest is not None else None
    if if_match is not None and (current is None or not _etag_matches(if_match, current)):
        raise rest.PreconditionFailed(
            N_("The page has changed since the version named in If-Match.")
        )


def literal_suffix(handler: Callable[[Request], Any], suffix: str) -> Callable[[Request], Any]:
    """``handler`` for ``/v1/page/{title}<suffix>`` only when the suffix is literally in the raw
    path: ``Eval%2Ftopics`` is the page "Eval/topics", not the topics of "Eval" (Starlette
    routes on the decoded path, which cannot tell them apart)."""

    async def routed(request: Request) -> Response:
        raw = request.scope.get("raw_path")
        path = raw.split(b"?", 1)[0] if isinstance(raw, bytes) else suffix.encode()
        if path.endswith(suffix.encode()):
            response: Response = await handler(request)
            return response
        if request.method in ("GET", "HEAD", "PUT"):
            return await page(request)
        raise rest.MethodNotAllowed(N_("A page accepts only GET and PUT."))

    return routed


async def page(request: Request) -> Response:
    return await (edit_page if request.method == "PUT" else get_page)(request)


# --- the rest ----------------------------------------------------------------------------------


async def session_token(request: Request) -> Response:
    """The CSRF token of the session cookie, for scripts on our pages; null without one."""
    ctx: Ctx = request.state.ctx
    token = ctx.csrf_token if ctx.session_id else None
    return JSONResponse({"csrf_token": token}, headers={"Cache-Control": "no-store"})


async def openapi_json(request: Request) -> Response:
    return JSONResponse(openapi.spec())


def routes(variants: list[BaseRoute]) -> list[BaseRoute]:
    """The REST routes; ``variants`` (``wiki.web.api_variants``) go before the routes whose
    ``{title:path}`` would swallow them."""
    # Order matters: the sub-resources first, since {title:path} would swallow them.
    return [
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/v1/session", session_token, methods=["GET"]),
        Route("/v1/search/page", search_routes.rest_search_page, methods=["GET"]),
        Route("/v1/search/title", search_routes.rest_search_title, methods=["GET"]),
        Route("/v1/page", create_page, methods=["POST"]),
        *variants,
        Route("/v1/page/{title:path}/html", get_page_html, methods=["GET"]),
        Route("/v1/page/{title:path}/history", get_history, methods=["GET"]),
        Route("/v1/page/{title:path}", page, methods=["GET", "PUT"]),  # one route: one Allow
        Route("/v1/revision/{id:int}", get_revision, methods=["GET"]),
        Route("/v1/revision/{id:int}/bare", get_revision, methods=["GET"]),
        Route("/v1/revision/{from:int}/compare/{to:int}", compare, methods=["GET"]),
    ]
