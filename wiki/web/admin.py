"""Patrollers' and admins' tools: ?action=protect, Special:Block, Unblock and BlockList."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from wiki.accounts import blocks, protection
from wiki.actions import admin as admin_actions
from wiki.actions import pages as page_actions
from wiki.pages import revisions
from wiki.pages.rendering import page_url
from wiki.text import expiry
from wiki.text.titles import Title
from wiki.web import forms
from wiki.web.base import actor_of, wiki_of
from wiki.web.special import special
from wiki.web.templating import Ctx


def _admin_page(request: Request, template: str, status: int = 200, **context: object) -> Response:
    return forms.form_page(request, template, status, expiry_choices=expiry.CHOICES, **context)


async def protect_form(request: Request, title: Title) -> Response:
    """GET ?action=protect: the current protection, and a form for those allowed to change it."""
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx

    def load(session: Session) -> tuple[bool, dict[str, protection.ProtectionInfo]]:
        return revisions.get_page(session, title) is not None, protection.current(session, title)

    exists, current = await w.read(load)
    return _admin_page(
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
    form = await forms.posted_form(request)
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


@special("Block", "BlokirPengguna", group="users", writes=True)
async def block(request: Request, sub: str) -> Response:
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    ctx.require("block")
    if request.method != "POST":
        return _admin_page(request, "special_block.html", target=sub)
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


@special("Unblock", "BukaBlokir", group="users", writes=True)
async def unblock(request: Request, sub: str) -> Response:
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    ctx.require("block")
    if request.method != "POST":
        return _admin_page(request, "special_unblock.html", target=sub)
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
    return _admin_page(request, "special_blocklist.html", rows=rows, can_block=ctx.can("block"))
