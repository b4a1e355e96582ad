"""The application factory: the one module that wires settings, database, templates and routes."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from wiki.cache import Epoch
from wiki.db import Database
from wiki.errors import WikiError
from wiki.settings import Settings
from wiki.web import api, editing, pages
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
            scope.setdefault("state", {})["ctx"] = make_ctx(request)
        await self.app(scope, receive, send)


def routes() -> list[BaseRoute]:
    return [
        Route("/", pages.root),
        Route("/wiki/{title:path}", pages.page_get, methods=["GET", "HEAD"]),
        Route("/wiki/{title:path}", editing.page_post, methods=["POST"]),
        Mount("/w/rest.php", routes=api.routes()),
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
    )
    app = Starlette(
        routes=routes(),
        middleware=[Middleware(SecurityHeadersMiddleware), Middleware(ContextMiddleware)],
        exception_handlers={
            WikiError: wiki_error,
            HTTPException: http_error,
            Exception: server_error,
        },
    )
    app.state.wiki = wiki
    return app


__all__ = ["Response", "create_app"]
