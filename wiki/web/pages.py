"""Page routes at MediaWiki's URLs: ``/wiki/Title`` with ``?action=``, ``?oldid=`` and ``?diff=``.

Routes are thin: they parse the request, call services in
``wiki.pages.revisions``/``wiki.pages.rendering``/
``wiki.text.diffing``, and pick a template. Errors raised by services become responses in
``wiki.web.errors``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from wiki.accounts import protection
from wiki.errors import N_, BadInput, NotFound
from wiki.models import Page
from wiki.navigation import links
from wiki.pages import rendering, revisions, visibility
from wiki.pages.rendering import page_url
from wiki.patrol import scoring
from wiki.text import titles
from wiki.text.titles import NS_CATEGORY, Title
from wiki.web import admin, editing, feeds, navigation, patrol, special
from wiki.web import talk as talk_web
from wiki.web.base import Article, finish, int_param, run_diff, wiki_of
from wiki.web.security import CSRF_FIELD
from wiki.web.templating import Ctx

MAIN_PAGE = "Main Page"
HISTORY_LIMIT_DEFAULT = 50


async def root(request: Request) -> Response:
    return RedirectResponse(page_url(MAIN_PAGE), status_code=302)


def _title_from_path(request: Request) -> Title:
    raw = request.path_params["title"]
    return titles.parse(raw)


async def page_get(request: Request) -> Response:
    """Dispatch a GET on /wiki/Title by its query parameters, as index.php does."""
    q = request.query_params
    if "diff" in q:
        return await diff_view(request)
    title = _title_from_path(request)
    canonical = page_url(title)
    # Compare decoded forms: the path parameter is already percent-decoded.
    if request.path_params["title"] != title.key and not title.is_special:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(canonical + query, status_code=301)
    if title.is_special:
        return await special.dispatch(request, title)
    action = q.get("action", "view")
    if "oldid" in q and action == "view":
        return await oldid_view(request, title)
    if action in ("edit", "submit") and ("undo" in q or "oldid" in q):
        return await patrol.revert_form(request, title)  # undo, or restore an old revision
    handler = {
        "view": view,
        "edit": editing.edit_form,
        "submit": editing.edit_form,
        "history": history_view,
        "raw": raw_view,
        "info": info_view,
        "protect": admin.protect_form,
        "unprotect": admin.protect_form,
        "watch": patrol.watch_form,
        "unwatch": patrol.watch_form,
        "delete": patrol.delete_form,
    }.get(action)
    if handler is None:
        raise BadInput(N_("Unknown action: {action}."), action=action)
    return await handler(request, title)


#: What a POST to /wiki/Title can do, by ``?action=`` (special pages have their own table in
#: ``wiki.web.special``). Each handler checks the token, calls one action and redirects.
POST_ACTIONS: dict[str, Callable[[Request, Title], Awaitable[Response]]] = {
    "submit": editing.submit,
    "edit": editing.submit,
    "protect": admin.protect_post,
    "watch": patrol.watch_post,
    "unwatch": patrol.watch_post,
    "markpatrolled": patrol.patrol_post,
    "rollback": patrol.rollback_post,
    "delete": patrol.delete_post,
}


async def page_post(request: Request) -> Response:
    """Dispatch a POST on /wiki/Title: special pages, or the ``?action=`` in POST_ACTIONS."""
    title = _title_from_path(request)
    if title.is_special:
        return await special.dispatch(request, title)
    action = request.query_params.get("action", "submit")
    handler = POST_ACTIONS.get(action)
    if handler is None:
        raise BadInput(N_("Unknown action: {action}."), action=action)
    return await handler(request, title)


# --- reading -----------------------------------------------------------------------------------


def _section_link(ctx: Ctx, title: Title) -> Any:
    label = ctx.gettext("edit")

    def link(n: int) -> str:
        from markupsafe import escape

        href = escape(page_url(title, action="edit", section=n))
        return f'<span class="editsection">[<a href="{href}">{escape(label)}</a>]</span>'

    return link


def _load_article(request: Request, title: Title, session: Session) -> Article | None:
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    page = revisions.get_page(session, title)
    if page is None or page.latest_id is None:
        return None
    rev = revisions.latest_revision(session, page)
    stored = rendering.stored_render(w.db, session, rev)
    html = rendering.resolve(
        session,
        stored,
        gettext=ctx.gettext,
        section_link=_section_link(ctx, title),
    )
    if title.is_talk:  # comment anchors and Reply links
        html = talk_web.decorate(html, rev.text, title, ctx.gettext)
    # Red or blue: the category links at the bottom and the redirect target.
    target = titles.parse(stored.redirect) if stored.redirect else None
    wanted = [Title(NS_CATEGORY, c) for c in stored.categories]
    found = links.existing_titles(session, [*wanted, target] if target else wanted)
    return Article(
        title=title,
        page_id=page.id,
        revision_id=rev.id,
        timestamp=rev.timestamp,
        # Shared by every reader: a hidden author stays hidden here for everyone.
        user_text="" if rev.visibility & visibility.USER else rev.user_text,
        html=html,
        headings=stored.headings,
        categories=stored.categories,
        redirect=stored.redirect,
        protections=protection.current(session, title),
        redirect_exists=target in found,
        missing_categories=frozenset(
            c for c in stored.categories if Title(NS_CATEGORY, c) not in found
        ),
        # The Page | Talk tabs: is the other one red? (Cached with the article.)
        associated_exists=bool(
            links.existing_titles(session, [title.subject() if title.is_talk else title.talk()])
        ),
    )


async def _article(request: Request, title: Title, epoch: int) -> Article | None:
    """The latest revision of ``title``, from this process's cache or from the database."""
    w = wiki_of(request)
    cache_key = (title.key, request.state.ctx.lang)
    article = w.article_cache.get(cache_key, epoch)
    if article is None:
        article = await w.read(lambda s: _load_article(request, title, s))
        if article is not None:
            w.article_cache.put(cache_key, epoch, article)
    return article


async def _follow(
    request: Request, title: Title, article: Article, epoch: int
) -> tuple[Article, Title | None]:
    """Follow a redirect once (unless ?redirect=no): the article to show, and the title it was
    reached from. A redirect to a missing, special or the same page is shown as it is."""
    if not (article.redirect and article.redirect_exists):
        return article, None
    target = titles.parse(article.redirect)
    if request.query_params.get("redirect") == "no" or target.is_special or target == title:
        return article, None
    followed = await _article(request, target, epoch)
    return (article, None) if followed is None else (followed, title)


async def view(request: Request, title: Title) -> Response:
    """Read the latest revision, from the page cache for anonymous readers when possible."""
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    cache_key = (title.key, ctx.lang)
    epoch = w.epoch.current()  # read before the database: see wiki.cache
    # Every visitor without an account sees the same page (a session only carries a CSRF
    # token, which page views do not show), unless an IP has new messages to be told about.
    anonymous = ctx.user_id is None and not ctx.new_messages and not request.query_params
    if anonymous:
        body = w.page_cache.get(cache_key, epoch)
        if body is not None:
            return Response(body, media_type="text/html; charset=utf-8")
    # A logged-in reader's page differs by their name, rights, watch star and bell: it is
    # reused for them until a save, an account or watch change, or new notifications.
    personal_key: tuple[int, str, str] | None = None
    personal_version = 0
    if ctx.user_id is not None and not request.query_params:
        personal_key = (ctx.user_id, title.key, ctx.lang)
        inbox = talk_web.inbox_of(request).version(w)
        personal_version = hash((epoch, w.account_version(), inbox, ctx.unread_notifications))
        body = w.personal_cache.get(personal_key, personal_version)
        if body is not None:
            return Response(body, media_type="text/html; charset=utf-8")
    article = await _article(request, title, epoch)
    if article is None:
        listing = None
        if title.ns == NS_CATEGORY:  # a category lists its members even without a description
            listing = await navigation.category_listing(request, title)
        status = 404 if listing is None or listing.empty else 200
        response = w.templates.response(
            request, "page_missing.html", status, title=title, listing=listing
        )
        return finish(request, response)
    # The cache key stays the requested title: any save bumps the epoch, redirects included.
    shown, redirected_from = await _follow(request, title, article, epoch)
    listing = None
    if shown.title.ns == NS_CATEGORY:
        listing = await navigation.category_listing(request, shown.title)
    watch_state = await patrol.visit(request, shown.title)  # logged in: seen, star
    body_text = w.templates.render(
        ctx,
        "page_view.html",
        request=request,
        title=shown.title,
        article=shown,
        redirected_from=redirected_from,
        # Shown, never followed again: a redirect back to itself or to the page asked for.
        redirect_loop=shown.redirect in (shown.title.full, title.full),
        listing=listing,
        watch_state=watch_state,
    )
    body = body_text.encode("utf-8")
    if anonymous:
        w.page_cache.put(cache_key, epoch, body)
    elif personal_key is not None:
        w.personal_cache.put(personal_key, personal_version, body)
    return finish(request, Response(body, media_type="text/html; charset=utf-8"))


@dataclass(frozen=True)
class OldRevision:
    title: Title
    revision: revisions.RevisionInfo
    html: str
    prev_id: int | None
    next_id: int | None
    latest_id: int | None


async def oldid_view(request: Request, title: Title) -> Response:
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    rev_id = int_param(request.query_params.get("oldid"))
    if rev_id is None:
        raise BadInput(N_("oldid must be a revision number."))

    def load(session: Session) -> OldRevision:
        rev = revisions.get_revision(session, rev_id)
        patrol.require_visible_text(ctx, rev.visibility, rev.id)
        page = session.get(Page, rev.page_id)
        assert page is not None
        stored = rendering.stored_render(w.db, session, rev)
        html = rendering.resolve(session, stored, gettext=ctx.gettext, section_link=None)
        prev_id, next_id = revisions.neighbours(session, rev)
        return OldRevision(
            title=revisions.page_title(page),
            revision=visibility.redact(
                revisions.revision_info(session, rev.id), patrol.can_see_hidden(ctx)
            ),
            html=html,
            prev_id=prev_id,
            next_id=next_id,
            latest_id=page.latest_id,
        )

    old = await w.read(load)
    return finish(
        request, w.templates.response(request, "page_oldid.html", title=old.title, old=old)
    )


async def raw_view(request: Request, title: Title) -> Response:
    w = wiki_of(request)
    rev_id = int_param(request.query_params.get("oldid"))

    def load(session: Session) -> str:
        if rev_id is not None:
            rev = revisions.get_revision(session, rev_id)
            patrol.require_visible_text(request.state.ctx, rev.visibility, rev.id)
            return rev.text
        page = revisions.get_page(session, title)
        if page is None:
            raise NotFound(N_("The page {title} does not exist."), title=title.full)
        return revisions.latest_revision(session, page).text

    text = await w.read(load)
    return PlainTextResponse(text, headers={"Cache-Control": "private, max-age=0"})


async def info_view(request: Request, title: Title) -> Response:
    w = wiki_of(request)

    def load(session: Session) -> revisions.PageInfo:
        page = revisions.get_page(session, title)
        if page is None:
            raise NotFound(N_("The page {title} does not exist."), title=title.full)
        info = revisions.page_info(session, page)
        allowed = patrol.can_see_hidden(request.state.ctx)
        return dataclasses.replace(
            info,
            creator=visibility.redact(info.creator, allowed),
            latest=visibility.redact(info.latest, allowed),
        )

    info = await w.read(load)
    return finish(request, w.templates.response(request, "page_info.html", title=title, info=info))


async def history_view(request: Request, title: Title) -> Response:
    w = wiki_of(request)
    q = request.query_params
    if q.get("feed") == "atom":
        return await feeds.history_feed(request, title)
    limit = int_param(q.get("limit")) or HISTORY_LIMIT_DEFAULT
    older = int_param(q.get("offset")) or int_param(q.get("older_than"))
    newer = int_param(q.get("newer_than"))

    def load(session: Session) -> tuple[Page, revisions.HistoryPage]:
        page = revisions.get_page(session, title)
        if page is None:
            raise NotFound(N_("The page {title} does not exist."), title=title.full)
        return page, revisions.history(
            session, page, limit=min(limit, 500), older_than=older, newer_than=newer
        )

    page, hist = await w.read(load)
    ctx: Ctx = request.state.ctx
    response = w.templates.response(
        request,
        "page_history.html",
        title=title,
        page=page,
        hist=patrol.redact_history(ctx, hist),
        limit=limit,
        watch_state=await patrol.watch_state(request, title),
        csrf_field=CSRF_FIELD,
    )
    return finish(request, response)


# --- diffs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffPair:
    title: Title
    old: revisions.RevisionInfo | None
    new: revisions.RevisionInfo
    old_text: str
    new_text: str
    prev_of_old: int | None
    next_of_new: int | None
    latest_id: int | None
    #: The new revision's vandalism score (None: unscored, or hidden with the text).
    score: scoring.StoredScore | None = None


def load_diff_pair(session: Session, diff: str, oldid: int | None) -> DiffPair:
    """Resolve MediaWiki's diff parameters (diff=N|prev|next|cur, oldid=M) to two revisions."""
    if diff in ("prev", "next", "cur", "0", ""):
        if oldid is None:
            raise BadInput(N_("diff={diff} needs an oldid."), diff=diff)
        base = revisions.get_revision(session, oldid)
        prev_id, next_id = revisions.neighbours(session, base)
        page = session.get(Page, base.page_id)
        assert page is not None
        if diff == "prev":
            old_rev, new_rev = (revisions.get_revision(session, prev_id) if prev_id else None), base
        elif diff == "next":
            old_rev, new_rev = base, (revisions.get_revision(session, next_id) if next_id else base)
        else:
            assert page.latest_id is not None
            old_rev, new_rev = base, revisions.get_revision(session, page.latest_id)
    else:
        new_id = int_param(diff)
        if new_id is None:
            raise BadInput(N_("diff must be a revision number, prev, next or cur."))
        new_rev = revisions.get_revision(session, new_id)
        if oldid is None:
            prev_id, _ = revisions.neighbours(session, new_rev)
            old_rev = revisions.get_revision(session, prev_id) if prev_id else None
        else:
            # Revisions of two pages may be compared, as MediaWiki allows; older one first.
            old_rev = revisions.get_revision(session, oldid)
            if old_rev.id > new_rev.id:
                old_rev, new_rev = new_rev, old_rev
    page = session.get(Page, new_rev.page_id)
    assert page is not None
    prev_of_old = revisions.neighbours(session, old_rev)[0] if old_rev else None
    next_of_new = revisions.neighbours(session, new_rev)[1]
    return DiffPair(
        title=revisions.page_title(page),
        old=revisions.revision_info(session, old_rev.id) if old_rev else None,
        new=revisions.revision_info(session, new_rev.id),
        old_text=old_rev.text if old_rev else "",
        new_text=new_rev.text,
        prev_of_old=prev_of_old,
        next_of_new=next_of_new,
        latest_id=page.latest_id,
        score=scoring.stored(new_rev),
    )


async def diff_view(request: Request) -> Response:
    w = wiki_of(request)
    q = request.query_params
    oldid = int_param(q.get("oldid"))
    if q.get("oldid") not in (None, "") and oldid is None:
        raise BadInput(N_("oldid must be a revision number."))
    pair = await w.read(lambda s: load_diff_pair(s, q.get("diff", ""), oldid))
    pair, tools = await patrol.diff_tools(request, pair)  # hidden parts, patrol, rollback
    ctx: Ctx = request.state.ctx
    # The score tells about the text: hidden with it.
    score = None if tools.hidden_text else pair.score
    result = await run_diff(request, pair.old_text, pair.new_text)
    preferred = ctx.account.diff_mode if ctx.account is not None else "side"
    mode = "inline" if q.get("diffmode", preferred) == "inline" else "side"
    response = w.templates.response(
        request,
        "page_diff.html",
        title=pair.title,
        pair=pair,
        result=result,
        mode=mode,
        tools=tools,
        watch_state=tools.watch,
        csrf_field=CSRF_FIELD,
        score=score,
        score_reasons=[r.message(ctx.gettext) for r in score.reasons] if score else [],
    )
    return finish(request, response)
