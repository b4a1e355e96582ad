"""Patrol actions on a page: watch/unwatch, mark patrolled, rollback, undo and restore forms,
delete, Special:Undelete and Special:RevisionDelete; and the helpers page views use to show hidden
parts, patrol and rollback links and the watch star.

Thin: each route checks rights, calls one service (``wiki.patrol.watchlist``, ``wiki.patrol.marks``,
``wiki.patrol.reverts``, ``wiki.pages.visibility``, ``wiki.pages.deletion``) in one transaction and
redirects.
``?action=watch`` and the other GETs only show a form: nothing changes without a POST carrying
the session's token. The REST API (``wiki.web.patrol_api``) shares the ``do_*`` functions.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from wiki import i18n
from wiki.accounts import permissions
from wiki.actions import editing, personal
from wiki.actions import pages as page_actions
from wiki.actions import patrol as patrol_actions
from wiki.errors import N_, BadInput, InvalidTitle, NotFound, PermissionDenied
from wiki.models import Page
from wiki.pages import deletion, hiding, revisions, visibility
from wiki.pages.rendering import page_url
from wiki.patrol import marks as patrol
from wiki.patrol import recentchanges, reverts, watchlist
from wiki.text import titles
from wiki.text.titles import Title
from wiki.web import forms
from wiki.web.base import (
    actor_of,
    ensure_session,
    int_param,
    request_actor,
    run_diff,
    wiki_of,
)
from wiki.web.editing import EditState, edit_response
from wiki.web.special import special
from wiki.web.templating import Ctx

# --- shared helpers ----------------------------------------------------------------------------


def can_see_hidden(ctx: Ctx) -> bool:
    return ctx.can("viewsuppressed")


def site_gettext(request: Request) -> Callable[[str], str]:
    """Summaries are stored in the site's language, as MediaWiki writes them."""
    return i18n.translations(wiki_of(request).settings.language).gettext


def require_login(ctx: Ctx) -> int:
    if ctx.user_id is None:
        raise PermissionDenied(N_("You need to log in to use a watchlist."))
    return ctx.user_id


def require_visible_text(ctx: Ctx, vis: int, rev_id: int) -> None:
    """Refuse (403) to show a revision's text that is hidden from this reader."""
    if vis & visibility.TEXT and not can_see_hidden(ctx):
        raise PermissionDenied(
            N_("The text of revision {id} has been hidden by an administrator."), id=rev_id
        )


async def watch_state(request: Request, title: Title) -> watchlist.WatchState | None:
    """Whether the logged-in reader watches ``title`` (None for anonymous readers)."""
    ctx: Ctx = request.state.ctx
    if ctx.user_id is None or title.is_special:
        return None
    uid = ctx.user_id
    return await wiki_of(request).read(lambda s: watchlist.state(s, uid, title))


async def visit(request: Request, title: Title) -> watchlist.WatchState | None:
    """A logged-in reader views ``title``: its watch is seen and its notifications are read
    (one read; a write only when there is something to clear). Returns the watch state."""
    ctx: Ctx = request.state.ctx
    if ctx.user_id is None or title.is_special:
        return None
    uid = ctx.user_id
    w = wiki_of(request)
    # Nothing to read again until a save (page epoch) or a watch change (account epoch).
    version = w.epoch.current() ^ (w.account_version() << 1)
    key = (uid, title.key)
    cached = w.watch_cache.get(key, version)
    if cached is not None:
        return cached

    def load(session: Session) -> tuple[watchlist.WatchState, bool]:
        return watchlist.state(session, uid, title), watchlist.needs_visit(session, uid, title)

    state, stale = await w.read(load)
    if stale:
        await w.act(personal.visit, w.env, actor_of(request.state.ctx), title)
    w.watch_cache.put(key, version, state)
    return state


def redact_history(ctx: Ctx, hist: revisions.HistoryPage) -> revisions.HistoryPage:
    return dataclasses.replace(
        hist, revisions=visibility.redact_all(hist.revisions, can_see_hidden(ctx))
    )


@dataclass(frozen=True)
class DiffTools:
    """What a diff offers its reader besides the diff."""

    hidden_text: bool  # a side's text is hidden from this reader: no diff is shown
    suppressed_shown: bool  # a side's text is hidden, and shown because the reader may
    rc_id: int | None  # the newer revision's recent change, when unpatrolled and patrollable
    can_rollback: bool
    watch: watchlist.WatchState | None


async def diff_tools(request: Request, pair: Any) -> tuple[Any, DiffTools]:
    """Redact a ``pages.DiffPair`` for the reader and work out its patrol and rollback links."""
    ctx: Ctx = request.state.ctx
    allowed = can_see_hidden(ctx)
    sides = [r for r in (pair.old, pair.new) if r is not None]
    hidden = any(r.text_hidden for r in sides)
    changes: dict[str, Any] = {
        "old": visibility.redact(pair.old, allowed) if pair.old else None,
        "new": visibility.redact(pair.new, allowed),
    }
    if hidden and not allowed:
        changes.update(old_text="", new_text="")
    pair = dataclasses.replace(pair, **changes)
    rc_id = None
    if ctx.can("patrol"):
        rc = await wiki_of(request).read(lambda s: recentchanges.for_revision(s, pair.new.id))
        if rc is not None and rc.patrolled == recentchanges.UNPATROLLED:
            rc_id = rc.id
    can_rollback = (
        ctx.can("rollback")
        and pair.new.id == pair.latest_id
        and pair.new.parent_id is not None
        and not pair.new.user_hidden
        and bool(pair.new.user_text)
    )
    tools = DiffTools(
        hidden_text=hidden and not allowed,
        suppressed_shown=hidden and allowed,
        rc_id=rc_id,
        can_rollback=can_rollback,
        watch=await watch_state(request, pair.title),
    )
    return pair, tools


# --- watch and unwatch -------------------------------------------------------------------------


async def watch_form(request: Request, title: Title) -> Response:
    """GET ?action=watch|unwatch: a confirmation form (a GET never changes anything)."""
    ctx: Ctx = request.state.ctx
    require_login(ctx)
    if title.is_special:
        raise BadInput(N_("Special pages cannot be watched."))
    state = await watch_state(request, title)
    action = request.query_params.get("action", "watch")
    return forms.form_page(
        request,
        "page_watch.html",
        title=title,
        action=action,
        state=state,
        expiries=list(watchlist.EXPIRIES),
    )


async def do_watch(request: Request, title: Title, *, watch: bool, expiry: str) -> None:
    w = wiki_of(request)
    if watch:
        expires_at = watchlist.expiry_of(expiry)
        await w.act(
            patrol_actions.watch, w.env, request_actor(request), title, expires_at=expires_at
        )
    else:
        await w.act(patrol_actions.unwatch, w.env, request_actor(request), title)


async def watch_post(request: Request, title: Title) -> Response:
    """POST ?action=watch|unwatch: do it, then back to the page."""
    form = await forms.posted_form(request)
    action = request.query_params.get("action", "watch")
    await do_watch(
        request, title, watch=action == "watch", expiry=str(form.get("expiry", "infinite"))
    )
    return RedirectResponse(page_url(title), status_code=303)


# --- patrol ------------------------------------------------------------------------------------


async def do_patrol(
    request: Request, *, rc_id: int | None = None, revision_id: int | None = None
) -> patrol.PatrolResult:
    w = wiki_of(request)
    actor = request_actor(request)
    return await w.act(
        patrol_actions.mark_patrolled, w.env, actor, rc_id=rc_id, revision_id=revision_id
    )


async def patrol_post(request: Request, title: Title) -> Response:
    """POST ?action=markpatrolled (rcid): mark, then back to the diff."""
    form = await forms.posted_form(request)
    rc_id = int_param(form.get("rcid"))
    if rc_id is None:
        raise BadInput(N_("Say which change to mark as patrolled."))
    result = await do_patrol(request, rc_id=rc_id)
    target = (
        page_url(result.title, diff=result.revision_id, patrolled=1)
        if result.revision_id
        else page_url(result.title)
    )
    return RedirectResponse(target, status_code=303)


# --- rollback ----------------------------------------------------------------------------------


async def do_rollback(request: Request, title: Title, from_user: str) -> reverts.RollbackResult:
    """Roll back ``from_user``'s latest edits to ``title`` (wiki.actions.patrol.rollback)."""
    w = wiki_of(request)
    return await w.act(patrol_actions.rollback, w.env, request_actor(request), title, from_user)


async def rollback_post(request: Request, title: Title) -> Response:
    """POST ?action=rollback with ``from`` (one click from history, diffs, contributions and
    recent changes): roll back, then show the diff of what was undone."""
    form = await forms.posted_form(request)
    done = await do_rollback(request, title, str(form.get("from", "")).strip())
    rev = done.result.revision
    target = page_url(done.title, diff=rev.id, oldid=rev.parent_id or "", rolledback=done.reverted)
    return RedirectResponse(target, status_code=303)


# --- undo and restore --------------------------------------------------------------------------


async def revert_form(request: Request, title: Title) -> Response:
    """GET ?action=edit&undo=N[&undoafter=M], or ?action=edit&oldid=N: the edit form with the
    proposed text, its diff against the current text and a pre-filled summary, to confirm."""
    w = wiki_of(request)
    ctx = ensure_session(request)
    q = request.query_params
    gettext = site_gettext(request)
    allowed = can_see_hidden(ctx)
    undo = int_param(q.get("undo"))
    oldid = int_param(q.get("oldid"))
    if "undo" in q and undo is None:
        raise BadInput(N_("undo must be a revision number."))
    if undo is None and oldid is None:
        raise BadInput(N_("oldid must be a revision number."))
    undoafter = int_param(q.get("undoafter"))
    actor = actor_of(ctx)

    def load(session: Session) -> tuple[reverts.Proposal, str | None, str | None]:
        refusal = permissions.refusal(
            session, actor, "edit", title, anonymous_edits=w.settings.anonymous_edits
        )
        refused = ctx.gettext(refusal.msgid).format(**refusal.params) if refusal else None
        if undo is not None:
            proposal = reverts.plan_undo(
                session,
                title,
                undo,
                undoafter,
                can_view_suppressed=allowed,
                summary_format=gettext(reverts.UNDO_SUMMARY),
                range_format=gettext(reverts.UNDO_RANGE_SUMMARY),
                hidden_user=gettext(reverts.HIDDEN_USER),
            )
        else:
            assert oldid is not None
            proposal = reverts.plan_restore(
                session,
                title,
                oldid,
                can_view_suppressed=allowed,
                summary_format=gettext(reverts.RESTORE_SUMMARY),
                hidden_user=gettext(reverts.HIDDEN_USER),
            )
        return proposal, refused, refusal.kind if refusal else None

    try:
        proposal, refused, refusal_kind = await w.read(load)
    except reverts.UndoConflict as exc:
        # Say so, and change nothing: the form holds the current text.
        state = await _current_state(request, title)
        state.error = exc.translated(ctx.gettext)
        return edit_response(request, title, state, 409)
    state = EditState(
        text=proposal.text,
        summary=proposal.summary,
        base_id=proposal.base_id,
        exists=True,
        changes=await run_diff(request, proposal.current_text, proposal.text),
        refusal=refused,
        refusal_kind=refusal_kind,
        notice=(
            ctx.gettext("Check the changes below, which undo the edit, and save to confirm.")
            if undo is not None
            else ctx.gettext(
                "You are restoring an old revision. Check the changes below and save to confirm."
            )
        ),
    )
    if proposal.undo is not None:
        state.extra["wpUndidRevision"] = str(proposal.undo)
    return edit_response(request, title, state, 200)


async def _current_state(request: Request, title: Title) -> EditState:
    def load(session: Session) -> EditState:
        page = revisions.get_page(session, title)
        if page is None or page.latest_id is None:
            raise NotFound(N_("The page {title} does not exist."), title=title.full)
        rev = revisions.latest_revision(session, page)
        return EditState(text=rev.text, base_id=rev.id, exists=True)

    return await wiki_of(request).read(load)


async def do_undo(
    request: Request,
    title: Title,
    undo: int,
    undoafter: int | None,
    comment: str | None,
    acknowledged: frozenset[int] = frozenset(),
) -> revisions.SaveResult:
    """Undo in one step (the API): merge and save, or UndoConflict and nothing saved."""
    w = wiki_of(request)
    actor = request_actor(request)
    return await w.act(
        editing.undo, w.env, actor, title, undo, undoafter, comment, acknowledged=acknowledged
    )


# --- hiding revisions --------------------------------------------------------------------------


def _ids(values: Sequence[object]) -> list[int]:
    out: list[int] = []
    for raw in values:
        for part in str(raw).replace(",", " ").split():
            n = int_param(part)
            if n is None:
                raise BadInput(N_("{name} must be a revision id."), name="ids")
            out.append(n)
    return sorted(set(out))


async def do_visibility(
    request: Request, rev_ids: list[int], *, hide: int, unhide: int, reason: str
) -> hiding.Change:
    w = wiki_of(request)
    actor = request_actor(request)
    return await w.act(
        patrol_actions.hide_revisions,
        w.env,
        actor,
        rev_ids,
        hide=hide,
        unhide=unhide,
        reason=reason,
    )


@special("RevisionDelete", "HapusRevisi", group="pagetools", writes=True)
async def revision_delete(request: Request, sub: str) -> Response:
    """Hide or show the text, summary or author of chosen revisions (admins)."""
    ctx: Ctx = request.state.ctx
    ctx.require("deleterevision")
    w = wiki_of(request)
    if request.method == "POST":
        form: FormData = request.state.form
        ids = _ids(form.getlist("ids"))
        wanted = sum(bit for name, bit in visibility.PARTS.items() if form.get(f"hide-{name}"))
        change = await do_visibility(
            request,
            ids,
            hide=wanted,
            unhide=visibility.ALL & ~wanted,
            reason=str(form.get("reason", "")),
        )
        return RedirectResponse(page_url(change.title, action="history"), status_code=303)
    ids = _ids(request.query_params.getlist("ids"))

    def load(session: Session) -> tuple[Title, list[revisions.RevisionInfo]]:
        infos = []
        for rid in ids:
            infos.append(revisions.revision_info(session, rid))
        pages = {i.page_id for i in infos}
        if len(pages) != 1:
            raise BadInput(N_("The revisions must all belong to one page."))
        page = session.get(Page, pages.pop())
        assert page is not None
        return revisions.page_title(page), infos

    if not ids:
        raise BadInput(N_("Choose at least one revision."))
    title, infos = await w.read(load)
    common = visibility.ALL
    for info in infos:
        common &= info.visibility
    return forms.form_page(
        request,
        "special_revisiondelete.html",
        title=title,
        revisions=infos,
        common=common,
        parts=visibility.PARTS,
    )


# --- deleting and restoring pages --------------------------------------------------------------


async def delete_form(request: Request, title: Title) -> Response:
    ctx: Ctx = request.state.ctx
    ctx.require("delete")

    def load(session: Session) -> int:
        page = revisions.get_page(session, title)
        if page is None:
            raise NotFound(N_("The page {title} does not exist."), title=title.full)
        return revisions.page_info(session, page).revision_count

    count = await wiki_of(request).read(load)
    return forms.form_page(request, "page_delete.html", title=title, count=count)


async def do_delete(request: Request, title: Title, reason: str) -> deletion.DeleteResult:
    w = wiki_of(request)
    return await w.act(page_actions.delete, w.env, request_actor(request), title, reason)


async def delete_post(request: Request, title: Title) -> Response:
    form = await forms.posted_form(request)
    await do_delete(request, title, str(form.get("reason", "")))
    return RedirectResponse(page_url("Special:Log", type="delete", page=title.key), status_code=303)


@special("Undelete", "BatalHapus", group="pagetools", writes=True)
async def undelete(request: Request, sub: str) -> Response:
    """Deleted pages (admins): the list, one page's deleted revisions, one revision's text, and
    restoring all of them or the ones ticked."""
    ctx: Ctx = request.state.ctx
    ctx.require("undelete")
    w = wiki_of(request)
    raw = sub or request.query_params.get("target", "")
    if not raw:
        prefix = request.query_params.get("prefix", "").strip()
        rows = await w.read(lambda s: deletion.deleted_titles(s, prefix=prefix))
        return forms.form_page(
            request, "special_undelete.html", title=None, deleted=rows, prefix=prefix
        )
    try:
        title = titles.parse(raw)
    except InvalidTitle as exc:
        raise BadInput(N_("That title is not valid: {reason}"), reason=exc.message) from exc
    if request.method == "POST":
        form: FormData = request.state.form
        chosen = _ids(form.getlist("ids"))
        reason = str(form.get("reason", ""))
        actor = request_actor(request)
        await w.act(
            page_actions.undelete, w.env, actor, title, rev_ids=chosen or None, reason=reason
        )
        return RedirectResponse(page_url(title, action="history"), status_code=303)
    rev_id = int_param(request.query_params.get("revision"))
    if rev_id is not None:
        row = await w.read(lambda s: deletion.archived_revision(s, title, rev_id))
        require_visible_text(ctx, row.visibility, row.rev_id)
        return forms.form_page(request, "special_undelete.html", title=title, revision=row)
    rows_ = await w.read(lambda s: deletion.archived(s, title))
    if not rows_:
        raise NotFound(N_("There are no deleted revisions of {title}."), title=title.full)
    return forms.form_page(
        request,
        "special_undelete.html",
        title=title,
        archived=visibility.redact_all(rows_, can_see_hidden(ctx)),
    )
