"""The application factory: the one module that wires settings, database, templates and routes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from wiki.accounts.ratelimit import RateLimiter
from wiki.cache import Epoch
from wiki.db import Database
from wiki.errors import WikiError
from wiki.settings import Settings
from wiki.web import (  # noqa: F401 (they register special pages)
    abuse,
    accounts,
    api,
    changes,
    export,
    import_page,
    navigation,
    pages,
    patrol,
    patrol_api,
)
from wiki.web import search as search_web
from wiki.web import talk as talk_web
from wiki.web.base import Wiki, make_ctx
from wiki.web.errors import http_error, server_error, wiki_error
from wiki.web.security import SecurityHeadersMiddleware, Sessions
from wiki.web.templating import Templates

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


class ContextMiddleware:
    """Builds the request context (language, session) once, before any route runs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/static/"):
            request = Request(scope)
            wiki: Wiki = request.app.state.wiki
            sid = wiki.sessions.read(request)
            account = await wiki.account_for(sid) if sid else None
            ctx = make_ctx(request, account)
            scope.setdefault("state", {})["ctx"] = ctx
            await talk_web.inbox_state(request, ctx)  # the bell, or "you have new messages"
        await self.app(scope, receive, send)


def routes() -> list[BaseRoute]:
    return [
        Route("/", pages.root),
        Route("/wiki/{title:path}", pages.page_get, methods=["GET", "HEAD"]),
        Route("/wiki/{title:path}", pages.page_post, methods=["POST"]),
        Mount("/w/rest.php", routes=[*patrol_api.routes(), *talk_web.api_routes(), *api.routes()]),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the app for ``settings`` (default: from the environment). Nothing is global."""
    settings = (settings or Settings.from_env()).validated().with_secret()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    wiki = Wiki(
        settings=settings,
        db=db,
        templates=Templates(settings),
        sessions=Sessions(settings.secret_key),
        epoch=Epoch(settings.data_dir / "cache" / "epoch"),
        account_epoch=Epoch(settings.data_dir / "cache" / "accounts"),
        limiter=RateLimiter(
            db,
            settings.rate_limits,
            settings.redis_url,
            namespace=hashlib.sha256(settings.database_url.encode()).hexdigest()[:12],
        ),
    )
    app = Starlette(
        routes=routes(),
        middleware=[Middleware(SecurityHeadersMiddleware), Middleware(ContextMiddleware)],
        exception_handlers={
            WikiError: wiki_error,
            HTTPException: http_error,
            Exception: server_error,
        },
        lifespan=search_web.lifespan,
    )
    app.state.wiki = wiki
    search_web.install(app)
    talk_web.install(app)
    return app


__all__ = ["Response", "create_app"]
