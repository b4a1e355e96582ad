"""The application factory: the one module that wires settings, database, templates and routes."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette_compress import CompressMiddleware

from wiki.accounts.ratelimit import RateLimiter
from wiki.cache_channels import page_cache
from wiki.db import Database
from wiki.errors import WikiError
from wiki.settings import Settings
from wiki.text import titles
from wiki.web import (  # noqa: F401 (they register special pages)
    abuse,
    accounts,
    action_api,
    api,
    api_variants,
    botpasswords,
    changes,
    cite,
    credentials,
    export,
    health,
    import_page,
    moving,
    navigation,
    pages,
    patrol,
    patrol_api,
)
from wiki.web import search as search_web
from wiki.web import talk as talk_web
from wiki.web.assets import STATIC_DIR, Assets
from wiki.web.base import Wiki, make_ctx
from wiki.web.cors import CorsMiddleware, parse_origins
from wiki.web.errors import OutageMiddleware, http_error, server_error, wiki_error
from wiki.web.proxy import ProxyMiddleware
from wiki.web.security import SecurityHeadersMiddleware, Sessions
from wiki.web.templating import Templates

#: Paths that need no language, session or account (so no database): files and health checks.
NO_CONTEXT = ("/static/", "/healthz", "/readyz")


class ContextMiddleware:
    """Builds the request context (language, session) once, before any route runs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(NO_CONTEXT):
            request = Request(scope)
            wiki: Wiki = request.app.state.wiki
            sid = wiki.sessions.read(request)
            account, bad = await credentials.identify(request, wiki, sid)
            if bad and credentials.is_api(scope["path"]):
                await credentials.unauthorized(scope["path"])(scope, receive, send)
                return
            ctx = make_ctx(request, account)
            if credentials.bearer_token(request) is not None:
                ctx.session_id, ctx.csrf_token = None, ""  # a token is not ambient: no CSRF
            scope.setdefault("state", {})["ctx"] = ctx
            await talk_web.inbox_state(request, ctx)  # the bell, or "you have new messages"
        await self.app(scope, receive, send)


def routes(assets: Assets) -> list[BaseRoute]:
    return [
        Route("/", pages.root),
        *health.routes(),
        Route("/wiki/{title:path}", pages.page_get, methods=["GET", "HEAD"]),
        Route("/wiki/{title:path}", pages.page_post, methods=["POST"]),
        *action_api.routes(),
        Mount(
            "/w/rest.php",
            routes=[
                *patrol_api.routes(),
                *talk_web.api_routes(),
                *api.routes(api_variants.routes()),
            ],
        ),
        Mount("/static", app=assets, name="static"),
    ]


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """While serving: listen to the other hosts' cache invalidations, and index for search."""
    wiki: Wiki = app.state.wiki
    wiki.cache.start()
    try:
        async with search_web.lifespan(app):
            yield
    finally:
        wiki.cache.close()


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the app for ``settings`` (default: from the environment). Nothing is global."""
    settings = (settings or Settings.from_env()).validated().with_secret()
    titles.set_content_language(settings.language)  # namespace names in URLs and on pages
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    assets = Assets(STATIC_DIR)
    wiki = Wiki(
        settings=settings,
        db=db,
        templates=Templates(settings, assets),
        sessions=Sessions(settings.secret_key),
        cache=page_cache(settings),
        limiter=RateLimiter(
            db,
            settings.rate_limits,
            settings.redis_url,
            namespace=hashlib.sha256(settings.database_url.encode()).hexdigest()[:12],
        ),
    )
    app = Starlette(
        routes=routes(assets),
        middleware=[
            # Compression (zstd, Brotli or gzip, as the browser accepts) outermost: it sees the
            # final body; event streams are flushed message by message, never buffered.
            Middleware(CompressMiddleware),
            Middleware(SecurityHeadersMiddleware, hsts_seconds=settings.hsts_seconds),
            Middleware(CorsMiddleware, origins=parse_origins(settings.cors_origins)),
            Middleware(OutageMiddleware),
            Middleware(ProxyMiddleware, settings=settings),
            Middleware(ContextMiddleware),
        ],
        exception_handlers={
            WikiError: wiki_error,
            HTTPException: http_error,
            Exception: server_error,
        },
        lifespan=lifespan,
    )
    app.state.wiki = wiki
    search_web.install(app)
    talk_web.install(app)
    return app


__all__ = ["Response", "create_app"]
