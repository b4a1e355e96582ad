"""Special:BotPasswords and Special:ApiTokens: credentials for tools, each with its grants.

A new password or token is shown once, in the response to the POST that made it (never in a
URL, never stored in the clear). Only a full login manages them: a session started with a bot
password cannot mint itself wider credentials.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from wiki.accounts import apitokens, botpasswords, grants
from wiki.actions import credentials as actions
from wiki.errors import N_, BadInput, PermissionDenied
from wiki.pages.rendering import page_url
from wiki.web.base import actor_of, ensure_session, finish, int_param, wiki_of
from wiki.web.security import CSRF_FIELD
from wiki.web.special import special
from wiki.web.templating import Ctx


def _owner(ctx: Ctx) -> int:
    if ctx.user_id is None:
        raise PermissionDenied(N_("You need to log in to see this page."))
    if ctx.grants is not None:
        raise PermissionDenied(N_("Log in with your own password to manage credentials."))
    return ctx.user_id


def _granted(form: FormData) -> set[str]:
    return {str(g) for g in form.getlist("grant") if str(g) in grants.GRANTS}


def _page(request: Request, template: str, **context: Any) -> Response:
    ensure_session(request)
    response = wiki_of(request).templates.response(
        request, template, csrf_field=CSRF_FIELD, grant_table=grants.GRANTS, **context
    )
    response.headers["Cache-Control"] = "no-store"
    return finish(request, response)


@special("BotPasswords", "KataSandiBot", group="users", writes=True)
async def bot_passwords(request: Request, sub: str) -> Response:
    """List, create (or reset) and revoke the account's bot passwords."""
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    user_id = _owner(ctx)
    actor = actor_of(ctx)
    created: tuple[str, str] | None = None
    if request.method == "POST":
        form: FormData = request.state.form
        app_id = str(form.get("app_id", "")).strip()
        if form.get("revoke"):
            await w.act(actions.revoke_bot_password, w.env, actor, app_id)
            return RedirectResponse(page_url("Special:BotPasswords"), status_code=303)
        password = await w.act(actions.create_bot_password, w.env, actor, app_id, _granted(form))
        created = (f"{ctx.user_name}{botpasswords.SEPARATOR}{app_id}", password)
    rows = await w.read(lambda s: botpasswords.listing(s, user_id))
    return _page(request, "special_botpasswords.html", rows=rows, created=created)


@special("ApiTokens", "TokenAPI", group="users", writes=True)
async def api_tokens(request: Request, sub: str) -> Response:
    """List, create and revoke the account's personal REST API tokens."""
    w = wiki_of(request)
    ctx: Ctx = request.state.ctx
    user_id = _owner(ctx)
    actor = actor_of(ctx)
    created: str | None = None
    if request.method == "POST":
        form: FormData = request.state.form
        if form.get("revoke"):
            token_id = int_param(form.get("revoke"))
            if token_id is None:
                raise BadInput(N_("There is no such token."))
            await w.act(actions.revoke_api_token, w.env, actor, token_id)
            return RedirectResponse(page_url("Special:ApiTokens"), status_code=303)
        name = str(form.get("name", ""))
        created = await w.act(actions.create_api_token, w.env, actor, name, _granted(form))
    rows = await w.read(lambda s: apitokens.listing(s, user_id))
    return _page(request, "special_apitokens.html", rows=rows, created=created)
