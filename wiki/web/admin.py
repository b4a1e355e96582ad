"""Patrollers' and admins' tools: ?action=protect, Special:Block, Unblock and BlockList."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from wiki.accounts import blocks, protection
from wiki.actions import admin as admin_actions
from wiki.actions import pages as page_actions
from wiki.errors import N_, PermissionDenied
from wiki.pages import revisions
from wiki.pages.rendering import page_url
from wiki.text import expiry
from wiki.text.titles import Title
from wiki.web.base import actor_of, ensure_session, finish, wiki_of
from wiki.web.editing import read_form
from wiki.web.security import CSRF_FIELD
from wiki.web.special import special
from wiki.web.templating import Ctx


def _page(request: Request, template: str, status: int = 200, **context: object) -> Response:
    ensure_session(request)
    response = wiki_of(request).templates.response(
        request,
        template,
        status_code=status,
        csrf_field=CSRF_FIELD,
        expiry_choices=expiry.CHOICES,
        **context,
    )
    response.headers["Cache-Control"] = "no-store"
    return finish(request, response)


async def protect_form(request: Request, title: Title) -> Response:
    """GET ?action=protect: the current protection, and a form for those allowed to change it."""
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx

    def load(session: Session) -> tuple[bool, dict[str, protection.ProtectionInfo]]:
        return revisions.get_page(session, title) is not None, protection.current(session, title)

    exists, current = await w.read(load)
    return _page(
        request,
        "page_protect.html",
        title=title,
        exists=exists,
        current=current,
        can_protect=ctx.can("protect"),
        levels=tuple(protection.LEVELS),
    )


async def protect_post(request: Request, title: Title) -> Response:
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    form = await read_form(request)
    _check_token(request, form)
    levels = {a: str(form.get(f"level-{a}", "")) for a in protection.ACTIONS}
    await w.act(
        page_actions.protect,
        w.env,
        actor_of(ctx),
        title,
        levels,
        expires_at=expiry.parse(str(form.get("expiry", "infinite"))),
        reason=str(form.get("reason", "")),
    )
    return RedirectResponse(page_url(title, action="protect"), status_code=303)


def _check_token(request: Request, form: FormData) -> None:
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    if not w.sessions.check_csrf(ctx.session_id, str(form.get(CSRF_FIELD, ""))):
        raise PermissionDenied(
            N_(
                "Your session expired or the form was sent from elsewhere, so nothing was "
                "done. Go back, reload the page and try again."
            )
        )


@special("Block", "BlokirPengguna", group="users")
async def block(request: Request, sub: str) -> Response:
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    ctx.require("block")
    if request.method != "POST":
        return _page(request, "special_block.html", target=sub)
    form: FormData = request.state.form
    target = str(form.get("target", "")).strip()
    info = await w.act(
        admin_actions.block,
        w.env,
        actor_of(ctx),
        target,
        expires_at=expiry.parse(str(form.get("expiry", "infinite"))),
        reason=str(form.get("reason", "")),
        allow_usertalk=bool(form.get("allow_usertalk")),
        block_createaccount=bool(form.get("block_createaccount")),
    )
    return RedirectResponse(page_url("Special:BlockList", target=info.target), status_code=303)


@special("Unblock", "BukaBlokir", group="users")
async def unblock(request: Request, sub: str) -> Response:
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    ctx.require("block")
    if request.method != "POST":
        return _page(request, "special_unblock.html", target=sub)
    form: FormData = request.state.form
    target = str(form.get("target", "")).strip()
    reason = str(form.get("reason", ""))
    await w.act(admin_actions.unblock, w.env, actor_of(ctx), target, reason=reason)
    return RedirectResponse(page_url("Special:BlockList"), status_code=303)


@special("BlockList", "DaftarBlokir", group="users")
async def block_list(request: Request, sub: str) -> Response:
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    rows = await w.read(blocks.active)
    return _page(request, "special_blocklist.html", rows=rows, can_block=ctx.can("block"))
