"""Errors become HTTP responses here, in one place: an HTML page, or JSON under the API."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wiki import i18n
from wiki.db import is_unavailable
from wiki.errors import EditConflict, RateLimited, WikiError
from wiki.web.base import finish, make_ctx, wiki_of
from wiki.web.feeds import error_feed

API_PREFIX = "/w/rest.php"
#: Seconds a client is asked to wait while the database is unavailable.
OUTAGE_RETRY_AFTER = 5


def error_response(
    request: Request,
    status: int,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
    extra: dict[str, Any] | None = None,
    error_key: str = "",
    english: str = "",
) -> Response:
    """An error page (or JSON for API paths) with ``status`` and a message for people.

    API errors follow MediaWiki's REST shape: ``errorKey`` (stable, for programs), ``message``
    in English, and ``messageTranslations`` keyed by the reader's language."""
    reason = HTTPStatus(status).phrase
    if request.url.path.startswith(API_PREFIX):
        lang = request.state.ctx.lang if hasattr(request.state, "ctx") else "en"
        body: dict[str, Any] = {
            "httpCode": status,
            "httpReason": reason,
            "errorKey": error_key or "rest-" + reason.lower().replace(" ", "-").replace("'", ""),
            "messageTranslations": {lang: message},
            "message": english or message,
        }
        body.update(extra or {})
        return JSONResponse(body, status_code=status, headers=headers)
    if request.query_params.get("feed") in ("atom", "rss"):
        return error_feed(request, status, message)
    if not hasattr(request.state, "ctx"):
        request.state.ctx = make_ctx(request)
    w = wiki_of(request)
    response = w.templates.response(
        request, "error.html", status_code=status, status=status, reason=reason, message=message
    )
    if headers:
        response.headers.update(headers)
    return finish(request, response)


async def wiki_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WikiError)
    status = exc.status if 400 <= exc.status < 500 else 500
    if not hasattr(request.state, "ctx"):
        request.state.ctx = make_ctx(request)
    extra = None
    if isinstance(exc, EditConflict):
        # What a client needs to resolve the conflict without losing a word.
        extra = {
            "base": exc.base,
            "theirs": exc.theirs,
            "yours": exc.yours,
            "proposal": exc.proposal,
            "latest": {"id": exc.latest_id},
        }
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    if status == 405:
        headers = {"Allow": str(getattr(exc, "allow", "GET, HEAD"))}
    return error_response(
        request,
        status,
        exc.translated(request.state.ctx.gettext),
        extra=extra,
        headers=headers,
        error_key=_error_key(exc),
        english=exc.translated(i18n.translations("en").gettext),
    )


def _error_key(exc: WikiError) -> str:
    """``rest-`` and the exception's name in kebab case: EditConflict -> rest-edit-conflict."""
    name = re.sub(r"(?<!^)(?=[A-Z])", "-", type(exc).__name__).lower()
    return "rest-" + name


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(request, exc.status_code, str(exc.detail), headers=exc.headers)


async def server_error(request: Request, exc: Exception) -> Response:
    # Never a traceback: log it, and say so plainly.
    logging.getLogger("wiki").exception("unhandled error on %s", request.url.path)
    return error_response(request, 500, "Something went wrong on our side. Nothing was saved.")


def unavailable_response(request: Request) -> Response:
    """503 with ``Retry-After``: the database cannot answer now; nothing was saved."""
    headers = {"Retry-After": str(OUTAGE_RETRY_AFTER)}
    try:
        ctx = make_ctx(request)
        request.state.ctx = ctx
        message = ctx.gettext(
            "The wiki's database is not answering right now. Nothing was saved. "
            "Try again in a few seconds."
        )
        return error_response(request, 503, message, headers=headers)
    except Exception:  # the error page itself must not fail: say it plainly
        return PlainTextResponse("503 Service Unavailable", 503, headers=headers)


class OutageMiddleware:
    """Turns "the database is unavailable" into 503 + Retry-After, with no traceback in the log
    (``Database.outage`` logs one line per outage). Other errors pass through unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            wiki_of(Request(scope)).db.outage.failed(exc)  # usually noted already
            if started:  # a stream broke off half-way: nothing more can be said
                return
            await unavailable_response(Request(scope, receive))(scope, receive, send)
