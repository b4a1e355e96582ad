"""What every route shares: the app's services, the request context and small helpers."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from wiki import i18n
from wiki.accounts import botpasswords, protection, users
from wiki.accounts.ratelimit import RateLimiter
from wiki.actions.context import REST, WEB, Actor, Change, Env
from wiki.cache import LRU, Epoch, PageCache
from wiki.db import Database
from wiki.navigation import dependents
from wiki.patrol import watchlist
from wiki.settings import Settings
from wiki.text import diffing, diffing_cache, markup
from wiki.text.titles import Title
from wiki.web import proxy
from wiki.web.security import LANG_COOKIE, Sessions
from wiki.web.templating import Ctx, Templates

T = TypeVar("T")
log = logging.getLogger(__name__)
P = ParamSpec("P")


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
    protections: dict[str, protection.ProtectionInfo] = field(default_factory=dict)
    redirect_exists: bool = False  # the redirect target is a page (else the link is red)
    missing_categories: frozenset[str] = frozenset()  # categories without a description page
    #: The talk page exists (on a talk page: its subject page); else the tab is red.
    associated_exists: bool = True


@dataclass
class Wiki:
    """The services one app instance holds; stored on ``app.state.wiki``."""

    settings: Settings
    db: Database
    templates: Templates
    sessions: Sessions
    #: Cache versions and invalidation, shared by every process and host (see wiki.cache).
    cache: PageCache
    limiter: RateLimiter
    article_cache: LRU[tuple[str, str], Article] = field(init=False)
    page_cache: LRU[tuple[str, str], bytes] = field(init=False)
    personal_cache: LRU[tuple[int, str, str], bytes] = field(init=False)
    account_cache: LRU[str, tuple[users.Account | None]] = field(init=False)
    watch_cache: LRU[tuple[int, str], watchlist.WatchState] = field(init=False)
    trusted_proxies: frozenset[str] = field(init=False)
    _last_notification: int | None = field(default=None, init=False)
    #: What every action needs (wiki.actions): settings, database, limiter, cache invalidation.
    env: Env = field(init=False)

    def __post_init__(self) -> None:
        self.env = Env(self.settings, self.db, self.limiter, changed=self.changed)
        self.article_cache = LRU(self.settings.page_cache_size)
        self.page_cache = LRU(self.settings.page_cache_size)
        self.personal_cache = LRU(self.settings.page_cache_size)
        self.account_cache = LRU(4096)
        self.watch_cache = LRU(8192)
        self.trusted_proxies = proxy.parse_trusted(self.settings.trusted_proxies)

    @property
    def epoch(self) -> Epoch:
        """Bumped for everything at once (``invalidate_all``); saves bump pages instead."""
        return self.cache.epoch("epoch")

    @property
    def account_epoch(self) -> Epoch:
        """Bumped when a login session or account changes (logout, rights, preferences,
        blocks, watches)."""
        return self.cache.epoch("accounts")

    def page_version(self, title: Title) -> tuple[int, int]:
        """The version cached views of ``title`` are checked against; read it *before* the
        database (see wiki.cache)."""
        return self.cache.version(title.key)

    def invalidate(self, titles: Sequence[Title], *, links_changed: bool = False) -> None:
        """After a commit that changed ``titles``: make their cached views stale on every
        process and host, with what shows them (wiki.navigation.dependents: redirects,
        category pages, notified users' bells and, with ``links_changed`` (created, deleted,
        moved, restored), the pages linking to them). Blocking (one read): call it off the
        event loop. Never raises: on any error every cached page is made stale instead."""
        try:
            with self.db.read() as session:
                keys = dependents.stale(session, titles, existence=links_changed)
                notified, self._last_notification = dependents.notified_since(
                    session, self._last_notification
                )
            self.cache.invalidate(keys | notified)
        except Exception:
            log.exception("per-page invalidation failed; invalidating everything")
            self.cache.invalidate_all()

    def changed(self, change: Change) -> None:
        """After an action's commit (``Env.changed``): make the caches forget what it
        changed, page by page (see :meth:`invalidate`)."""
        if change.titles:
            self.invalidate(sorted(change.titles), links_changed=change.existence)
        elif change.existence:
            self.cache.invalidate_all()
        if change.accounts:
            self.account_epoch.bump()

    def account_version(self) -> int:
        """Changes when an account, session or watch changes, and every minute (implicit
        groups like autoconfirmed, and watch expiry, change with time)."""
        return self.account_epoch.current() + int(time.time() // 60)

    async def account_for(self, sid: str) -> users.Account | None:
        """The account behind a session id (None for anonymous sessions), cached per epoch."""
        epoch = self.account_version()
        cached = self.account_cache.get(sid, epoch)
        if cached is not None:
            return cached[0]
        settings = self.settings

        def load(session: Session) -> users.Account | None:
            user = users.session_user(session, sid)
            if user is None:
                return None
            found = users.account(
                session,
                user,
                autoconfirm_days=settings.autoconfirm_days,
                autoconfirm_edits=settings.autoconfirm_edits,
            )
            granted = botpasswords.session_grants(session, sid)
            return found if granted is None else dataclasses.replace(found, grants=granted)

        account = await self.read(load)
        self.account_cache.put(sid, epoch, (account,))
        return account

    def client_ip(self, request: Request) -> str:
        """The client's IP; ``X-Forwarded-For`` counts only when the peer is a trusted proxy."""
        peer = request.client.host if request.client else "127.0.0.1"
        forwarded = request.headers.get("x-forwarded-for", "")
        return proxy.client_ip(peer, forwarded, self.trusted_proxies)

    def absolute_url(self, request: Request, path: str) -> str:
        """``path`` (starting with "/") as an absolute URL: on ``WIKI_SERVER_URL`` when set,
        else on the request's own scheme and host."""
        origin = self.settings.public_origin or str(request.base_url).rstrip("/")
        return origin + path

    async def act(self, action: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run an action of ``wiki.actions`` off the event loop."""
        return await run_in_threadpool(action, *args, **kwargs)

    async def read(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in a read session, off the event loop."""

        def work() -> T:
            with self.db.read() as session:
                return fn(session)

        return await run_in_threadpool(work)


def wiki_of(request: Request) -> Wiki:
    w: Wiki = request.app.state.wiki
    return w


def make_ctx(request: Request, account: users.Account | None = None) -> Ctx:
    """Build the request context: language negotiation, session, account, client IP."""
    w = wiki_of(request)
    uselang = request.query_params.get("uselang")
    lang = i18n.negotiate(
        uselang,
        (account.language if account else None) or request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
        w.settings.language,
    )
    sid = w.sessions.read(request)
    ctx = Ctx(
        lang=lang,
        session_id=sid,
        client_ip=w.client_ip(request),
        set_lang_cookie=bool(uselang) and uselang == lang,
    )
    if sid:
        ctx.csrf_token = w.sessions.csrf_token(sid)
    if account is not None:
        ctx.user_id = account.id
        ctx.user_name = account.name
        ctx.groups = account.groups
        ctx.account = account
        ctx.grants = account.grants
    i18n.set_reader(
        lang, account.timezone if account is not None else "UTC", show_zone=account is None
    )
    return ctx


def actor_of(ctx: Ctx, channel: str = WEB) -> Actor:
    """Who is asking, for ``wiki.actions``; web forms also name the session (for drafts)."""
    return Actor(
        user_id=ctx.user_id,
        name=ctx.actor,
        ip=ctx.client_ip,
        groups=ctx.groups,
        grants=ctx.grants,
        channel=channel,
        session_id=ctx.session_id if channel == WEB else None,
    )


def request_actor(request: Request) -> Actor:
    """The actor of this request: REST under ``/w/rest.php``, the web forms elsewhere."""
    rest = request.url.path.startswith("/w/rest.php")
    return actor_of(request.state.ctx, REST if rest else WEB)


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
    """Diff two texts off the event loop, under the configured CPU-time limit.

    Results are cached per pair of texts (:mod:`wiki.text.diffing_cache`): the caller has
    already loaded both texts, so it has passed their visibility checks.
    """
    timeout = wiki_of(request).settings.diff_timeout
    return await run_in_threadpool(lambda: diffing_cache.cached_diff(old, new, timeout=timeout))
