"""Search routes: Special:Search, and the REST API's ``/v1/search/page`` and ``/v1/search/title``
(listed in ``wiki.web.api.routes`` and described in ``wiki.web.openapi``).

Thin: they read parameters, call ``wiki.search`` off the event loop and shape HTML or JSON.
The
app holds one ``SearchIndex`` (``app.state.search``); ``lifespan`` runs its background indexer
while the app serves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from wiki import search
from wiki.errors import N_, BadInput, InvalidTitle
from wiki.pages import revisions
from wiki.pages.rendering import page_url
from wiki.text import titles
from wiki.text.titles import Title
from wiki.web.base import finish, int_param, wiki_of
from wiki.web.special import special

#: Namespace filters of Special:Search (``profile=``); ``all`` is every namespace.
PROFILES: dict[str, tuple[int, ...] | None] = {
    "default": (titles.NS_MAIN,),
    "talk": tuple(ns for ns in titles.content_namespaces() if ns % 2 == 1),
    "project": (titles.NS_PROJECT,),
    "help": (titles.NS_HELP,),
    "all": None,
}
PROFILE_LABELS = {
    "default": N_("Articles"),
    "talk": N_("Talk pages"),
    "project": N_("Project pages"),
    "help": N_("Help"),
    "all": N_("All pages"),
}
#: ``sort=`` values, as MediaWiki names them, to ``SearchIndex.search``'s.
SORTS = {"relevance": "relevance", "last_edit_desc": "last_edit"}
REST_LIMIT_DEFAULT = 50  # MediaWiki's default for /v1/search/*; at most search.MAX_LIMIT


def index_of(request: Request) -> search.SearchIndex:
    index: search.SearchIndex = request.app.state.search
    return index


def install(app: Starlette) -> None:
    """Give the app its search index (the indexer thread runs in ``lifespan``)."""
    settings = app.state.wiki.settings
    app.state.search = search.SearchIndex(settings.data_dir / "search", settings.language)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """Keep the index following the database while the app serves: with an indexer thread
    (``WIKI_SEARCH_INDEXER=thread``), or by ringing the host's indexer after each commit."""
    w = app.state.wiki
    index: search.SearchIndex = app.state.search
    stop = search.watch(index, w.db, w.settings.search_indexer, w.settings.search_interval)
    try:
        yield
    finally:
        await run_in_threadpool(stop)
        index.close()


# --- Special:Search ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Form:
    text: str
    profile: str
    sort: str
    offset: int
    limit: int
    correct: bool  # search for a spelling correction when the query finds little


def _form(request: Request, sub: str) -> _Form:
    q = request.query_params
    text = q.get("search")
    if text is None:
        text = sub.replace("_", " ")  # Special:Search/otters, as MediaWiki allows
    profile = q.get("profile", "default")
    if profile not in PROFILES:
        profile = "default"
    sort = q.get("sort", "relevance")
    if sort not in SORTS:
        sort = "relevance"
    limit = min(int_param(q.get("limit")) or search.PAGE_SIZE, search.MAX_LIMIT)
    offset = int_param(q.get("offset")) or 0
    correct = q.get("nocorrect", "") in ("", "0")
    return _Form(text=text, profile=profile, sort=sort, offset=offset, limit=limit, correct=correct)


async def _go_target(request: Request, text: str) -> Title | None:
    """The page a "Go" search lands on: the exact title, else one that differs only in case."""
    try:
        title = titles.parse(text)
    except InvalidTitle:
        return None
    if title.is_special:
        return None
    if await wiki_of(request).read(lambda s: revisions.get_page(s, title) is not None):
        return title
    full = await run_in_threadpool(index_of(request).find_title, text)
    return titles.parse(full) if full else None


def _create_title(text: str) -> Title | None:
    """The title a "create this page" link offers, when the query could be one."""
    if any(c in text for c in '"*:') or text.startswith("-"):
        return None
    try:
        title = titles.parse(text)
    except InvalidTitle:
        return None
    return None if title.is_special else title


def _search_url(form: _Form, **changes: str | int) -> str:
    params: dict[str, str | int] = {
        "search": form.text,
        "fulltext": 1,
        "profile": form.profile,
        "sort": form.sort,
        "limit": form.limit,
        "offset": form.offset,
        "nocorrect": 0 if form.correct else 1,
    }
    params.update(changes)
    if not params["nocorrect"]:
        del params["nocorrect"]
    if params["offset"] == 0:
        del params["offset"]
    if params["limit"] == search.PAGE_SIZE:
        del params["limit"]
    if params["sort"] == "relevance":
        del params["sort"]
    return page_url("Special:Search", **params)


@special("Search", "Cari", "Pencarian", group="pages")
async def search_page(request: Request, sub: str) -> Response:
    """Ranked results; an exact title without ``fulltext`` goes straight to the page ("Go")."""
    w = wiki_of(request)
    form = _form(request, sub)
    text = form.text.strip()
    fulltext = request.query_params.get("fulltext", "") not in ("", "0")
    if text and not fulltext and len(text) <= titles.MAX_TITLE_BYTES:
        target = await _go_target(request, text)
        if target is not None:
            return RedirectResponse(page_url(target), status_code=302)
    results = None
    if text:
        results = await run_in_threadpool(
            index_of(request).search,
            text,
            namespaces=PROFILES[form.profile],
            sort=SORTS[form.sort],
            offset=form.offset,
            limit=form.limit,
            correct=form.correct,
        )
    create = _create_title(text) if text and len(text) <= titles.MAX_TITLE_BYTES else None
    if create is not None:
        offer = create
        exists = await w.read(lambda s: revisions.get_page(s, offer) is not None)
        create = None if exists or form.offset else create
    response = w.templates.response(
        request,
        "special_search.html",
        title=titles.parse("Special:Search"),
        form=form,
        results=results,
        create=create,
        profiles=PROFILE_LABELS,
        search_url=lambda **changes: _search_url(form, **changes),
    )
    return finish(request, response)


# --- REST API ------------------------------------------------------------------------------


def _rest_params(request: Request) -> tuple[str, int]:
    q = request.query_params.get("q")
    if q is None:
        raise BadInput(N_("The parameter {name} is required."), name="q")
    raw_limit = request.query_params.get("limit")
    limit = REST_LIMIT_DEFAULT
    if raw_limit is not None:
        parsed = int_param(raw_limit)
        if parsed is None or parsed > search.MAX_LIMIT:
            raise BadInput(
                N_("{name} must be a number from 1 to {max}."), name="limit", max=search.MAX_LIMIT
            )
        limit = parsed
    return q, limit


async def rest_search_page(request: Request) -> Response:
    """``GET /v1/search/page?q=&limit=``: full-text search of articles, as MediaWiki."""
    q, limit = _rest_params(request)
    results = await run_in_threadpool(index_of(request).search, q, limit=limit)
    pages = [
        {
            "id": hit.page_id,
            "key": hit.key,
            "title": hit.title,
            "excerpt": search.snippet_html(hit.snippet),
            "matched_title": hit.redirect_from,
            "description": None,
            "thumbnail": None,
        }
        for hit in results.hits
    ]
    return JSONResponse({"pages": pages})


async def rest_search_title(request: Request) -> Response:
    """``GET /v1/search/title?q=&limit=``: titles starting with ``q``, for autocomplete."""
    q, limit = _rest_params(request)
    matches = await run_in_threadpool(index_of(request).titles, q, limit)
    pages = [
        {
            "id": m.page_id,
            "key": m.key,
            "title": m.title,
            "excerpt": m.title,
            "matched_title": None,
            "description": None,
            "thumbnail": None,
        }
        for m in matches
    ]
    return JSONResponse({"pages": pages})
