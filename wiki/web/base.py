"""What every route shares: the app's services, the request context and small helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from wiki import diffing, i18n, markup
from wiki.cache import LRU, Epoch
from wiki.db import Database
from wiki.settings import Settings
from wiki.titles import Title
from wiki.web.security import LANG_COOKIE, Sessions
from wiki.web.templating import Ctx, Templates

T = TypeVar("T")


@dataclass(frozen=True)
class Article:
    """A page's latest revision, rendered with its links resolved, ready for a view."""

    title: Title
    page_id: int
    revision_id: int
    timestamp: datetime
    user_text: str
    html: str
    headings: list[markup.Heading]
    categories: list[str]
    redirect: str | None


@dataclass
class Wiki:
    """The services one app instance holds; stored on ``app.state.wiki``."""

    settings: Settings
    db: Database
    templates: Templates
    sessions: Sessions
    epoch: Epoch
    article_cache: LRU[tuple[str, str], Article] = field(init=False)
    page_cache: LRU[tuple[str, str], bytes] = field(init=False)

    def __post_init__(self) -> None:
        self.article_cache = LRU(self.settings.page_cache_size)
        self.page_cache = LRU(self.settings.page_cache_size)

    async def read(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in a read session, off the event loop."""

        def work() -> T:
            with self.db.read() as session:
                return fn(session)

        return await run_in_threadpool(work)

    async def write_quiet(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in one write transaction that changes nothing readers see (no epoch bump)."""

        def work() -> T:
            with self.db.write() as session:
                return fn(session)

        return await run_in_threadpool(work)

    async def write(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in one write transaction, off the event loop; bump the cache epoch after."""

        def work() -> T:
            with self.db.write() as session:
                result = fn(session)
            self.epoch.bump()
            return result

        return await run_in_threadpool(work)


def wiki_of(request: Request) -> Wiki:
    w: Wiki = request.app.state.wiki
    return w


def make_ctx(request: Request) -> Ctx:
    """Build the request context: language negotiation, session, client IP."""
    w = wiki_of(request)
    uselang = request.query_params.get("uselang")
    lang = i18n.negotiate(
        uselang,
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
        w.settings.language,
    )
    sid = w.sessions.read(request)
    ctx = Ctx(
        lang=lang,
        session_id=sid,
        client_ip=request.client.host if request.client else "127.0.0.1",
        set_lang_cookie=bool(uselang) and uselang == lang,
    )
    if sid:
        ctx.csrf_token = w.sessions.csrf_token(sid)
    return ctx


def ensure_session(request: Request) -> Ctx:
    """Give the request a session (for a form that will POST), creating one if needed."""
    ctx: Ctx = request.state.ctx
    if ctx.session_id is None:
        w = wiki_of(request)
        ctx.session_id = w.sessions.new_id()
        ctx.csrf_token = w.sessions.csrf_token(ctx.session_id)
        ctx.new_session = True
    return ctx


def finish(request: Request, response: Response) -> Response:
    """Attach cookies the request context asked for."""
    ctx: Ctx = request.state.ctx
    if ctx.new_session and ctx.session_id:
        wiki_of(request).sessions.set_cookie(response, request, ctx.session_id)
    if ctx.set_lang_cookie:
        response.set_cookie(LANG_COOKIE, ctx.lang, max_age=365 * 86400, samesite="lax")
    return response


MAX_ID = 2**31 - 1  # ids are 32-bit integers in every database we support


def int_param(value: Any) -> int | None:
    """A positive id-sized int from a query or form value, or None."""
    if value is None or value == "":
        return None
    text = str(value)
    if not text.isdigit() or len(text) > 10:
        return None
    n = int(text)
    return n if 0 < n <= MAX_ID else None


async def run_diff(request: Request, old: str, new: str) -> diffing.DiffResult:
    """Diff two texts off the event loop, under the configured time limit."""
    timeout = wiki_of(request).settings.diff_timeout
    return await run_in_threadpool(lambda: diffing.diff(old, new, timeout=timeout))
