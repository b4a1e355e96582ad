"""Talk pages on the web: Reply links, the reply and new-topic forms, Special:Notifications, the
header's bell and "you have new messages", and the REST routes for topics, replies and
notifications. Thin: the work is done by ``wiki.talk.posting`` (both the HTML forms and the API
call the
same service functions) and the format is ``wiki.talk.threads``.

Without JavaScript a Reply link opens ``Special:Reply/<page>?comment=<id>``, a small form; with
JavaScript (``static/talk.js``) the same form is fetched and opened under the comment.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from wiki.actions import personal
from wiki.actions import talk as talk_actions
from wiki.actions.context import REST
from wiki.cache import LRU, Epoch
from wiki.errors import (
    N_,
    AbuseWarned,
    BadInput,
    EditConflict,
    InvalidTitle,
    NotFound,
    PermissionDenied,
    RateLimited,
    WikiError,
)
from wiki.models import Notification
from wiki.pages import revisions
from wiki.pages.rendering import page_url
from wiki.patrol import abuse
from wiki.talk import notifications, threads
from wiki.talk import posting as talk
from wiki.text import titles
from wiki.text.titles import Title
from wiki.web import forms, rest
from wiki.web.base import Wiki, actor_of, request_actor, wiki_of
from wiki.web.special import special
from wiki.web.templating import Ctx

NOTIFICATIONS_LIMIT = 50
UNREAD_CAP = 100  # the bell counts up to this many ("99+")
FRAGMENT_SAFE = "-_.:~!$'()*,;@"


class LoginRequired(WikiError):
    status = 401


# --- the inbox: the bell and "you have new messages" ------------------------------------------


@dataclass
class Inbox:
    """Per-process caches of unread counts (per user) and IP new-message flags. An entry is
    valid while neither the data epoch moves (every save: notifications are only made by saves)
    nor the inbox epoch (bumped by ``inbox_changed`` when notifications are marked read or a
    flag is cleared), and for a minute at most (code that marks notifications read without
    calling ``inbox_changed`` is then seen within a minute)."""

    epoch: Epoch
    unread: LRU[int, tuple[int, frozenset[tuple[int, str]]]]
    flags: LRU[str, tuple[int | None]]

    def version(self, w: Wiki) -> int:
        return hash((w.epoch.current(), self.epoch.current(), _minute()))


def _minute() -> int:
    return int(time.time() // 60)


def install(app: Starlette) -> None:
    """Give the app its inbox caches (``app.state.inbox``)."""
    settings = app.state.wiki.settings
    app.state.inbox = Inbox(
        epoch=Epoch(settings.data_dir / "cache" / "inbox"), unread=LRU(4096), flags=LRU(4096)
    )


def inbox_of(request: Request) -> Inbox:
    inbox: Inbox = request.app.state.inbox
    return inbox


def inbox_changed(request: Request) -> None:
    """Call after marking notifications read (or clearing an IP's flag) outside a save, so
    every process recounts the bell."""
    inbox_of(request).epoch.bump()


def _viewed_title(request: Request) -> Title | None:
    """The page a plain GET of ``/wiki/Title`` shows (None for actions, diffs, special pages)."""
    q = request.query_params
    if request.method != "GET" or q.get("action", "view") != "view" or "diff" in q or "oldid" in q:
        return None
    try:
        title = titles.parse(request.url.path.removeprefix("/wiki/"))
    except InvalidTitle:
        return None
    return None if title.is_special else title


def _unread(session: Session, user_id: int) -> tuple[int, frozenset[tuple[int, str]]]:
    rows = session.execute(
        select(Notification.namespace, Notification.title)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .limit(UNREAD_CAP)
    ).all()
    return len(rows), frozenset((ns, text) for ns, text in rows)


async def inbox_state(request: Request, ctx: Ctx) -> None:
    """Fill in the bell's count (logged in) or the new-messages flag (an anonymous visitor with
    a session) for an HTML GET; reading a page marks its notifications (or the IP's own talk
    page, its flag) read. Costs nothing for anonymous readers without a session cookie, who
    get cached pages, and no query while nothing changed (see ``Inbox``)."""
    if request.method not in ("GET", "HEAD") or not request.url.path.startswith("/wiki/"):
        return
    if ctx.user_id is None and ctx.session_id is None:
        return
    w, inbox = wiki_of(request), inbox_of(request)
    version = inbox.version(w)  # before the database, as wiki.cache explains
    viewing = _viewed_title(request)
    if ctx.user_id is not None:
        user_id = ctx.user_id
        cached = inbox.unread.get(user_id, version)
        if cached is None:
            cached = await w.read(lambda s: _unread(s, user_id))
            inbox.unread.put(user_id, version, cached)
        count, pages = cached
        if viewing is not None and (viewing.ns, viewing.text) in pages:
            title = viewing
            count -= await w.act(personal.mark_page_read, w.env, actor_of(ctx), title)
            inbox.epoch.bump()
        ctx.unread_notifications = max(0, count)
        return
    ip = ctx.client_ip
    flag = inbox.flags.get(ip, version)
    if flag is None:
        flag = (await w.read(lambda s: talk.new_messages(s, ip)),)
        inbox.flags.put(ip, version, flag)
    if flag[0] is None:
        return
    if viewing is not None and _is_own_talk(viewing, ip):
        await w.act(personal.clear_new_messages, w.env, actor_of(ctx))
        inbox.epoch.bump()
        return
    ctx.new_messages = flag[0]


def _is_own_talk(title: Title, ip: str) -> bool:
    if title.ns != titles.NS_USER_TALK or not threads.is_ip(title.text):
        return False
    return talk.canonical_ip(title.text) == talk.canonical_ip(ip)


# --- the page view: anchors and Reply links ---------------------------------------------------


def comment_url(title: Title, comment_id: str) -> str:
    """The URL of a comment: the page, scrolled to it."""
    return page_url(title) + "#" + quote(comment_id, safe=FRAGMENT_SAFE)


def reply_url(title: Title, comment_id: str) -> str:
    return page_url(f"Special:Reply/{title.key}", comment=comment_id)


def decorate(html: str, text: str, title: Title, gettext: Callable[[str], str]) -> str:
    """A talk page's rendered HTML with each comment's timestamp made its anchor (a permalink,
    as DiscussionTools does) and followed by a Reply link."""
    thread = threads.parse(text)
    if not thread.comments:
        return html
    label = escape(gettext("reply"))

    def tools(comment: threads.Comment) -> str:
        cid = escape(comment.id)
        fragment = escape(quote(comment.id, safe=FRAGMENT_SAFE))
        href = escape(reply_url(title, comment.id))
        return (
            f'<a class="talk-stamp" id="{cid}" href="#{fragment}">{escape(comment.stamp)}</a>'
            f'<span class="talk-tools"> <a class="talk-reply" href="{href}" '
            f'data-comment="{cid}">{label}</a></span>'
        )

    return f'<div class="talk-thread">{threads.annotate_html(html, thread, tools)}</div>'


# --- posting: the forms and the API share these ------------------------------------------------


async def post_topic(
    request: Request, title: Title, subject: str, text: str, ack: frozenset[int] = frozenset()
) -> talk.Posted:
    """Start a topic on ``title`` as this request's visitor."""
    w = wiki_of(request)
    actor = request_actor(request)
    return await w.act(talk_actions.add_topic, w.env, actor, title, subject, text, acknowledged=ack)


async def post_reply(
    request: Request, title: Title, comment_id: str, text: str, ack: frozenset[int] = frozenset()
) -> talk.Posted:
    """Reply to comment ``comment_id`` of ``title`` as this request's visitor."""
    w = wiki_of(request)
    actor = request_actor(request)
    return await w.act(talk_actions.reply, w.env, actor, title, comment_id, text, acknowledged=ack)


def _acknowledged(form: FormData, exc: Exception | None = None) -> str:
    """The abuse-rule warnings seen so far, for the form's hidden field: the ones the form
    carried, plus those just raised (saving again goes ahead)."""
    seen = set(abuse.parse_acknowledged(str(form.get("wpAbuseAck", ""))))
    if isinstance(exc, AbuseWarned):
        seen |= set(exc.warnings)
    return ",".join(str(i) for i in sorted(seen))


# --- Special:Reply and the new-topic form -----------------------------------------------------


def _target(sub: str) -> Title:
    if not sub.strip():
        raise BadInput(N_("Say which page: Special:Reply/Talk:Page_name."))
    title = titles.parse(sub)
    if title.is_special:
        raise BadInput(N_("Special pages cannot be edited."))
    return title


async def _replying_to(request: Request, title: Title, comment_id: str) -> talk.Found | None:
    try:
        return await wiki_of(request).read(lambda s: talk.find_comment(s, title, comment_id))
    except NotFound:
        return None


@special("Reply", "Balas", listed=False, group="pagetools", writes=True)
async def reply_page(request: Request, sub: str) -> Response:
    """The reply form (GET), and its submission (POST)."""
    ctx: Ctx = request.state.ctx
    title = _target(sub)
    form: FormData | None = getattr(request.state, "form", None)
    comment_id = str((form or request.query_params).get("comment", "")).strip()
    if not comment_id:
        raise BadInput(N_("Say which comment to reply to (?comment=...)."))
    text = str(form.get("wpReply", "")) if form is not None else ""
    error, status, retry, ack = None, 200, None, ""
    if form is not None:
        ack = _acknowledged(form)
        try:
            posted = await post_reply(
                request, title, comment_id, text, abuse.parse_acknowledged(ack)
            )
        except (BadInput, EditConflict, NotFound, PermissionDenied, RateLimited) as exc:
            error, status = exc.translated(ctx.gettext), exc.status
            retry = exc.retry_after if isinstance(exc, RateLimited) else None
            ack = _acknowledged(form, exc)
        else:
            url = comment_url(title, posted.comment.id)
            return RedirectResponse(url, status_code=303)
    found = await _replying_to(request, title, comment_id)
    if found is None and form is None:
        raise NotFound(
            N_("There is no comment {id} on {title}: it may have been changed or removed."),
            id=comment_id,
            title=title.full,
        )
    response = forms.form_page(
        request,
        "special_reply.html",
        status,
        title=title,
        target=title,
        comment_id=comment_id,
        found=found,
        excerpt=threads.excerpt(found.thread, found.comment, 400) if found else "",
        text=text,
        error=error,
        abuse_ack=ack,
    )
    if retry is not None:
        response.headers["Retry-After"] = str(retry)
    return response


async def new_topic_form(request: Request, title: Title) -> Response:
    """GET ``?action=edit&section=new``: the "Add topic" form."""
    return forms.form_page(
        request, "special_newtopic.html", title=title, target=title, subject="", text="", error=None
    )


@special("NewTopic", "TopikBaru", listed=False, group="pagetools", writes=True)
async def new_topic_page(request: Request, sub: str) -> Response:
    """The "Add topic" form (also at ``?action=edit&section=new``) and its submission."""
    ctx: Ctx = request.state.ctx
    title = _target(sub)
    form: FormData | None = getattr(request.state, "form", None)
    if form is None:
        return await new_topic_form(request, title)
    subject = str(form.get("wpSummary", ""))
    text = str(form.get("wpTextbox1", ""))
    try:
        ack = abuse.parse_acknowledged(_acknowledged(form))
        posted = await post_topic(request, title, subject, text, ack)
    except (BadInput, EditConflict, PermissionDenied, RateLimited) as exc:
        response = forms.form_page(
            request,
            "special_newtopic.html",
            exc.status,
            title=title,
            target=title,
            subject=subject,
            text=text,
            error=exc.translated(ctx.gettext),
            abuse_ack=_acknowledged(form, exc),
        )
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    return RedirectResponse(comment_url(title, posted.comment.id), status_code=303)


# --- Special:Notifications --------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A notification as the inbox shows it."""

    note: notifications.NotificationView
    url: str


def _items(views: list[notifications.NotificationView]) -> list[Item]:
    items = []
    for note in views:
        url = comment_url(note.title, note.anchor) if note.anchor else page_url(note.title)
        if note.kind == "watch" and note.revision_id:
            url = page_url(note.title, diff=note.revision_id)
        items.append(Item(note, url))
    return items


def _require_login(ctx: Ctx) -> int:
    if ctx.user_id is None:
        raise PermissionDenied(N_("Log in to see your notifications."))
    return ctx.user_id


@special("Notifications", "Notifikasi", group="users", writes=True)
async def notifications_page(request: Request, sub: str) -> Response:
    """The inbox, newest first; POST marks one (``mark=<id>``) or all (``mark=all``) read."""
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    user_id = _require_login(ctx)
    form: FormData | None = getattr(request.state, "form", None)
    unread_only = request.query_params.get("show") == "unread"
    if form is not None:
        mark = str(form.get("mark", ""))
        ids = None if mark == "all" else [int(mark)] if mark.isdigit() and len(mark) < 10 else []
        await w.act(personal.mark_read, w.env, actor_of(ctx), ids)
        inbox_changed(request)
        ctx.unread_notifications = None
        target = page_url("Special:Notifications", show="unread") if unread_only else None
        return RedirectResponse(target or page_url("Special:Notifications"), status_code=303)
    views = await w.read(
        lambda s: notifications.inbox(
            s, user_id, unread_only=unread_only, limit=NOTIFICATIONS_LIMIT
        )
    )
    return forms.form_page(
        request, "special_notifications.html", items=_items(views), unread_only=unread_only
    )


# --- REST: /w/rest.php/v1/page/{title}/topics..., /v1/notifications --------------------------

_TOPICS_PATH = re.compile(rb"^(?P<title>.+?)/topics(?:/(?P<id>[^/]+)/replies)?/?$")


def _talk_path(request: Request) -> tuple[Title, str | None]:
    """The page and comment id of a topics URL, read from the raw path so that a ``%2F`` in the
    title stays part of it (as ``wiki.web.api`` does)."""
    raw = request.scope.get("raw_path")
    marker = b"/v1/page/"
    if isinstance(raw, bytes) and marker in raw:
        match = _TOPICS_PATH.match(raw.split(marker, 1)[1].split(b"?", 1)[0])
        if match is not None:
            title = titles.parse(unquote_to_bytes(match["title"]).decode("utf-8", "replace"))
            cid = match["id"]
            return title, unquote_to_bytes(cid).decode("utf-8", "replace") if cid else None
    params = request.path_params
    return titles.parse(params["title"]), params.get("id")


def _comment_json(comment: threads.Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "author": {"name": comment.author, "anonymous": comment.anonymous},
        "timestamp": rest.ts(comment.timestamp),
        "depth": comment.depth,
        "parent": comment.parent,
    }


def _posted_json(title: Title, posted: talk.Posted) -> dict[str, Any]:
    page, rev = posted.result.page, posted.result.revision
    canonical = Title(page.namespace, page.title)
    return {
        "page": {"id": page.id, "key": canonical.key, "title": canonical.full},
        "revision": {"id": rev.id, "timestamp": rest.ts(rev.timestamp)},
        "topic": {"id": posted.topic.id, "subject": posted.topic.heading},
        "comment": _comment_json(posted.comment),
        "url": comment_url(title, posted.comment.id),
    }


async def api_topics(request: Request) -> Response:
    """GET: the page's topics and comments. POST {subject, comment}: start a topic."""
    title, _ = _talk_path(request)
    w = wiki_of(request)
    if request.method == "POST":
        body = await rest.read_json(request)
        subject = rest.string_field(body, "subject", required=True)
        text = rest.string_field(body, "comment", required=True)
        rest.check_token(request, body)
        posted = await post_topic(request, title, subject, text, rest.acknowledged(body))
        return JSONResponse(_posted_json(title, posted), status_code=201)

    def load(session: Session) -> tuple[int, threads.Thread]:
        page = revisions.get_page(session, title)
        if page is None or page.latest_id is None:
            raise NotFound(N_("The page {title} does not exist."), title=title.full)
        return page.latest_id, threads.parse(revisions.latest_revision(session, page).text)

    latest, thread = await w.read(load)
    by_id = {c.id: c for c in thread.comments}
    topics = [
        {
            "id": t.id,
            "subject": t.heading,
            "level": t.level,
            "comments": [_comment_json(by_id[cid]) for cid in t.comments],
        }
        for t in thread.topics
        if t.line >= 0 or t.comments
    ]
    return JSONResponse({"latest": {"id": latest}, "topics": topics})


async def api_replies(request: Request) -> Response:
    """POST {comment}: reply to comment {id}."""
    title, comment_id = _talk_path(request)
    if not comment_id:
        raise BadInput(N_("Say which comment to reply to (?comment=...)."))
    body = await rest.read_json(request)
    text = rest.string_field(body, "comment", required=True)
    rest.check_token(request, body)
    posted = await post_reply(request, title, comment_id, text, rest.acknowledged(body))
    return JSONResponse(_posted_json(title, posted), status_code=201)


def _api_user(request: Request) -> int:
    ctx: Ctx = request.state.ctx
    if ctx.user_id is None:
        raise LoginRequired(
            N_("Log in to see your notifications: anonymous visitors have no inbox.")
        )
    return ctx.user_id


def _note_json(item: Item) -> dict[str, Any]:
    note = item.note
    return {
        "id": note.id,
        "kind": note.kind,
        "page": {"key": note.title.key, "title": note.title.full},
        "revision": note.revision_id,
        "anchor": note.anchor or None,
        "url": item.url,
        "actor": note.actor,
        "timestamp": rest.ts(note.created_at),
        "read": note.read,
        "extra": note.extra,
    }


async def api_notifications(request: Request) -> Response:
    """GET: the caller's notifications, newest first (``?unread=1``, ``?limit=``)."""
    user_id = _api_user(request)
    q = request.query_params
    unread_only = q.get("unread") in ("1", "true")
    raw_limit = q.get("limit", "")
    limit = int(raw_limit) if raw_limit.isdigit() and len(raw_limit) < 4 else NOTIFICATIONS_LIMIT

    def load(session: Session) -> tuple[list[notifications.NotificationView], int]:
        views = notifications.inbox(session, user_id, unread_only=unread_only, limit=limit)
        return views, notifications.unread_count(session, user_id)

    views, unread = await wiki_of(request).read(load)
    return JSONResponse(
        {"unread": unread, "notifications": [_note_json(i) for i in _items(views)]},
        headers={"Cache-Control": "no-store"},
    )


async def api_mark_read(request: Request) -> Response:
    """POST {ids: [...]} or {all: true}: mark the caller's notifications read."""
    _api_user(request)  # 401 without an account
    body = await rest.read_json(request)
    rest.check_token(request, body)
    raw_ids = body.get("ids")
    if body.get("all") is True:
        ids = None
    elif isinstance(raw_ids, list) and all(
        isinstance(i, int) and not isinstance(i, bool) for i in raw_ids
    ):
        ids = [i for i in raw_ids if 0 < i < 2**31]
    else:
        raise BadInput(N_("The field {field} is missing or not valid."), field="ids")
    w = wiki_of(request)
    marked = await w.act(personal.mark_read, w.env, actor_of(request.state.ctx, REST), ids)
    inbox_changed(request)
    return JSONResponse({"marked": marked})


def api_routes() -> list[BaseRoute]:
    """Routes for the ``/w/rest.php`` mount; before wiki.web.api's, whose ``/v1/page/{title}``
    would take these paths."""
    return [
        Route("/v1/page/{title:path}/topics/{id}/replies", api_replies, methods=["POST"]),
        Route("/v1/page/{title:path}/topics", api_topics, methods=["GET", "POST"]),
        Route("/v1/notifications", api_notifications, methods=["GET"]),
        Route("/v1/notifications/read", api_mark_read, methods=["POST"]),
    ]
