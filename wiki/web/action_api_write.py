"""Action API writes: each module checks the token and calls one action of ``wiki.actions``,
the same path as the web forms and the REST API (permissions, rate limits, abuse rules, the
change, recent changes, watchers, notifications, caches).

``action=edit`` follows the web's merge: with ``baserevid`` (or ``basetimestamp``) a stale
edit is merged three-way, and overlapping changes answer ``editconflict`` with nothing saved.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.actions import admin as admin_actions
from wiki.actions import editing, pages, patrol
from wiki.actions import talk as talk_actions
from wiki.actions.context import API
from wiki.errors import InvalidTitle
from wiki.models import Page, Revision
from wiki.pages import revisions
from wiki.text import expiry, titles
from wiki.text.titles import Title
from wiki.web.action_api_core import Api, ApiError, action, parse_ts, ts
from wiki.web.base import MAX_ID, actor_of, wiki_of

#: MediaWiki's protection levels, as ours are named.
PROTECTION_LEVELS = {
    "all": "",
    "autoconfirmed": "autoconfirmed",
    "sysop": "admin",
    "admin": "admin",
}


def _title(api: Api, name: str = "title") -> Title:
    raw = api.get(name)
    if not raw:
        raise ApiError("missingparam", f'The "{name}" parameter must be set.')
    try:
        return titles.parse(raw)
    except InvalidTitle as exc:
        raise ApiError("invalidtitle", f'Bad title "{raw[:255]}": {exc.message}') from None


async def _page_title(api: Api) -> Title:
    """``title`` or ``pageid``."""
    if not api.get("pageid"):
        return _title(api)
    pid = api.integer("pageid", low=1, high=MAX_ID)

    def load(session: Session) -> Title | None:
        page = session.get(Page, pid)
        return revisions.page_title(page) if page else None

    found = await wiki_of(api.request).read(load)
    if found is None:
        raise ApiError("nosuchpageid", f"There is no page with ID {pid}.")
    return found


def _actor(api: Api) -> Any:
    return actor_of(api.ctx, API)


def _needs_grant(api: Api, right: str) -> None:
    if not api.ctx.can(right):
        raise ApiError("permissiondenied", f'You don\'t have permission to do this ("{right}").')


@action("edit", post=True)
async def edit(api: Api) -> dict[str, Any]:
    api.require_token()
    model = api.get("contentmodel", "markdown")
    if model != "markdown":
        raise ApiError(
            "badformat",
            f'This wiki stores Markdown; the content model "{model[:40]}" is not supported.',
        )
    title = await _page_title(api)
    w = wiki_of(api.request)
    actor = _actor(api)
    summary = api.get("summary")
    # Abuse-rule warnings the client has seen and saves anyway (our extension: MediaWiki
    # remembers them in the session; the "abusefilter-warning" error names the rule ids).
    ack = frozenset(int(i) for i in api.multi("abuseacknowledged") if i.isdigit() and len(i) < 10)
    undo = api.integer("undo", low=1, high=MAX_ID)
    if undo is not None:
        after = api.integer("undoafter", low=1, high=MAX_ID)
        result = await w.act(
            editing.undo, w.env, actor, title, undo, after, summary or None, acknowledged=ack
        )
        return _edit_result(title, result)
    section_raw = api.get("section")
    if section_raw == "new":
        subject = api.get("sectiontitle") or summary
        if not subject:
            raise ApiError("missingparam", 'A new section needs "sectiontitle" or "summary".')
        posted = await w.act(
            talk_actions.add_topic, w.env, actor, title, subject, api.get("text"), acknowledged=ack
        )
        return _edit_result(title, posted.result)
    section = api.integer("section", low=0, high=10_000) if section_raw else None

    def facts(session: Session) -> tuple[Page | None, str, int | None]:
        page = revisions.get_page(session, title)
        current = revisions.latest_revision(session, page).text if page else ""
        base = _base_revision(api, session, page)
        return page, current, base

    page, current, base_id = await w.read(facts)
    if page is None and api.has("nocreate"):
        raise ApiError("missingtitle", "The page you specified doesn't exist.")
    if page is not None and api.has("createonly"):
        raise ApiError("articleexists", "The article you tried to create has been created already.")
    if api.has("text"):
        text = api.get("text")
    elif api.has("appendtext") or api.has("prependtext"):
        if section is not None:
            raise ApiError("badparams", "appendtext with section is not supported here.")
        text = api.get("prependtext") + current + api.get("appendtext")
        base_id = page.latest_id if page else None
    else:
        raise ApiError(
            "missingparam",
            'One of the parameters "text", "appendtext", "prependtext" and "undo" is required.',
        )
    change = editing.Edit(
        title=title,
        text=text,
        summary=summary,
        minor=api.has("minor") and not api.has("notminor") and page is not None,
        base_id=base_id if page is not None else None,
        section=section,
        create_only=page is None,
        merge=True,
        acknowledged=ack,
    )
    result = await w.act(editing.save, w.env, actor, change)
    return _edit_result(title, result)


def _base_revision(api: Api, session: Session, page: Page | None) -> int | None:
    """The revision the client started from: ``baserevid``, or the page's revision current at
    ``basetimestamp``; without either, the latest (MediaWiki then checks nothing either)."""
    if page is None:
        return None
    if api.get("baserevid"):
        rev_id = api.integer("baserevid", low=1, high=MAX_ID)
        rev = session.get(Revision, rev_id)
        if rev is None or rev.page_id != page.id:
            raise ApiError("nosuchrevid", f"There is no revision with ID {rev_id} on this page.")
        return rev_id
    if api.get("basetimestamp"):
        # Timestamps have whole seconds: of the revisions saved in that second, the first is
        # the base (a later one as base could hide a conflict; an earlier one only merges).
        when = parse_ts(api.get("basetimestamp"), "basetimestamp").replace(microsecond=0)
        in_second = session.scalar(
            select(Revision.id)
            .where(
                Revision.page_id == page.id,
                Revision.timestamp >= when,
                Revision.timestamp < when + timedelta(seconds=1),
            )
            .order_by(Revision.id.asc())
            .limit(1)
        )
        before = session.scalar(
            select(Revision.id)
            .where(Revision.page_id == page.id, Revision.timestamp < when)
            .order_by(Revision.id.desc())
            .limit(1)
        )
        found = in_second if in_second is not None else before
        if found is not None:
            return int(found)
    return page.latest_id


def _edit_result(title: Title, result: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "result": "Success",
        "pageid": result.page.id,
        "title": title.full,
        "contentmodel": "markdown",
    }
    if result.noop:
        out["nochange"] = True
    else:
        out.update(
            oldrevid=result.revision.parent_id or 0,
            newrevid=result.revision.id,
            newtimestamp=ts(result.revision.timestamp),
        )
    if result.created:
        out["new"] = True
    if result.merged:
        out["merged"] = True
    return {"edit": out}


@action("rollback", post=True)
async def rollback(api: Api) -> dict[str, Any]:
    api.require_token()
    title = await _page_title(api)
    user = api.get("user")
    if not user:
        raise ApiError("missingparam", 'The "user" parameter must be set.')
    w = wiki_of(api.request)
    done = await w.act(patrol.rollback, w.env, _actor(api), title, user.replace("_", " "))
    return {
        "rollback": {
            "title": title.full,
            "pageid": done.result.page.id,
            "summary": done.result.revision.summary,
            "revid": done.result.revision.id,
            "old_revid": done.result.revision.parent_id or 0,
            "last_revid": done.to_revision,
        }
    }


@action("patrol", post=True)
async def mark_patrolled(api: Api) -> dict[str, Any]:
    api.require_token()
    rcid = api.integer("rcid", low=1, high=MAX_ID)
    revid = api.integer("revid", low=1, high=MAX_ID)
    if (rcid is None) == (revid is None):
        raise ApiError("invalidparammix", 'Exactly one of "rcid" and "revid" must be set.')
    w = wiki_of(api.request)
    done = await w.act(patrol.mark_patrolled, w.env, _actor(api), rc_id=rcid, revision_id=revid)
    return {"patrol": {"rcid": done.rc_id, "ns": done.title.ns, "title": done.title.full}}


@action("watch", post=True)
async def watch(api: Api) -> dict[str, Any]:
    api.require_token()
    if api.ctx.user_id is None:
        raise ApiError("notloggedin", "Please log in to edit your watchlist.")
    if api.ctx.grants is not None and "editmywatchlist" not in api.ctx.grants:
        raise ApiError("permissiondenied", "This credential may not edit the watchlist.")
    w = wiki_of(api.request)
    out = []
    for raw in api.multi("titles") or [api.get("title")]:
        try:
            title = titles.parse(raw)
        except InvalidTitle as exc:
            raise ApiError("invalidtitle", exc.message) from None
        if api.has("unwatch"):
            await w.act(patrol.unwatch, w.env, _actor(api), title)
            out.append({"ns": title.ns, "title": title.full, "unwatched": True})
        else:
            until = expiry.parse(api.get("expiry", "infinite"))
            await w.act(patrol.watch, w.env, _actor(api), title, expires_at=until)
            out.append({"ns": title.ns, "title": title.full, "watched": True})
    return {"watch": out}


@action("move", post=True)
async def move(api: Api) -> dict[str, Any]:
    api.require_token()
    old = _title(api, "from") if api.get("from") else await _page_title(api)
    new = _title(api, "to")
    w = wiki_of(api.request)
    done = await w.act(
        pages.move,
        w.env,
        _actor(api),
        old,
        new,
        reason=api.get("reason"),
        leave_redirect=not api.has("noredirect"),
        move_talk=api.has("movetalk"),
    )
    out: dict[str, Any] = {"from": done.old.full, "to": done.new.full, "reason": api.get("reason")}
    if done.redirect_left:
        out["redirectcreated"] = True
    if done.talk is not None:
        out.update(talkfrom=done.talk.old.full, talkto=done.talk.new.full)
    return {"move": out}


@action("delete", post=True)
async def delete(api: Api) -> dict[str, Any]:
    api.require_token()
    title = await _page_title(api)
    w = wiki_of(api.request)
    done = await w.act(pages.delete, w.env, _actor(api), title, api.get("reason"))
    return {"delete": {"title": done.title.full, "reason": api.get("reason"), "logid": 0}}


@action("undelete", post=True)
async def undelete(api: Api) -> dict[str, Any]:
    api.require_token()
    title = _title(api)
    ids = [int(i) for i in api.multi("undeleterevisions") if i.isdigit() and 0 < int(i) <= MAX_ID]
    w = wiki_of(api.request)
    done = await w.act(
        pages.undelete, w.env, _actor(api), title, rev_ids=ids or None, reason=api.get("reason")
    )
    return {
        "undelete": {"title": title.full, "revisions": done.restored, "reason": api.get("reason")}
    }


@action("protect", post=True)
async def protect(api: Api) -> dict[str, Any]:
    api.require_token()
    title = await _page_title(api)
    levels: dict[str, str] = {}
    for pair in api.multi("protections"):
        kind, _, level = pair.partition("=")
        if kind not in ("edit", "move", "create") or level not in PROTECTION_LEVELS:
            raise ApiError("protect-invalidaction", f'Invalid protection "{pair[:40]}".')
        levels[kind] = PROTECTION_LEVELS[level]
    until = expiry.parse(api.multi("expiry", "infinite")[0] if api.multi("expiry") else "infinite")
    w = wiki_of(api.request)
    await w.act(
        pages.protect, w.env, _actor(api), title, levels, expires_at=until, reason=api.get("reason")
    )
    shown = [
        {k: v or "all", "expiry": ts(until) if until else "infinite"} for k, v in levels.items()
    ]
    return {"protect": {"title": title.full, "reason": api.get("reason"), "protections": shown}}


@action("block", post=True)
async def block(api: Api) -> dict[str, Any]:
    api.require_token()
    target = api.get("user")
    if not target:
        raise ApiError("missingparam", 'The "user" parameter must be set.')
    until = expiry.parse(api.get("expiry", "infinite"))
    w = wiki_of(api.request)
    info = await w.act(
        admin_actions.block,
        w.env,
        _actor(api),
        target.replace("_", " "),
        expires_at=until,
        reason=api.get("reason"),
        allow_usertalk=api.has("allowusertalk"),
        block_createaccount=api.has("nocreate"),
    )
    return {
        "block": {
            "user": info.target,
            "id": info.id,
            "reason": info.reason,
            "expiry": ts(info.expires_at) if info.expires_at else "infinite",
        }
    }


@action("unblock", post=True)
async def unblock(api: Api) -> dict[str, Any]:
    api.require_token()
    target = api.get("user")
    if not target:
        raise ApiError("missingparam", 'The "user" parameter must be set.')
    w = wiki_of(api.request)
    await w.act(
        admin_actions.unblock,
        w.env,
        _actor(api),
        target.replace("_", " "),
        reason=api.get("reason"),
    )
    return {"unblock": {"user": target.replace("_", " "), "reason": api.get("reason")}}
