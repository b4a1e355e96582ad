"""REST endpoints that MediaWiki's clients expect beside the core ones: a page without its
source (``/bare``) or with its HTML (``/with_html``), a revision's HTML, the page's language
links (always empty: we hold one language per wiki) and history counts.

Like :mod:`wiki.web.api`, titles are read from the raw path, so ``Foo%2Fbare`` is the page
"Foo/bare" and ``Foo/bare`` is the bare view of "Foo".
"""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import unquote_to_bytes

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from wiki import i18n
from wiki.errors import N_, BadInput, NotFound
from wiki.models import Page, Revision
from wiki.pages import rendering, revisions, visibility
from wiki.text import titles
from wiki.text.titles import Title
from wiki.web import api, rest
from wiki.web.base import wiki_of

MARKER = b"/v1/page/"
#: history/counts types, as MediaWiki names them.
#: ("reverted" needs a record of which edits were reverted, which we do not keep yet.)
COUNT_TYPES = ("edits", "anonymous", "minor", "editors", "bot")


def _title(request: Request, suffix: bytes) -> Title | None:
    """The title before ``suffix`` in the raw path; None when the suffix is part of the title
    (sent as ``%2F...``), so the caller serves the page itself."""
    raw = request.scope.get("raw_path")
    if not isinstance(raw, bytes) or MARKER not in raw:
        return titles.parse(request.path_params["title"])
    tail = raw.split(MARKER, 1)[1].split(b"?", 1)[0]
    if not tail.endswith(suffix):
        return None
    return titles.parse(unquote_to_bytes(tail[: -len(suffix)]).decode("utf-8", "replace"))


def _html_of(request: Request, session: Session, rev: Revision) -> str:
    w = wiki_of(request)
    gettext = i18n.translations(w.settings.language).gettext
    stored = rendering.stored_render(w.db, session, rev)
    return rendering.resolve(session, stored, gettext=gettext, section_link=None)


async def page_bare(request: Request) -> Response:
    title = _title(request, b"/bare")
    if title is None:
        return await api.get_page(request)

    def load(session: Session) -> tuple[dict[str, Any], Revision]:
        page, rev = rest.load_page(session, title)
        data = rest.page_json(page, rev)
        data.pop("source")
        data["html_url"] = api._api_url(request, api._page_api_path(revisions.page_title(page)))
        data["html_url"] += "/html"
        return data, rev

    data, rev = await wiki_of(request).read(load)
    data["license"] = api.license_of(request)
    return api._conditional(
        request, str(rev.id), lambda: JSONResponse(data), last_modified=rev.timestamp
    )


async def page_with_html(request: Request) -> Response:
    title = _title(request, b"/with_html")
    if title is None:
        return await api.get_page(request)
    epoch = wiki_of(request).epoch.current()

    def load(session: Session) -> tuple[dict[str, Any], Revision]:
        page, rev = rest.load_page(session, title)
        data = rest.page_json(page, rev)
        data.pop("source")
        data["html"] = _html_of(request, session, rev)
        return data, rev

    data, rev = await wiki_of(request).read(load)
    data["license"] = api.license_of(request)
    return api._conditional(request, f"{rev.id}-{epoch}", lambda: JSONResponse(data))


async def language_links(request: Request) -> Response:
    title = _title(request, b"/links/language")
    if title is None:
        return await api.get_page(request)
    await wiki_of(request).read(lambda s: rest.load_page(s, title))  # 404 for a missing page
    return JSONResponse([])


async def history_counts(request: Request) -> Response:
    kind = request.path_params["type"]
    title = _title(request, f"/history/counts/{kind}".encode())
    if title is None:
        return await api.get_page(request)
    if kind not in COUNT_TYPES:
        raise BadInput(N_("Unknown count type {type}."), type=kind[:40])

    def load(session: Session) -> int:
        page, _ = rest.load_page(session, title)
        r = Revision
        if kind == "editors":
            stmt: Any = select(func.count(func.distinct(r.user_text)))
        else:
            stmt = select(func.count())
        stmt = stmt.select_from(r).where(r.page_id == page.id)
        if kind == "anonymous":
            stmt = stmt.where(r.user_id.is_(None))
        elif kind == "minor":
            stmt = stmt.where(r.minor.is_(True))
        elif kind == "bot":
            return _bot_edits(session, page)
        return int(session.scalar(stmt) or 0)

    count = await wiki_of(request).read(load)
    return JSONResponse({"count": count, "limit": False})


def _bot_edits(session: Session, page: Page) -> int:
    """Edits flagged as bot edits when they were made (recent changes keep the flag)."""
    from wiki.models import RecentChange as rc

    stmt = select(func.count()).where(rc.page_id == page.id, rc.bot.is_(True))
    return int(session.scalar(stmt) or 0)


def _revision_id(request: Request) -> int:
    return api._revision_id(request, "id")


async def revision_html(request: Request) -> Response:
    rev_id = _revision_id(request)
    allowed = request.state.ctx.can("viewsuppressed")

    def load(session: Session) -> tuple[str, str]:
        rev = revisions.get_revision(session, rev_id)
        if rev.visibility & visibility.TEXT and not allowed:
            raise rest.Forbidden(
                N_("The text of revision {id} has been hidden by an administrator."), id=rev_id
            )
        page = session.get(Page, rev.page_id)
        if page is None:
            raise NotFound(N_("There is no revision with id {id}."), id=rev_id)
        return revisions.page_title(page).full, _html_of(request, session, rev)

    title, body = await wiki_of(request).read(load)
    if request.url.path.endswith("/with_html"):
        revision = await api.get_revision(request)
        doc = json.loads(bytes(revision.body))
        doc.pop("source", None)
        doc["html"] = body
        return JSONResponse(doc)
    lang = wiki_of(request).settings.language
    return HTMLResponse(
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>{body}</body></html>"
    )


def routes() -> list[BaseRoute]:
    """Placed before ``/v1/page/{title:path}``, which would swallow them."""
    return [
        Route("/v1/page/{title:path}/bare", page_bare, methods=["GET"]),
        Route("/v1/page/{title:path}/with_html", page_with_html, methods=["GET"]),
        Route("/v1/page/{title:path}/links/language", language_links, methods=["GET"]),
        Route("/v1/page/{title:path}/history/counts/{type}", history_counts, methods=["GET"]),
        Route("/v1/revision/{id:int}/html", revision_html, methods=["GET"]),
        Route("/v1/revision/{id:int}/with_html", revision_html, methods=["GET"]),
    ]
